"""Scale benchmark of the generator and the site build (``make bench``; not part of ``make test``).

For each size N it synthesises a project of N terms (``benchmarks/synth.py``) in a
temporary directory and measures, as the median of ``--runs`` runs:

* the floor: the bare libyaml parse (``yaml.load`` with ``CSafeLoader``) of every data file;
* the generator's stages (load+validate, link, render, write), each run into an empty content/, with
  the default number of jobs (one per core), as ``python -m generator generate`` and ``build`` run them;
* the whole build as users run it: ``python -m generator build`` from a clean tree (no generated
  pages, no site: the previous run's are set aside, see :func:`set_aside`), post-build steps included,
  timed from outside as wall time; its own per-stage
  timings must name every pipeline stage and every post-build step, or the benchmark fails; then
  the same command again with nothing changed (the unchanged rebuild);
* a "bare engine" build: the same pages as plain Markdown (title, summary, definition text; no
  links, no backlinks, related, sources or index pages) with a minimal mkdocs.yml, built by MkDocs and
  Material with Material's search (:func:`bare_engine_build`), timed in process; and, for comparison only, the
  same tree built as the bare engine's users build it, ``python -m mkdocs build`` timed from outside as the
  whole build is (:func:`run_mkdocs_command`);
* peak memory (max RSS) of the whole build, of the generator alone and of the bare build, each
  run in a child process whose resource usage is read with ``os.wait4``;
* bytes per term page and the size of the search index;
* the preview as ``generator serve`` runs it (at the size nearest 5,000): a first full build, then one
  term's definition, then its summary, edited: pages rendered and rewritten, the time until they are
  built, and the consistency rules' check that follows;
* search at scale (largest size): headless Chromium types an alias into the search box and
  times page load -> first result, then a title two edits off (a letter dropped, one changed)
  and checks the term comes first.

It prints a table and the targets with PASS/FAIL, and writes JSON to
``benchmarks/out/results-<date>.json`` and ``benchmarks/results.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.server
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

MIB = 1024 * 1024
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
BARE_MKDOCS = """site_name: Bare engine
docs_dir: content
site_dir: site
use_directory_urls: true
theme:
  name: material
  font: false
plugins:
  - search
nav:
  - Home: index.md
not_in_nav: |
  /terms/
  /frameworks/
  /chapters/
"""
EDIT_MARK = "Edited for the rebuild benchmark"


# --- workers: each heavy step runs in a child process, so its peak memory is its own --------


SET_ASIDE = ".set-aside"
"""The folder, in the benchmark's working folder, where what a run built is moved; it is deleted at the end."""


def set_aside(path: Path, work: Path) -> None:
    """Move ``path`` (a file or a folder, when it exists) into ``work``'s :data:`SET_ASIDE` folder instead of deleting it.

    Deleting a run's output just before the next run bills that run for the deletion. On an ext4 file system without
    a journal (this machine's), the kernel avoids reusing an inode freed in the last minute or more: each new file
    scans past the recently freed ones of its block group (``recently_deleted`` in ``fs/ext4/ialloc.c``), so after
    thousands of files were deleted, creating each new one costs time in proportion to them. What a run builds is
    therefore moved aside (a rename frees nothing) and deleted with the working folder, after the last measurement."""
    if path.exists() or path.is_symlink():
        target = _new_aside_folder(work) / path.name
        target.parent.mkdir(parents=True)
        os.rename(path, target)


def _new_aside_folder(work: Path) -> Path:
    """A folder of its own in ``work``'s :data:`SET_ASIDE` folder, for one setting aside (not created here)."""
    return work / SET_ASIDE / f"{time.monotonic_ns()}-{os.getpid()}"


def _clean_generated(root: Path) -> None:
    """Set aside every page the generator wrote (:func:`set_aside`, beside ``root``), so the next generate starts
    from an empty content/."""
    from generator.project import MANIFEST
    from generator.stages.write import read_manifest

    content = root / "content"
    aside = _new_aside_folder(root.parent)
    for rel in read_manifest(content):
        if (content / rel).is_file():
            (aside / rel).parent.mkdir(parents=True, exist_ok=True)
            os.rename(content / rel, aside / rel)
    (content / MANIFEST).unlink(missing_ok=True)
    for folder in sorted((p for p in content.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        if not any(folder.iterdir()):
            folder.rmdir()


def _worker(mode: str, root: Path, site: Path | None, extra: str | None) -> dict[str, Any]:
    from generator.build.pipeline import Timings, generate

    os.environ.setdefault("SOURCE_DATE_EPOCH", "0")
    out: dict[str, Any] = {}
    if mode == "generate":
        _clean_generated(root)
        os.sync()  # the deletions' disk work is not billed to the run that follows
        timings = Timings()
        started = time.perf_counter()
        result = generate(root, timings, jobs=os.cpu_count() or 1)
        out["generate_s"] = time.perf_counter() - started
        out["stages"] = dict(timings.stages)
        out["written"] = len(result.stats.written)
        out["write_floor_s"] = write_floor(root, [(page.path, page.text) for page in result.pages])
    if mode == "bare":
        assert site is not None
        set_aside(site, site.parent)
        os.sync()
        started = time.perf_counter()
        bare_engine_build(root, site)
        out["mkdocs_s"] = time.perf_counter() - started
    if mode == "preview":  # what `generator serve` runs: a first full build, then one build per edit
        from generator.build.preview import Preview
        from generator.project import Project

        assert site is not None
        set_aside(site, site.parent)
        preview = Preview(Project.at(root), site, "http://127.0.0.1:8000/")
        started = time.perf_counter()
        preview.build()
        out["first_build_s"] = time.perf_counter() - started
        for field in ("definition", "summary"):
            _edit_term(root, field)
            try:
                result = preview.build()
                assert result.update is not None, result.findings
                started = time.perf_counter()
                findings = preview.check()
                out[field] = {"total_s": result.seconds, "generate_s": result.update.seconds,
                              "mkdocs_s": result.seconds - result.update.seconds, "check_s": time.perf_counter() - started,
                              "findings": len(findings), "written": len(result.update.written),
                              "written_pages": result.update.written[:20], "rendered": result.update.rendered,
                              "incremental": not result.update.full and not result.full}
            finally:
                _edit_term(root, field, undo=True)
            preview.build()  # back to the state before the edit
    return out


def bare_engine_build(root: Path, site: Path) -> None:
    """Build ``root``'s mkdocs.yml into ``site`` as MkDocs and Material do, search index included, given only the
    glossary's shared navigation (``generator/build/shared_nav.py``): it makes the bare engine faster, never slower,
    as it has since the fourth round. Not through the glossary's own MkDocs driver: that one leaves Material's
    search index out (the glossary publishes its own), which a bare engine's site needs for its search."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator.build.shared_nav import SharedNav

    config = load_config(str(root / "mkdocs.yml"), site_dir=str(site), strict=True)
    config.plugins["glossary-shared-nav"] = SharedNav()
    build(config)


def write_floor(root: Path, pages: list[tuple[str, str]]) -> float:
    """Seconds a plain loop takes to write the same pages (paths and text) into a new folder beside ``content/``,
    with nothing else: what creating that many files costs on this disk, the floor of the write stage."""
    floor = root / f".write-floor-{os.getpid()}"
    try:
        os.sync()
        started = time.perf_counter()
        for path, text in pages:
            file = floor / path
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_bytes(text.encode("utf-8"))
        return time.perf_counter() - started
    finally:
        set_aside(floor, root.parent)


def _edit_file(root: Path) -> Path:
    """The term file the rebuild edits: the first one that other terms mention."""
    files = sorted((root / "data" / "terms").glob("*.yaml"))
    return files[len(files) // 2]


def _edit_term(root: Path, field: str, undo: bool = False) -> None:
    file = _edit_file(root)
    text = file.read_text(encoding="utf-8")
    backup = file.with_name(f".{file.name}.orig")
    if undo:
        os.replace(backup, file)
        return
    backup.write_text(text, encoding="utf-8")
    if field == "definition":
        text = text.replace("\ncategory:", f"\n\n  {EDIT_MARK}, one more sentence.\ncategory:", 1)
    else:
        text = re.sub(r'^summary: "', f'summary: "{EDIT_MARK}. ', text, count=1, flags=re.M)
    file.write_text(text, encoding="utf-8")


class TimedOut(Exception):
    """A worker ran past its time limit and was stopped."""


def run_worker(mode: str, root: Path, site: Path | None = None, extra: str | None = None,
               timeout: float | None = None) -> dict[str, Any]:
    """Run a worker in a child process; its result plus its peak RSS (from ``os.wait4``) and wall time.
    Raises :class:`TimedOut` (after stopping the child) when it runs longer than ``timeout`` seconds."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", mode, str(root), str(site or "-"), extra or "-"]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=REPO, start_new_session=True)
        proc.returncode, usage = _wait(proc, started, timeout, mode)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        raise RuntimeError(f"worker {mode} failed ({proc.returncode}):\n{stderr[-4000:]}")
    result = json.loads(stdout.strip().splitlines()[-1])
    result["peak_mib"] = usage.ru_maxrss / 1024  # kilobytes on Linux
    result["wall_s"] = wall
    return result


def expected_stages() -> set[str]:
    """The stages a whole build must report: the generator's, MkDocs, and each post-build step."""
    from generator.build.pipeline import POST_BUILD_STEPS

    return {"load+validate", "rules+link", "render", "write", "mkdocs", *(f"post-build:{s.name}" for s in POST_BUILD_STEPS)}


def parse_stages(stdout: str) -> dict[str, float]:
    """The ``stages: name 1.23s, ...`` line that ``python -m generator build`` prints."""
    line = next((x for x in stdout.splitlines() if x.startswith("stages: ")), "")
    return {name: float(sec) for name, sec in re.findall(r"(?:^|, )([^,]+?) ([0-9.]+)s(?=,|$)", line.removeprefix("stages: "))}


def run_build_command(root: Path, timeout: float | None = None, clean: bool = True) -> dict[str, Any]:
    """``python -m generator build --root ROOT``, exactly as users run it (from a clean tree unless ``clean``
    is false): wall time and peak RSS of that process, and the stages it reports. A clean build fails when a
    stage is missing; a build of an unchanged tree may skip MkDocs and the post-build steps (it is up to date)."""
    if clean:
        _clean_generated(root)
        set_aside(root / "site", root.parent)
        os.sync()
    run = timed_command([sys.executable, "-m", "generator", "build", "--root", str(root)], REPO, timeout)
    stdout = run.pop("stdout")
    stages = parse_stages(stdout)
    missing = expected_stages() - set(stages)
    if clean and missing:
        raise RuntimeError(f"the build reported no time for {sorted(missing)}: the benchmark would leave them out")
    return {**run, "stages": stages}


def run_mkdocs_command(bare: Path, site: Path, timeout: float | None = None) -> dict[str, Any]:
    """``python -m mkdocs build`` of the bare tree into ``site``, plain MkDocs and Material as their users run them
    (no glossary code): wall time and peak RSS of that process, timed from outside as the whole build is."""
    set_aside(site, site.parent)
    os.sync()
    cmd = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--config-file", str(bare / "mkdocs.yml"),
           "--site-dir", str(site)]
    run = timed_command(cmd, bare, timeout)
    del run["stdout"]
    return run


def timed_command(cmd: list[str], cwd: Path, timeout: float | None) -> dict[str, Any]:
    """Run ``cmd`` in a session of its own with the build date fixed, timed from outside: its wall time, peak RSS
    and output (``wall_s``, ``peak_mib``, ``stdout``). Raises when it fails, :class:`TimedOut` past ``timeout``."""
    what = " ".join(["python", *cmd[1:4]])
    env = {**os.environ, "SOURCE_DATE_EPOCH": "0"}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, cwd=cwd, env=env, start_new_session=True)
        status, usage = _wait(proc, started, timeout, what)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if status != 0:
        raise RuntimeError(f"{what} failed ({status}):\n{stderr[-4000:]}")
    return {"wall_s": wall, "peak_mib": usage.ru_maxrss / 1024, "stdout": stdout}


def _wait(proc: subprocess.Popen[bytes], started: float, timeout: float | None, what: str) -> tuple[int, Any]:
    """Wait for ``proc``; its exit code and resource usage. Stops it and raises :class:`TimedOut` past ``timeout``."""
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            return os.waitstatus_to_exitcode(status), usage
        if timeout is not None and time.perf_counter() - started > timeout:
            os.killpg(proc.pid, signal.SIGKILL)  # its forked workers too: none may outlive it and touch the tree
            os.wait4(proc.pid, 0)
            proc.returncode = -9
            raise TimedOut(f"{what} stopped after {timeout:.0f}s")
        time.sleep(0.05)


# --- measurements in this process ----------------------------------------------------------


def yaml_floor(root: Path) -> float:
    """Seconds to read and parse every data file with libyaml, nothing else."""
    import yaml

    started = time.perf_counter()
    for file in sorted((root / "data").rglob("*.yaml")):
        yaml.load(file.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    return time.perf_counter() - started


def data_bytes(root: Path) -> int:
    return sum(f.stat().st_size for f in (root / "data").rglob("*.yaml"))


def bare_tree(root: Path, bare: Path) -> None:
    """The same pages as plain Markdown: titles and definition text, no glossary features."""
    from generator.stages.link import EXPLICIT
    from generator.stages.validate import load_glossary

    glossary, findings = load_glossary(root)
    assert not findings, findings[:3]
    shutil.rmtree(bare, ignore_errors=True)
    for folder in ("terms", "frameworks", "chapters"):
        (bare / "content" / folder).mkdir(parents=True)
    (bare / "mkdocs.yml").write_text(BARE_MKDOCS, encoding="utf-8")
    unlink = partial(EXPLICIT.sub, lambda m: m.group(2) or glossary.terms[m.group(1).strip()].title)
    (bare / "content" / "index.md").write_text(f"# {glossary.site.name}\n\n{glossary.site.description}\n")
    for term in glossary.terms.values():
        abbr = f" ({term.abbreviation})" if term.abbreviation else ""
        (bare / "content" / "terms" / f"{term.id}.md").write_text(
            f"---\ntitle: {json.dumps(term.title)}\n---\n\n# {term.title}{abbr}\n\n**{term.summary}**\n\n"
            f"## Definition\n\n{unlink(term.definition)}\n", encoding="utf-8")
    for fw in glossary.frameworks.values():
        (bare / "content" / "frameworks" / f"{fw.id}.md").write_text(
            f"# {fw.title}\n\n**{fw.summary}**\n\n{unlink(fw.description)}\n", encoding="utf-8")
    for chapter in glossary.chapters:
        sections = "\n\n".join(f"## {s.title}" for s in chapter.sections)
        (bare / "content" / "chapters" / f"{chapter.id}.md").write_text(
            f"# Chapter {chapter.number}: {chapter.title}\n\n{sections}\n", encoding="utf-8")


def site_sizes(site: Path, n: int) -> dict[str, Any]:
    pages = list((site / "terms").glob("*/index.html"))
    page_bytes = sum(p.stat().st_size for p in pages)
    # The glossary's own index (generator/stages/search.py); the bare engine has Material's.
    ours = site / "assets" / "search-index.js"
    index = ours if ours.exists() else site / "search" / "search_index.json"
    index_bytes = index.stat().st_size if index.exists() else 0
    text = index.read_text(encoding="utf-8") if index.exists() else ""
    text = text[text.index("{"):].rstrip().rstrip(";") if text else ""  # ours is a script: window.x = {...};
    docs = len(json.loads(text)["docs"]) if text else 0
    return {
        "term_pages": len(pages),
        "term_page_bytes": page_bytes / max(1, len(pages)),
        "site_bytes": sum(f.stat().st_size for f in site.rglob("*") if f.is_file()),
        "search_index_bytes": index_bytes,
        "search_index_bytes_per_term": index_bytes / n,
        "search_index_docs": docs,
    }


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


class Budget:
    """The time left for the whole benchmark; slow steps get fewer runs or are stopped."""

    def __init__(self, seconds: float, build_timeout: float, slow_run: float):
        self.deadline = time.perf_counter() + seconds
        self.build_timeout = build_timeout
        self.slow_run = slow_run  # a run slower than this is not repeated

    def left(self, reserve: float = 0.0) -> float:
        return self.deadline - time.perf_counter() - reserve


def _alternating_runs(kinds: dict[str, Any], runs: int, budget: Budget, log) -> tuple[dict[str, list[dict[str, Any]]],
                                                                                   dict[str, str]]:
    """Up to ``runs`` runs of each ``call(timeout)`` of ``kinds`` (what -> call), in turn (A, B, A, B ...): a drift
    of the machine or the disk over the runs weighs on each kind alike. A kind runs fewer times when a run is
    slow; a note says when one timed out or was skipped."""
    results: dict[str, list[dict[str, Any]]] = {what: [] for what in kinds}
    notes: dict[str, str] = {}
    for i in range(runs):
        for what, call in kinds.items():
            done = results[what]
            if what in notes or (done and done[-1]["wall_s"] > budget.slow_run):
                continue
            timeout = min(budget.build_timeout, budget.left(reserve=60))
            if timeout < 10:
                notes[what] = f"{what}: skipped, the benchmark's time budget is spent"
                continue
            try:
                done.append(call(timeout))
            except TimedOut:
                log(f"    {what}: did not finish within {timeout:.0f}s")
                notes[what] = f"{what}: did not finish within {timeout:.0f}s"
                continue
            log(f"    {what} run {i + 1}: {done[-1]['_summary']}")
    return results, notes


def measure_size(n: int, runs: int, work: Path, budget: Budget, log) -> dict[str, Any]:
    from synth import synth  # benchmarks/synth.py, beside this script

    root = work / f"n{n}"
    started = time.perf_counter()
    synth(n, root)
    row: dict[str, Any] = {"n": n, "synth_s": time.perf_counter() - started, "data_bytes": data_bytes(root),
                           "data_files": sum(1 for _ in (root / "data").rglob("*.yaml")), "notes": []}
    log(f"  N={n}: synth {row['synth_s']:.2f}s, {row['data_bytes'] / MIB:.1f} MiB of YAML")

    row["yaml_parse_s"] = median([yaml_floor(root) for _ in range(runs)])

    gens = [run_worker("generate", root) for _ in range(runs)]
    stages = {name: median([g["stages"][name] for g in gens]) for name in gens[0]["stages"]}
    row["generator_stages_s"] = stages
    row["generator_s"] = median([sum(g["stages"].values()) for g in gens])
    row["write_floor_s"] = median([g["write_floor_s"] for g in gens])
    row["generator_peak_mib"] = max(g["peak_mib"] for g in gens)
    row["pages_generated"] = gens[0]["written"]
    log(f"  N={n}: generator {row['generator_s']:.2f}s (" + ", ".join(f"{k} {v:.2f}s" for k, v in stages.items())
        + f"), YAML parse {row['yaml_parse_s']:.2f}s")

    bare = work / f"bare{n}"
    bare_tree(root, bare)
    bare_site = work / f"baresite{n}"

    def bare_run(timeout: float) -> dict[str, Any]:
        r = run_worker("bare", bare, bare_site, timeout=timeout)
        r["_summary"] = f"MkDocs {r['mkdocs_s']:.2f}s, peak {r['peak_mib']:.0f} MiB"
        return r

    def build_run(timeout: float) -> dict[str, Any]:
        r = run_build_command(root, timeout=timeout)
        r["_summary"] = (f"python -m generator build {r['wall_s']:.2f}s (" +
                         ", ".join(f"{k} {v:.2f}s" for k, v in r["stages"].items()) + f"), peak {r['peak_mib']:.0f} MiB")
        return r

    def bare_command_run(timeout: float) -> dict[str, Any]:
        r = run_mkdocs_command(bare, bare_site, timeout=timeout)
        r["_summary"] = f"python -m mkdocs build {r['wall_s']:.2f}s, peak {r['peak_mib']:.0f} MiB"
        return r

    bare_what, build_what = f"N={n} bare-engine build", f"N={n} whole build"
    command_what = f"N={n} bare engine as its users run it"
    done, notes = _alternating_runs({bare_what: bare_run, build_what: build_run, command_what: bare_command_run},
                                    runs, budget, log)
    bares, builds, commands = done[bare_what], done[build_what], done[command_what]
    row["bare_command_s"] = median([c["wall_s"] for c in commands]) if commands else None
    row["whole_over_bare_command_pairs"] = [w["wall_s"] / c["wall_s"] for w, c in zip(builds, commands, strict=False)]
    row["notes"] += list(notes.values())
    row["bare_runs"] = len(bares)
    row["bare_build_s"] = median([b["mkdocs_s"] for b in bares]) if bares else None
    row["bare_peak_mib"] = max(b["peak_mib"] for b in bares) if bares else None
    bare_sizes = site_sizes(bare_site, n) if bares else {}
    row["bare_term_page_bytes"] = bare_sizes.get("term_page_bytes")
    row["bare_search_index_bytes"] = bare_sizes.get("search_index_bytes")
    set_aside(bare_site, work)
    set_aside(bare, work)

    row["build_runs"] = len(builds)
    row["build_timed_out"] = build_what in notes
    row["build_stages_s"] = {k: median([b["stages"][k] for b in builds]) for k in builds[0]["stages"]} if builds else {}
    row["mkdocs_s"] = row["build_stages_s"].get("mkdocs")
    row["post_build_s"] = sum(v for k, v in row["build_stages_s"].items() if k.startswith("post-build:")) if builds else None
    row["whole_build_s"] = median([b["wall_s"] for b in builds]) if builds else None
    # each whole build over the bare-engine build run just before it: how much the ratio moves from pair to pair
    # (a kind may have run fewer times: the pairs are those both ran)
    row["whole_over_bare_pairs"] = [w["wall_s"] / b["mkdocs_s"] for b, w in zip(bares, builds, strict=False)]
    row["whole_peak_mib"] = max(b["peak_mib"] for b in builds) if builds else None
    row["seconds_per_term"] = row["whole_build_s"] / n if builds else None
    if builds and budget.left(reserve=60) > 2 * builds[-1]["wall_s"]:
        unchanged = [run_build_command(root, timeout=budget.build_timeout, clean=False) for _ in range(min(runs, 2))]
        row["unchanged_rebuild_s"] = median([u["wall_s"] for u in unchanged])
        log(f"    N={n} unchanged rebuild: {row['unchanged_rebuild_s']:.2f}s")
    else:
        row["unchanged_rebuild_s"] = None
    site = root / "site"
    sizes = site_sizes(site, n) if builds else {}
    for key in ("term_pages", "term_page_bytes", "site_bytes", "search_index_bytes",
                "search_index_bytes_per_term", "search_index_docs"):
        row[key] = sizes.get(key)
    row["_root"], row["_site"] = str(root), (str(site) if builds else None)
    return row


def measure_rebuild(row: dict[str, Any], budget: Budget, log) -> dict[str, Any]:
    """Edit one term file (its definition, then its summary) under the preview as `generator serve` runs it:
    the pages rewritten, and the time until they are built (the rules' check follows, timed apart)."""
    root, site = Path(row["_root"]), Path(row["_root"]).with_name(f"rebuild{row['n']}")
    result: dict[str, Any] = {"n": row["n"], "edited_file": _edit_file(root).relative_to(root).as_posix()}
    try:
        r = run_worker("preview", root, site, timeout=min(budget.build_timeout * 2, budget.left(reserve=60)))
    except TimedOut as exc:
        result["note"] = str(exc)
        return result
    result["first_build_s"] = r["first_build_s"]
    for field in ("definition", "summary"):
        e = r[field]
        e["written_sample"] = e.pop("written_pages")
        result[field] = e
        log(f"  preview at N={row['n']} after a {field} edit: {e['rendered']} pages rendered, {e['written']} rewritten, "
            f"built in {e['total_s']:.2f}s (generate {e['generate_s']:.2f}s + MkDocs {e['mkdocs_s']:.2f}s); "
            f"rules after it {e['check_s']:.2f}s")
    set_aside(site, site.parent)
    return result


# --- search in headless Chromium -----------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def measure_search(row: dict[str, Any], log) -> dict[str, Any]:
    """Load the home page of the built site and time the first search result for an alias."""
    from generator.stages.validate import load_glossary

    site, n = Path(row["_site"]), row["n"]
    out: dict[str, Any] = {"n": n, "search_index_bytes_per_term": row["search_index_bytes_per_term"],
                           "search_index_bytes": row["search_index_bytes"]}
    if not Path(CHROMIUM).exists():
        out["error"] = f"{CHROMIUM} is missing"
        return out
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        out["error"] = f"playwright is missing: {exc}"
        return out
    glossary, _ = load_glossary(Path(row["_root"]))
    terms = sorted(glossary.terms.values(), key=lambda t: t.id)
    alias_term = next(t for t in terms[len(terms) // 3:] + terms if t.aliases)
    alias = alias_term.aliases[0]
    out["alias"], out["alias_term"] = alias, alias_term.id
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            try:
                page = browser.new_page()
                index_done: dict[str, float] = {}
                page.on("requestfinished", lambda r: index_done.setdefault("t", time.perf_counter())
                        if r.url.endswith("search-index.js") else None)
                started = time.perf_counter()
                page.goto(url, wait_until="load")
                loaded = time.perf_counter()
                page.click("input.md-search__input") if page.is_visible("input.md-search__input") else \
                    page.click("label.md-header__button[for=__search]")
                page.fill("input.md-search__input", alias)
                # Material drops a query typed before its search worker is ready; a user keeps
                # typing, so nudge the box (End key, input event) until the first result shows.
                limit = loaded + 120
                while not page.locator(".md-search-result__item").count():
                    if time.perf_counter() > limit:
                        raise TimeoutError("no search result within 120 s")
                    page.wait_for_timeout(50)
                    if not page.locator(".md-search-result__item").count():
                        page.press("input.md-search__input", "End")
                        page.dispatch_event("input.md-search__input", "input")
                first = time.perf_counter()
                items = page.locator(".md-search-result__item").count()
                top = page.locator(".md-search-result__item").first.inner_text()[:120]
                out.update({
                    "page_load_s": loaded - started,
                    "load_to_first_result_s": first - loaded,
                    "navigation_to_first_result_s": first - started,
                    "search_index_fetched_after_load_s": (index_done["t"] - loaded) if "t" in index_done else None,
                    "results_shown": items,
                    "top_result": " ".join(top.split()),
                    "alias_found_on_top": alias_term.title.lower() in top.lower(),
                })
                # A title two edits off, from a fresh page load.
                typo_term = terms[len(terms) // 2]
                typo = _misspell(typo_term.title)
                page.goto(url, wait_until="load")
                loaded = time.perf_counter()
                page.fill("input.md-search__input", typo)
                page.wait_for_function("q => document.querySelector('[data-gl-search-meta]').dataset.query === q",
                                       arg=typo, timeout=20_000)
                out["typo"], out["typo_load_to_first_result_s"] = typo, time.perf_counter() - loaded
                first_href = page.locator(".md-search-result__item > a").first.get_attribute("href") or ""
                out["typo_found_on_top"] = first_href.rstrip("/").endswith(f"terms/{typo_term.id}")
                # A second query once the index is built: the cost of the query alone.
                other = next(t for t in reversed(terms) if t.aliases and t is not alias_term)
                try:
                    page.fill("input.md-search__input", "")
                    started = time.perf_counter()
                    page.fill("input.md-search__input", other.aliases[0])
                    page.press("input.md-search__input", "End")
                    page.wait_for_function(
                        "t => { const e = document.querySelector('.md-search-result__item');"
                        " return e !== null && e.innerText.toLowerCase().includes(t); }",
                        arg=other.title.lower(), timeout=20_000)
                    out["warm_query_s"] = time.perf_counter() - started
                except Exception as exc:
                    out["warm_query_error"] = f"{type(exc).__name__}: {exc}"[:200]
            finally:
                browser.close()
    except Exception as exc:
        out["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        server.shutdown()
        server.server_close()
    return out


def _misspell(title: str) -> str:
    """The title two edits off: its longest word loses its third letter and, from 8 letters, has its
    second last letter changed."""
    words = title.split()
    i = max(range(len(words)), key=lambda k: len(words[k]))
    w = words[i]
    if len(w) >= 5:
        w = w[:2] + w[3:]
    if len(w) >= 7:
        w = w[:-2] + ("x" if w[-2] != "x" else "y") + w[-1]
    words[i] = w
    return " ".join(words)


# --- targets and report --------------------------------------------------------------------


def _nearest(rows: list[dict[str, Any]], n: int) -> dict[str, Any]:
    return min(rows, key=lambda r: (abs(r["n"] - n), r["n"]))


TARGETS = {
    "whole / bare": 1.5,          # whole build (python -m generator build) over the bare-engine build
    "generator / parse": 4.0,     # generator (load to write) over the bare C YAML parse
    "flat": 0.15,                 # bytes and seconds per term may grow at most this much, N~1,000 -> largest
    "peak MiB": 1024,             # whole-build peak memory at the largest size
    "exponent": 1.15,             # growth of each stage from N~1,000 to the largest size
    "unchanged / clean": 0.3,     # a rebuild with nothing changed, over the clean build
}
"""The issue's targets, each a ratio measured within one run of the benchmark."""


PREVIEW_LIMIT_S = 1.0
"""A one-term edit previewed (generate + dirty build, as ``serve`` does) within this, at N~5,000."""


NOISE_FLOOR_S = 0.5
"""A stage shorter than this at the largest size is not fitted for growth: its time is noise (0.00 s -> 0.05 s)."""


def _spread(values: list[float]) -> str:
    """``1.23 to 1.45`` (the lowest and the highest of ``values``), or ``no pair`` when there is none."""
    return f"{min(values):.2f} to {max(values):.2f}" if values else "no pair"


def growth_exponent(n1: int, t1: float, n2: int, t2: float) -> float:
    """The exponent k of t ~ N^k through two sizes (1 is linear)."""
    return math.log(max(t2, 1e-6) / max(t1, 1e-6)) / math.log(n2 / n1)


def _against_command(r: dict[str, Any]) -> str:
    """The whole build against ``python -m mkdocs build`` of the bare tree (both timed from outside), for comparison."""
    if not (r.get("bare_command_s") and r["whole_build_s"]):
        return ""
    return (f"; for comparison, against python -m mkdocs build of the bare tree {r['bare_command_s']:.1f}s, timed as "
            f"the whole build is: {r['whole_build_s'] / r['bare_command_s']:.2f} "
            f"({_spread(r.get('whole_over_bare_command_pairs', []))})")


def targets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    largest = max(rows, key=lambda r: r["n"])
    mid = _nearest([r for r in rows if r is not largest] or rows, 1000)
    checks = []

    def add(name: str, value: float | None, limit: float, ok: bool, detail: str) -> None:
        checks.append({"target": name, "value": None if value is None else round(value, 4), "limit": limit,
                       "pass": bool(ok), "detail": detail})

    def missing(r: dict[str, Any], key: str) -> str:
        return f"not measured at N={r['n']}: " + ("; ".join(r["notes"]) or f"no {key}")

    limit = TARGETS["generator / parse"]
    g = largest["generator_s"] / largest["yaml_parse_s"]
    floor = largest.get("write_floor_s")
    add("generator / C YAML parse", g, limit, g <= limit, f"at N={largest['n']}: {largest['generator_s']:.2f}s vs "
        f"{largest['yaml_parse_s']:.2f}s" + (f"; a plain loop writing the same {largest['pages_generated']:,} pages "
                                             f"takes {floor:.2f}s, {floor / largest['yaml_parse_s']:.1f}x the parse"
                                             if floor else ""))
    limit = TARGETS["whole / bare"]
    for r in [mid, *[x for x in rows if x["n"] >= 5000 and x is not mid]]:
        if r["whole_build_s"] and r["bare_build_s"]:
            w = r["whole_build_s"] / r["bare_build_s"]
            add(f"whole build / bare-engine build at N={r['n']}", w, limit, w <= limit,
                f"python -m generator build {r['whole_build_s']:.1f}s vs bare MkDocs {r['bare_build_s']:.1f}s "
                f"(MkDocs stage alone {r['mkdocs_s'] / r['bare_build_s']:.2f}x, post-build {r['post_build_s']:.1f}s; "
                f"{_spread(r.get('whole_over_bare_pairs', []))} in the pairs of runs){_against_command(r)}")
        else:
            add(f"whole build / bare-engine build at N={r['n']}", None, limit, False, missing(r, "build"))
    flat = (("term_page_bytes", "bytes per term page", "site", lambda v: f"{v:.0f} bytes"),
            ("seconds_per_term", "seconds per term", "build", lambda v: f"{v * 1000:.2f} ms"))
    for key, label, stage, show in flat:
        if largest[key] and mid[key]:
            ratio = largest[key] / mid[key]
            add(f"{label}, N={largest['n']} / N={mid['n']}", ratio, 1 + TARGETS["flat"], ratio <= 1 + TARGETS["flat"],
                f"{show(mid[key])} -> {show(largest[key])}")
        else:
            add(f"{label} flat", None, 1 + TARGETS["flat"], False, missing(largest if not largest[key] else mid, stage))
    limit = TARGETS["peak MiB"]
    if largest["whole_peak_mib"]:
        add(f"whole-build peak memory at N={largest['n']} (MiB)", largest["whole_peak_mib"], limit,
            largest["whole_peak_mib"] < limit, f"{largest['whole_peak_mib']:.0f} MiB")
    else:
        add(f"whole-build peak memory at N={largest['n']} (MiB)", None, limit, False, missing(largest, "build"))
    mem = largest["generator_peak_mib"] / mid["generator_peak_mib"]
    data = largest["data_bytes"] / mid["data_bytes"]
    add(f"generator peak memory growth N={mid['n']}->{largest['n']} vs data growth", mem, round(data, 3), mem <= data,
        f"{mid['generator_peak_mib']:.0f} -> {largest['generator_peak_mib']:.0f} MiB (x{mem:.2f}) for "
        f"{mid['data_bytes'] / MIB:.1f} -> {largest['data_bytes'] / MIB:.1f} MiB of YAML (x{data:.2f})")
    if largest is not mid and largest["build_stages_s"] and mid["build_stages_s"]:
        limit = TARGETS["exponent"]
        fitted = {k: v for k, v in largest["build_stages_s"].items()
                  if k in mid["build_stages_s"] and v >= NOISE_FLOOR_S}
        worst = max(((growth_exponent(mid["n"], mid["build_stages_s"][k], largest["n"], v), k)
                     for k, v in fitted.items()), default=(None, ""))
        skipped = sorted(set(largest["build_stages_s"]) - set(fitted))
        add(f"no stage superlinear, N={mid['n']} -> {largest['n']} (largest exponent)", worst[0], limit,
            worst[0] is not None and worst[0] <= limit, f"steepest: {worst[1]}"
            + (f"; not fitted, under {NOISE_FLOOR_S:g} s at N={largest['n']}: {', '.join(skipped)}" if skipped else ""))
    limit = TARGETS["unchanged / clean"]
    for r in [x for x in rows if x["n"] >= 5000] or [largest]:
        if r.get("unchanged_rebuild_s") and r["whole_build_s"]:
            u = r["unchanged_rebuild_s"] / r["whole_build_s"]
            add(f"unchanged rebuild / clean build at N={r['n']}", u, limit, u <= limit,
                f"{r['unchanged_rebuild_s']:.1f}s vs {r['whole_build_s']:.1f}s")
        else:
            add(f"unchanged rebuild / clean build at N={r['n']}", None, limit, False, missing(r, "unchanged rebuild"))
    return checks


def measure_linker(runs: int, megabytes: float = 1.0) -> dict[str, Any]:
    """The linker's time on the same text with 100 and with 5,000 terms (median of ``runs``).

    A ratio near 1 shows that linking costs one pass over the text, whatever the number of terms."""
    from generator.model.records import Term
    from generator.stages.link import Linker, term_url

    def terms(n: int) -> list[Term]:
        return [Term(id=f"t{i}", title=f"Safety term {i:05d}", abbreviation=f"ST{i}", aliases=[f"alias {i:05d}"],
                     summary="s.", definition="d.", category="concept", reviewed=dt.date(2026, 1, 1)) for i in range(n)]

    rng = random.Random(7)
    words = ["the", "model", "of", "a", "policy", "evaluation", "risk", "with", "and", "threshold"]
    pieces, size = [], 0
    while size < megabytes * MIB:
        piece = (" ".join(rng.choice(words) for _ in range(12)) + f" Safety term {rng.randrange(100):05d}"
                 f" and ST{rng.randrange(100)}.\n\n")
        pieces.append(piece)
        size += len(piece)
    sections = ["".join(pieces[i:i + 20]) for i in range(0, len(pieces), 20)]
    result: dict[str, Any] = {"text_bytes": size}
    for n in (100, 5000):
        linker = Linker(terms(n), term_url)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            for section in sections:
                linker.link(section, set())
            times.append(time.perf_counter() - start)
        result[f"terms_{n}_s"] = median(times)
    result["ratio"] = result["terms_5000_s"] / result["terms_100_s"]
    result["hostile"] = measure_hostile_linking(Linker(terms(100), term_url), "".join(sections), runs)
    return result


HOSTILE_UNITS = ("< ", "[[ ", "[a](", "[x] ", "` x", "[a](b){ ", "https://a ", "<a ", "[[a]]")
"""Texts that once made the linker quadratic (a 600 KB definition of "< " took 236 s), each repeated."""
HOSTILE_LIMIT = 3.0
"""Link time per MiB of any text, at most this many times that of ordinary prose."""


def measure_hostile_linking(linker: Any, prose: str, runs: int) -> dict[str, Any]:
    """Seconds per MiB of the linker on ordinary prose and on each hostile text of the same size (best of ``runs``)."""
    def per_mib(text: str) -> float:
        best = min(_timed(lambda: linker.link(text, set())) for _ in range(runs))
        return best / (len(text.encode("utf-8")) / MIB)

    prose_s = per_mib(prose)
    hostile = {unit: per_mib((unit * (len(prose) // len(unit) + 1))[:len(prose)]) for unit in HOSTILE_UNITS}
    worst = max(hostile, key=hostile.__getitem__)
    return {"prose_s_per_mib": prose_s, "s_per_mib": hostile, "worst": worst,
            "worst_ratio": hostile[worst] / prose_s}


def _timed(func: Any) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def table(rows: list[dict[str, Any]], rebuild: dict[str, Any] | None, search: dict[str, Any] | None) -> str:
    cols = [r["n"] for r in rows]
    lines = [("terms", [f"{n:,}" for n in cols])]

    def line(label: str, fmt: str, key: Any) -> None:
        values = []
        for r in rows:
            try:
                v = key(r) if callable(key) else r.get(key)
            except TypeError:  # a figure that was not measured
                v = None
            values.append("-" if v is None else format(v, fmt))
        lines.append((label, values))

    line("YAML data (MiB)", ".2f", lambda r: r["data_bytes"] / MIB)
    line("C YAML parse, floor (s)", ".2f", "yaml_parse_s")
    for stage in rows[0]["generator_stages_s"]:
        line(f"  generator {stage} (s)", ".2f", lambda r, s=stage: r["generator_stages_s"][s])
    line("generator total (s)", ".2f", "generator_s")
    line("generator / YAML parse", ".2f", lambda r: r["generator_s"] / r["yaml_parse_s"])
    line("  plain loop writing the same pages (s)", ".2f", "write_floor_s")
    line("  that loop / YAML parse", ".2f", lambda r: r["write_floor_s"] / r["yaml_parse_s"])
    for stage in ("mkdocs", *sorted(k for k in rows[-1].get("build_stages_s", {}) if k.startswith("post-build:"))):
        line(f"  build {stage} (s)", ".2f", lambda r, s=stage: r["build_stages_s"][s])
    line("whole build, python -m generator build (s)", ".1f", "whole_build_s")
    line("unchanged rebuild (s)", ".1f", "unchanged_rebuild_s")
    line("bare-engine build (s)", ".1f", "bare_build_s")
    line("whole / bare", ".2f", lambda r: r["whole_build_s"] / r["bare_build_s"])
    line("python -m mkdocs build, bare tree (s)", ".1f", "bare_command_s")
    line("whole / python -m mkdocs build", ".2f", lambda r: r["whole_build_s"] / r["bare_command_s"])
    line("ms per term, whole build", ".2f", lambda r: r["seconds_per_term"] * 1000)
    line("peak RSS whole build (MiB)", ".0f", "whole_peak_mib")
    line("peak RSS generator (MiB)", ".0f", "generator_peak_mib")
    line("peak RSS bare build (MiB)", ".0f", "bare_peak_mib")
    line("bytes per term page", ",.0f", "term_page_bytes")
    line("  bare engine", ",.0f", "bare_term_page_bytes")
    line("search index (KiB)", ",.0f", lambda r: r["search_index_bytes"] / 1024)
    line("search index per term (B)", ",.0f", "search_index_bytes_per_term")
    line("  bare engine per term (B)", ",.0f", lambda r: r["bare_search_index_bytes"] / r["n"])
    line("whole-build runs (median of)", "d", "build_runs")
    width = max(len(label) for label, _ in lines)
    out = [f"{label:<{width}}  " + "  ".join(f"{v:>10}" for v in values) for label, values in lines]
    if rebuild and "note" in rebuild:
        out.append(f"preview at N={rebuild['n']}: not measured ({rebuild['note']})")
    elif rebuild:
        out.append(f"preview at N={rebuild['n']}: first full build {rebuild['first_build_s']:.1f}s")
        for field in ("definition", "summary"):
            e = rebuild[field]
            out.append(f"preview at N={rebuild['n']}, one {field} edited: {e['rendered']} pages rendered, "
                       f"{e['written']} rewritten, built in {e['total_s']:.2f}s (generate {e['generate_s']:.2f}s + "
                       f"MkDocs {e['mkdocs_s']:.2f}s); the rules' check after it {e['check_s']:.2f}s")
    for r in rows:
        for note in r.get("notes", []):
            out.append(f"note: {note}")
    if search:
        if search.get("error"):
            out.append(f"search at N={search['n']}: not measured ({search['error']})")
        else:
            fetched = search.get("search_index_fetched_after_load_s")
            out.append(f"search at N={search['n']}: load -> first result for alias '{search['alias']}' "
                       f"{search['load_to_first_result_s']:.2f}s (page load {search['page_load_s']:.2f}s"
                       + (f", index fetched {fetched:.2f}s after load" if fetched is not None else "")
                       + (f"; warm query {search['warm_query_s']:.2f}s" if "warm_query_s" in search else "")
                       + f"); index {search['search_index_bytes_per_term']:,.0f} B/term")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 5000, 10000], help="numbers of terms")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement; the median is reported")
    parser.add_argument("--quick", action="store_true", help="a smoke run: sizes 20 and 40, one run")
    parser.add_argument("--no-search", action="store_true", help="skip the browser search measurement")
    parser.add_argument("--budget", type=float, default=2400.0,
                        help="seconds for the whole benchmark (default 2400): slow builds run once or are stopped")
    parser.add_argument("--build-timeout", type=float, default=300.0, help="longest single MkDocs build (s)")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out", help="folder for results-<date>.json")
    parser.add_argument("--latest", type=Path, default=None,
                        help="also write the results here (default: benchmarks/results.json, not with --quick)")
    parser.add_argument("--worker", nargs=4, metavar=("MODE", "ROOT", "SITE", "EXTRA"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        mode, root, site, extra = args.worker
        print(json.dumps(_worker(mode, Path(root), None if site == "-" else Path(site), None if extra == "-" else extra)))
        return 0
    if args.quick:
        args.sizes, args.runs = [20, 40], 1
    latest = args.latest or (None if args.quick else REPO / "benchmarks" / "results.json")
    sizes = sorted(set(args.sizes))

    def log(message: str) -> None:
        print(message, flush=True)

    started = time.perf_counter()
    budget = Budget(args.budget, args.build_timeout, slow_run=60.0)
    rows: list[dict[str, Any]] = []
    rebuild = search = None
    rebuild_n = _nearest([{"n": n} for n in sizes], 5000)["n"]
    with tempfile.TemporaryDirectory(prefix="glossary-bench-") as tmp:
        work = Path(tmp)
        for n in sizes:
            log(f"N={n} ...")
            rows.append(measure_size(n, args.runs, work, budget, log))
            if n == rebuild_n:
                rebuild = measure_rebuild(rows[-1], budget, log)
        if not args.no_search:
            built = [r for r in rows if r["_site"]]
            if built:
                search = measure_search(max(built, key=lambda r: r["n"]), log)
                log(f"  search: {search}")
    linker = measure_linker(max(args.runs, 3), 0.1 if args.quick else 1.0)
    log(f"  linker on {linker['text_bytes'] / MIB:.1f} MiB of text: {linker['terms_100_s']:.3f}s with 100 terms, "
        f"{linker['terms_5000_s']:.3f}s with 5,000 terms (ratio {linker['ratio']:.2f})")
    for row in rows:
        row.pop("_root", None)
        row.pop("_site", None)
    checks = targets(rows) if len(rows) >= 2 else []
    elapsed = time.perf_counter() - started
    print()
    print(table(rows, rebuild, search))
    print()
    for check in checks:
        value = "n/a" if check["value"] is None else f"{check['value']:.2f}"
        print(f"{'PASS' if check['pass'] else 'FAIL'}  {check['target']}: {value} "
              f"(limit {check['limit']}) - {check['detail']}")
    reload_s = rebuild["definition"]["total_s"] if rebuild and "definition" in rebuild else None
    if rebuild:
        ok = reload_s is not None and reload_s < PREVIEW_LIMIT_S
        detail = "the preview's build after the edit (generate what changed, build those pages), as `generator serve` runs it"
        checks.append({"target": f"preview reload after one term edit at N={rebuild['n']} (s)",
                       "value": None if reload_s is None else round(reload_s, 3), "limit": PREVIEW_LIMIT_S, "pass": ok,
                       "detail": detail})
        print(f"{'PASS' if ok else 'FAIL'}  preview reload at N={rebuild['n']}: "
              + ("n/a" if reload_s is None else f"{reload_s:.2f}s") + f" (limit {PREVIEW_LIMIT_S:g} s) - {detail}")
    if search and not search.get("error"):
        ok = search["load_to_first_result_s"] <= 1.0
        checks.append({"target": f"search: page load -> first result at N={search['n']} (s)",
                       "value": round(search["load_to_first_result_s"], 3), "limit": 1.0, "pass": ok,
                       "detail": f"alias '{search['alias']}'"})
        print(f"{'PASS' if ok else 'FAIL'}  search at N={search['n']}: page load -> first result "
              f"{search['load_to_first_result_s']:.2f}s (limit 1 s)")
        typo_s = search.get("typo_load_to_first_result_s")
        ok = typo_s is not None and typo_s <= 1.0 and bool(search.get("typo_found_on_top"))
        checks.append({"target": f"search: page load -> misspelt title's term first at N={search['n']} (s)",
                       "value": None if typo_s is None else round(typo_s, 3), "limit": 1.0, "pass": ok,
                       "detail": f"'{search.get('typo')}', term first: {search.get('typo_found_on_top')}"})
        print(f"{'PASS' if ok else 'FAIL'}  search at N={search['n']}: misspelt '{search.get('typo')}' -> "
              f"term first {search.get('typo_found_on_top')} in {typo_s if typo_s is None else round(typo_s, 2)}s (limit 1 s)")
        per_term = search["search_index_bytes_per_term"]
        ok = per_term < 1024
        checks.append({"target": f"search index per term at N={search['n']} (B)", "value": round(per_term),
                       "limit": 1024, "pass": ok, "detail": f"{search['search_index_bytes']:,} B in all"})
        print(f"{'PASS' if ok else 'FAIL'}  search index at N={search['n']}: {per_term:,.0f} B a term (limit 1,024)")
    print(f"linker on {linker['text_bytes'] / MIB:.1f} MiB of text: {linker['terms_100_s']:.3f}s with 100 terms, "
          f"{linker['terms_5000_s']:.3f}s with 5,000 terms: ratio {linker['ratio']:.2f} (near 1: independent of the terms)")
    hostile = linker["hostile"]
    ok = hostile["worst_ratio"] <= HOSTILE_LIMIT
    checks.append({"target": "link time per MiB, worst hostile text / prose", "value": round(hostile["worst_ratio"], 2),
                   "limit": HOSTILE_LIMIT, "pass": ok, "detail": f"worst {hostile['worst']!r} repeated"})
    print(f"{'PASS' if ok else 'FAIL'}  link time per MiB, worst hostile text / prose: {hostile['worst_ratio']:.2f} "
          f"(limit {HOSTILE_LIMIT:g}) - {hostile['prose_s_per_mib']:.3f} s/MiB on prose, "
          f"{hostile['s_per_mib'][hostile['worst']]:.3f} s/MiB on {hostile['worst']!r} repeated")
    print(f"\nbenchmark took {elapsed:.0f}s")
    import generator

    results = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "versions": _versions(),
        "sizes": sizes,
        "runs": args.runs,
        "quick": args.quick,
        "elapsed_s": elapsed,
        "rows": rows,
        "rebuild": rebuild,
        "search": search,
        "linker": linker,
        "targets": checks,
        "generator": generator.__name__,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    dated = args.out / f"results-{dt.date.today().isoformat()}.json"
    text = json.dumps(results, indent=2, sort_keys=True) + "\n"
    dated.write_text(text, encoding="utf-8")
    print(f"wrote {dated}")
    if latest:
        latest.write_text(text, encoding="utf-8")
        print(f"wrote {latest}")
    return 0


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("mkdocs", "mkdocs-material", "Markdown", "PyYAML", "pydantic", "Jinja2", "pyahocorasick", "playwright"):
        with contextlib.suppress(PackageNotFoundError):
            found[name] = version(name)
    return found


if __name__ == "__main__":
    sys.exit(main())
