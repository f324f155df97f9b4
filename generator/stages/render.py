"""Stage 4, render: Jinja templates turn the linked glossary into Markdown pages.

Contract: :func:`render_pages` is a pure function of the data. It returns every generated
page as a path relative to ``content/`` and its text, in a stable order; the same data gives
byte-identical pages. Templates run with ``StrictUndefined`` (a missing value is an error,
never an empty string), and data values reach the Markdown only through the escaping
filters below, or as linked Markdown from the link stage for fields that are Markdown.
"""

from __future__ import annotations

import functools
import html
import json
import re
import string
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from .. import urls
from ..findings import RENDER, Finding, GlossaryError
from ..model.records import ELEMENT_TITLES
from ..project import GENERATED_MARK, LAYOUT
from ..workers import InBackground, in_processes, processes_for
from .cite import bibtex_entry
from .dependencies import Place, Reads, TrackedLinks, TrackingContext, places, shape, tracking
from .link import EXPLICIT, FieldPathError, Links, Referrer, Role, term_link_markdown, whole_word_matches
from .page_html import TEMPLATE_SETTINGS, HtmlBody, TemplateEnvironment, finish_html, html_environment, trie_pattern
from .pictures import comparison_svg, ladder_svg, timeline_svg
from .search import search_index_script
from .template_code import Code, GeneratedCode, generated_code
from .validate import Glossary

TEMPLATES = Path(__file__).parent / "templates"
SEARCH_INDEX = "assets/search-index.js"  # loaded by content/assets/search.js, beside it

FIXED_TEMPLATES = {
    urls.HOME: "home.md.j2",
    urls.GLOSSARY: "az.md.j2",
    urls.REFERENCES: "references.md.j2",
    urls.FRAMEWORKS: "frameworks.md.j2",
    urls.COMPARE: "compare.md.j2",
    urls.ELEMENTS: "elements.md.j2",
    urls.CHAPTERS: "chapters.md.j2",
    urls.ABBREVIATIONS: "abbreviations.md.j2",
}
"""The generated pages every build has, and the template of each (``about.md`` is hand-written)."""

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]>#|])")


_LIST_MARKER = re.compile(r"^(\s*)([-+]|\d+(?=[.)]))(?=[.)]?(\s|$))", re.M)


def escape_plain(value: Any) -> str:
    """Plain text as Markdown that renders literally, inline or at the start of a line: backslash-escapes
    Markdown syntax and a leading list marker, writes & and < as entities (Python-Markdown has no
    backslash escape for <: ``\\<`` would show the backslash)."""
    return _escaped_plain(str(value))


@functools.lru_cache(maxsize=1 << 16)
def _escaped_plain(value: str) -> str:
    """:func:`escape_plain` of a string, made once: the same titles, summaries and publishers recur on many pages."""
    text = _MD_SPECIAL.sub(r"\\\1", value).replace("&", "&amp;").replace("<", "&lt;")
    return _LIST_MARKER.sub(lambda m: m.group(1) + (m.group(2) + "\\" if m.group(2)[0].isdigit() else "\\" + m.group(2)), text)


def escape_cell(value: Any) -> str:
    """Inline Markdown safe inside a table cell: pipes escaped, newlines folded."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def escape_attr(value: Any) -> str:
    """Text for a double-quoted attribute or link title."""
    return str(value).replace("\\", "").replace('"', "'").replace("\n", " ")


def front_matter(value: Any) -> str:
    """A front-matter value (``title:``, ``description:``): the theme writes these into ``<title>`` and
    ``<meta name="description" content="...">`` unescaped, so the value is HTML-escaped (quotes too),
    then written as a JSON string, which YAML reads as the same string."""
    return json.dumps(html.escape(str(value), quote=True), ensure_ascii=False)


def escape_html(value: Any) -> str:
    """Text for an HTML element or a double-quoted attribute in a raw HTML block (&, <, >, quotes)."""
    return html.escape(str(value), quote=True)


def unlinked(text: str, terms: dict[str, Any]) -> str:
    """Inline Markdown with each explicit link ``[[id|label]]`` replaced by its label (or the term's title)."""
    def label(match: re.Match[str]) -> str:
        tid = match.group(1).strip()
        return match.group(2) or (terms[tid].title if tid in terms else tid)

    return EXPLICIT.sub(label, text)


def initial(title: str) -> str:
    """The A-Z letter a title is filed under ('#' for anything that is not A-Z)."""
    first = title.strip()[:1].upper()
    return first if first in string.ascii_uppercase else "#"


def tidy_markdown(text: str) -> str:
    """Blank lines around headings, at most one blank line in a row (a line of spaces is blank), no spaces at the end
    of a line, one newline at the end."""
    head, body = "", text
    if text.startswith("---\n"):
        end = text.index("\n---\n", 4) + 5
        head, body = text[:end], text[end:]
    kept: list[str] = []
    last = ""  # the last line kept ("" before the first)
    for line in body.split("\n"):  # not splitlines(): U+2028, U+0085 and the like are not line breaks here
        line = line.rstrip()
        if not line:
            if last:
                kept.append(last := "")
            continue
        if last and (line[0] == "#" or last[0] == "#"):
            kept.append("")
        kept.append(last := line)
    return head + "\n".join(kept).strip("\n") + "\n"


@jinja2.pass_context
def link(context: jinja2.runtime.Context, page: str, anchor: str = "", here: str | None = None) -> str:
    """The Markdown link to ``page`` (and ``anchor``) from the page ``here``, by default the page being rendered
    (``page_path``; a macro imported without context passes ``here``)."""
    return urls.md_link(page, anchor, depth=urls.depth(context["page_path"] if here is None else here))


@jinja2.pass_context
def term_link(context: jinja2.runtime.Context, term: Any) -> str:
    """The Markdown link to ``term``'s page from the page being rendered, showing its summary on hover, as the
    link stage writes one (:func:`~.link.term_link_markdown`). Made once per term, title and page depth: every
    page links to a few terms, and the pages link to the same terms thousands of times."""
    return _term_link(urls.depth(context["page_path"]), term.id, term.title)


@functools.lru_cache(maxsize=1 << 16)
def _term_link(depth: int, tid: str, title: str) -> str:
    return term_link_markdown(escape_plain(title), urls.md_link(urls.term_page(tid), depth=depth))


def template_finding(exc: FieldPathError, template: jinja2.Template) -> Finding:
    """A template's bad field path as a finding on the template line that asks for it."""
    line, file = 1, Path(template.filename or TEMPLATES / str(template.name))
    tb = exc.__traceback__
    while tb is not None:  # Jinja maps its frames to template lines; the innermost one is the call
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            line, file = tb.tb_lineno, Path(tb.tb_frame.f_code.co_filename)
        tb = tb.tb_next
    where = file.relative_to(TEMPLATES.parents[1]).as_posix() if file.is_relative_to(TEMPLATES.parents[1]) else file.name
    return Finding(f"generator/{where}", line, 1, f"links.text: {exc}", exc.hint, RENDER)


@dataclass(frozen=True)
class Page:
    """A generated page: path under content/ and its Markdown."""

    path: str
    text: str
    abbreviations: tuple[str, ...] | None = field(default=None, compare=False)
    """The abbreviations the Markdown defines (those its text uses), for a page of the site (None for other files)."""


def environment() -> jinja2.Environment:
    """The Jinja environment all templates share."""
    env = TemplateEnvironment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False, **TEMPLATE_SETTINGS)
    env.filters.update(plain=escape_plain, cell=escape_cell, attr=escape_attr, front_matter=front_matter,
                       html=escape_html)
    env.globals.update(generated_mark=GENERATED_MARK, initial=initial, urls=urls, link=link, term_link=term_link,
                       Referrer=Referrer, Role=Role,
                       bibtex_entry=bibtex_entry)
    return env


def template_environments() -> tuple[jinja2.Environment, jinja2.Environment]:
    """The Markdown templates' environment (:func:`environment`) and the HTML templates', which shares its loader
    and globals."""
    env = environment()
    return env, _html_environment_beside(env)


def _html_environment_beside(env: jinja2.Environment) -> jinja2.Environment:
    """The HTML templates' environment, with the loader and globals of the Markdown templates' ``env``."""
    return html_environment(env.loader, {"front_matter": front_matter}, env.globals)  # type: ignore[arg-type]


def _page_templates(env: jinja2.Environment, other_kind: str) -> list[str]:
    """The templates of ``env``: every template but those of the other kind (``other_kind``, their suffix)."""
    return env.list_templates(filter_func=lambda name: not name.endswith(other_kind))


def template_code() -> dict[str, Code]:
    """The Python code Jinja generates for every template of :func:`template_environments`, by kind (``markdown``,
    ``html``): what a build's worker computes while the data loads (:mod:`.template_code`)."""
    env, html_env = template_environments()
    return {"markdown": generated_code(env, _page_templates(env, HTML_TEMPLATE)),
            "html": generated_code(html_env, _page_templates(html_env, MARKDOWN_TEMPLATE))}


def _context(g: Glossary, links: Links, history: Any = None) -> dict[str, Any]:
    assert g.site is not None
    terms = g.terms
    frameworks = g.frameworks
    return {
        "site": g.site,
        "base_url": urls.base_url(g.site.url),
        "history": history,
        "glossary": g,
        "terms": terms,
        "frameworks": frameworks,
        "references": g.references,
        "chapters": g.chapters,
        "chapters_file": LAYOUT["chapters"],
        "links": links,
        "term_records": {r.model.id: r for r in sorted(g.term_records, key=lambda r: r.model.id)},
        "framework_records": {r.model.id: r for r in sorted(g.framework_records, key=lambda r: r.model.id)},
        "terms_by_letter": _by_letter(terms.values()),
        "framework_of_term": {fw.term: fw for fw in frameworks.values() if fw.term},
        "central_terms": _most_referenced(terms, links, 8),
        "basics": _basics(g, 8),
        "terms_used_by": (used := _terms_used_by(g, links)),
        "frameworks_using": _frameworks_using(used),
        "category_counts": _category_counts(terms.values()),
        "crosswalk": g.crosswalk,
        "crosswalk_record": g.crosswalk_record,
        "level_of": {f"{fw.id}/{lv.id}": (fw, lv) for fw in frameworks.values() for lv in (fw.scale.levels if fw.scale else [])},
        "timeline_svg": timeline_svg(list(frameworks.values())),
        "comparison_svg": comparison_svg(list(frameworks.values()), g.crosswalk),
        "ladder_svg": ladder_svg,
        "element_titles": ELEMENT_TITLES,
        "unlinked": lambda text: unlinked(text, terms),
        "stating_frameworks": [fw for fw in frameworks.values() if fw.elements],
    }


def _most_referenced(terms: dict[str, Any], links: Links, count: int) -> list[Any]:
    """The ``count`` terms that most other entries link to (ties by title), for the home page."""
    ranked = sorted(links.referenced_by, key=lambda t: (-len(links.referenced_by[t]), terms[t].title.casefold()))
    return [terms[tid] for tid in ranked[:count]]


def _basics(g: Glossary, count: int) -> list[Any]:
    """A newcomer's path: the first ``count`` terms the course chapters introduce, in chapter and
    section order, leaving out organisations."""
    path: list[str] = []
    for chapter in sorted(g.chapters, key=lambda c: c.number):
        for section in chapter.sections:
            path.extend(t for t in section.introduces if g.terms[t].category != "organisation")
    return [g.terms[t] for t in list(dict.fromkeys(path))[:count]]


def _terms_used_by(g: Glossary, links: Links) -> dict[str, list[Any]]:
    """For each framework, the terms its page links to and the term that names it, by title."""
    used: dict[str, set[str]] = {fid: ({fw.term} if fw.term else set()) for fid, fw in g.frameworks.items()}
    for tid, sources in links.referenced_by.items():
        for source in sources:
            if source.kind == Referrer.FRAMEWORK and source.id in used:
                used[source.id].add(tid)
    return {fid: sorted((g.terms[t] for t in tids), key=lambda t: (t.title.casefold(), t.id)) for fid, tids in used.items()}


def _frameworks_using(used: dict[str, list[Any]]) -> dict[str, list[str]]:
    """For each term, the ids of the frameworks that use it (see :func:`_terms_used_by`)."""
    out: dict[str, list[str]] = {}
    for fid, terms in sorted(used.items()):
        for t in terms:
            out.setdefault(t.id, []).append(fid)
    return out


def _category_counts(terms: Any) -> dict[str, int]:
    """How many terms each category holds, by category name."""
    counts: dict[str, int] = {}
    for t in terms:
        counts[t.category] = counts.get(t.category, 0) + 1
    return dict(sorted(counts.items()))


def _by_letter(terms: Any) -> dict[str, list[Any]]:
    letters: dict[str, list[Any]] = {}
    for term in sorted(terms, key=lambda t: (t.title.casefold(), t.id)):
        letters.setdefault(initial(term.title), []).append(term)
    return dict(sorted(letters.items(), key=lambda kv: (kv[0] == "#", kv[0])))




_ABBR_WORD_CHAR = re.compile(r"\w")  # the abbr extension matches at \b: a hyphen ends an abbreviation


class AbbreviationIndex:
    """Finds which glossary abbreviations a page uses, in one pass over its text (Aho-Corasick).

    Each generated page carries definitions for the abbreviations it uses only: appending the
    whole list to every page costs Python-Markdown's ``abbr`` extension time quadratic in the
    list's length on every page (cubic in the glossary's size over the site)."""

    def __init__(self, expansions: dict[str, str]):
        import ahocorasick

        self.expansions = dict(sorted(expansions.items()))
        self.known = frozenset(self.expansions)
        self.automaton = ahocorasick.Automaton()
        for abbr in self.expansions:
            self.automaton.add_word(abbr, (len(abbr), abbr))
        if self.expansions:
            self.automaton.make_automaton()
        self.pattern = re.compile(trie_pattern(self.expansions)) if self.expansions else None
        self.longest = max(map(len, self.expansions), default=0)

    def used_in(self, text: str) -> list[str]:
        """The abbreviations that occur in ``text`` as whole words (as the ``abbr`` extension matches them).

        The trie-shaped pattern (:func:`~.page_html.trie_pattern`, about twice as fast as the automaton over a
        whole page) finds stretches where abbreviations occur, the longest at each place and without overlaps: every
        occurrence of any abbreviation starts at one of those places or inside one of those stretches, where the
        automaton then finds them all, shorter and overlapping ones too. The same as the automaton over the text."""
        found: set[str] = set()
        for match in self.pattern.finditer(text) if self.pattern else ():
            start, stop = match.span()
            found.update(abbr for first, _, abbr in whole_word_matches(self.automaton, text, text, _ABBR_WORD_CHAR,
                                                                       slice(start, stop + self.longest - 1))
                         if first < stop)
        return sorted(found)

    def definitions(self, used: Iterable[str]) -> str:
        """Markdown abbreviation definitions for the abbreviations ``used`` (:meth:`used_in`), each a block of its own:
        in one block, Python-Markdown re-tests the rest of the block after each line, which is quadratic."""
        return "".join(f"\n*[{a}]: {escape_attr(self.expansions[a])}\n" for a in used).lstrip("\n")


def render_pages(g: Glossary, links: Links, history: Any = None, jobs: int = 1,
                 code: Mapping[str, Code] | None = None) -> list[Page]:
    """Every generated page of the site, sorted by path. ``history`` (a
    :class:`generator.build.history.History`) adds the What changed page and each term's last change.
    ``jobs`` processes share the pages (the same pages for any number: each is a function of the data).
    ``code``: the templates' code, generated by a worker meanwhile (:func:`template_code`)."""
    return _all_pages(_Renderer(g, links, history, code=code), jobs)


def render_with_bodies(g: Glossary, links: Links, history: Any = None, jobs: int = 1,
                       code: Mapping[str, Code] | None = None) -> tuple[list[Page], HtmlBodiesInBackground]:
    """:func:`render_pages`, then :class:`HtmlBodiesInBackground` of those pages, by one renderer whose templates
    are compiled before any worker forks: the workers inherit them instead of compiling them each."""
    renderer = _Renderer(g, links, history, html=True, code=code)
    pages = _all_pages(renderer, jobs)
    return pages, HtmlBodiesInBackground(g, links, pages, history, jobs, renderer=renderer)


def _all_pages(renderer: _Renderer, jobs: int) -> list[Page]:
    """Every page ``renderer`` renders, and the search index (among them, the first: it takes longest), sorted by
    path. With several ``jobs``, the templates are compiled first, and the workers inherit them."""
    if jobs > 1:
        renderer.compile_templates()

    def made(path: str) -> Page:
        return search_index_page(renderer.glossary) if path == SEARCH_INDEX else renderer.page(path)

    return sorted(in_processes(made, [SEARCH_INDEX, *renderer.paths()], jobs), key=lambda p: p.path)


def search_index_page(g: Glossary) -> Page:
    """The script of the site's own search index (:mod:`.search`)."""
    return Page(SEARCH_INDEX, search_index_script(g))


class TrackedRenderer:
    """Renders pages one by one, noting what each reads (:mod:`.dependencies`): the preview renders every page
    once through it, then after an edit only the pages whose reads the edit changed. It renders their HTML
    twins too (:meth:`bodies`)."""

    def __init__(self, g: Glossary, links: Links, history: Any = None,
                 envs: tuple[jinja2.Environment, jinja2.Environment] | None = None, where: dict[int, Place] | None = None):
        """``envs``: the Markdown and HTML templates (:attr:`envs` of an earlier renderer), compiled once for many
        renderers; ``where``: the places of the models of ``g`` (:func:`~.dependencies.places`), when known."""
        self.glossary = g
        self.renderer = _Renderer(g, links, history, html=True, tracked=True, env=envs[0] if envs else None,
                                  html_env=envs[1] if envs else None)
        self.places = where if where is not None else places(g)
        self.shapes = {name: shape(value, self.places) for name, value in self.renderer.ctx.items()}
        """Each context name's value, as :func:`~.dependencies.shape` compares it."""

    @property
    def envs(self) -> tuple[jinja2.Environment, jinja2.Environment]:
        """The Markdown and HTML templates."""
        assert self.renderer.html_env is not None
        return self.renderer.env, self.renderer.html_env

    def paths(self) -> list[str]:
        """Every page's path (the search index's aside: it is a function of all terms, rendered each time)."""
        return self.renderer.paths()

    def render(self, paths: list[str]) -> dict[str, tuple[Page, Reads]]:
        """The pages at ``paths`` with their reads, rendered in this process."""
        out = {}
        with tracking(self.glossary, self.places) as start:
            for path in paths:
                reads = start()
                out[path] = (self.renderer.page(path), reads)
        return out

    def has_html(self, path: str) -> bool:
        """Whether the page at ``path`` has an HTML twin."""
        return self.renderer.has_html(path)

    def bodies(self, pages: list[Page]) -> dict[str, HtmlBody]:
        """The HTML bodies of those ``pages`` that have an HTML twin (see :func:`render_html_bodies`)."""
        return {page.path: self.renderer.body(page) for page in pages if self.renderer.has_html(page.path)}


def render_html_bodies(g: Glossary, links: Links, pages: list[Page], history: Any = None,
                       jobs: int = 1) -> dict[str, HtmlBody]:
    """The HTML bodies of the ``pages`` (from :func:`render_pages`, with the same ``history``) that have an
    HTML twin: the term pages and :data:`HTML_TWINS`, by path. ``jobs`` processes share them (the same
    bodies for any number)."""
    return dict(HtmlBodiesInBackground(g, links, pages, history, jobs).items())


class HtmlBodiesInBackground(Mapping[str, HtmlBody]):
    """The bodies :func:`render_html_bodies` gives, rendered by ``jobs`` forked workers from the moment this is
    made, while the build goes on (writing the pages, starting MkDocs). Which pages have a body is known at once;
    the first body asked for waits for them all. With one job, they are rendered then, in this process.
    :meth:`close` stops the workers when the build ends without them."""

    def __init__(self, g: Glossary, links: Links, pages: list[Page], history: Any = None, jobs: int = 1,
                 renderer: _Renderer | None = None):
        """``renderer``: the one that rendered ``pages`` (with ``html``), when at hand."""
        renderer = renderer or _Renderer(g, links, history, html=True)
        twins = [page for page in pages if renderer.has_html(page.path)]
        self.paths = {page.path: i for i, page in enumerate(twins)}
        self.work = InBackground(renderer.body, twins, processes_for(len(twins), jobs))

    def __getitem__(self, path: str) -> HtmlBody:
        return self.work.result()[self.paths[path]]

    def __contains__(self, path: object) -> bool:
        return path in self.paths

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)

    def close(self) -> None:
        """Stop the workers if they are still rendering."""
        self.work.close()


MARKDOWN_TEMPLATE, HTML_TEMPLATE = ".md.j2", ".html.j2"
"""How the templates of each environment end (both share the others, such as ``_cite.j2``)."""

HTML_TWINS = {urls.GLOSSARY: "az.html.j2", urls.CHANGES: "changes.html.j2"}
"""Pages besides the term pages (``term.html.j2``) that have an HTML twin of their Markdown template."""


class _Renderer:
    """Renders any generated page by its path, as Markdown and, with ``html``, as HTML where it has a twin."""

    def __init__(self, g: Glossary, links: Links, history: Any = None, html: bool = False, tracked: bool = False,
                 env: jinja2.Environment | None = None, html_env: jinja2.Environment | None = None,
                 code: Mapping[str, Code] | None = None):
        """``code``: the templates' code generated elsewhere (:func:`template_code`), for new environments only."""
        self.glossary = g
        if env is None and html_env is None:
            env, html_env = template_environments()
            if code:
                env.bytecode_cache, html_env.bytecode_cache = GeneratedCode(code["markdown"]), GeneratedCode(code["html"])
        self.env = env or environment()
        self.ctx = _context(g, links, history)
        if tracked:  # reads are noted (TrackedRenderer)
            self.env.context_class = TrackingContext
            self.ctx["links"] = TrackedLinks(links)
        self.chapters = {chapter.id: chapter for chapter in g.chapters}
        self.abbreviations = AbbreviationIndex({t.abbreviation: t.title for t in g.terms.values() if t.abbreviation})
        if html and html_env is None:
            html_env = _html_environment_beside(self.env)
        self.html_env = html_env if html else None
        self.html_links: dict[str, Any] = {}
        if self.html_env:
            macros = self.html_env.get_template("_macros.html.j2").module
            terms, references = self.ctx["terms"], self.ctx["references"]
            self.html_links = {
                "term_links": _OnDemand(lambda tid: macros.term_link(terms[tid])),  # type: ignore[attr-defined]
                "reference_links": _OnDemand(lambda rid: macros.reference_link(references[rid])),  # type: ignore[attr-defined]
            }

    def compile_templates(self) -> None:
        """Compile every template of the Markdown environment and, with ``html``, of the HTML one now (each is
        compiled once, when first used): workers forked afterwards inherit them."""
        for env, other_kind in ((self.env, HTML_TEMPLATE), (self.html_env, MARKDOWN_TEMPLATE)):
            if env is not None:
                for name in _page_templates(env, other_kind):
                    env.get_template(name)

    def paths(self) -> list[str]:
        """The path of every page but the search index, in a stable order."""
        return [*FIXED_TEMPLATES, *([urls.CHANGES] if self.ctx["history"] is not None else []),
                *(urls.term_page(tid) for tid in self.ctx["term_records"]),
                *(urls.framework_page(fid) for fid in self.ctx["framework_records"]),
                *(urls.chapter_page(chapter.id) for chapter in self.glossary.chapters)]

    def _render(self, name: str, path: str, **values: Any) -> str:
        """Template ``name`` rendered for the page at ``path``; a bad field path is a finding on the template's line."""
        template = self.env.get_template(name)
        try:
            return template.render(self.ctx, page_path=path, **values)
        except FieldPathError as exc:
            raise GlossaryError([template_finding(exc, template)]) from None

    def _markdown(self, path: str) -> str:
        name = path.partition("/")[2]
        if path in FIXED_TEMPLATES:
            return self._render(FIXED_TEMPLATES[path], path)
        if path == urls.CHANGES:
            return self._render("changes.md.j2", path)
        item = name.removesuffix(".md")
        if path == urls.term_page(item):
            record = self.ctx["term_records"][item]
            return self._render("term.md.j2", path, term=record.model, record=record)
        if path == urls.framework_page(item):
            record = self.ctx["framework_records"][item]
            return self._render("framework.md.j2", path, fw=record.model, record=record)
        return self._render("chapter.md.j2", path, chapter=self.chapters[item])

    def has_html(self, path: str) -> bool:
        """Whether the page at ``path`` has an HTML twin."""
        return path in HTML_TWINS or path == urls.term_page(path.partition("/")[2].removesuffix(".md"))

    def _html(self, path: str) -> str | None:
        if self.html_env is None:
            return None
        if path in HTML_TWINS:
            return self.html_env.get_template(HTML_TWINS[path]).render(self.ctx, page_path=path)
        tid = path.partition("/")[2].removesuffix(".md")
        if path == urls.term_page(tid):
            record = self.ctx["term_records"][tid]
            return self.html_env.get_template("term.html.j2").render(self.ctx, **self.html_links, page_path=path,
                                                                     term=record.model,
                                                                     record=record)
        return None

    def page(self, path: str) -> Page:
        """The page at ``path``: tidied Markdown with the definitions of the abbreviations it uses."""
        text = tidy_markdown(self._markdown(path))
        if not urls.is_page(path):
            return Page(path, text)
        used = tuple(self.abbreviations.used_in(text))
        defined = self.abbreviations.definitions(used)
        return Page(path, text + "\n" + defined if defined else text, used)

    def body(self, page: Page) -> HtmlBody:
        """The HTML body of ``page`` (one that :meth:`has_html`, made by :meth:`page`), with the abbreviations its
        Markdown defines."""
        body = self._html(page.path)
        assert body is not None and page.abbreviations is not None
        return finish_html(body, {a: self.abbreviations.expansions[a] for a in page.abbreviations}, self.abbreviations.known)


class _OnDemand(dict[str, Any]):
    """A mapping whose values are made when first asked for (``make(key)``), each once: a page links to a few
    terms, and making every term's link for every renderer would cost more than the pages."""

    def __init__(self, make: Callable[[str], Any]):
        super().__init__()
        self.make = make

    def __missing__(self, key: str) -> Any:
        value = self[key] = self.make(key)
        return value
