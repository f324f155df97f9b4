"""Post-build step: keep the URLs of renamed terms working.

For every former id in a term's ``redirect_from``, :func:`post_build` writes
``terms/<old-id>/index.html`` into the built site: a small static page that sends the reader
(and search engines) to ``terms/<new-id>/`` with ``<meta http-equiv="refresh">`` and a
canonical link, shows a plain link for readers without refresh, asks not to be indexed and
needs no script.

It is engine-independent: it works on the output folder of MkDocs, ProperDocs or Zensical
alike (``python -m generator build`` runs it; after another engine's build run
``python -m generator redirects --site DIR``).
"""

from __future__ import annotations

import html
from pathlib import Path

from .. import urls
from ..findings import REDIRECT, GlossaryError
from ..stages.validate import Glossary
from .steps import Step

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Moved: {title}</title>
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={relative}">
<link rel="canonical" href="{canonical}">
</head>
<body>
<p>The term <code>{old}</code> is now <a href="{relative}">{title}</a>.</p>
</body>
</html>
"""


def redirect_page(old: str, new: str, title: str, base_url: str | None) -> str:
    """The HTML of the page at ``terms/<old>/`` that sends readers to ``terms/<new>/``."""
    relative = urls.url_from(urls.term_page(old), urls.term_page(new))
    canonical = urls.absolute(base_url, urls.term_page(new)) if base_url else relative
    return PAGE.format(old=html.escape(old), title=html.escape(title),
                       relative=html.escape(relative, quote=True), canonical=html.escape(canonical, quote=True))


def redirects(glossary: Glossary) -> dict[str, tuple[str, str]]:
    """Former term id -> (current id, current title), for every ``redirect_from`` entry."""
    return {old: (term.id, term.title)
            for term in glossary.terms.values() for old in term.redirect_from}


def write_redirects(glossary: Glossary, site_dir: Path) -> list[Path]:
    """Write the redirect pages into ``site_dir``; refuses to replace a page the build produced."""
    site_dir = Path(site_dir)
    base_url = glossary.site.url if glossary.site else None
    written, problems = [], []
    for record in sorted(glossary.term_records, key=lambda r: r.model.id):
        term = record.model
        for i, old in enumerate(term.redirect_from):
            old_url = urls.page_url(urls.term_page(old))
            page = site_dir / old_url / "index.html"
            if page.exists() and 'http-equiv="refresh"' not in page.read_text(encoding="utf-8", errors="replace"):
                problems.append(record.finding("redirect_from", i,
                                               message=f"redirect_from: the site already has a page at {old_url}",
                                               hint="a redirect cannot replace a live page; remove the old id", code=REDIRECT))
                continue
            page.parent.mkdir(parents=True, exist_ok=True)
            page.write_text(redirect_page(old, term.id, term.title, base_url), encoding="utf-8")
            written.append(page)
    if problems:
        raise GlossaryError(problems)
    return written


STEP = Step("redirects", write_redirects)
