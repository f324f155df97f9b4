"""Post-build sanitizing: the second line of defence against markup in contributor text.

The first line is validation (:mod:`generator.models` refuses raw HTML, attribute lists and
unsafe URLs in data). After MkDocs has rendered the pages, this step passes the content area
of every page (``<article class="md-content__inner ...">``) through the nh3 sanitizer
(Rust's ammonia) with an allowlist of the tags and attributes the glossary's own templates
produce. Anything else, such as a ``<script>``, an ``on*=`` handler or a ``javascript:`` URL,
is removed. The theme's own markup outside the article is not touched.

JSON-LD blocks (``<script type="application/ld+json">``) are taken out before cleaning,
checked to be JSON, and put back re-serialized with ``<``, ``>`` and ``&`` escaped.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import nh3

from ..files import write_if_changed
from ..workers import fork_context, quiet_worker
from .steps import WORKERS, Step

ARTICLE_START, ARTICLE_END = '<article class="md-content__inner md-typeset">', "</article>"
"""Where the theme's article (the page's content area) starts and ends; the first end after the start ends it."""
_JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)

SVG_TAGS = {"svg", "title", "desc", "g", "rect", "text", "line", "circle", "path", "tspan"}
TAGS = set(nh3.ALLOWED_TAGS) | SVG_TAGS | {"abbr", "figure", "figcaption", "button", "input", "label"}
GLOBAL_ATTRIBUTES = {"id", "class", "title", "role", "aria-labelledby", "aria-label", "aria-hidden",
                     "aria-describedby", "data-search-exclude", "tabindex", "lang", "dir"}
ATTRIBUTES: dict[str, set[str]] = {
    "*": GLOBAL_ATTRIBUTES,
    "a": {"href", "data-preview", "hreflang"},
    "abbr": {"title"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start", "type"},
    "code": set(),
    "pre": set(),
    "span": set(),
    "details": {"open"},
    "svg": {"viewBox", "viewbox", "xmlns", "width", "height", "preserveAspectRatio"},
    "rect": {"x", "y", "width", "height", "rx", "ry"},
    "text": {"x", "y", "dx", "dy", "text-anchor"},
    "tspan": {"x", "y", "dx", "dy"},
    "line": {"x1", "y1", "x2", "y2"},
    "circle": {"cx", "cy", "r"},
    "path": {"d"},
    "g": {"transform"},
    "input": {"type", "checked", "disabled", "name"},
    "label": {"for"},
}
URL_SCHEMES = {"http", "https", "mailto"}
_CLEANER = nh3.Cleaner(tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel=None, strip_comments=True)
"""The allowlist, built once: ``nh3.clean`` would build it again for every page."""


def _safe_json_ld(text: str) -> str:
    """Re-serialize a JSON-LD block so that nothing in it can close the script element."""
    data: Any = json.loads(text)
    dumped = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return dumped.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def clean_article(html: str) -> str:
    """The article's HTML with everything outside the allowlist removed; JSON-LD kept if valid JSON."""
    blocks = []
    for match in _JSON_LD.finditer(html):
        try:
            blocks.append(_safe_json_ld(match.group(1)))
        except ValueError:
            continue  # not JSON: dropped with the rest of the unsafe markup
    body = _CLEANER.clean(_JSON_LD.sub("", html))
    scripts = "".join(f'<script type="application/ld+json">{b}</script>' for b in blocks)
    return body + scripts


def sanitize_page(text: str) -> str:
    """A whole built page with its article sanitized (found with plain string searches: a lazy pattern over the
    page took half as long as cleaning it)."""
    start = text.find(ARTICLE_START)
    end = text.find(ARTICLE_END, start + len(ARTICLE_START)) if start >= 0 else -1
    if end < 0:
        return text
    start += len(ARTICLE_START)
    return text[:start] + clean_article(text[start:end]) + text[end:]


def sanitize_file(page: Path) -> None:
    """Sanitize one built page in place (rewritten only when cleaning changed it)."""
    write_if_changed(page, sanitize_page(page.read_text(encoding="utf-8")))


SANITIZED: ContextVar[frozenset[str]] = ContextVar("SANITIZED", default=frozenset())
"""Pages of the site being built that :class:`SanitizeAsBuilt` already sanitized (paths relative to the site
folder, with forward slashes)."""


def sanitize_site(glossary: object, site_dir: Path) -> None:
    """Sanitize the article of every HTML page of the freshly built site, in place, with ``WORKERS`` processes.

    Each page is cleaned on its own, so the result is the same for any number of workers. Pages in
    :data:`SANITIZED` were cleaned while MkDocs built the site and are skipped."""
    done = SANITIZED.get()
    pages = sorted(p for p in Path(site_dir).rglob("*.html") if p.relative_to(site_dir).as_posix() not in done)
    workers = min(WORKERS.get(), max(1, len(pages) // PAGES_PER_WORKER))
    if workers <= 1:
        for page in pages:
            sanitize_file(page)
        return
    with ProcessPoolExecutor(workers, mp_context=fork_context(), initializer=quiet_worker) as pool:
        list(pool.map(sanitize_file, pages, chunksize=max(1, len(pages) // (workers * 4))))


PAGES_PER_WORKER = 200
"""Below this many pages a step runs in one process: starting workers would cost more than it saves."""


STEP = Step("sanitize", sanitize_site)


class SanitizeAsBuilt:
    """A MkDocs plugin (added by the build in code) that sanitizes each page's HTML in its ``post_page`` event,
    just before MkDocs writes it, in whichever process builds the page (:mod:`.parallel_build`): no page is
    read back or written twice. It must be the last plugin. :meth:`finish` names the pages it saw, which
    the sanitize step then skips (it cleans what MkDocs wrote without a page event: 404.html)."""

    def __init__(self) -> None:
        self.done: set[str] = set()

    def on_post_page(self, output: str, page: Any, config: Any) -> str:
        self.done.add(page.file.dest_uri)
        return sanitize_page(_encodable(output)) if output else output

    def finish(self) -> frozenset[str]:
        """The pages sanitized as they were built (paths relative to the site folder)."""
        return frozenset(self.done)


def _encodable(text: str) -> str:
    """``text`` as MkDocs writes it: a character UTF-8 cannot encode (a lone surrogate) as a character reference."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", errors="xmlcharrefreplace").decode("utf-8")


@contextlib.contextmanager
def already_sanitized(pages: frozenset[str]) -> Iterator[None]:
    """Let :func:`sanitize_site` skip ``pages`` inside this block."""
    token = SANITIZED.set(pages)
    try:
        yield
    finally:
        SANITIZED.reset(token)
