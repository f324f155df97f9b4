"""The preview's generator: after an edit, only what the edit changed is loaded, linked, rendered and written.

:class:`IncrementalGenerator` keeps the last generation's state (each data file's records, the links, every
page with what it read). :meth:`~IncrementalGenerator.update` then

1. loads again only the data files whose status changed (:class:`~generator.stages.validate.LoadCache`);
2. links again only the texts of the records that changed, when no term's names changed
   (:func:`~generator.stages.link.linker_key`);
3. renders again only the pages whose reads the edit changed (:mod:`generator.stages.dependencies`) and
   the search index;
4. writes the pages whose text changed.

The consistency rules over the whole glossary run afterwards (:meth:`~IncrementalGenerator.check`), so the
page shows first and the findings follow. Any edit this path does not cover (a record added, removed or
renamed, a term's names changed, a template edited, a file that does not validate) regenerates everything,
as ``python -m generator generate`` does, and reports findings before writing anything. Either way the pages
are the same as a full generation's: tests/test_preview.py compares them after random edits.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import jinja2

from ..files import write_if_changed
from ..findings import Finding, GlossaryError
from ..heap import fewer_collections
from ..project import Project, is_generated
from ..stages.dependencies import Reads, changes, places, records_by_key
from ..stages.link import Linker, Links, link_glossary, linker_key, relink, term_url
from ..stages.page_html import HtmlBody
from ..stages.render import Page, TrackedRenderer, search_index_page
from ..stages.rules import run_rules
from ..stages.validate import Glossary, LoadCache, load_glossary
from ..stages.write import write_pages
from .history import history


@dataclass
class Update:
    """What one :meth:`IncrementalGenerator.update` did."""

    written: list[str] = field(default_factory=list)
    """Paths under content/ whose text changed, sorted."""
    rendered: int = 0
    """How many pages were rendered again (all of them when ``full``)."""
    full: bool = False
    """Whether everything was regenerated (the edit was not one the incremental path covers)."""
    seconds: float = 0.0

    def summary(self) -> str:
        how = "regenerated every page" if self.full else f"rendered {self.rendered} pages again"
        return f"{how}, wrote {len(self.written)} in {self.seconds:.2f}s"


class HtmlBodies(Mapping[str, HtmlBody]):
    """The HTML bodies of the pages with an HTML twin, each rendered when first asked for: MkDocs asks for the
    pages it builds, and after an edit or a page added it builds a few. A page's body comes from the renderer
    of the update that last rendered the page, or a later one (which reads the same data for it)."""

    def __init__(self) -> None:
        self.renderer: TrackedRenderer | None = None
        self.pages: dict[str, Page] = {}
        self.made: dict[str, HtmlBody] = {}

    def start(self, renderer: TrackedRenderer, pages: dict[str, Page]) -> None:
        """Forget every body: ``pages`` (kept up to date by the generator) were all rendered by ``renderer``."""
        self.renderer, self.pages, self.made = renderer, pages, {}

    def add(self, renderer: TrackedRenderer, bodies: dict[str, HtmlBody]) -> None:
        """The bodies of the pages ``renderer`` rendered again; it renders any other body asked for from now."""
        self.renderer = renderer
        self.made.update(bodies)

    def __getitem__(self, path: str) -> HtmlBody:
        body = self.made.get(path)
        if body is None:
            if self.renderer is None or path not in self.pages:
                raise KeyError(path)
            body = self.made[path] = self.renderer.bodies([self.pages[path]])[path]
        return body

    def __iter__(self) -> Iterator[str]:
        assert self.renderer is not None
        return iter([path for path in self.pages if self.renderer.has_html(path)])

    def __len__(self) -> int:
        return sum(1 for _ in self)


class IncrementalGenerator:
    """The generator of one project, kept warm between edits (see the module's contract)."""

    def __init__(self, project: Project):
        self.project = project
        self.cache = LoadCache()
        self.glossary: Glossary | None = None
        self.links = Links()
        self.linker: Linker | None = None
        self.linker_key: tuple[Any, ...] = ()
        self.renderer: TrackedRenderer | None = None
        self.envs: tuple[jinja2.Environment, jinja2.Environment] | None = None
        """The Markdown and HTML templates, compiled once per full regeneration (an edited template needs
        ``update(full=True)``)."""
        self.html_bodies = HtmlBodies()
        """The HTML bodies of the pages that have an HTML twin (:mod:`generator.build.prerendered`), by path; kept
        up to date in place, so a MkDocs plugin given this mapping sees every update."""
        self.pages: dict[str, Page] = {}
        self.reads: dict[str, Reads] = {}
        self.checked = False
        """Whether the consistency rules have run on the current glossary."""

    def update(self, full: bool = False) -> Update:
        """Bring content/ up to date with data/ (the first call, and any with ``full``, generates everything);
        raises :class:`GlossaryError` with every finding when the data does not load, or, on a full
        regeneration, does not pass the rules. Nothing is written then."""
        started = time.perf_counter()
        with fewer_collections():
            glossary, findings = load_glossary(self.project, self.cache)
            result = None if findings or full or self.glossary is None else self._update_changed(glossary)
            if result is None:
                findings.extend(run_rules(glossary))
                if findings:
                    raise GlossaryError(sorted(set(findings)))
                result = self._generate_all(glossary)
        result.seconds = time.perf_counter() - started
        return result

    def check(self) -> list[Finding]:
        """The findings of the consistency rules on the current glossary (what the incremental path skips). It may
        run in a thread of its own: the glossary it checks is the one current when it starts."""
        glossary = self.glossary
        assert glossary is not None
        found = sorted(set(run_rules(glossary)))
        if glossary is self.glossary:
            self.checked = True
        return found

    def _generate_all(self, glossary: Glossary) -> Update:
        """Link, render and write everything (the glossary passed the rules)."""
        self.linker = Linker(glossary.terms.values(), term_url)
        self.linker_key = linker_key(glossary.terms.values())
        links = link_glossary(glossary, self.linker)
        renderer = TrackedRenderer(glossary, links, history(glossary))
        self.envs = renderer.envs
        rendered = renderer.render(renderer.paths())
        pages = [page for page, _ in rendered.values()] + [search_index_page(glossary)]
        stats = write_pages(self.project.content_dir, sorted(pages, key=lambda p: p.path))
        self.pages, self.reads = {}, {}
        self.html_bodies.start(renderer, self.pages)
        self._keep(glossary, links, renderer, rendered, pages, {})
        self.checked = True
        return Update(sorted(stats.written + stats.removed), len(pages), full=True)

    def _update_changed(self, glossary: Glossary) -> Update | None:
        """Only what changed since the last update, or None when the edit needs a full regeneration."""
        assert self.glossary is not None and self.renderer is not None and self.linker is not None
        if linker_key(glossary.terms.values()) != self.linker_key:
            return None
        before = records_by_key(self.glossary)
        edited = {key for key, record in records_by_key(glossary).items()
                  if key not in before or before[key].model is not record.model}
        links = relink(self.links, glossary, self.linker, edited)
        renderer = TrackedRenderer(glossary, links, history(glossary), self.envs,
                                   places(glossary, self.renderer.places, edited))
        paths = renderer.paths()
        if paths != self.renderer.paths():
            return None
        changed = changes(self.glossary, glossary, self.links, links, self.renderer.shapes, renderer.shapes)
        if changed is None:
            return None
        stale = [path for path in paths if changed.meet(self.reads[path])]
        try:
            rendered = renderer.render(stale)
            bodies = renderer.bodies([page for page, _ in rendered.values()])
        except Exception:  # data the rules would refuse (an unknown id): the full path reports it
            return None
        pages = [page for page, _ in rendered.values()] + [search_index_page(glossary)]
        written = self._write(pages)
        if written is None:
            return None
        self._keep(glossary, links, renderer, rendered, pages, bodies)
        self.checked = self.checked and not edited  # the same data as when the rules last passed
        return Update(written, len(stale))

    def _write(self, pages: list[Page]) -> list[str] | None:
        """Write the pages whose text changed; None, writing nothing, when one of them is no longer a page this
        generator wrote (a regular file with the generated mark: a full regeneration then reports the
        hand-written page in the way)."""
        content = self.project.content_dir
        changed = [p for p in pages if self.pages.get(p.path) != p]
        if any(not is_generated(content, p.path, {p.path}) for p in changed if p.path in self.pages):
            return None
        return sorted(p.path for p in changed if write_if_changed(content / p.path, p.text))

    def _keep(self, glossary: Glossary, links: Links, renderer: TrackedRenderer, rendered: dict[str, tuple[Page, Reads]],
              pages: list[Page], bodies: dict[str, HtmlBody]) -> None:
        self.glossary, self.links, self.renderer = glossary, links, renderer
        self.pages.update((p.path, p) for p in pages)
        self.html_bodies.add(renderer, bodies)
        self.reads.update((path, reads) for path, (_, reads) in rendered.items())
