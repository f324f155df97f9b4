"""The preview's builds: after an edit, only the pages it changed are generated and built again.

:meth:`Preview.build` is what ``python -m generator serve`` runs after any change it watches (data/, the
page templates, content/, mkdocs.yml, the theme):

1. the incremental generator (:mod:`.incremental`) writes the generated pages the edit changed;
2. when every file that changed under content/ is a page or file the last full MkDocs build knows, and
   neither mkdocs.yml nor the theme changed, only those are built again, with that build's
   configuration, navigation and theme (MkDocs' own page builder, as :mod:`.parallel_build` uses it);
3. anything else (a page added or removed, mkdocs.yml, the theme, an include) runs a full MkDocs build.

Pages are sanitized as the site's are (:class:`~.sanitize.SanitizeAsBuilt`). The consistency rules that the
incremental generator leaves out run after the pages are built (:meth:`Preview.check`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..files import file_status, relative_posix
from ..findings import Finding, GlossaryError
from ..heap import settle
from ..project import MANIFEST, Project
from ..stages.render import TEMPLATES
from .incremental import IncrementalGenerator, Update
from .mkdocs import configured
from .sanitize import SanitizeAsBuilt

PAGES, NEW_FILES, EVERYTHING = "pages", "new files", "everything"
"""What MkDocs builds after a change (:meth:`Preview._plan`)."""


@dataclass
class PreviewBuild:
    """What one :meth:`Preview.build` did."""

    update: Update | None = None
    """The generator's update; None when the data did not load (``findings`` says why; nothing was built)."""
    findings: list[Finding] = field(default_factory=list)
    built: list[str] = field(default_factory=list)
    """The files that changed (paths under the project), which MkDocs built again; every one when ``full``."""
    plan: str = PAGES
    """What MkDocs built (:meth:`Preview._plan`)."""
    seconds: float = 0.0

    @property
    def full(self) -> bool:
        """Whether MkDocs built the whole site."""
        return self.plan == EVERYTHING

    @property
    def dirty(self) -> bool:
        """Whether MkDocs made a dirty build (files were added or removed)."""
        return self.plan == NEW_FILES

    def summary(self) -> str:
        if self.update is None:
            return "the data has problems; the preview shows the last good pages"
        how = ("built the whole site" if self.full else f"built {len(self.built)} files again"
               + (" (files were added or removed)" if self.dirty else ""))
        return f"{self.update.summary()}; {how}; {self.seconds:.2f}s in all"


class _Capture:
    """A MkDocs plugin that keeps what a build set up (navigation, theme, files) for the page rebuilds. In a
    dirty build it first reads the pages of the navigation the build skipped (their titles are the
    navigation's labels), so that every page renders the same navigation as in a full build."""

    def __init__(self, dirty: bool) -> None:
        self.dirty = dirty
        self.nav: Any = None
        self.env: Any = None
        self.files: Any = None

    def on_nav(self, nav: Any, config: Any, files: Any) -> Any:
        self.nav = nav
        return nav

    def on_env(self, env: Any, config: Any, files: Any) -> Any:
        from mkdocs.commands.build import _populate_page

        for page in self.nav.pages if self.dirty else ():
            if page.content is None:
                _populate_page(page, config, files)
        self.env, self.files = env, files
        return env


@dataclass
class _Built:
    """The last full MkDocs build of the preview."""

    config: Any
    capture: _Capture


class Preview:
    """The preview of one project, built into ``site_dir`` for the address ``serve_url``; with ``full_builds``,
    MkDocs builds the whole site after every change."""

    def __init__(self, project: Project, site_dir: Path, serve_url: str, full_builds: bool = False):
        self.project, self.site_dir, self.serve_url = project, site_dir, serve_url
        self.full_builds = full_builds
        self.generator = IncrementalGenerator(project)
        self.built: _Built | None = None
        self.templates: dict[str, tuple[int, ...]] = {}
        self.sources: dict[str, tuple[int, ...]] = {}
        """The status of each file the last MkDocs build read, by path under the project."""
        self.written: dict[str, tuple[int, ...]] = {}
        """The status of each page the generator wrote in the last build, taken as soon as it was written."""

    def build(self) -> PreviewBuild:
        """Generate and build what changed since the last call (the first builds everything). Bad data is
        reported in the result's findings and nothing is built: the preview keeps the last good pages. A failed
        MkDocs build raises (the server reports it and keeps serving)."""
        started = time.perf_counter()
        templates = dict(_statuses(TEMPLATES, TEMPLATES))
        try:
            update = self.generator.update(full=templates != self.templates)
        except GlossaryError as exc:
            return PreviewBuild(findings=exc.findings, seconds=time.perf_counter() - started)
        self.templates = templates
        content = self.project.content_dir
        self.written = dict(_status(content / rel, self.project.root) for rel in update.written)
        sources = self._sources()
        changed = sorted(rel for rel in sources.keys() | self.sources.keys() if sources.get(rel) != self.sources.get(rel))
        plan = self._plan(changed)
        result = PreviewBuild(update, built=sorted(sources) if plan == EVERYTHING else changed, plan=plan)
        if plan == PAGES:
            self._rebuild(changed)
        else:
            if plan == NEW_FILES:
                self._remove_outputs(changed)
            self._build_all(dirty=plan == NEW_FILES)
        if plan != PAGES or update.full:
            settle()  # the collector stops walking the state kept for the next edit
        self.sources = sources
        result.seconds = time.perf_counter() - started
        return result

    def wrote(self, path: str) -> bool:
        """Whether the file at ``path`` is as the last build left it, having written or built it (a watcher's event
        about it is the preview's own doing, and needs no build)."""
        rel, status = _status(Path(path), self.project.root)
        return bool(status) and status in (self.written.get(rel), self.sources.get(rel))

    def check(self) -> list[Finding]:
        """The consistency rules' findings on the data last built (empty when the last update ran them)."""
        return [] if self.generator.checked else self.generator.check()

    def watched(self) -> list[Path]:
        """What a change to calls for a build: the data, the page templates, and what MkDocs reads."""
        return [self.project.data_dir, TEMPLATES, *self._read_by_mkdocs()]

    def _read_by_mkdocs(self) -> list[Path]:
        """The content folder, mkdocs.yml and the theme folder (mkdocs.yml's ``custom_dir``)."""
        return [self.project.content_dir, self.project.mkdocs_yml, self.project.root / "generator" / "theme"]

    def _sources(self) -> dict[str, tuple[int, ...]]:
        """The status of every file a MkDocs build reads (:meth:`_read_by_mkdocs`)."""
        return {rel: status for path in self._read_by_mkdocs() for rel, status in _statuses(path, self.project.root)}

    def _plan(self, changed: list[str]) -> str:
        """How MkDocs builds after the files ``changed`` (paths under the project) changed:

        * :data:`PAGES`, only them again, when each is a page or file the last build knows and still exists;
        * :data:`NEW_FILES`, a dirty build, when files were added or removed under content/: MkDocs builds the
          files newer than their output;
        * :data:`EVERYTHING`, when mkdocs.yml, the theme or a file the site excludes (such as an include,
          which other pages take in) changed, or there is no last build, or ``full_builds``."""
        if self.built is None or self.full_builds:
            return EVERYTHING
        plan = PAGES
        for rel in changed:
            if not rel.startswith(self._content):
                return EVERYTHING
            file = self._known(rel)
            if file is not None and file.inclusion.is_excluded():
                if rel.removeprefix(self._content) != MANIFEST:  # the generator's list of its pages is read by no page
                    return EVERYTHING
            elif file is None or not (self.project.root / rel).is_file():
                plan = NEW_FILES
        return plan

    @property
    def _content(self) -> str:
        """The content folder's path under the project, with a slash: the prefix of every page's path."""
        return self.project.content_dir.relative_to(self.project.root).as_posix() + "/"

    def _known(self, rel: str) -> Any:
        """The file at ``rel`` (a path under the project, in the content folder) as the last build knew it, or None."""
        assert self.built is not None
        return self.built.capture.files.get_file_from_path(rel.removeprefix(self._content))

    def _remove_outputs(self, changed: list[str]) -> None:
        """Delete what the last build wrote for the files among ``changed`` that are gone."""
        for rel in changed:
            file = self._known(rel) if rel.startswith(self._content) else None
            if file is not None and not (self.project.root / rel).is_file():
                Path(file.abs_dest_path).unlink(missing_ok=True)

    def _build_all(self, dirty: bool = False) -> None:
        """A MkDocs build of the preview (``dirty``: of the files newer than their output), kept for the page
        rebuilds that follow."""
        from mkdocs.commands.build import build

        self.built = None
        capture = _Capture(dirty)
        config = configured(self.project, self.site_dir, site_url=self.serve_url, prerendered=self.generator.html_bodies,
                            plugins={"glossary-preview": capture, "glossary-sanitize": SanitizeAsBuilt()})
        with _without_the_dirty_build_warning():
            build(config, serve_url=self.serve_url, dirty=dirty)
        self.built = _Built(config, capture)

    def _rebuild(self, changed: list[str]) -> None:
        """Build again only the files ``changed`` (paths under the project; each a page or file the last build
        knows, see :meth:`_plan`), with the last build's navigation and theme."""
        from mkdocs.commands.build import _build_page, _populate_page
        from mkdocs.structure.files import InclusionLevel

        assert self.built is not None
        config, capture = self.built.config, self.built.capture
        files = [self._known(rel) for rel in changed]
        pages = [f for f in files if f.is_documentation_page()]
        for file in files:
            if not file.is_documentation_page():
                file.copy_file()
        for file in pages:
            vars(file.page).pop("render", None)  # the HTML body the last build gave it (prerendered.py)
            _populate_page(file.page, config, capture.files)
        doc_files = capture.files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        for file in pages:
            _build_page(file.page, config, doc_files, capture.nav, capture.env)


@contextlib.contextmanager
def _without_the_dirty_build_warning() -> Iterator[None]:
    """MkDocs warns that a dirty build may get the navigation wrong; the preview's does not (see :class:`_Capture`)."""
    logger = logging.getLogger("mkdocs.commands.build")

    def keep(record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")

    logger.addFilter(keep)
    try:
        yield
    finally:
        logger.removeFilter(keep)


def _statuses(path: Path, root: Path) -> Iterator[tuple[str, tuple[int, ...]]]:
    """``(path under root, status)`` of the file ``path`` or of every file below it, links included (with
    strings, not paths: this runs over every page after each edit)."""
    if path.is_file():
        files: Iterator[str] = iter([str(path)])
    else:
        files = (os.path.join(folder, name) for folder, _, names in os.walk(path) for name in names)
    for file in files:
        yield _status(file, root)


def _status(file: str | Path, root: Path) -> tuple[str, tuple[int, ...]]:
    """``(path under root, status)`` of one file (:func:`~generator.files.file_status`)."""
    return relative_posix(file, root), file_status(file)
