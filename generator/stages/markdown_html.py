"""Data Markdown to HTML with markdown-it-py: each linked text field parsed once and rendered once.

The generated term pages reach MkDocs as HTML (:mod:`.page_html`); the Markdown fields of the data
(definitions, claims) are the only Markdown left in them. This module is the one place that parses
that Markdown, with the semantics the site's Python-Markdown configuration gives it:

* CommonMark paragraphs, lists, emphasis, code spans, links, autolinks, escapes, entities and hard
  line breaks (:data:`RULES`); no raw HTML (data holds none: validation refuses it, and here it
  would print as text, never as markup);
* the link stage's term links ``[label](../terms/id.md){ data-preview }``: the attribute list after
  a link sets ``data-preview`` on it, as ``attr_list`` does;
* abbreviations and heading anchors are applied to the whole page, not here (:mod:`.page_html`).

API: :func:`block_html` for a Markdown text (paragraphs and lists), :func:`inline_html` for one line
of inline Markdown. Both return HTML whose links still point at ``.md`` sources, as Markdown's do
before MkDocs resolves them.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore

from .link import GENERATED_LINK, PREVIEW_ATTRIBUTES, term_url

PREVIEW = "data-preview"
"""The attribute the link stage's attribute list sets on a term link (Material's instant preview)."""


def _preview_links(state: StateCore) -> None:
    """A link followed by the link stage's attribute list gets ``data-preview=""``; the list is removed."""
    for block in state.tokens:
        children = block.children or []
        opened = []
        for i, token in enumerate(children):
            if token.type == "link_open":
                opened.append(token)
            elif token.type == "link_close":
                link = opened.pop()
                after = children[i + 1] if i + 1 < len(children) else None
                if after is not None and after.type == "text" and after.content.startswith(PREVIEW_ATTRIBUTES):
                    after.content = after.content[len(PREVIEW_ATTRIBUTES):]
                    link.attrs = {PREVIEW: "", **link.attrs}  # first, where attr_list puts it


RULES = ("list", "emphasis", "backticks", "link", "autolink", "escape", "entity", "newline")
"""The markdown-it rules enabled on top of paragraphs and text: what data Markdown may use (validation refuses
headings, block quotes, code blocks, rules, tables, images, raw HTML and link definitions), and no rule Python-
Markdown lacks (no strikethrough, no linkify). Fewer rules is also three times faster than all of CommonMark."""


def _parser() -> MarkdownIt:
    parser = MarkdownIt("zero", {"html": False}).enable(list(RULES))
    parser.core.ruler.push("glossary_preview_links", _preview_links)
    return parser


_PARSER = _parser()


_HOLE = "\ue000{}\ue001"
_HOLES = re.compile("\ue000([0-9]+)\ue001")
_PARSE_WHOLE = ("\ue000", "\ue001", "`", "\\")
_MARKUP = re.compile(r"[\\`*_&<>\[\]!]")


def _link_html(match: re.Match[str]) -> str:
    """A link the link stage wrote, as the parser renders it; a label without Markdown is only escaped."""
    label = match.group(1)
    label_html = _PARSER.renderInline(label) if _MARKUP.search(label) else escapeHtml(label)
    return f'<a {PREVIEW}="" href="{escapeHtml(term_url(match.group(2)))}">{label_html}</a>'


def _render(text: str, render: Callable[[str], str]) -> str:
    """``render(text)``, with the link stage's term links set aside first and put back as HTML.

    The linker writes its links in one form (:data:`.link.GENERATED_LINK`); parsing them is most of the
    parser's time, so each becomes a placeholder of private-use characters, rendered by :func:`_link_html`
    (placeholders behave as letters do). A text with code spans or backslash escapes (where a link's
    text may be literal) or with the placeholder characters themselves is parsed whole."""
    if any(c in text for c in _PARSE_WHOLE):
        return render(text)
    links: list[str] = []

    def hole(match: re.Match[str]) -> str:
        links.append(_link_html(match))
        return _HOLE.format(len(links) - 1)

    rendered = render(GENERATED_LINK.sub(hole, text))
    return _HOLES.sub(lambda m: links[int(m.group(1))], rendered) if links else rendered


def block_html(text: str) -> str:
    """A Markdown text (paragraphs and lists) as HTML."""
    return _render(text, _PARSER.render)


def inline_html(text: str) -> str:
    """One line of inline Markdown as HTML, without a paragraph around it."""
    return _render(text, _PARSER.renderInline)
