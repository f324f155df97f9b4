"""The MkDocs driver: build ``mkdocs.yml`` into a directory, with progress, and its warnings as findings."""

from __future__ import annotations

import contextlib
import logging
import os
import re
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from .. import urls
from ..findings import BUILD, Finding, GlossaryError
from ..project import MKDOCS_YML, Project
from ..stages.page_html import HtmlBody
from ..stages.write import is_generated
from .parallel_build import ParallelBuild
from .parallel_pages import ParallelPages
from .prerendered import PrerenderedPages
from .shared_nav import SharedNav

PROGRESS_MIN_PAGES = 200


class _Progress(logging.Handler):
    """Reports MkDocs' progress through its debug log: every tenth of the pages read, then written. A page
    counts once however often it is logged (:mod:`.parallel_build` logs pages as its workers build them)."""

    def __init__(self, total: int, report: Callable[[str], None]):
        super().__init__(logging.DEBUG)
        self.total, self.report = total, report
        self.seen: dict[str, set[str]] = {"Reading: ": set(), "Building page ": set()}
        self.step = max(1, -(-total // 10))

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        for prefix, label in (("Reading: ", "Markdown rendered"), ("Building page ", "HTML written")):
            seen = self.seen[prefix]
            if message.startswith(prefix) and message not in seen:
                seen.add(message)
                done = len(seen)
                if done % self.step == 0 or done == self.total:
                    self.report(f"{label}: {done}/{self.total} pages ({100 * done // self.total}%)")


def mkdocs_build(project: Project | Path, site_dir: Path, strict: bool = True, dirty: bool = False,
                 progress: Callable[[str], None] | None = None, jobs: int = 1, site_url: str | None = None,
                 overrides: dict[str, object] | None = None, source_date_epoch: str | None = None,
                 prerendered: Mapping[str, HtmlBody] | None = None, plugins: Mapping[str, object] | None = None) -> None:
    """Run the MkDocs build of the project's mkdocs.yml into ``site_dir``; raises on failure or, if strict, on warnings.

    ``site_url`` is the glossary's public address (``url`` of data/site.yaml, or GLOSSARY_SITE_URL):
    passed here rather than written in mkdocs.yml, so the address has one source. ``overrides``
    replaces other settings of mkdocs.yml for this build only (the offline copy's plugins).
    ``source_date_epoch``, when given, is the build's date (:func:`build_timestamp`); otherwise MkDocs
    reads the environment as it is (the pipeline sets it for the whole build).

    ``dirty`` rebuilds only pages whose Markdown is newer than their HTML (what the preview does
    after an edit); MkDocs warns about dirty builds, so they are never strict. ``jobs`` processes read and
    render the pages (:mod:`.parallel_pages`), then build their HTML (:mod:`.parallel_build`); the output is the
    same for any number. The navigation is rendered once per shape (:mod:`.shared_nav`). The pages of
    ``prerendered`` (HTML bodies by path under the content folder) are not converted: MkDocs takes their HTML
    (:mod:`.prerendered`). ``plugins`` are added to the configuration's, by name, after them."""
    project = Project.at(project)
    # MkDocs is imported on first use: `check` and `generate` never load it (it is slow to import).
    from mkdocs.commands.build import build

    handler = _WarningCollector()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    build_logger = logging.getLogger("mkdocs.commands.build")
    content = project.content_dir
    pages = sum(1 for p in content.rglob("*.md") if urls.is_page(p.relative_to(content).as_posix())) if progress else 0
    counter = _Progress(pages, progress) if progress and pages >= PROGRESS_MIN_PAGES else None
    level = build_logger.level
    parallel: ParallelBuild | None = None
    if counter:
        build_logger.addHandler(counter)
        build_logger.setLevel(logging.DEBUG)
    try:
        config = configured(project, site_dir, strict=strict and not dirty, site_url=site_url, overrides=overrides,
                            prerendered=prerendered, plugins=plugins)
        if jobs > 1 and not dirty:
            parallel = ParallelBuild(jobs)
            config.plugins["glossary-parallel-pages"] = ParallelPages(  # type: ignore[assignment]
                jobs, prerendered, meanwhile=parallel.compile_early)
            config.plugins["glossary-parallel-build"] = parallel  # type: ignore[assignment]
        with build_timestamp(source_date_epoch) if source_date_epoch is not None else contextlib.nullcontext():
            build(config, dirty=dirty)
    except (SystemExit, Exception) as exc:  # MkDocs aborts with SystemExit, or raises many kinds
        findings = [_place_mkdocs_warning(project, m) for m in handler.messages]
        findings.append(Finding(MKDOCS_YML, 1, 1, f"MkDocs build failed: {exc}", "fix the problems listed above", code=BUILD))
        raise GlossaryError(findings) from None
    finally:
        if parallel is not None:
            parallel.stop_skipping()
        logger.removeHandler(handler)
        if counter:
            build_logger.removeHandler(counter)
            build_logger.setLevel(level)


_DOC_FILE = re.compile(r"Doc file '([^']+)' contains (?:a link|an absolute link|a link to) '([^']*)'")


def configured(project: Project, site_dir: Path, strict: bool = False, site_url: str | None = None,
               overrides: Mapping[str, object] | None = None, prerendered: Mapping[str, HtmlBody] | None = None,
               plugins: Mapping[str, object] | None = None) -> Any:
    """The project's MkDocs configuration as every build of it runs (the site, the offline copy, the preview):
    snippets anchored at the project root, the shared navigation, then ``prerendered`` pages and ``plugins``
    (see :func:`mkdocs_build`)."""
    from mkdocs.config import load_config

    settings = {**({"site_url": site_url} if site_url else {}), **(overrides or {})}
    config = load_config(str(project.mkdocs_yml), site_dir=str(site_dir), strict=strict, **settings)
    snippets_from_root(config.mdx_configs, project.root)
    without_material_search_index(config)
    if prerendered:
        config.plugins["glossary-prerendered-pages"] = PrerenderedPages(prerendered)
    config.plugins["glossary-shared-nav"] = SharedNav()
    for name, plugin in (plugins or {}).items():
        config.plugins[name] = plugin
    return config


MATERIAL_SEARCH = "material/search"
"""Material's search plugin, by the name MkDocs registers it under (the search partial checks the same name)."""
MATERIAL_SEARCH_INDEXING = ("page_context", "post_build")
"""The events in which Material's search plugin reads every page and writes ``search/search_index.json``."""


def without_material_search_index(config: Any) -> None:
    """Material's search plugin stays configured, but does not index: the rule is that the site publishes one
    search index, the glossary's own (``assets/search-index.js``, written from the data), which is what readers'
    search loads. The plugin's presence is what puts the search dialog in Material's header (see
    ``generator/theme/partials/search.html``), so it is kept; its handlers that parse every page and write
    ``search/search_index.json``, a file no reader fetched, are taken off this build's events."""
    plugin = config.plugins.get(MATERIAL_SEARCH)
    if plugin is None:
        return
    for event in MATERIAL_SEARCH_INDEXING:
        config.plugins.events[event] = [m for m in config.plugins.events[event] if getattr(m, "__self__", None) is not plugin]


def snippets_from_root(mdx_configs: dict[str, Any], root: Path) -> None:
    """Anchor pymdownx.snippets' ``base_path`` at the project root. Snippets resolves a relative
    base path against the working directory, not mkdocs.yml's folder; with absolute paths the
    build works from any directory and never changes it."""
    options = mdx_configs.get("pymdownx.snippets")
    if options is None:
        return
    paths = options.get("base_path", ["."])
    options["base_path"] = [str(root / p) for p in ([paths] if isinstance(paths, str) else paths)]


@contextlib.contextmanager
def build_timestamp(source_date_epoch: str) -> Iterator[None]:
    """The one place the build touches the environment: MkDocs reads its build date (footer year,
    sitemap) only from ``SOURCE_DATE_EPOCH`` (mkdocs.utils.get_build_timestamp) and takes no
    argument for it. Set for the duration of the MkDocs build, then restored."""
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = source_date_epoch
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def _place_mkdocs_warning(project: Project, message: str) -> Finding:
    """A MkDocs warning as a finding on the page (and line) it is about, when it names one."""
    match = _DOC_FILE.search(message)
    if not match:
        return Finding(MKDOCS_YML, 1, 1, message, "fix the page or the configuration named here", code=BUILD)
    file = project.content_dir / match.group(1)
    page = project.display(file)
    line, col = 1, 1
    try:
        for number, text in enumerate(file.read_text(encoding="utf-8").splitlines(), 1):
            at = text.find(f"({match.group(2)}")
            if at >= 0:
                line, col = number, at + 2
                break
    except OSError:
        pass
    hint = ("a generated page: fix the data or template it comes from" if is_generated(project.content_dir, match.group(1))
            else "fix the link in this hand-written page")
    return Finding(page, line, col, message, hint, code=BUILD)


class _WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())
