"""The synthetic glossary (``benchmarks/synth.py``) and the scale benchmark's smoke run."""

from __future__ import annotations

import filecmp
import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.synth import main, synth
from generator.build.pipeline import generate
from generator.stages.check import check

REPO = Path(__file__).resolve().parent.parent


def _same_tree(a: Path, b: Path) -> bool:
    files_a = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file())
    return files_a == files_b and all(filecmp.cmp(a / f, b / f, shallow=False) for f in files_a)


def test_synth_passes_the_check_and_generates(tmp_path: Path) -> None:
    assert main(["40", str(tmp_path / "one")]) == 0
    root = tmp_path / "one"
    glossary, findings = check(root)
    assert findings == []
    assert len(glossary.term_records) == 40
    assert len(glossary.framework_records) == 3
    assert len(glossary.chapter_records) >= 1
    assert glossary.crosswalk is not None and glossary.site is not None
    terms = glossary.terms
    assert sum(1 for t in terms.values() if t.aliases) > 10
    assert any(t.abbreviation for t in terms.values())
    assert all(t.sources for t in terms.values())
    assert all(len(t.definition.split()) > 60 for t in terms.values())
    result = generate(root)
    assert "terms/" + next(iter(terms)) + ".md" in result.stats.written
    # mentions become links: most definitions link to other terms
    linked = sum(1 for p in (root / "content" / "terms").glob("*.md") if "{ data-preview }" in p.read_text())
    assert linked > 20
    assert (root / "mkdocs.yml").read_bytes() == (REPO / "mkdocs.yml").read_bytes()
    assert (root / "content" / "about.md").exists()


def test_synth_is_deterministic(tmp_path: Path) -> None:
    synth(40, tmp_path / "a")
    synth(40, tmp_path / "b")
    assert _same_tree(tmp_path / "a", tmp_path / "b")
    synth(41, tmp_path / "c")
    assert not _same_tree(tmp_path / "a" / "data", tmp_path / "c" / "data")


def test_synth_refuses_too_few_terms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["2", str(tmp_path / "x")])
    assert exc.value.code == 2


@pytest.mark.slow
def test_bench_quick_writes_results(tmp_path: Path) -> None:
    out = tmp_path / "out"
    latest = tmp_path / "results.json"
    proc = subprocess.run([sys.executable, str(REPO / "benchmarks" / "bench.py"), "--quick", "--no-search",
                           "--out", str(out), "--latest", str(latest)],
                          capture_output=True, text=True, timeout=600, cwd=REPO, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    verdicts = [line for line in proc.stdout.splitlines() if line.startswith(("PASS  ", "FAIL  "))]
    assert len(verdicts) >= 7, proc.stdout[-2000:]  # one line per target
    dated = list(out.glob("results-*.json"))
    assert len(dated) == 1
    results = json.loads(latest.read_text())
    assert results == json.loads(dated[0].read_text())
    for key in ("date", "sizes", "runs", "rows", "rebuild", "search", "targets", "elapsed_s", "versions", "linker"):
        assert key in results
    assert [r["n"] for r in results["rows"]] == [20, 40]
    row = results["rows"][-1]
    for key in ("yaml_parse_s", "generator_stages_s", "generator_s", "generator_peak_mib", "mkdocs_s",
                "whole_build_s", "whole_peak_mib", "bare_build_s", "bare_peak_mib", "term_page_bytes",
                "search_index_bytes", "search_index_bytes_per_term", "seconds_per_term", "write_floor_s", "bare_command_s"):
        assert row[key] is not None, key
    assert row["write_floor_s"] > 0
    assert row["bare_search_index_bytes"] > 0  # the bare engine builds Material's search index, as its site needs
    assert set(row["generator_stages_s"]) >= {"load+validate", "rules+link", "render", "write"}
    assert results["rebuild"]["definition"]["written"] >= 1
    assert results["rebuild"]["definition"]["incremental"]  # the preview took its incremental path
    assert {t["target"] for t in results["targets"]} and all("pass" in t for t in results["targets"])
    assert any(t["target"].startswith("preview reload") for t in results["targets"])
    assert results["linker"]["terms_100_s"] > 0 and results["linker"]["terms_5000_s"] > 0


def test_the_benchmark_sets_a_runs_output_aside_instead_of_deleting_it(tmp_path: Path) -> None:
    """Between runs, the generated pages and the site are moved into the working folder's set-aside folder (deleting
    them would slow the next run's file creation on this machine's file system); hand-written pages stay."""
    from benchmarks.bench import SET_ASIDE, _clean_generated, set_aside
    from generator.project import read_manifest

    root = tmp_path / "n40"
    assert main(["40", str(root)]) == 0
    generate(root)
    content = root / "content"
    written = sorted(p.relative_to(content).as_posix() for p in content.rglob("*.md"))
    hand_written = set(written) - read_manifest(content)
    (root / "site").mkdir()
    (root / "site" / "index.html").write_text("<p>built</p>", encoding="utf-8")
    inodes = {(content / rel).stat().st_ino for rel in read_manifest(content)} | {(root / "site" / "index.html").stat().st_ino}

    _clean_generated(root)
    set_aside(root / "site", tmp_path)
    set_aside(root / "no-such-folder", tmp_path)

    assert hand_written and {p.relative_to(content).as_posix() for p in content.rglob("*.md")} == hand_written
    assert not (root / "site").exists()
    aside = tmp_path / SET_ASIDE
    moved = {p.stat().st_ino for p in aside.rglob("*") if p.is_file()}
    assert moved == inodes  # the same files, moved
    assert sum(1 for p in aside.rglob("*.md")) == len(written) - len(hand_written)
