"""The pipeline: load -> validate -> link -> render -> write, then the MkDocs build.

Public entry points (what the CLI, the tests and the benchmarks call):

* :func:`generate`: check, then write the generated Markdown into ``content/``;
* :func:`build_site`: generate, then build the site into a temporary directory and swap it
  in place of the old one only when the build succeeded.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..findings import BUILD, Finding, GlossaryError
from ..project import SITE_MARKER, Project
from ..stages.address import release_problems
from ..stages.check import checked_glossary
from ..stages.link import Links, link_glossary
from ..stages.page_html import HtmlBody
from ..stages.render import Page, render_html_bodies, render_pages
from ..stages.validate import Glossary
from ..stages.write import WriteStats, write_pages
from . import export, redirects, sanitize
from .fingerprint import inputs_digest, marker_text, recorded_digest, source_date_epoch
from .history import history
from .mkdocs import build_timestamp, mkdocs_build
from .offline import OFFLINE_ZIP, write_offline_zip
from .steps import PostBuildStep, PreparedStep, prepared_in_background, worker_count

POST_BUILD_STEPS: tuple[PostBuildStep, ...] = (sanitize.STEP, export.STEP, redirects.STEP)
"""What runs on a freshly built site before it is swapped in, in this order."""


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
    up_to_date: bool = False
    """True when a build found the site already built from the same inputs and left it as it was."""
    links: Links | None = None
    pages: list[Page] = field(default_factory=list)
    history: Any = None
    html_bodies: dict[str, HtmlBody] = field(default_factory=dict)
    """The HTML bodies of the pages a build rendered as HTML too, by path under ``content/``."""


def generate(root: Project | Path, timings: Timings | None = None, jobs: int = 1) -> GenerateResult:
    """Check the data, then write the generated pages; raises :class:`GlossaryError` on findings.
    ``jobs`` processes render the pages (the same pages for any number)."""
    project = Project.at(root)
    timings = timings or Timings()
    with timings.stage("load+validate"):
        glossary = checked_glossary(project)
    with timings.stage("link"):
        links = link_glossary(glossary)
    with timings.stage("history"):
        changes = history(glossary)
    with timings.stage("render"):
        pages = render_pages(glossary, links, changes, jobs=jobs)
    with timings.stage("write"):
        stats = write_pages(project.content_dir, pages)
    return GenerateResult(glossary, stats, timings, links=links, pages=pages, history=changes)


def safe_site_dir(project: Project, site: Path) -> list[Finding]:
    """The output directory must not be the project, its data or content, or a parent of them,
    nor a non-empty directory that a previous build did not create (it carries a marker file)."""
    site = site.resolve()
    problems = []
    if any(site == p or p.is_relative_to(site) for p in project.folders):
        problems.append(Finding("mkdocs.yml", 1, 1, f"refusing to build into {site}: it holds the project's own files",
                                "set site_dir to a directory of its own, such as site", code=BUILD))
    elif site.exists() and any(site.iterdir()) and not (site / SITE_MARKER).exists():
        problems.append(Finding("mkdocs.yml", 1, 1, f"refusing to replace {site}: it is not empty and was not built here",
                                f"empty it, or choose another site_dir (built sites carry {SITE_MARKER})", code=BUILD))
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


def build_site(root: Project | Path, progress: Callable[[str], None] = lambda _: None, jobs: int | None = None,
               force: bool = False, release: bool = False, offline: bool = False,
               markdown_only: bool = False) -> GenerateResult:
    """Generate, then build the site atomically: the previous site stays until the new one is complete.

    When the site was built from exactly the same inputs (:mod:`.fingerprint`) and ``force`` is
    false, MkDocs and the post-build steps are skipped. ``jobs`` worker processes (default: the
    number of cores) share the steps that parallelize; the output is the same for any number.
    Term pages reach MkDocs as the generator's HTML (:mod:`.prerendered`) unless ``markdown_only``,
    which has MkDocs convert every page's Markdown, as other engines do (same text, anchors and links).
    The result's timings include the MkDocs and post-build stages. A ``release`` build refuses a
    placeholder address (see :func:`generator.stages.address.release_problems`); ``offline`` also
    writes the offline copy into the site (:data:`generator.build.offline.OFFLINE_ZIP`)."""
    project = Project.at(root)
    root = project.root
    epoch = source_date_epoch(root)
    site = project.site_dir
    problems = safe_site_dir(project, site)
    if problems:
        raise GlossaryError(problems)
    progress("checking and generating pages")
    workers = jobs or os.cpu_count() or 1
    result = generate(project, jobs=workers)
    glossary = result.glossary
    if release and (problems := release_problems(glossary.site, glossary.site_record.doc if glossary.site_record else None)):
        raise GlossaryError(problems)
    timings = result.timings
    with timings.stage("up-to-date check"):
        options = (*(["offline"] if offline else []), *(["markdown-only"] if markdown_only else []))
        digest = inputs_digest(project, epoch, options=options)
        if not force and (site / "index.html").is_file() and recorded_digest(site / SITE_MARKER) == digest:
            result.up_to_date = True
    if result.up_to_date:
        progress("the site is up to date: nothing it is built from has changed (--force rebuilds it)")
        return result
    tmp = site.with_name(f".{site.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    if not markdown_only:
        with timings.stage("render html"):
            assert result.links is not None
            result.html_bodies = render_html_bodies(glossary, result.links, result.pages, result.history, workers)
    progress(f"building the site ({len(result.stats.written) + len(result.stats.unchanged)} pages generated)")
    # MkDocs (footer, sitemap) and the exports (CSL's accessed date) read the build's date from
    # SOURCE_DATE_EPOCH only: set for this build and restored after it (build_timestamp).
    with _signals_as_interrupts(), build_timestamp(epoch):
        try:
            with (prepared_in_background(POST_BUILD_STEPS, glossary, workers) as prepared,
                  sanitize.sanitizing_as_built(workers) as sanitizer):
                with timings.stage("mkdocs"):
                    mkdocs_build(project, tmp, progress=progress, jobs=workers,
                                 site_url=glossary.site.url if glossary.site else None,
                                 prerendered=result.html_bodies,
                                 plugins={"glossary-sanitize": sanitizer} if sanitizer else {})
                with timings.stage("post-build:sanitize"):
                    sanitized = sanitizer.finish() if sanitizer else frozenset()
                with worker_count(workers), sanitize.already_sanitized(sanitized):
                    for step in POST_BUILD_STEPS:
                        with timings.stage(f"post-build:{step.name}"):
                            if isinstance(step, PreparedStep):
                                step.run(glossary, tmp, prepared.get(step.name))
                            else:
                                step.run(glossary, tmp)
                    if offline:
                        progress("building the offline copy")
                        with timings.stage("offline copy"):
                            write_offline_zip(root, glossary, tmp / OFFLINE_ZIP, POST_BUILD_STEPS)
            (tmp / SITE_MARKER).write_text(marker_text(digest), encoding="utf-8")
            _swap_in(tmp, site)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return result
