"""The pipeline: load -> validate -> link -> render -> write, then the MkDocs build.

Public entry points (what the CLI, the tests and the benchmarks call):

* :func:`run_check`: findings only;
* :func:`generate`: check, then write the generated Markdown into ``content/``;
* :func:`build_site`: generate, then build the site into a temporary directory and swap it
  in place of the old one only when the build succeeded.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .findings import Finding, GlossaryError
from .link import link_glossary
from .render import render_pages
from .validate import Glossary, check, checked_glossary
from .write import WriteStats, write_pages

SITE_MARKER = ".glossary-site"

# Modules with ``post_build(glossary, site_dir)``: steps that add files to a freshly built site
# (exports, redirects, sanitizing) before it is swapped in. They run in this order.
POST_BUILD_MODULES: list[str] = ["sanitize", "export", "redirects"]


@dataclass
class Timings:
    """Seconds per stage, in the order the stages ran."""

    stages: dict[str, float] = field(default_factory=dict)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - start

    def summary(self) -> str:
        return ", ".join(f"{name} {seconds:.2f}s" for name, seconds in self.stages.items())


@dataclass
class GenerateResult:
    """What :func:`generate` did."""

    glossary: Glossary
    stats: WriteStats
    timings: Timings


def run_check(root: Path) -> tuple[Glossary, list[Finding]]:
    """Load, validate and run the consistency rules over ``root``."""
    return check(Path(root))


def generate(root: Path, timings: Timings | None = None) -> GenerateResult:
    """Check the data, then write the generated pages; raises :class:`GlossaryError` on findings."""
    root = Path(root)
    timings = timings or Timings()
    with timings.stage("load+validate"):
        glossary = checked_glossary(root)
    with timings.stage("link"):
        links = link_glossary(glossary)
    with timings.stage("render"):
        pages = render_pages(glossary, links)
    with timings.stage("write"):
        stats = write_pages(root / "content", pages)
    return GenerateResult(glossary, stats, timings)


def source_date_epoch(root: Path) -> None:
    """Set SOURCE_DATE_EPOCH from the last commit, unless it is set, so builds are reproducible."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct"],
                             capture_output=True, text=True, timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        out = ""
    os.environ["SOURCE_DATE_EPOCH"] = out if out.isdigit() else "0"


def project_folders(root: Path) -> list[Path]:
    """The project's own folders, which no output may replace: the root and its source folders."""
    root = root.resolve()
    return [root, *(root / name for name in ("data", "content", "generator", "tests"))]


def safe_site_dir(root: Path, site: Path) -> list[Finding]:
    """The output directory must not be the project, its data or content, or a parent of them,
    nor a non-empty directory that a previous build did not create (it carries a marker file)."""
    site = site.resolve()
    problems = []
    if any(site == p or p.is_relative_to(site) for p in project_folders(root)):
        problems.append(Finding("mkdocs.yml", 1, 1, f"refusing to build into {site}: it holds the project's own files",
                                "set site_dir to a directory of its own, such as site"))
    elif site.exists() and any(site.iterdir()) and not (site / SITE_MARKER).exists():
        problems.append(Finding("mkdocs.yml", 1, 1, f"refusing to replace {site}: it is not empty and was not built here",
                                f"empty it, or choose another site_dir (built sites carry {SITE_MARKER})"))
    return problems


@contextlib.contextmanager
def _signals_as_interrupts() -> Iterator[None]:
    """Turn SIGTERM into KeyboardInterrupt for the duration, so clean-up code runs."""
    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not in the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _swap_in(tmp: Path, site: Path) -> None:
    """Replace ``site`` by ``tmp`` with signals blocked, so no interruption leaves neither."""
    old = site.with_name(f".{site.name}.old-{os.getpid()}")
    blocked = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, blocked)
    try:
        if site.exists():
            os.replace(site, old)
        os.replace(tmp, site)
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, blocked)
    shutil.rmtree(old, ignore_errors=True)


PROGRESS_MIN_PAGES = 200


class _Progress(logging.Handler):
    """Reports MkDocs' progress through its debug log: every tenth of the pages read, then written."""

    def __init__(self, total: int, report: Callable[[str], None]):
        super().__init__(logging.DEBUG)
        self.total, self.report = total, report
        self.counts = {"Reading: ": 0, "Building page ": 0}
        self.step = max(1, -(-total // 10))

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        for prefix, label in (("Reading: ", "Markdown rendered"), ("Building page ", "HTML written")):
            if message.startswith(prefix):
                self.counts[prefix] += 1
                done = self.counts[prefix]
                if done % self.step == 0 or done == self.total:
                    self.report(f"{label}: {done}/{self.total} pages ({100 * done // self.total}%)")


def mkdocs_build(root: Path, site_dir: Path, strict: bool = True, dirty: bool = False,
                 progress: Callable[[str], None] | None = None) -> None:
    """Run the MkDocs build of ``root/mkdocs.yml`` into ``site_dir``; raises on failure or, if strict, on warnings.

    ``dirty`` rebuilds only pages whose Markdown is newer than their HTML (what the preview does
    after an edit); MkDocs warns about dirty builds, so they are never strict."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    handler = _WarningCollector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    build_logger = logging.getLogger("mkdocs.commands.build")
    pages = sum(1 for p in (root / "content").rglob("*.md") if "includes" not in p.parts) if progress else 0
    counter = _Progress(pages, progress) if progress and pages >= PROGRESS_MIN_PAGES else None
    level = build_logger.level
    if counter:
        build_logger.addHandler(counter)
        build_logger.setLevel(logging.DEBUG)
    cwd = os.getcwd()
    try:
        os.chdir(root)  # pymdownx.snippets reads base_path relative to the working directory
        config = load_config(str(root / "mkdocs.yml"), site_dir=str(site_dir), strict=strict and not dirty)
        build(config, dirty=dirty)
    except (SystemExit, Exception) as exc:  # MkDocs aborts with SystemExit, or raises many kinds
        findings = [_place_mkdocs_warning(root, m) for m in handler.messages]
        findings.append(Finding("mkdocs.yml", 1, 1, f"MkDocs build failed: {exc}", "fix the problems listed above"))
        raise GlossaryError(findings) from None
    finally:
        os.chdir(cwd)
        logger.removeHandler(handler)
        if counter:
            build_logger.removeHandler(counter)
            build_logger.setLevel(level)


_DOC_FILE = re.compile(r"Doc file '([^']+)' contains (?:a link|an absolute link|a link to) '([^']*)'")


def _place_mkdocs_warning(root: Path, message: str) -> Finding:
    """A MkDocs warning as a finding on the page (and line) it is about, when it names one."""
    match = _DOC_FILE.search(message)
    if not match:
        return Finding("mkdocs.yml", 1, 1, message, "fix the page or the configuration named here")
    page = f"content/{match.group(1)}"
    line, col = 1, 1
    try:
        for number, text in enumerate((root / page).read_text(encoding="utf-8").splitlines(), 1):
            at = text.find(f"({match.group(2)}")
            if at >= 0:
                line, col = number, at + 2
                break
    except OSError:
        pass
    hint = ("a generated page: fix the data or template it comes from" if page_is_generated(root, page)
            else "fix the link in this hand-written page")
    return Finding(page, line, col, message, hint)


def page_is_generated(root: Path, page: str) -> bool:
    """Whether ``page`` (a path under the project root) is one the generator wrote."""
    from .write import read_manifest

    return page.removeprefix("content/") in read_manifest(root / "content")


class _WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def site_dir_of(root: Path) -> Path:
    """The output directory: ``site_dir`` of mkdocs.yml, default ``site``."""
    try:
        config = yaml.load((root / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_MkdocsLoader) or {}
    except (OSError, yaml.YAMLError):
        config = {}
    return (root / str(config.get("site_dir", "site"))).resolve()


class _MkdocsLoader(yaml.SafeLoader):
    """SafeLoader that ignores MkDocs' !!python/name and !ENV tags (only site_dir is read)."""


_MkdocsLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def build_site(root: Path, progress: Callable[[str], None] = lambda _: None) -> GenerateResult:
    """Generate, then build the site atomically: the previous site stays until the new one is complete.
    The result's timings include the MkDocs and post-build stages."""
    root = Path(root).resolve()
    source_date_epoch(root)
    site = site_dir_of(root)
    problems = safe_site_dir(root, site)
    if problems:
        raise GlossaryError(problems)
    progress("checking and generating pages")
    result = generate(root)
    timings = result.timings
    tmp = site.with_name(f".{site.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    progress(f"building the site ({len(result.stats.written) + len(result.stats.unchanged)} pages generated)")
    with _signals_as_interrupts():
        try:
            with timings.stage("mkdocs"):
                mkdocs_build(root, tmp, progress=progress)
            with timings.stage("post-build"):
                for name in POST_BUILD_MODULES:
                    importlib.import_module(f"generator.{name}").post_build(result.glossary, tmp)
            (tmp / SITE_MARKER).write_text("built by python -m generator build\n", encoding="utf-8")
            _swap_in(tmp, site)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return result
