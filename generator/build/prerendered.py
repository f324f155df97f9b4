"""Hand MkDocs the generator's HTML for the pages it rendered as HTML, instead of converting their Markdown.

:class:`PrerenderedPages` is a MkDocs plugin that the build adds in code (``mkdocs.yml`` and
``content/`` stay plain: other engines build the portable Markdown). For each page the generator
rendered as HTML too (:mod:`generator.stages.page_html`), the page's ``render`` takes that body,
table of contents, title and anchors instead of running Python-Markdown; its links are resolved
and validated by MkDocs' own link resolver, so URLs, warnings (strict mode) and the anchor check
are those of a Markdown page (a link is resolved once for all pages of the same shape, such as every
term page: :class:`_Resolved`). The page's source is still read by MkDocs (front matter, title).
"""

from __future__ import annotations

import html
import posixpath
import re
import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from ..stages.page_html import HtmlBody

_LINK = re.compile(r'(<a\s[^>]*?href=")([^"]*)(")')
_ID = re.compile(r'\sid="([^"]*)"')


def _resolve_links(body: str, resolver: Any, known: _Resolved) -> str:
    """Every ``<a href>`` of ``body`` as MkDocs resolves a Markdown link (``.md`` source to page URL), each
    resolved by MkDocs once per page shape (:class:`_Resolved`)."""
    shape = known.shape(resolver.file)

    def resolve(match: re.Match[str]) -> str:
        return f"{match.group(1)}{known.resolve(resolver, shape, match.group(2))}{match.group(3)}"

    return _LINK.sub(resolve, body)


@dataclass(frozen=True)
class _Link:
    href: str
    escaped: str
    """The resolved address, HTML-escaped for the attribute."""
    target: Any
    anchor: str


class _Resolved:
    """Links MkDocs resolved, reused for any page of the same shape: same source folder, and an address that
    differs only in its last segment (``terms/a/``, ``terms/b/``), so the same relative address reaches the
    same page. Only a link to a ``.md`` page outside the linking page's own address is kept: MkDocs resolved
    it without a warning, and records it for the anchor check exactly as MkDocs would."""

    def __init__(self, files: Any) -> None:
        self.by_url = {f.url: f for f in files.documentation_pages()}
        self.links: dict[tuple[tuple[str, str], str], _Link] = {}
        self.external: dict[str, str] = {}
        """Links to other sites (MkDocs leaves them as they are, from any page), escaped, by attribute."""

    def shape(self, page: Any) -> tuple[str, str]:
        """The shape of ``page`` (a MkDocs ``File``): its source folder and its address with the last segment as ``*``."""
        return posixpath.dirname(page.src_uri), _LAST_SEGMENT.sub(r"*\1", page.url)

    def resolve(self, resolver: Any, shape: tuple[str, str], attribute: str) -> str:
        """The ``href`` attribute value ``attribute`` (HTML-escaped) as ``resolver.path_to_url`` resolves it, escaped
        again; taken from an earlier page of the same ``shape`` (:meth:`shape` of ``resolver.file``) when there is one."""
        external = self.external.get(attribute)
        if external is not None:
            return external
        page = resolver.file
        key = (shape, attribute)
        link = self.links.get(key)
        if link is not None and not link.target.url.startswith(page.url):
            if link.anchor:
                resolver.links_to_anchors.setdefault(link.target, {}).setdefault(link.anchor, link.href)
            return link.escaped
        href = html.unescape(attribute)
        url = resolver.path_to_url(href)
        link = self._link(page, href, url)
        if link is not None:
            self.links[key] = link
        elif _is_external(href):
            self.external[attribute] = html.escape(url)
        return html.escape(url)

    def _link(self, page: Any, href: str, url: str) -> _Link | None:
        """The link ``href`` resolved to ``url`` from ``page``, when it may be reused (see the class)."""
        source, resolved = urlsplit(href), urlsplit(url)
        if _is_external(href) or not source.path.endswith(".md") or href.startswith(("/", "\\")):
            return None
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(page.url), resolved.path))
        target = self.by_url.get(joined + "/" if resolved.path.endswith("/") else joined)
        if target is None or target.inclusion.is_excluded() or target.url.startswith(page.url):
            return None
        return _Link(href, html.escape(url), target, source.fragment)


def _is_external(href: str) -> bool:
    """Whether MkDocs takes ``href`` for a link to another site (a scheme or a host), which it never rewrites."""
    parts = urlsplit(href)
    return bool(parts.scheme or parts.netloc)


_LAST_SEGMENT = re.compile(r"[^/]+(/?)$")
"""The last segment of a page's address (its shape is the address with that segment as ``*``)."""
_KNOWN: weakref.WeakKeyDictionary[Any, _Resolved] = weakref.WeakKeyDictionary()
"""The links resolved in a build, by the build's files."""


class PrerenderedPages:
    """A MkDocs plugin (added by the build in code) that renders the pages of ``bodies`` from their HTML."""

    def __init__(self, bodies: Mapping[str, HtmlBody]) -> None:
        """``bodies``: HTML bodies by source path under ``docs_dir`` (``terms/x.md``)."""
        self.bodies = bodies

    def on_pre_page(self, page: Any, config: Any, files: Any) -> Any:
        """Replace the page's ``render`` when the generator rendered it as HTML."""
        body = self.bodies.get(page.file.src_uri)
        if body is not None and "render" not in vars(page):  # not already rendered by a worker (parallel_pages)
            page.render = lambda config_, files_: render_from_html(page, body, config_, files_)
        return page


def render_from_html(page: Any, body: HtmlBody, config: Any, files: Any) -> None:
    """What ``Page.render`` sets, from the generator's HTML instead of the page's Markdown."""
    # MkDocs is imported here: it is loaded only when a build runs (slow to import).
    from mkdocs.structure.pages import _RelativePathTreeprocessor
    from mkdocs.structure.toc import get_toc

    resolver = _RelativePathTreeprocessor(page.file, files, config)
    known = _KNOWN.get(files)
    if known is None:
        known = _KNOWN[files] = _Resolved(files)
    page.content = _resolve_links(body.html, resolver, known)
    page.toc = get_toc(body.toc_tokens())
    page._title_from_render = body.title
    page.present_anchor_ids = {html.unescape(m.group(1)) for m in _ID.finditer(page.content)}
    page.links_to_anchors = resolver.links_to_anchors
