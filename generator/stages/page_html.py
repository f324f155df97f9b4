"""Generated pages as HTML: the body, heading anchors and table of contents MkDocs would compute.

A term page is rendered twice from the same data: as portable Markdown into ``content/`` (what
every engine builds) and, for ``python -m generator build``, as HTML from its twin template
(``term.html.j2``), which the build hands MkDocs instead of having Python-Markdown convert the
Markdown (``build/prerendered.py``). :func:`finish_html` applies what the site's Markdown
extensions add to a page, with their rules:

* ``abbr``: every whole-word occurrence (``\\b``, longest first) of an abbreviation the page
  defines, in any text outside code and scripts, becomes ``<abbr title="...">``;
* ``toc`` (``permalink: true``): a heading without an id gets ``unique(slugify(its text))`` (ids
  already in the page are taken first), and a permalink ``¶`` at its end; the table of contents
  lists every heading, nested by level.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any

import jinja2
from markdown.extensions.toc import nest_toc_tokens, slugify, strip_tags, unique
from markupsafe import Markup

from .markdown_html import block_html, inline_html


@dataclass(frozen=True)
class TocEntry:
    """A heading of the page: level (1-6), anchor id and text (as HTML)."""

    level: int
    id: str
    name: str


@dataclass(frozen=True)
class HtmlBody:
    """A page's body as MkDocs' Markdown conversion would produce it: HTML, headings and title."""

    html: str
    toc: tuple[TocEntry, ...]
    title: str | None

    def toc_tokens(self) -> list[dict[str, Any]]:
        """The headings nested as Python-Markdown's ``toc`` extension reports them (``md.toc_tokens``)."""
        return nest_toc_tokens([{"level": e.level, "id": e.id, "name": e.name, "html": e.name,
                                 "data-toc-label": ""} for e in self.toc])


TEMPLATE_SETTINGS: dict[str, Any] = {
    "extensions": ["jinja2.ext.do"],
    "undefined": jinja2.StrictUndefined,  # a missing value is an error, never an empty string
    "auto_reload": False,  # one environment per generation: templates are read once
    "cache_size": -1,  # every template kept in a plain dict: a page's lookups of its templates take no lock
    "keep_trailing_newline": True,
    "trim_blocks": True,
    "lstrip_blocks": True,
}
"""The settings the Markdown and the HTML templates' environments share."""


class TemplateEnvironment(jinja2.Environment):
    """A Jinja environment whose templates see its globals through a plain dict rather than a ``ChainMap``.

    Each ``{% import %}`` asks whether the page's globals hold names the imported template's lack; on a ``ChainMap``
    that is a Python loop (a twentieth of a term page's render), on a dict it runs in C. The templates' globals are
    then fixed when a template is loaded: the generator sets them all before it loads any."""

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """The environment's globals overlaid with the template's own ``d``, as one dict."""
        return {**self.globals, **(d or {})}


def html_environment(loader: jinja2.BaseLoader, filters: dict[str, Any], globals_: dict[str, Any]) -> jinja2.Environment:
    """The environment of the HTML templates: autoescaped, with linked Markdown rendered by markdown-it."""
    env = TemplateEnvironment(loader=loader, autoescape=True, **TEMPLATE_SETTINGS)
    env.filters.update(filters)
    env.filters.update(markdown=lambda text: Markup(block_html(text).rstrip("\n")),
                       inline_markdown=lambda text: Markup(inline_html(text)))
    env.globals.update(globals_)
    return env


_SKIPPED = r"<(code|pre|script)\b.*?</\2>|<[^>]*>|&#?\w+;"
"""What abbreviations leave alone: code and scripts (Python-Markdown keeps code as atomic text and stashes raw
HTML), tags, and character references (one character of the text, never part of a word)."""


def apply_abbreviations(body: str, expansions: dict[str, str], known: frozenset[str] = frozenset()) -> str:
    """Wrap each whole-word occurrence of an abbreviation of ``expansions`` in text outside code in ``<abbr>``.

    ``known`` (every abbreviation of the glossary, a superset of ``expansions``) lets all pages share one pattern,
    compiled once, instead of compiling one for each page's set (1,525 sets, 0.8 s, for 5,000 synthetic term
    pages). It wraps the same words as the page's own pattern when every word it finds is the page's: both
    prefer the longest word at a position, so they differ only where a longer word the page lacks hides a
    shorter one it has. When it finds such a word, the page's own pattern does the page."""
    if not expansions:
        return body
    escaped = {html.escape(a, quote=False): title for a, title in expansions.items()}
    if known:
        missed: list[str] = []
        wrapped = _known_pattern(known).sub(lambda match: _wrap(match, escaped, missed), body)
        if not missed:
            return wrapped
    return _abbreviations_pattern(frozenset(escaped)).sub(lambda match: _wrap(match, escaped, []), body)


def _wrap(match: re.Match[str], escaped: dict[str, str], missed: list[str]) -> str:
    """A match of an abbreviation pattern wrapped in ``<abbr>`` (a skipped part as it is); a word not in
    ``escaped`` is noted in ``missed``."""
    if match.group(1):
        return match.group(1)
    word = match.group(0)
    if word not in escaped:
        missed.append(word)
        return word
    return f'<abbr title="{html.escape(escaped[word])}">{word}</abbr>'


@functools.lru_cache(maxsize=8)
def _known_pattern(known: frozenset[str]) -> re.Pattern[str]:
    """:func:`_abbreviations_pattern` of the abbreviations ``known``, as written in HTML."""
    return _abbreviations_pattern(frozenset(html.escape(a, quote=False) for a in known))


@functools.lru_cache(maxsize=4096)
def _abbreviations_pattern(words: frozenset[str]) -> re.Pattern[str]:
    """What :func:`apply_abbreviations` matches for the (escaped) abbreviations ``words``: built and compiled once
    for each set."""
    return re.compile(rf"({_SKIPPED})|\b{trie_pattern(words)}\b", re.S)


def trie_pattern(words: Iterable[str]) -> str:
    """A regular expression matching the same as ``(?:w1|w2|...)`` with the longest words first, written as a
    trie: at each position the engine follows one branch per character instead of trying every word, so
    finding a page's abbreviations is linear in the page, not in the page times the abbreviations."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def branch(node: dict[str, Any]) -> str:
        ends = "" in node
        options = [re.escape(char) + branch(child) for char, child in sorted(node.items()) if char]
        if not options:
            return ""
        group = "(?:" + "|".join(options) + ")"
        return group + "?" if ends else group  # greedy: the longer word is tried first, as in the plain list

    return branch(trie)


_HEADING = re.compile(r"<h([1-6])((?:\s[^>]*)?)>(.*?)</h\1>", re.S)
_ID = re.compile(r"""\sid="([^"]*)\"""")
PERMALINK = '<a class="headerlink" href="#{id}" title="Permanent link">&para;</a>'
"""What ``toc``'s ``permalink: true`` appends to each heading."""


@functools.lru_cache(maxsize=4096)
def _name_and_slug(inner: str) -> tuple[str, str]:
    """A heading's text (HTML) and the slug ``toc`` makes of it (most headings recur on every page)."""
    name = strip_tags(inner)
    return name, slugify(html.unescape(name), "-")


def anchor_headings(body: str) -> tuple[str, tuple[TocEntry, ...]]:
    """Give each heading its id and permalink as ``toc`` does; return the HTML and the headings."""
    used = {html.unescape(m.group(1)) for m in _ID.finditer(body)}
    counters: dict[str, int] = {}
    toc: list[TocEntry] = []

    def anchor(match: re.Match[str]) -> str:
        level, attrs, inner = match.group(1), match.group(2), match.group(3).strip()
        name, slug = _name_and_slug(inner)
        given = _ID.search(attrs)
        if given:
            anchor_id = html.unescape(given.group(1))
        else:
            anchor_id = unique(slug, used, counters)
            attrs = f'{attrs} id="{html.escape(anchor_id)}"'
        toc.append(TocEntry(int(level), anchor_id, name))
        return f"<h{level}{attrs}>{inner}{PERMALINK.format(id=html.escape(anchor_id))}</h{level}>"

    return _HEADING.sub(anchor, body), tuple(toc)


def finish_html(body: str, abbreviations: dict[str, str], known: frozenset[str] = frozenset()) -> HtmlBody:
    """A rendered HTML body with the page's abbreviations, heading anchors and table of contents (``known``: see
    :func:`apply_abbreviations`)."""
    body, toc = anchor_headings(apply_abbreviations(body.rstrip("\n"), abbreviations, known))
    title = toc[0].name if toc and toc[0].level == 1 and body.lstrip().startswith("<h1") else None
    return HtmlBody(body, toc, title)
