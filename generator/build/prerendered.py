"""Hand MkDocs the generator's HTML for the pages it rendered as HTML, instead of converting their Markdown.

:class:`PrerenderedPages` is a MkDocs plugin that the build adds in code (``mkdocs.yml`` and
``content/`` stay plain: other engines build the portable Markdown). For each page the generator
rendered as HTML too (:mod:`generator.stages.page_html`), the page's ``render`` takes that body,
table of contents, title and anchors instead of running Python-Markdown; its links are resolved
and validated by MkDocs' own link resolver, so URLs, warnings (strict mode) and the anchor check
are those of a Markdown page. The page's source is still read by MkDocs (front matter, title).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from ..stages.page_html import HtmlBody

_LINK = re.compile(r'(<a\s[^>]*?href=")([^"]*)(")')
_ID = re.compile(r'\sid="([^"]*)"')


def _resolve_links(body: str, resolver: Any) -> str:
    """Every ``<a href>`` of ``body`` as MkDocs resolves a Markdown link (``.md`` source to page URL)."""
    def resolve(match: re.Match[str]) -> str:
        url = resolver.path_to_url(html.unescape(match.group(2)))
        return f"{match.group(1)}{html.escape(url)}{match.group(3)}"

    return _LINK.sub(resolve, body)


class PrerenderedPages:
    """A MkDocs plugin (added by the build in code) that renders the pages of ``bodies`` from their HTML."""

    def __init__(self, bodies: Mapping[str, HtmlBody]) -> None:
        """``bodies``: HTML bodies by source path under ``docs_dir`` (``terms/x.md``)."""
        self.bodies = bodies

    def on_pre_page(self, page: Any, config: Any, files: Any) -> Any:
        """Replace the page's ``render`` when the generator rendered it as HTML."""
        body = self.bodies.get(page.file.src_uri)
        if body is not None:
            page.render = lambda config_, files_: _render(page, body, config_, files_)
        return page


def _render(page: Any, body: HtmlBody, config: Any, files: Any) -> None:
    """What ``Page.render`` sets, from the generator's HTML instead of the page's Markdown."""
    # MkDocs is imported here: it is loaded only when a build runs (slow to import).
    from mkdocs.structure.pages import _RelativePathTreeprocessor
    from mkdocs.structure.toc import get_toc

    resolver = _RelativePathTreeprocessor(page.file, files, config)
    page.content = _resolve_links(body.html, resolver)
    page.toc = get_toc(body.toc_tokens())
    page._title_from_render = body.title
    page.present_anchor_ids = {html.unescape(m.group(1)) for m in _ID.finditer(page.content)}
    page.links_to_anchors = resolver.links_to_anchors
