"""Every URL and anchor the site generates, in one registry, so that no two things claim the same address.

The generated pages are fixed pages (the home page, the indexes, the comparison) and one page per term,
framework and chapter; on each page, headings carry anchors, some fixed by the templates and some
taken from the data (level, threshold, section and reference ids, version names). :func:`addresses`
lists them all with where each comes from; the rule ``urls_and_anchors_are_unique`` refuses a data id
that would take the address of another page or anchor (a framework called ``index`` or ``compare``
replaces a site page; a threshold with a level's id, or one called ``levels``, gets a shifted anchor).

Version anchors are derived from the version's name (``version-2-0`` for "2.0"), never from its
position, so inserting a version moves no other version's anchor.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from markdown.extensions.toc import slugify

from .load import Loc
from .validate import Glossary, Record

RESERVED_IDS = frozenset({"index"})
"""Ids no term, framework or chapter may take: ``index.md`` in a folder is that folder's own page."""

FIXED_PAGES = ("/", "/about/", "/glossary/", "/frameworks/", "/frameworks/compare/", "/frameworks/elements/",
               "/references/", "/chapters/", "/changes/")
"""Pages every build has, whatever the data."""

FRAMEWORK_ANCHORS = ("versions", "levels", "capability-thresholds", "elements", "status", "sources")
"""Anchors the framework template writes on every framework page (its fixed headings)."""


def version_anchor(version: str) -> str:
    """The anchor of a framework version, from its name: ``version-`` and the name's letters and digits,
    each other run of characters a hyphen (``version-2-0`` for "2.0", so "2.1" and "21" stay apart)."""
    return "version-" + (re.sub(r"[^a-z0-9]+", "-", version.lower()).strip("-") or "x")


def heading_anchor(text: str) -> str:
    """The anchor the toc extension gives a heading without an explicit id."""
    return slugify(text, "-")


@dataclass(frozen=True)
class Address:
    """A URL path (``/frameworks/alpha/``) and an anchor on it ("" for the page), and who claims it."""

    page: str
    anchor: str
    record: Record[Any] | None = None
    loc: Loc = ()

    @property
    def url(self) -> str:
        return self.page + (f"#{self.anchor}" if self.anchor else "")


def addresses(g: Glossary) -> Iterator[Address]:
    """Every page and anchor the generated site has, fixed ones first, in a stable order."""
    yield from (Address(page, "") for page in FIXED_PAGES)
    for record in sorted(g.term_records, key=lambda r: r.model.id):
        yield Address(f"/terms/{record.model.id}/", "", record, ("id",))
    for record in sorted(g.framework_records, key=lambda r: r.model.id):
        yield from _framework_addresses(record)
    for record in g.reference_records:
        yield Address("/references/", record.model.id, record, ("id",))
    for record in g.chapter_records:
        chapter = record.model
        page = f"/chapters/{chapter.id}/"
        yield Address(page, "", record, ("id",))
        yield Address(page, heading_anchor(f"Chapter {chapter.number}: {chapter.title}"), record, ("title",))
        for i, section in enumerate(chapter.sections):
            yield Address(page, section.id, record, ("sections", i, "id"))


def _framework_addresses(record: Record[Any]) -> Iterator[Address]:
    fw = record.model
    page = f"/frameworks/{fw.id}/"
    yield Address(page, "", record, ("id",))
    yield Address(page, heading_anchor(fw.title), record, ("title",))
    present = {"levels": fw.scale, "capability-thresholds": fw.thresholds, "elements": fw.elements, "status": fw.claims}
    fixed = [a for a in FRAMEWORK_ANCHORS if present.get(a, True)]
    yield from (Address(page, anchor) for anchor in fixed)
    for i, version in enumerate(fw.versions):
        yield Address(page, version_anchor(version.version), record, ("versions", i, "version"))
    for i, level in enumerate(fw.scale.levels if fw.scale else []):
        yield Address(page, level.id, record, ("scale", "levels", i, "id"))
    for i, threshold in enumerate(fw.thresholds):
        yield Address(page, threshold.id, record, ("thresholds", i, "id"))
