"""Build the HTML of a MkDocs build's pages in several processes: the theme's template, on every core.

Once MkDocs has read and rendered every page (its ``env`` event), each page still goes through the theme's
template, the ``page_context`` and ``post_page`` plugin events and a write: the biggest share of a large
build, and independent from page to page. :class:`ParallelBuild` is a plugin that the build adds in code
(``mkdocs.yml`` stays plain for other engines). On ``env`` it has forked workers build every page exactly as
MkDocs' own loop would, calling MkDocs' page builder, so each file is byte for byte what a serial build
writes. What a page's build leaves in the build's process is handed back and replayed there in page order as
the workers' results come in, while they go on: any warning logged (so strict mode counts it) and the
``post_page`` event with no output (which the sanitizer counts). MkDocs' own loop then passes over these
pages (:meth:`ParallelBuild.skipping`): building each again with an empty template, as it once did, cost the
build's process a second of its own at 5,000 terms, after the workers ended.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from ..workers import fork_context, quiet_worker
from . import parallel_pages
from .parallel_pages import Collect, Logged

CHUNK = 64
"""Pages a worker builds per task: small enough to balance the workers and report progress."""


_JOB: dict[str, Any] = {}
"""The build's config, nav, env and pages, set before the workers fork (they inherit them)."""


def _build_pages(indexes: list[int]) -> list[Logged]:
    """In a worker: build the pages at ``indexes`` with MkDocs' own page builder; what each logged."""
    # MkDocs is imported here: the plugin module is loaded before a build needs MkDocs.
    from mkdocs.commands.build import _build_page

    config, nav, env, pages, documents = (_JOB[k] for k in ("config", "nav", "env", "pages", "documents"))
    logger = logging.getLogger("mkdocs")
    collect = Collect()
    logger.handlers, logger.propagate = [collect], False
    logging.getLogger("mkdocs.commands.build").handlers = []  # the build's progress is reported by the build's process
    out = []
    for i in indexes:
        collect.records = []
        _build_page(pages[i], config, documents, nav, env)
        out.append(list(collect.records))
    return out


PAGE_TEMPLATE = "main.html"
"""The theme template MkDocs renders a page with, unless its front matter names another (``template:``)."""


def compile_ahead(env: Any, names: set[str], seen: set[str] | None = None) -> None:
    """Compile the templates ``names`` and every template they extend, include or import by a constant name, so
    that the workers forked next inherit them compiled (each would compile them on first use). A template
    that cannot be loaded is left for the page build to report. ``seen``: templates already followed (they are
    neither compiled nor parsed again), to which those followed here are added."""
    from jinja2 import TemplateError, meta  # Jinja is MkDocs' dependency; imported with the build

    todo, seen = sorted(names), set() if seen is None else seen
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        try:
            env.get_template(name)
            tree = env.parse(env.loader.get_source(env, name)[0])
        except TemplateError:
            continue
        todo.extend(sorted(n for n in meta.find_referenced_templates(tree) if n is not None))


_COMPILER_SETTINGS = ("block_start_string", "block_end_string", "variable_start_string", "variable_end_string",
                      "comment_start_string", "comment_end_string", "line_statement_prefix", "line_comment_prefix",
                      "trim_blocks", "lstrip_blocks", "newline_sequence", "keep_trailing_newline", "autoescape",
                      "finalize", "optimized", "is_async")
"""The settings of a Jinja environment that its compiled templates depend on, besides its filters, tests and
extensions (the compiler looks filters and tests up, and may call them on constants)."""


def compiler_inputs(env: Any) -> tuple[Any, ...]:
    """What ``env``'s templates are compiled from, besides their sources: equal before and after a change of the
    environment when templates compiled before it are still those it would compile."""
    return (tuple(getattr(env, name) for name in _COMPILER_SETTINGS),
            tuple(sorted((name, id(f)) for name, f in env.filters.items())),
            tuple(sorted((name, id(f)) for name, f in env.tests.items())),
            tuple(sorted(env.extensions)))


class ParallelBuild:
    """A MkDocs plugin (added by the build in code) that builds the pages' HTML with ``jobs`` processes."""

    def __init__(self, jobs: int) -> None:
        self.jobs = jobs
        self.nav: Any = None
        self.built: set[str] = set()
        """The pages (source paths) the workers built, which MkDocs' own loop passes over."""
        self.restore: Callable[[], None] | None = None
        self.env: Any = None
        """The theme's environment MkDocs made for this build (:meth:`on_config`)."""
        self.compiled: set[str] = set()
        """The templates compiled early (:meth:`compile_early`)."""
        self.compiled_with: tuple[Any, ...] = ()
        """What they were compiled with (:func:`compiler_inputs`)."""

    def on_config(self, config: Any) -> Any:
        """Keep the environment the build's theme makes (MkDocs makes it before the ``files`` event and hands it to
        plugins only at ``env``), so that the page template can be compiled before then (:meth:`compile_early`)."""
        theme = config.theme
        make_env = theme.get_env

        def get_env() -> Any:
            self.env = make_env()
            return self.env

        theme.get_env = get_env
        return config

    def compile_early(self) -> None:
        """Compile the theme's page template and what it extends, includes and imports, while the workers read the
        pages (:class:`.parallel_pages.ParallelPages` calls it): the build's process would otherwise compile them
        alone, the other core idle, just before the page workers fork. :meth:`on_env` compiles them again if a
        plugin changed what templates are compiled with in between."""
        if self.env is not None:
            self.compiled_with = compiler_inputs(self.env)
            compile_ahead(self.env, {PAGE_TEMPLATE}, self.compiled)

    def forget_if_stale(self, env: Any) -> None:
        """Forget the templates compiled early unless ``env`` is the environment they were compiled in and still
        compiles as it did then (a plugin may change a filter in between, and the compiler calls filters on
        constants): they are compiled again."""
        if self.compiled and (env is not self.env or compiler_inputs(env) != self.compiled_with):
            if env is self.env and env.cache is not None:
                env.cache.clear()
            self.compiled = set()

    def on_nav(self, nav: Any, config: Any, files: Any) -> Any:
        self.nav = nav
        return nav

    def on_env(self, env: Any, config: Any, files: Any) -> Any:
        """Build every page in the workers, replaying what each left as the results come in, in page order."""
        documents = files.documentation_pages()  # what MkDocs' own loop hands each page's template
        pages = [file.page for file in documents if file.page is not None]
        if self.jobs < 2 or len(pages) < parallel_pages.MIN_PAGES:
            return env
        chunks = [list(range(k, min(k + CHUNK, len(pages)))) for k in range(0, len(pages), CHUNK)]
        self.forget_if_stale(env)
        compile_ahead(env, {page.meta.get("template", PAGE_TEMPLATE) for page in pages}, self.compiled)
        _JOB.update(config=config, nav=self.nav, env=env, pages=pages, documents=documents)
        try:
            # An executor, not a Pool: a worker that dies (killed, out of memory) fails the build instead of hanging it.
            with ProcessPoolExecutor(self.jobs, mp_context=fork_context(), initializer=quiet_worker) as pool:
                done = 0
                for result in pool.map(_build_pages, chunks):
                    for page, built in zip(pages[done:done + len(result)], result, strict=True):
                        _replay(page, built, config)
                    done += len(result)
        finally:
            _JOB.clear()
            config._current_page = None
        self.built = {page.file.src_uri for page in pages}
        self.skipping()
        return env

    def skipping(self) -> None:
        """Have MkDocs' own loop pass over the pages the workers built, until :meth:`stop_skipping`."""
        from mkdocs.commands import build  # MkDocs is imported when a build runs (slow to import)

        if self.restore is not None:
            return
        build_page = build._build_page

        def build_page_unless_built(page: Any, *args: Any, **kwargs: Any) -> None:
            if page.file.src_uri not in self.built:
                build_page(page, *args, **kwargs)

        build._build_page = build_page_unless_built  # type: ignore[assignment]

        def restore() -> None:
            build._build_page = build_page  # type: ignore[assignment]

        self.restore = restore

    def stop_skipping(self) -> None:
        """MkDocs' own loop builds every page again (after the build, however it ended)."""
        if self.restore is not None:
            self.restore()
            self.restore = None

    def on_post_build(self, config: Any) -> None:
        self.stop_skipping()

    def on_build_error(self, error: Exception) -> None:
        self.stop_skipping()


def _replay(page: Any, logged: Logged, config: Any) -> None:
    """What building ``page`` in a worker left, done again in the build's process: the progress line, the
    warnings and the ``post_page`` event (with no output: the worker wrote the page)."""
    logging.getLogger("mkdocs.commands.build").debug(f"Building page {page.file.src_uri}")
    for name, level, message in logged:
        logging.getLogger(name).log(level, message)
    config.plugins.on_post_page("", page=page, config=config)
