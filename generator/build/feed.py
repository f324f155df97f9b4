"""``changes.xml``: the Atom feed of the glossary's history, one entry per edition and date.

Contract: the feed is Atom 1.0 (RFC 4287), written with ElementTree (every value escaped for
XML); its id and links are absolute URLs at the glossary's address; each entry links to its
section of the What changed page (``changes/#<anchor>``), the same link each term page gives
for the term's last change. Entries are newest first, and the same history gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from .. import urls
from ..stages.validate import Glossary
from .history import History, Release

FEED_NAME = "changes.xml"
ATOM = "http://www.w3.org/2005/Atom"


def _timestamp(day: dt.date) -> str:
    return f"{day.isoformat()}T00:00:00Z"


def _describe(release: Release) -> str:
    """One line per term: what happened to it."""
    lines = []
    for c in release.changes:
        if c.kind == "changed":
            lines.append(f"{c.title}: {', '.join(c.fields)} changed")
        elif c.kind == "renamed":
            lines.append(f"{c.title}: renamed (formerly {c.former})")
        else:
            lines.append(f"{c.title}: {c.kind}")
    return "\n".join(lines)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    if text is not None:
        element.text = text
    return element


def feed_xml(g: Glossary, hist: History) -> str:
    """The Atom feed of ``hist`` for the glossary ``g``."""
    assert g.site is not None
    base = urls.base_url(g.site.url)
    page = urls.absolute(g.site.url, urls.CHANGES)
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", page)
    _sub(feed, "title", f"{g.site.name}: what changed")
    _sub(feed, "subtitle", "Terms added, removed, renamed or changed in definition, summary, levels or claims, "
                           "per edition and date.")
    _sub(feed, "updated", _timestamp(hist.releases[0].date) if hist.releases else "1970-01-01T00:00:00Z")
    _sub(feed, "link", rel="self", href=base + FEED_NAME)
    _sub(feed, "link", rel="alternate", type="text/html", href=page)
    author = _sub(feed, "author")
    _sub(author, "name", g.site.publisher)
    _sub(feed, "rights", g.site.license)
    for release in hist.releases:
        entry = _sub(feed, "entry")
        _sub(entry, "id", urls.absolute(g.site.url, urls.CHANGES, release.anchor))
        _sub(entry, "title", f"Edition {release.edition}, {release.date.isoformat()}: {release.counts()}")
        _sub(entry, "updated", _timestamp(release.date))
        _sub(entry, "link", rel="alternate", type="text/html", href=urls.absolute(g.site.url, urls.CHANGES, release.anchor))
        _sub(entry, "summary", _describe(release), type="text")
        for change in release.changes:
            _sub(entry, "category", term=change.term, label=change.title)
    ET.indent(feed)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode") + "\n"
