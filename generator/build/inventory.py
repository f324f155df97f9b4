"""``objects.inv``: the glossary as a Sphinx inventory (version 2), so courses link to it by name.

Contract (:func:`inventory_entries`, written by :func:`inventory_bytes` with sphobjinv):

* every term is a ``std:term`` under its title, its abbreviation and each alias, lowercased
  as Sphinx stores glossary terms (intersphinx then matches ``:term:`AI Safety Level``` in any
  case); the display name is the name as written. A name two terms share goes to the first
  in the order titles, abbreviations, aliases, then id;
* every framework level and threshold is a ``std:label`` named ``framework-id/anchor-id``
  (the notation of data/crosswalk.yaml), displayed with its label or title;
* every framework, chapter and term page is a ``std:doc`` named by its path without the
  trailing slash (``frameworks/anthropic-rsp``);
* URIs are relative to the site's address (intersphinx joins them to the base it is given);
  entries are sorted, so the same data gives the same bytes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..stages.validate import Glossary

INVENTORY_NAME = "objects.inv"

_AMBIGUOUS = re.compile(r"\s\S+:\S+\s+-?\d+(\s|$)")
"""A name that the inventory's line format could not split unambiguously (``name domain:role prio``)."""


@dataclass(frozen=True, order=True)
class InventoryEntry:
    """One line of the inventory."""

    role: str
    name: str
    uri: str
    dispname: str


def _term_names(g: Glossary) -> list[tuple[str, str, str]]:
    """(name as written, term id) in precedence order: every title, then abbreviations, then aliases."""
    terms = list(g.terms.values())
    return ([(t.title, t.id, "title") for t in terms]
            + [(t.abbreviation, t.id, "abbreviation") for t in terms if t.abbreviation]
            + [(a, t.id, "alias") for t in terms for a in t.aliases])


def inventory_entries(g: Glossary) -> list[InventoryEntry]:
    """Every entry of the glossary's inventory, sorted (see the module's contract)."""
    entries: dict[tuple[str, str], InventoryEntry] = {}

    def add(role: str, name: str, uri: str, dispname: str) -> None:
        name = " ".join(name.split())
        if name and not _AMBIGUOUS.search(name) and (role, name) not in entries:
            entries[(role, name)] = InventoryEntry(role, name, uri, dispname)

    for written, tid, _ in _term_names(g):
        add("std:term", written.lower(), f"terms/{tid}/", written)
    for fw in g.frameworks.values():
        add("std:doc", f"frameworks/{fw.id}", f"frameworks/{fw.id}/", fw.title)
        for level in fw.scale.levels if fw.scale else []:
            add("std:label", f"{fw.id}/{level.id}", f"frameworks/{fw.id}/#{level.id}", level.label)
        for threshold in fw.thresholds:
            add("std:label", f"{fw.id}/{threshold.id}", f"frameworks/{fw.id}/#{threshold.id}", threshold.title)
    for chapter in g.chapters:
        add("std:doc", f"chapters/{chapter.id}", f"chapters/{chapter.id}/", f"Chapter {chapter.number}: {chapter.title}")
    for t in g.terms.values():
        add("std:doc", f"terms/{t.id}", f"terms/{t.id}/", t.title)
    return sorted(entries.values())


def inventory_bytes(g: Glossary) -> bytes:
    """The zlib-compressed inventory file, written by sphobjinv."""
    # sphobjinv (with attrs and jsonschema) is imported on first use: only exports need it.
    import sphobjinv

    assert g.site is not None
    inv = sphobjinv.Inventory()
    inv.project, inv.version = g.site.name, g.site.version
    for e in inventory_entries(g):
        domain, role = e.role.split(":")
        inv.objects.append(sphobjinv.DataObjStr(name=e.name, domain=domain, role=role, priority="-1",
                                                uri=e.uri, dispname=e.dispname))
    return bytes(sphobjinv.compress(inv.data_file(contract=True)))
