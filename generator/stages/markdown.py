"""Markdown in data, parsed: what a text field renders to, and whether its kind allows it.

A contributor's Markdown is judged by what it *renders to*, never by patterns in its source:
:func:`parse` renders the text with Python-Markdown and the site's own extensions
(:data:`EXTENSIONS`, those of ``mkdocs.yml`` without snippets), reads the HTML back into a
small tree of :class:`Element` nodes, and walks it. Only the elements and attributes that the
field's kind allows (:data:`ALLOWED`) may appear; every link must be an absolute
``http(s)://`` URL (glossary terms are linked with ``[[term-id]]``); and what Markdown keeps
out of the tree is refused from the parser's own state: reference-style link definitions,
footnotes and abbreviation definitions (each would apply to the whole page the field lands on).
Snippet markers (``--8<--``) are refused before parsing: data never includes files.

API (what validation uses today, and what a later stage can use to hand MkDocs HTML directly):

* ``parse(text, kind) -> Parsed``: the tree and the problems found, each with a piece of the
  source to point at;
* ``render_html(tree) -> str``: the tree as HTML again (escaped), the same for the same tree.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Literal

import markdown

TextKind = Literal["plain", "inline", "markdown"]

EXTENSIONS: tuple[str, ...] = ("abbr", "attr_list", "admonition", "tables", "toc",
                               "pymdownx.details", "pymdownx.superfences")
"""The Markdown extensions of ``mkdocs.yml`` except ``pymdownx.snippets`` (a test holds the two lists together)."""

INLINE_TAGS = frozenset({"em", "strong", "code", "a"})
ALLOWED: dict[TextKind, frozenset[str]] = {
    "plain": frozenset(),
    "inline": INLINE_TAGS,
    "markdown": INLINE_TAGS | {"p", "ul", "ol", "li", "br"},
}
"""The elements each kind of text may render to. One-line kinds are rendered as a list item (where most
of them land, and where an attribute list after the text applies to the item), so they hold no ``p``."""

ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {"a": frozenset({"href", "title"}), "ol": frozenset({"start"})}
"""The attributes Markdown itself writes on allowed elements; any other came from an attribute list."""

SAFE_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]+)?([/?#][A-Za-z0-9._~%!$&()*+,;=:@/?#-]*)?\Z")
"""The only link targets data may hold: absolute http(s) URLs made of URL characters (no spaces, no backslashes)."""

SNIPPET_MARKER = re.compile(r"(?<!-)-+8<-+")
"""pymdownx.snippets' include marker (``--8<--``), in any of its lengths."""

_TAG_START = re.compile(r"<[A-Za-z/!?]")
_FOOTNOTE = re.compile(r"\[\^[^\[\]\s]*\]")
_DESCRIBED = {
    "h1": "a heading", "h2": "a heading", "h3": "a heading", "h4": "a heading", "h5": "a heading",
    "h6": "a heading", "hr": "a horizontal rule", "pre": "a code block", "blockquote": "a block quote",
    "table": "a table", "img": "an image", "div": "a block (code fence, admonition or details)",
    "details": "a collapsible block", "abbr": "an abbreviation", "ul": "a list", "ol": "a list",
    "li": "a list", "br": "a line break", "p": "a second paragraph",
}
KIND_NAMES: dict[TextKind, str] = {"plain": "plain text", "inline": "one line of inline Markdown",
                                   "markdown": "a Markdown text"}
_WHY: dict[TextKind, str] = {
    "plain": "plain text has no markup",
    "inline": "inline Markdown allows emphasis, code and links only",
    "markdown": "write paragraphs and lists; the page supplies the headings",
}


@dataclass(frozen=True)
class Element:
    """An HTML element of the rendered text: its tag, attributes (in order) and children (elements or text)."""

    tag: str
    attrs: tuple[tuple[str, str], ...] = ()
    children: tuple[Element | str, ...] = ()


@dataclass(frozen=True)
class Problem:
    """Something the field's kind does not allow; ``near`` is a piece of the source to point at."""

    message: str
    near: str = ""


@dataclass(frozen=True)
class Parsed:
    """A parsed text: its tree (a ``div`` around the rendered blocks) and what its kind does not allow."""

    tree: Element
    problems: tuple[Problem, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


_FOOTNOTE_PROBLEM = Problem("footnotes ('[^1]: ...') are not allowed in data text: the site does not render "
                            "them; cite the source in sources: instead", "[^")


class _TreeBuilder(HTMLParser):
    """HTML (as Python-Markdown writes it) into :class:`Element` nodes; raw constructs are recorded."""

    VOID = frozenset({"br", "hr", "img", "input", "meta", "link", "wbr", "source", "area", "col", "embed"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, list[tuple[str, str]], list[Element | str]]] = [("div", [], [])]
        self.raw: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack.append((tag, [(k, v or "") for k, v in attrs], []))
        if tag in self.VOID:
            self._close()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack.append((tag, [(k, v or "") for k, v in attrs], []))
        self._close()

    def handle_endtag(self, tag: str) -> None:
        if any(t == tag for t, _, _ in self.stack[1:]):
            while self._close() != tag:
                pass

    def _close(self) -> str:
        tag, attrs, children = self.stack.pop()
        self.stack[-1][2].append(Element(tag, tuple(attrs), tuple(children)))
        return tag

    def handle_data(self, data: str) -> None:
        self.stack[-1][2].append(data)

    def handle_comment(self, data: str) -> None:
        self.raw.append("<!--")

    def handle_decl(self, decl: str) -> None:
        self.raw.append("<!")

    def unknown_decl(self, data: str) -> None:
        self.raw.append("<![")

    def handle_pi(self, data: str) -> None:
        self.raw.append("<?")

    def tree(self) -> Element:
        self.close()
        while len(self.stack) > 1:
            self._close()
        tag, attrs, children = self.stack[0]
        return Element(tag, tuple(attrs), tuple(children))


class _Renderer:
    """One Python-Markdown instance with the site's extensions, reset between texts (building one is slow)."""

    def __init__(self) -> None:
        self.md = markdown.Markdown(extensions=list(EXTENSIONS))
        self.abbreviations: dict[str, str] = self.md.treeprocessors["abbr"].abbrs  # type: ignore[attr-defined]

    def render(self, text: str) -> tuple[str, dict[str, object], dict[str, str]]:
        """HTML, the reference definitions and the abbreviation definitions of ``text``."""
        self.md.reset()
        out = self.md.convert(text)
        return out, dict(self.md.references), dict(self.abbreviations)


_RENDERER: list[_Renderer] = []


def _renderer() -> _Renderer:
    if not _RENDERER:
        _RENDERER.append(_Renderer())
    return _RENDERER[0]


EXPLICIT_LINK = re.compile(r"\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]+))?\]\]")
"""``[[term-id]]`` or ``[[term-id|label]]``: a link to a glossary term (the link stage resolves it)."""


def as_rendered(text: str) -> str:
    """``text`` with each explicit term link written as the Markdown link it becomes (to a stand-in URL)."""
    return EXPLICIT_LINK.sub(lambda m: f"[{m.group(2) or m.group(1)}](https://term.invalid/{m.group(1).strip()})", text)


_SPECIAL = re.compile(r"[\\`{}\[\]<>#|=~^&]")
_BLOCK_START = re.compile(r"[ \t\d+\-*_>#=|!?:~]")
_LIST_ITEM = re.compile(r"- (?=\S)")
_SIMPLE_TERM_LINK = re.compile(r"\[\[[a-z0-9-]+(?:\|([^\[\]\n]+))?\]\]")


def is_plain_prose(text: str, lists: bool = True) -> bool:
    """Whether Markdown renders ``text`` as nothing but paragraphs, emphasis and (with ``lists``) flat
    ``- item`` lists of its own words, its ``[[term-id|label]]`` links read as their labels: none of the
    other special characters of Markdown or the site's extensions, no line that starts with a space, a
    digit or a block marker (quote, heading, rule, table, admonition, details, definition), no hard line
    break. :func:`problems` trusts it without rendering; a property test holds it to :func:`parse`."""
    if "[[" in text:
        text = _SIMPLE_TERM_LINK.sub(lambda m: m.group(1) or "x", text)
    if _SPECIAL.search(text) or "  \n" in text or text.endswith("  "):
        return False
    for line in text.split("\n"):
        if lists and _LIST_ITEM.match(line):
            line = line[2:]
        if _BLOCK_START.match(line):
            return False
    return True


def problems(text: str, kind: TextKind) -> tuple[Problem, ...]:
    """What :func:`parse` would find, without rendering prose that cannot hold markup (most data text)."""
    if (kind == "markdown" and is_plain_prose(text)) or (
            kind == "inline" and "\n" not in text and is_plain_prose(text, lists=False)):
        return ()
    return parse(text, kind).problems


MAX_MARKUP = 60
"""At most this many of the characters that open Markdown constructs (``[ < { & \\``) in one field:
Python-Markdown's time grows with their number times the text's length, and no glossary text needs more."""
_MARKUP = re.compile(r"[\[<{&\\]")


def parse(text: str, kind: TextKind) -> Parsed:
    """Render ``text`` as the site would and walk the result; every problem its ``kind`` does not allow.
    Text with more than :data:`MAX_MARKUP` markup characters, or nested too deeply to render, is refused
    unrendered."""
    if len(_MARKUP.findall(text)) > MAX_MARKUP:
        return Parsed(Element("div", children=(text,)), (Problem(
            f"more than {MAX_MARKUP} links, tags or other markup characters ([ < {{ & \\) in one text: "
            "split it or simplify it"),))
    try:
        return _parse(text, kind)
    except RecursionError:
        _RENDERER.clear()  # a renderer interrupted mid-way is not reused
        return Parsed(Element("div", children=(text,)), (Problem("nested too deeply to render (lists in lists?): "
                                                                 "flatten the text"),))
    except Exception as exc:  # Python-Markdown itself fails on some inputs (ValueError, IndexError...)
        _RENDERER.clear()
        return Parsed(Element("div", children=(text,)), (Problem(
            f"Markdown cannot render this text ({type(exc).__name__}), and the site build would fail on it: "
            "simplify the markup"),))


def _parse(text: str, kind: TextKind) -> Parsed:
    problems: list[Problem] = []
    marker = SNIPPET_MARKER.search(text)
    if marker:
        problems.append(Problem("snippet markers ('--8<--') are not allowed in data text: data never includes files",
                                marker.group()))
        text = SNIPPET_MARKER.sub("", text)
    one_line = kind != "markdown"
    out, references, abbreviations = _renderer().render(("- " if one_line else "") + as_rendered(text))
    builder = _TreeBuilder()
    builder.feed(out)
    tree = builder.tree()
    if builder.raw:
        problems.append(Problem("raw HTML is not allowed: write Markdown, or describe the tag in `code`",
                                _first_of(text, ("<!--", "<![", "<!", "<?"))))
    problems += _definition_problems(references, abbreviations)
    if one_line:
        tree, problems = _list_item(tree, kind, problems)
    if "{" in text and "\n" not in text:
        problems += _table_cell_problems(text)
    problems += [_as_raw_html(p, text) for p in _walk(tree, kind, top=True)]
    return Parsed(tree, tuple(dict.fromkeys(problems)))


def _as_raw_html(problem: Problem, text: str) -> Problem:
    """An image written as an ``<img>`` tag is raw HTML, and is reported as such."""
    if problem.near == "![" and "![" not in text:
        return Problem("raw HTML is not allowed: write Markdown, or describe the tag in `code`", "<img")
    return problem


def _table_cell_problems(text: str) -> list[Problem]:
    """Attributes an attribute list at the end of ``text`` would give a table cell (where ``{ ... }``
    after a space applies to the cell, unlike in a list item)."""
    out = _renderer().render("| x |\n| --- |\n| " + as_rendered(text).replace("|", "\\|") + " |")[0]
    builder = _TreeBuilder()
    builder.feed(out)
    cells: list[Element] = []
    _collect(builder.tree(), "td", cells)
    return [p for cell in cells for p in _attribute_problems(cell)]


def _collect(node: Element, tag: str, found: list[Element]) -> None:
    for child in node.children:
        if isinstance(child, Element):
            if child.tag == tag:
                found.append(child)
            _collect(child, tag, found)


def _list_item(tree: Element, kind: TextKind, problems: list[Problem]) -> tuple[Element, list[Problem]]:
    """The content of the one list item a one-line text renders to; anything else is a problem."""
    items = [c for c in tree.children if not (isinstance(c, str) and not c.strip())]
    match items:
        case [Element(tag="ul", children=children)] if len(lis := [c for c in children if isinstance(c, Element)]) == 1:
            item = lis[0]
            problems += _attribute_problems(item)
            return Element("div", children=item.children), problems
    problems.append(Problem(f"block markup (paragraphs, lists, headings) is not allowed in {KIND_NAMES[kind]}: "
                            f"{_WHY[kind]}"))
    return tree, problems


def _first_of(text: str, needles: tuple[str, ...]) -> str:
    return next((n for n in needles if n in text), "")


def _definition_problems(references: dict[str, object], abbreviations: dict[str, str]) -> list[Problem]:
    problems = []
    for name in references:
        if name.startswith("^"):
            problems.append(_FOOTNOTE_PROBLEM)
        else:
            problems.append(Problem("reference-style link definitions ('[name]: url') are not allowed in data text: "
                                    "write the link inline as [text](https://...)", "]:"))
    for name in abbreviations:
        problems.append(Problem("abbreviation definitions ('*[X]: ...') are not allowed in data text: "
                                "give the term an abbreviation: field instead", f"*[{name}]"))
    return problems


def _walk(node: Element, kind: TextKind, top: bool = False) -> list[Problem]:
    problems: list[Problem] = []
    allowed = ALLOWED[kind]
    paragraphs = 0
    for child in node.children:
        if isinstance(child, str):
            if node.tag != "code":
                problems += _text_problems(child)
            continue
        if child.tag == "p":
            paragraphs += top
            tag_ok = (top and (kind == "markdown" or paragraphs == 1)) or (kind == "markdown" and node.tag == "li")
        else:
            tag_ok = child.tag in allowed
        if not tag_ok:
            problems.append(_element_problem(child, kind))
            continue
        problems += _attribute_problems(child)
        problems += _walk(child, kind)
    return problems


def _text_problems(text: str) -> list[Problem]:
    """What plain text (outside code) may not hold: the start of an HTML tag that did not become one
    (unterminated), or a footnote reference, which the site would print as it is."""
    problems = []
    tag = _TAG_START.search(text)
    if tag:
        problems.append(Problem("an HTML tag is not allowed, even an unterminated one: "
                                "write Markdown, or put the tag in `code`", tag.group()))
    if _FOOTNOTE.search(text):
        problems.append(_FOOTNOTE_PROBLEM)
    return problems


def _element_problem(element: Element, kind: TextKind) -> Problem:
    if element.tag == "img":
        return Problem("images are not allowed in data text (they would load from another host)", "![")
    if element.tag not in _DESCRIBED:
        return Problem("raw HTML is not allowed: write Markdown, or describe the tag in `code`", f"<{element.tag}")
    what = _DESCRIBED[element.tag]
    return Problem(f"{what} (<{element.tag}>) is not allowed in {KIND_NAMES[kind]}: {_WHY[kind]}")


def _attribute_problems(element: Element) -> list[Problem]:
    problems = []
    allowed = ALLOWED_ATTRIBUTES.get(element.tag, frozenset())
    for name, value in element.attrs:
        if name not in allowed:
            problems.append(Problem(f"attribute lists ('{{: ...}}', '{{ ... }}') are not allowed in data text "
                                    f"(found '{name}')", "{"))
        elif name == "href" and not SAFE_URL.match(value):
            problems.append(Problem(f"link target {value!r} is not allowed: use an https:// URL, "
                                    "or [[term-id]] for a glossary term", value[:20]))
    return problems


def render_html(tree: Element) -> str:
    """The tree as HTML: text escaped, attributes quoted; the root ``div`` is left out."""
    return "".join(_html(child) for child in tree.children)


def _html(node: Element | str) -> str:
    if isinstance(node, str):
        return html.escape(node, quote=False)
    attrs = "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in node.attrs)
    if node.tag in _TreeBuilder.VOID:
        return f"<{node.tag}{attrs}>"
    return f"<{node.tag}{attrs}>{''.join(_html(c) for c in node.children)}</{node.tag}>"


def text_of(tree: Element) -> str:
    """The text content of a tree, without markup."""
    return "".join(c if isinstance(c, str) else text_of(c) for c in tree.children)
