"""Read and render a MkDocs build's pages in several processes: the same work, on every core.

MkDocs converts each page's Markdown on its own (a fresh Markdown instance per page), so the
conversion can run in forked workers without changing a byte of the output; so can a page rendered
from the generator's HTML (:func:`.prerendered.render_from_html`). :class:`ParallelPages`
is a plugin that the build adds in code (``mkdocs.yml`` stays plain for other engines). On the
``nav`` event, just before MkDocs reads the pages, it has the workers read and render every page,
then hands MkDocs the results: each page's ``read_source`` and ``render`` only restore what a
worker computed. Warnings the workers logged are logged again in the build's process, in page
order, so strict mode counts them as before. The other plugin events still run in the build's
process, in MkDocs' own order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..stages.page_html import HtmlBody
from ..workers import shared_by_chunks
from .prerendered import render_from_html

MIN_PAGES = 100
"""Below this many pages the workers cost more than they save, and the build renders alone."""

CHUNK = 32
"""Pages a process takes at a time (:func:`~generator.workers.shared_by_chunks`)."""

Logged = list[tuple[str, int, str]]
"""What a worker logged while it read, rendered or built a page (logger name, level, message), to be logged again
by the build's process."""


@dataclass
class _Rendered:
    """What reading and rendering one page produced, in a form that crosses a process boundary."""

    markdown: str
    meta: dict[str, Any]
    content: str
    toc: Any
    title: str | None
    anchors: set[str] | None
    links_to_anchors: dict[str, dict[str, str]] | None
    logged: Logged = field(default_factory=list)


class Collect(logging.Handler):
    """Keeps a worker's warnings to be logged again by the build's process."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: Logged = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


_JOB: dict[str, Any] = {}
"""The build's config, files and pages, set before the workers fork (they inherit it)."""


def _render_pages(indexes: list[int]) -> list[_Rendered]:
    """In a worker: read and render the pages at ``indexes`` as MkDocs would."""
    config, files, pages, bodies = _JOB["config"], _JOB["files"], _JOB["pages"], _JOB["bodies"]
    logger = logging.getLogger("mkdocs")
    collect = Collect()
    logger.handlers, logger.propagate = [collect], False
    out = []
    for i in indexes:
        page = pages[i]
        collect.records = []
        config._current_page = page
        page.read_source(config)
        body = bodies.get(page.file.src_uri)
        if body is None:
            page.render(config, files)
        else:
            render_from_html(page, body, config, files)
        links = page.links_to_anchors
        out.append(_Rendered(page.markdown, page.meta, page.content, page.toc, page._title_from_render,
                             page.present_anchor_ids,
                             None if links is None else {f.src_uri: dict(v) for f, v in links.items()},
                             list(collect.records)))
    return out


def _restore(page: Any, rendered: _Rendered, files: Any) -> None:
    """Make ``page`` hand MkDocs what a worker computed when MkDocs reads and renders it."""
    def read_source(config: Any) -> None:
        page.markdown, page.meta = rendered.markdown, rendered.meta

    def render(config: Any, files_: Any) -> None:
        page.content, page.toc, page._title_from_render = rendered.content, rendered.toc, rendered.title
        page.present_anchor_ids = rendered.anchors
        if rendered.links_to_anchors is not None:
            page.links_to_anchors = {files.get_file_from_path(uri): v for uri, v in rendered.links_to_anchors.items()}
        for name, level, message in rendered.logged:
            logging.getLogger(name).log(level, message)

    page.read_source, page.render = read_source, render


class ParallelPages:
    """A MkDocs plugin (added by the build in code) that renders the pages with ``jobs`` processes."""

    def __init__(self, jobs: int, prerendered: Mapping[str, HtmlBody] | None = None,
                 meanwhile: Callable[[], None] | None = None) -> None:
        """``prerendered``: the HTML bodies of the pages rendered from HTML (:mod:`.prerendered`), by source path.
        ``meanwhile``: what the build's process does first once the workers have started reading the pages (they
        take more pages meanwhile)."""
        self.jobs, self.bodies, self.meanwhile = jobs, prerendered or {}, meanwhile

    def on_nav(self, nav: Any, config: Any, files: Any) -> Any:
        """Render every page in the workers before MkDocs reads them; MkDocs then only collects the results."""
        # MkDocs is imported here, not at the top: only a build with workers needs it loaded this early.
        from mkdocs.structure.pages import Page

        documents = list(files.documentation_pages())
        if self.jobs < 2 or len(documents) < MIN_PAGES:
            return nav
        for file in documents:
            if file.page is None:
                Page(None, file, config)  # what MkDocs does itself for a page that is not in the nav
        pages = [file.page for file in documents]
        # The pages MkDocs converts from Markdown first: they are the slowest, and the others even out the end.
        order = sorted(range(len(pages)), key=lambda i: pages[i].file.src_uri in self.bodies)
        # The bodies in hand before the fork (a mapping may still be rendering them: the workers must not wait)
        bodies = dict(self.bodies.items())
        _JOB.update(config=config, files=files, pages=pages, bodies=bodies)
        try:
            results = shared_by_chunks(_render_pages, order, self.jobs, CHUNK, here=self._here())
        finally:
            _JOB.clear()
            config._current_page = None
        for i, page in enumerate(pages):
            _restore(page, results[i], files)
        return nav

    def _here(self) -> Callable[[list[int]], list[_Rendered]]:
        """How the build's process takes its chunks: :func:`_render_pages_here`, after ``meanwhile`` the first time."""
        meanwhile = [self.meanwhile] if self.meanwhile is not None else []

        def here(indexes: list[int]) -> list[_Rendered]:
            while meanwhile:
                meanwhile.pop()()
            return _render_pages_here(indexes)

        return here


def _render_pages_here(indexes: list[int]) -> list[_Rendered]:
    """The chunks the build's own process takes, rendered with its log handlers set aside meanwhile."""
    logger = logging.getLogger("mkdocs")
    handlers, propagate = logger.handlers, logger.propagate
    try:
        return _render_pages(indexes)
    finally:
        logger.handlers, logger.propagate = handlers, propagate
