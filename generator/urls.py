"""Every page path, URL and anchor of the site: the URL scheme, written once here.

Three forms of the same address, all derived from a page's path under the content folder:

* the **page path** (``terms/x.md``), where the render stage writes the page;
* the **Markdown link** from a generated page (``../terms/x.md#anchor``), always through the
  content root: MkDocs resolves it and checks it (strict mode), and rewrites it to the page's
  URL on whatever address the site is served from. Linked text (the link stage) lands on pages
  one folder deep (terms, frameworks, chapters), so :func:`md_link` writes links from there
  unless told the page's depth;
* the **public URL** (``terms/x/``): site-relative with a leading slash for the permalink
  manifest (:func:`site_path`), absolute with the site's address for exports, citations and
  canonical links (:func:`absolute`).

Anchors are the record's id (levels, thresholds, references, chapter sections), except the
framework versions (``version-N``, by position) and the A–Z letters. :func:`addresses` lists
every (URL, anchor) the data gives the site, each with the record that owns it: the one place
to check for collisions.

Layer 0: it imports nothing of the package, and reads records by attribute only.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

# The pages every build has, whatever the data: their paths under the content folder.
HOME = "index.md"
ABOUT = "about.md"
GLOSSARY = "glossary/index.md"
FRAMEWORKS = "frameworks/index.md"
COMPARE = "frameworks/compare.md"
ELEMENTS = "frameworks/elements.md"
REFERENCES = "references/index.md"
CHAPTERS = "chapters/index.md"
CHANGES = "changes.md"
ABBREVIATIONS = "includes/abbreviations.md"
"""Not a page: the abbreviation definitions that hand-written pages include."""

FIXED_PAGES = (HOME, ABOUT, GLOSSARY, FRAMEWORKS, COMPARE, ELEMENTS, REFERENCES, CHAPTERS, CHANGES)
"""The public pages every build has (``about.md`` is hand-written, the others generated)."""

INCLUDES = "includes"
"""The content folder of snippets that are not pages of their own."""


# --- page paths --------------------------------------------------------------------------------

def term_page(tid: str) -> str:
    """The page of a term: ``terms/<id>.md``."""
    return f"terms/{tid}.md"


def framework_page(fid: str) -> str:
    """The page of a framework: ``frameworks/<id>.md``."""
    return f"frameworks/{fid}.md"


def chapter_page(cid: str) -> str:
    """The page of a course chapter: ``chapters/<id>.md``."""
    return f"chapters/{cid}.md"


def is_page(path: str) -> bool:
    """Whether a content file becomes a page of its own (snippets under ``includes/`` do not)."""
    return path.endswith(".md") and INCLUDES not in path.split("/")[:-1]


# --- anchors -----------------------------------------------------------------------------------

def level_anchor(lid: str) -> str:
    """A level's anchor on its framework's page: its id."""
    return lid


def threshold_anchor(tid: str) -> str:
    """A capability threshold's anchor on its framework's page: its id."""
    return tid


def version_anchor(position: int) -> str:
    """A framework version's anchor: ``version-N``, N its 1-based position in ``versions``."""
    return f"version-{position}"


def reference_anchor(rid: str) -> str:
    """A reference's anchor on the references page: its id."""
    return rid


def section_anchor(sid: str) -> str:
    """A chapter section's anchor on the chapter's page: its id."""
    return sid


def release_anchor(edition: str, date: str) -> str:
    """An edition's section on the What changed page (and its feed entry): ``edition-1-2-2026-11-27``."""
    return "edition-" + "-".join(re.findall(r"[a-z0-9]+", edition.lower())) + f"-{date}"


def letter_anchor(letter: str) -> str:
    """An A–Z letter's anchor on the glossary index (``letter-other`` for titles not filed under A–Z)."""
    return "letter-" + ("other" if letter == "#" else letter.lower())


CITE_ANCHOR = "cite"
"""The 'Cite this entry' section of a term page."""

LEVELS_ANCHOR = "levels"
"""The section of a framework page that lists its levels."""

ELEMENTS_ANCHOR = "elements"
"""The section of a framework page that states its common elements."""


def element_anchor(kind: str) -> str:
    """A common element's section on the elements page: its kind."""
    return kind


def element_cell_anchor(kind: str, fid: str) -> str:
    """A framework's statement on a common element, on the elements page: ``<kind>--<framework-id>``."""
    return f"{kind}--{fid}"


# --- links and URLs ----------------------------------------------------------------------------

def _with_anchor(target: str, anchor: str) -> str:
    return f"{target}#{anchor}" if anchor else target


def depth(page: str) -> int:
    """How many folders deep a page sits under the content folder."""
    return page.count("/")


def md_link(page: str, anchor: str = "", *, depth: int = 1) -> str:
    """The Markdown link to ``page`` (and ``anchor`` on it) from a generated page ``depth`` folders
    deep: ``../terms/x.md`` from a term, framework or chapter page, ``terms/x.md`` from the home page."""
    return _with_anchor("../" * depth + page, anchor)


def page_url(page: str) -> str:
    """A page's URL relative to the site's root, as MkDocs serves it (directory URLs):
    ``terms/x.md`` -> ``terms/x/``, ``glossary/index.md`` -> ``glossary/``, ``index.md`` -> ``""``."""
    stem = page.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        stem = stem.removesuffix("index")
        return stem
    return stem + "/"


def url_from(source: str, page: str, anchor: str = "") -> str:
    """The relative URL of ``page`` from page ``source``, for HTML links that MkDocs does not
    rewrite (inline pictures, redirect pages): ``frameworks/compare.md`` -> ``../x/`` for
    ``frameworks/x.md``."""
    here, there = page_url(source) or ".", page_url(page) or "."
    relative = posixpath.relpath(there, here)
    return _with_anchor("" if relative == "." else relative + "/", anchor)


def site_path(page: str, anchor: str = "") -> str:
    """A page's site-relative public URL, with a leading slash: ``/terms/x/``, ``/`` for the home page."""
    return _with_anchor("/" + page_url(page), anchor)


def base_url(site_url: str) -> str:
    """The site's address with exactly one trailing slash."""
    return site_url.rstrip("/") + "/"


def absolute(site_url: str, page: str, anchor: str = "") -> str:
    """A page's permanent absolute URL on the site at ``site_url``: ``https://host/terms/x/#anchor``."""
    return _with_anchor(base_url(site_url) + page_url(page), anchor)


def term_of(url: str) -> str | None:
    """The term id of a term page's site-relative URL (``/terms/x/`` -> ``x``), None for any other URL."""
    before, after = site_path(term_page("\0")).split("\0")
    if url.startswith(before) and url.endswith(after):
        tid = url[len(before):len(url) - len(after)]
        return tid if tid and "/" not in tid and "#" not in tid else None
    return None


# --- every address the data gives the site -------------------------------------------------------

PERMANENT_KINDS = ("page", "term", "redirect", "framework", "level", "threshold", "elements", "element", "element-cell",
                   "reference", "chapter", "section")
"""The addresses recorded as permanent links (tests/permalinks.txt): a version's positional
anchor and a page's fixed headings are not promised to other sites."""


@dataclass(frozen=True)
class Address:
    """One public URL (and anchor on it) of the site, with the record that owns it.

    ``kind`` names what it is (:data:`PERMANENT_KINDS`, plus ``version`` and ``heading``, a
    fixed section of a generated page); ``owner`` is the record that gives the address (a term,
    framework, level, threshold, version, reference, chapter or section), None for a fixed page.
    Headings without an explicit anchor get one from their text (MkDocs' toc): not listed."""

    page: str
    anchor: str
    kind: str
    owner: Any = None

    @property
    def url(self) -> str:
        """The site-relative URL with its anchor: ``/frameworks/x/#level-id``."""
        return site_path(self.page, self.anchor)

    @property
    def permanent(self) -> bool:
        """Whether other sites may rely on this address (it is in the permalink manifest)."""
        return self.kind in PERMANENT_KINDS


def addresses(glossary: Any, element_kinds: Sequence[str]) -> Iterator[Address]:
    """Every (page, anchor) the data gives the site, in a stable order, each with its owner:
    fixed pages, terms (and the former ids their redirects serve), frameworks with their levels,
    thresholds, versions and common elements (``element_kinds``, the kinds the model knows),
    references, chapters with their sections."""
    for page in FIXED_PAGES:
        yield Address(page, "", "page")
    for term in glossary.terms.values():
        yield Address(term_page(term.id), "", "term", term)
        yield Address(term_page(term.id), CITE_ANCHOR, "heading", term)
        for old in term.redirect_from:
            yield Address(term_page(old), "", "redirect", term)
    for fw in glossary.frameworks.values():
        page = framework_page(fw.id)
        yield Address(page, "", "framework", fw)
        if fw.scale:
            yield Address(page, LEVELS_ANCHOR, "heading", fw)
        for level in fw.scale.levels if fw.scale else []:
            yield Address(page, level_anchor(level.id), "level", level)
        for threshold in fw.thresholds:
            yield Address(page, threshold_anchor(threshold.id), "threshold", threshold)
        for position, version in enumerate(fw.versions, 1):
            yield Address(page, version_anchor(position), "version", version)
        if fw.elements:
            yield Address(page, ELEMENTS_ANCHOR, "elements", fw)
            for kind in element_kinds:
                yield Address(ELEMENTS, element_cell_anchor(kind, fw.id), "element-cell", fw)
    if any(fw.elements for fw in glossary.frameworks.values()):
        for kind in element_kinds:
            yield Address(ELEMENTS, element_anchor(kind), "element")
    for rid in glossary.references:
        yield Address(REFERENCES, reference_anchor(rid), "reference", glossary.references[rid])
    for chapter in glossary.chapters:
        page = chapter_page(chapter.id)
        yield Address(page, "", "chapter", chapter)
        for section in chapter.sections:
            yield Address(page, section_anchor(section.id), "section", section)
