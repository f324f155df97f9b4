"""Build the HTML of a MkDocs build's pages in several processes: the theme's template, on every core.

Once MkDocs has read and rendered every page (its ``env`` event), each page still goes through
the theme's template, the ``page_context`` and ``post_page`` plugin events and a write: the
biggest share of a large build, and independent from page to page. :class:`ParallelBuild` is a
plugin that the build adds in code (``mkdocs.yml`` stays plain for other engines). On ``env`` it
has forked workers build every page exactly as MkDocs' own loop would, calling MkDocs' page
builder, so each file is byte for byte what a serial build writes. What a page's build leaves in
the build's process is handed back and replayed there in page order when MkDocs' loop reaches
the page: the search plugin's index entries and any warning logged (so strict mode counts it).
MkDocs' loop then renders an empty template for that page, which writes nothing.
"""

from __future__ import annotations

import logging
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import jinja2

from ..workers import fork_context, quiet_worker
from . import parallel_pages
from .parallel_pages import Collect

BUILT_TEMPLATE = "glossary-built-by-a-worker.html"
"""The template MkDocs' own loop renders for a page a worker built: empty, so MkDocs writes nothing."""

CHUNK = 64
"""Pages a worker builds per task: small enough to balance the workers and report progress."""


@dataclass
class _Built:
    """What building one page left behind in its process, in a form that crosses a process boundary."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    logged: list[tuple[str, int, str]] = field(default_factory=list)


_JOB: dict[str, Any] = {}
"""The build's config, nav, env, pages and search index, set before the workers fork (they inherit them)."""


def _search_index(config: Any) -> Any:
    """The search plugin's index, when the build has one (it keeps its entries in a list, ``entries``)."""
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        if index is not None and isinstance(getattr(index, "entries", None), list):
            return index
    return None


def _build_pages(indexes: list[int]) -> list[_Built]:
    """In a worker: build the pages at ``indexes`` with MkDocs' own page builder; what each left behind."""
    # MkDocs is imported here: the plugin module is loaded before a build needs MkDocs.
    from mkdocs.commands.build import _build_page

    config, nav, env, pages, documents, index = (_JOB[k] for k in ("config", "nav", "env", "pages", "documents", "index"))
    logger = logging.getLogger("mkdocs")
    collect = Collect()
    logger.handlers, logger.propagate = [collect], False
    logging.getLogger("mkdocs.commands.build").handlers = []  # the build's progress is reported by the build's process
    out = []
    for i in indexes:
        collect.records = []
        before = len(index.entries) if index is not None else 0
        _build_page(pages[i], config, documents, nav, env)
        entries = []
        if index is not None:
            entries = index.entries[before:]
            del index.entries[before:]
        out.append(_Built(entries, list(collect.records)))
    return out


class ParallelBuild:
    """A MkDocs plugin (added by the build in code) that builds the pages' HTML with ``jobs`` processes."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.nav: Any = None
        self.built: dict[str, _Built] = {}

    def on_config(self, config: Any) -> Any:
        """Have the search index take a worker-built page's entries instead of reading the page again."""
        index = _search_index(config)
        if index is not None:
            add_entry = index.add_entry_from_context

            def add_entry_or_replay(page: Any) -> Any:
                built = self.built.get(page.file.src_uri)
                if built is None:
                    return add_entry(page)
                index.entries.extend(built.entries)
                return None

            index.add_entry_from_context = add_entry_or_replay
        return config

    def on_nav(self, nav: Any, config: Any, files: Any) -> Any:
        self.nav = nav
        return nav

    def on_env(self, env: Any, config: Any, files: Any) -> Any:
        """Build every page in the workers; MkDocs' loop then replays what each left and writes nothing."""
        documents = files.documentation_pages()  # what MkDocs' own loop hands each page's template
        pages = [file.page for file in documents if file.page is not None]
        if self.jobs < 2 or len(pages) < parallel_pages.MIN_PAGES:
            return env
        chunks = [list(range(k, min(k + CHUNK, len(pages)))) for k in range(0, len(pages), CHUNK)]
        _JOB.update(config=config, nav=self.nav, env=env, pages=pages, documents=documents, index=_search_index(config))
        built: list[_Built] = []
        try:
            # An executor, not a Pool: a worker that dies (killed, out of memory) fails the build instead of hanging it.
            with ProcessPoolExecutor(self.jobs, mp_context=fork_context(), initializer=quiet_worker) as pool:
                for result in pool.map(_build_pages, chunks):
                    built.extend(result)
                    _report_progress(pages[len(built) - len(result):len(built)])
        finally:
            _JOB.clear()
            config._current_page = None
        self.built = {page.file.src_uri: b for page, b in zip(pages, built, strict=True)}
        for page in pages:
            page.meta = {**page.meta, "template": BUILT_TEMPLATE}
        env.loader = jinja2.ChoiceLoader([jinja2.DictLoader({BUILT_TEMPLATE: ""}), env.loader])
        return env

    def on_page_context(self, context: Any, page: Any, config: Any, nav: Any) -> Any:
        """Log again, in the build's process and in page order, the warnings a worker logged for the page."""
        built = self.built.get(page.file.src_uri)
        for name, level, message in built.logged if built else ():
            logging.getLogger(name).log(level, message)
        return context


def _report_progress(pages: list[Any]) -> None:
    """Log each built page as MkDocs' own loop does, so the build's progress counts it."""
    log = logging.getLogger("mkdocs.commands.build")
    for page in pages:
        log.debug(f"Building page {page.file.src_uri}")
