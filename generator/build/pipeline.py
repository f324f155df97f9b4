"""The pipeline: load -> validate -> link -> render -> write, then the MkDocs build.

Public entry points (what the CLI, the tests and the benchmarks call):

* :func:`generate`: check, then write the generated Markdown into ``content/``;
* :func:`build_site`: generate, then build the site into a temporary directory and swap it
  in place of the old one only when the build succeeded.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import os
import shutil
import signal
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..findings import BUILD, EnvironmentProblem, Finding, GlossaryError
from ..heap import fewer_collections, frozen
from ..project import MKDOCS_YML, SITE_MARKER, Project, overlaps_project
from ..stages.address import release_problems
from ..stages.check import loaded_glossary, passing_rules
from ..stages.link import Links, link_glossary
from ..stages.page_html import HtmlBody
from ..stages.render import HtmlBodiesInBackground, Page, render_pages, render_with_bodies, template_code
from ..stages.template_code import Code
from ..stages.validate import Glossary
from ..stages.write import WriteStats, write_pages
from ..workers import SLACK, InBackground
from . import export, redirects, sanitize
from .fingerprint import inputs_digest, marker_text, recorded_digest, source_date_epoch
from .history import history
from .mkdocs import build_timestamp, mkdocs_build
from .offline import OFFLINE_ZIP, write_offline_zip
from .steps import PostBuildStep, prepared_in_background, prepared_once, run_step, worker_count

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
    html_bodies: Mapping[str, HtmlBody] = field(default_factory=dict)
    """The HTML bodies of the pages a build rendered as HTML too, by path under ``content/``."""


def generate(root: Project | Path, timings: Timings | None = None, jobs: int = 1,
             glossary: Glossary | None = None, html: bool = False, code: Callable[[], Mapping[str, Code]] | None = None,
             checks: Callable[[], object] | None = None) -> GenerateResult:
    """Load and check the data (unless ``glossary`` is given, with the ``checks`` it must still pass, if any), then
    write the generated pages; raises :class:`GlossaryError` on findings. ``jobs`` processes load the data, link
    it and render the pages (the same pages for any number); the consistency rules (or ``checks``) run while
    workers start linking, and must pass before anything is rendered. With ``html``, the pages' HTML bodies
    (:class:`HtmlBodiesInBackground`) start rendering in ``jobs`` workers once the pages are rendered, while this
    process writes them; the caller closes them. ``code()``: the templates' code, generated meanwhile
    (:func:`~generator.stages.render.template_code`), asked for once the pages are about to render."""
    with fewer_collections():
        return _generate(Project.at(root), timings or Timings(), jobs, glossary, html, code, checks)


def _generate(project: Project, timings: Timings, jobs: int, glossary: Glossary | None, html: bool,
              code: Callable[[], Mapping[str, Code]] | None = None, checks: Callable[[], object] | None = None
              ) -> GenerateResult:
    """:func:`generate`'s stages."""
    if glossary is None:
        with timings.stage("load+validate"):
            glossary, findings = loaded_glossary(project, jobs)
            if findings:
                passing_rules(glossary, findings)  # raises, with the rules' findings too
        checks = functools.partial(passing_rules, glossary, [])
    with timings.stage("rules+link" if checks else "link"):
        links = link_glossary(glossary, jobs=jobs, meanwhile=checks or (lambda: None))
    with timings.stage("history"):
        changes = history(glossary)
    bodies: HtmlBodiesInBackground | None = None
    with timings.stage("render"):
        if html:
            pages, bodies = render_with_bodies(glossary, links, changes, jobs=jobs, code=code() if code else None)
        else:
            pages = render_pages(glossary, links, changes, jobs=jobs, code=code() if code else None)
    try:
        with timings.stage("write"):
            stats = write_pages(project.content_dir, pages)
    except BaseException:
        if bodies is not None:
            bodies.close()
        raise
    return GenerateResult(glossary, stats, timings, links=links, pages=pages, history=changes, html_bodies=bodies or {})


def safe_site_dir(project: Project, site: Path | None = None) -> list[Finding]:
    """The output directory must resolve to a path (not an unset ``!ENV``), must not be the project, a parent
    of it, or inside its data/, content/, generator/ or tests/, must not be a file, nor a non-empty
    directory that a previous build did not create (it carries a marker file)."""
    project = Project.at(project)
    where = _site_dir_mark(project.root)
    if project.site_dir_error:
        return [Finding(MKDOCS_YML, *where, project.site_dir_error, "set site_dir to a directory of its own, such as site",
                        code=BUILD)]
    site = (site or project.site_dir).resolve()
    shown = _shown(project.root, site)
    if overlaps_project(project.root, site) or any(site == p or p.is_relative_to(site) for p in project.folders):
        return [Finding(MKDOCS_YML, *where, f"refusing to build into {shown}: it holds the project's own files",
                        "set site_dir to a directory of its own, such as site", code=BUILD)]
    if site.exists() and not site.is_dir():
        return [Finding(MKDOCS_YML, *where, f"refusing to replace {shown}: it is a file, not a site",
                        "move the file away, or choose another site_dir", code=BUILD)]
    if site.exists() and any(site.iterdir()) and not (site / SITE_MARKER).exists():
        return [Finding(MKDOCS_YML, *where, f"refusing to replace {shown}: it is not empty and was not built here",
                        f"empty it, or choose another site_dir (built sites carry {SITE_MARKER})", code=BUILD)]
    return []


def _shown(root: Path, site: Path) -> str:
    """The output folder as the reader wrote it: relative to the project when inside it."""
    return (site.relative_to(root).as_posix() or ".") if site.is_relative_to(root) else str(site)


def _site_dir_mark(root: Path) -> tuple[int, int]:
    """Line and column of ``site_dir:`` in mkdocs.yml, else 1:1."""
    try:
        lines = (root / MKDOCS_YML).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return 1, 1
    return next(((i, 1) for i, line in enumerate(lines, 1) if line.startswith("site_dir:")), (1, 1))


@contextlib.contextmanager
def build_lock(site: Path) -> Iterator[None]:
    """Hold the build lock beside ``site`` (``.site.lock``); a second build says another one is running.
    Under the lock, leftovers of builds that were killed (``.site.tmp-PID``, ``.site.old-PID``) are removed."""
    lock = site.with_name(f".{site.name}.lock")
    handle = open(lock, "a+")  # noqa: SIM115 - held open for the duration of the lock
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            owner = handle.read().strip() or "another process"
            raise EnvironmentProblem(f"another build is running ({owner}); wait for it to finish, then build again") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        _remove_leftovers(site)
        yield
    finally:
        handle.close()


def _remove_leftovers(site: Path) -> None:
    """Temporary and old site folders of builds that did not finish (only directories, never links)."""
    for pattern in (f".{site.name}.tmp-*", f".{site.name}.old-*"):
        for leftover in site.parent.glob(pattern):
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover, ignore_errors=True)


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


def _build_into(project: Project, site: Path, digest: Callable[[], str], result: GenerateResult,
                prepared: dict[str, Callable[[], Any]], progress: Callable[[str], None], workers: int, offline: bool,
                timings: Timings) -> None:
    """MkDocs, then the post-build steps, into a temporary folder that replaces ``site`` when complete (its
    marker records the inputs' digest, ``digest()``); a failure to write is an :class:`EnvironmentProblem` and
    leaves nothing behind."""
    glossary = result.glossary
    tmp = site.with_name(f".{site.name}.tmp-{os.getpid()}")
    prepared = prepared_once(POST_BUILD_STEPS, glossary, prepared)
    try:
        with frozen():  # what the generator built lives to the end of the build
            sanitizer = sanitize.SanitizeAsBuilt()
            with timings.stage("mkdocs"):
                mkdocs_build(project, tmp, progress=progress, jobs=workers,
                             site_url=glossary.site.url if glossary.site else None,
                             prerendered=result.html_bodies, plugins={"glossary-sanitize": sanitizer})
            with worker_count(workers), sanitize.already_sanitized(sanitizer.finish()):
                for step in POST_BUILD_STEPS:
                    with timings.stage(f"post-build:{step.name}"):
                        run_step(step, glossary, tmp, prepared)
                if offline:
                    progress("building the offline copy")
                    with timings.stage("offline copy"):
                        write_offline_zip(project.root, glossary, tmp / OFFLINE_ZIP, POST_BUILD_STEPS, jobs=workers,
                                          prerendered=result.html_bodies, prepared=prepared)
        with timings.stage("digest"):  # the wait for it
            marker = marker_text(digest())
        (tmp / SITE_MARKER).write_text(marker, encoding="utf-8")
        _swap_in(tmp, site)
    except OSError as exc:
        raise EnvironmentProblem(f"cannot write the site: {exc.strerror or exc} ({exc.filename or tmp})") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


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
    false, the data is checked and nothing else is done: unchanged inputs generate the same pages.
    ``jobs`` worker processes (default: the number of cores) share the steps that parallelize; the
    output is the same for any number.
    Term pages reach MkDocs as the generator's HTML (:mod:`.prerendered`) unless ``markdown_only``,
    which has MkDocs convert every page's Markdown, as other engines do (same text, anchors and links).
    The result's timings include the MkDocs and post-build stages. A ``release`` build refuses a
    placeholder address (see :func:`generator.stages.address.release_problems`); ``offline`` also
    writes the offline copy into the site (:data:`generator.build.offline.OFFLINE_ZIP`).
    One build at a time per output folder (:func:`build_lock`); a full disk or another failure to
    write is an :class:`EnvironmentProblem`."""
    project = Project.at(root)
    site = project.site_dir
    problems = safe_site_dir(project, site)
    if problems:
        raise GlossaryError(problems)
    with build_lock(site), fewer_collections():
        return _build_locked(project, progress, jobs, force, release, offline, markdown_only)


def _build_locked(project: Project, progress: Callable[[str], None], jobs: int | None, force: bool,
                  release: bool, offline: bool, markdown_only: bool) -> GenerateResult:
    """:func:`build_site` once it holds the lock."""
    progress("checking and generating pages")
    workers = jobs or os.cpu_count() or 1
    # The templates' code is generated in a worker while this process loads the data, the other core idle.
    templates = InBackground(lambda _: template_code(), [None], workers, name="templates")
    try:
        return _checked_and_built(project, progress, workers, templates, force, release, offline, markdown_only)
    finally:
        templates.close()


def _checked_and_built(project: Project, progress: Callable[[str], None], workers: int,
                       templates: InBackground[None, dict[str, Code]], force: bool, release: bool, offline: bool,
                       markdown_only: bool) -> GenerateResult:
    """:func:`_build_locked`'s stages, with ``templates`` generating the templates' code meanwhile."""
    root = project.root
    site = project.site_dir
    epoch = source_date_epoch(root)
    timings = Timings()
    with timings.stage("load+validate"):
        glossary, findings = loaded_glossary(project, workers)
        if findings:
            passing_rules(glossary, findings)  # raises, with the rules' findings too
    options = (*(["offline"] if offline else []), *(["markdown-only"] if markdown_only else []))
    with timings.stage("up-to-date check"):  # before generating: unchanged inputs generate the same pages
        up_to_date = (not force and (site / "index.html").is_file()
                      and recorded_digest(site / SITE_MARKER) == inputs_digest(project, epoch, options=options))
    # MkDocs (footer, sitemap) and the exports (CSL's accessed date) read the build's date from
    # SOURCE_DATE_EPOCH only: set for this build and restored after it (build_timestamp). The exports
    # are computed in a worker from here on, on the core that the rules, linking and writing leave idle.
    def checks() -> None:
        """The consistency rules, then (for a release) the release's own checks; raises on findings."""
        passing_rules(glossary, [])
        if release and (problems := release_problems(glossary.site,
                                                     glossary.site_record.doc if glossary.site_record else None)):
            raise GlossaryError(problems)

    with (_signals_as_interrupts(), build_timestamp(epoch),
          prepared_in_background(POST_BUILD_STEPS, glossary, 1 if up_to_date else workers) as prepared):
        if up_to_date:
            with timings.stage("load+validate"):
                checks()
            progress("the site is up to date: nothing it is built from has changed (--force rebuilds it)")
            return GenerateResult(glossary, WriteStats(), timings, up_to_date=True)
        # The checks run while workers start linking (generate's checks). The HTML bodies render in workers from
        # the end of rendering (generate's html) while the pages are written and MkDocs starts; MkDocs waits for
        # them before it reads the pages. The inputs, pages written, are digested in a worker too; the marker
        # waits for it.
        result = generate(project, timings, jobs=workers, glossary=glossary, html=not markdown_only,
                          code=lambda: templates.result()[0], checks=checks)
        digest = InBackground(lambda _: inputs_digest(project, epoch, options=options), [None], workers, niceness=SLACK,
                              name="digest")
        try:
            progress(f"building the site ({len(result.stats.written) + len(result.stats.unchanged)} pages generated)")
            _build_into(project, site, lambda: digest.result()[0], result, prepared, progress, workers, offline, timings)
        finally:
            digest.close()
            if isinstance(result.html_bodies, HtmlBodiesInBackground):
                result.html_bodies.close()
    return result
