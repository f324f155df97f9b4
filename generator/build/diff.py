"""``python -m generator diff REV``: which pages and anchors a change to ``data/`` affects, for reviewers.

Contract: :func:`diff_glossaries` compares two loaded glossaries record by record (by id, then by
content: ``model_dump``) and returns :class:`Change` items for term pages, framework pages,
level and threshold anchors, reference anchors and chapter pages, each with its permanent URL.
A term whose new record lists a removed id in ``redirect_from`` is reported as ``moved``.
:func:`load_at` loads ``data/`` as it was at a git revision (``git archive``), so both sides
go through the same :func:`generator.validate.load_glossary`. Only schema validity is needed
on both sides, not the consistency rules: a work in progress can be diffed.

Output, one line per change, in the order term, framework, level, threshold, reference, chapter,
then by id: ``<status> <kind> <url>`` with status ``added``, ``changed``, ``removed`` or ``moved``.

:func:`page_changes` then regenerates the pages of both sides (with the current templates) and
compares the generated trees, so every page whose output changes is listed, ``page`` kind, by
URL: backlinks, the A-Z index, chapters and the comparison included. It needs both sides to
pass the consistency rules; otherwise it says so instead.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import urls
from ..findings import DIFF, Finding, GlossaryError
from ..model.records import Site
from ..stages.link import link_glossary
from ..stages.render import render_pages
from ..stages.rules import run_rules
from ..stages.validate import Glossary, load_glossary
from . import export
from .revisions import load_at

KINDS = ("term", "framework", "level", "threshold", "reference", "chapter", "page")


@dataclass(frozen=True, order=True)
class Change:
    """One affected page or anchor."""

    kind_order: int
    key: str
    status: str
    kind: str
    url: str
    note: str = ""

    def format(self) -> str:
        """``status kind url``, aligned, with an optional note."""
        return f"{self.status:<8}{self.kind:<10}{self.url}" + (f"  ({self.note})" if self.note else "")


def _dump(model: Any) -> Any:
    return model.model_dump(mode="json")


def _compare(kind: str, old: dict[str, Any], new: dict[str, Any], url: Callable[[str], str],
             moved: dict[str, str] | None = None) -> list[Change]:
    order = KINDS.index(kind)
    out = []
    for key in sorted(old.keys() | new.keys()):
        if key not in old:
            out.append(Change(order, key, "added", kind, url(key)))
        elif key not in new:
            if moved and key in moved:
                out.append(Change(order, key, "moved", kind, url(key), f"now {url(moved[key])}"))
            else:
                out.append(Change(order, key, "removed", kind, url(key)))
        elif _dump(old[key]) != _dump(new[key]):
            out.append(Change(order, key, "changed", kind, url(key)))
    return out


def _anchors(g: Glossary, what: str) -> dict[str, Any]:
    """Levels or thresholds of every framework, keyed ``framework-id#anchor``."""
    found: dict[str, Any] = {}
    for fw in g.frameworks.values():
        items = (fw.scale.levels if fw.scale else []) if what == "level" else fw.thresholds
        for item in items:
            anchor = urls.level_anchor(item.id) if what == "level" else urls.threshold_anchor(item.id)
            found.setdefault(f"{fw.id}#{anchor}", item)
    return found


def diff_glossaries(old: Glossary, new: Glossary) -> list[Change]:
    """Every page and anchor that differs between ``old`` and ``new``, sorted by kind, then id."""
    site: Site | None = new.site or old.site
    if site is None:
        raise GlossaryError([Finding("data/site.yaml", 1, 1, "no valid site metadata on either side",
                                     "fix data/site.yaml", code=DIFF)])
    moved = {former: t.id for t in new.terms.values() for former in t.redirect_from
             if former in old.terms and former not in new.terms}

    def anchor_url(key: str) -> str:
        fid, anchor = key.split("#", 1)
        return export.framework_url(site, fid, anchor)

    changes = [
        *_compare("term", old.terms, new.terms, lambda k: export.term_url(site, k), moved),
        *_compare("framework", old.frameworks, new.frameworks, lambda k: export.framework_url(site, k)),
        *_compare("level", _anchors(old, "level"), _anchors(new, "level"), anchor_url),
        *_compare("threshold", _anchors(old, "threshold"), _anchors(new, "threshold"), anchor_url),
        *_compare("reference", old.references, new.references, lambda k: export.reference_url(site, k)),
        *_compare("chapter", {c.id: c for c in old.chapters}, {c.id: c for c in new.chapters},
                  lambda k: export.chapter_url(site, k)),
    ]
    return sorted(changes)


def diff_against(root: Path, rev: str) -> list[Change]:
    """Changes between ``data/`` at git ``rev`` and the working tree of ``root``; raises
    :class:`GlossaryError` when either side does not load and validate."""
    root = Path(root).resolve()
    new, new_findings = load_glossary(root)
    with tempfile.TemporaryDirectory(prefix="glossary-diff-") as tmp:
        old, old_findings = load_at(root, rev, Path(tmp))
    if old_findings or new_findings:
        raise GlossaryError([*old_findings, *new_findings])
    return diff_glossaries(old, new)


def page_url(site: Site, path: str) -> str | None:
    """The URL of a generated page (``terms/x.md`` -> ``BASE/terms/x/``); None for snippets that are no page."""
    return urls.absolute(site.url, path) if urls.is_page(path) else None


def generated_tree(g: Glossary) -> dict[str, str]:
    """Path -> Markdown of every page the glossary generates (without its git history)."""
    return {page.path: page.text for page in render_pages(g, link_glossary(g))}


def compare_trees(site: Site, old: dict[str, str], new: dict[str, str]) -> list[Change]:
    """The pages whose generated Markdown differs between two trees."""
    order = KINDS.index("page")
    changes = []
    for path in sorted(old.keys() | new.keys()):
        url = page_url(site, path)
        if url is None or old.get(path) == new.get(path):
            continue
        status = "added" if path not in old else "removed" if path not in new else "changed"
        changes.append(Change(order, path, status, "page", url))
    return changes


def page_changes(root: Path, rev: str) -> tuple[list[Change], list[Finding]]:
    """Every generated page whose output differs between git ``rev`` and the working tree, or
    the rule findings that keep one side from being generated."""
    root = Path(root).resolve()
    new, new_findings = load_glossary(root)
    with tempfile.TemporaryDirectory(prefix="glossary-diff-") as tmp:
        old, old_findings = load_at(root, rev, Path(tmp))
        problems = [*old_findings, *new_findings]
        if not old_findings:
            problems += [dataclasses.replace(f, path=f"{rev}:{f.path}") for f in run_rules(old)]
        if not new_findings:
            problems += run_rules(new)
        if problems:
            return [], problems
        site = new.site or old.site
        assert site is not None
        old_tree = generated_tree(old) if old.site else {}  # a revision without data/ generates nothing
        return compare_trees(site, old_tree, generated_tree(new)), []
