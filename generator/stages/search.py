"""The site's search index: one small document per entry, level, threshold, framework, page.

Contract: :func:`search_index` is a pure function of the data and returns the index as JSON
(compact, sorted, byte-identical for the same data); :func:`search_index_script` wraps it as
``assets/search-index.js``, a script that sets ``window.glossarySearchIndex`` (a script, not a
fetch, so that the offline copy opened from file:// searches too). The browser script
``content/assets/search.js`` builds a MiniSearch index from it on the reader's machine.

Each document is ``[kind, url, title, abbreviation, aliases, context, text]``:

* ``kind``: one letter of :data:`KINDS`; the script ranks entries (terms, levels, thresholds,
  frameworks) above pages, chapters and references;
* ``url``: the page path under content/ (``terms/x.md``, :mod:`generator.urls`), with the anchor for levels,
  thresholds, sections and references; the script turns it into the page's address (directory
  URLs on a server, ``.html`` files in the offline copy);
* ``abbreviation`` (or ``""``) and ``aliases``: with the title, the names "did you mean" suggests;
* ``context``: where the document lives (a level's framework, a section's chapter);
* ``text``: the summary.

Only short fields are indexed (the definitions stay out), which keeps the index under 1 KiB
a term at any size.
"""

from __future__ import annotations

import json
from typing import Any

from .. import urls
from ..project import GENERATED_MARK
from .validate import Glossary

# Kinds of documents, by rank of the results the script shows first; the script holds the same letters.
KINDS = {
    "t": "term",
    "l": "level",
    "h": "threshold",
    "f": "framework",
    "p": "page",
    "c": "chapter",
    "s": "chapter section",
    "r": "reference",
}

# The generated pages that are not entries, with the title the search shows for each.
PAGES = (
    (urls.GLOSSARY, "Glossary A–Z", "Every term in alphabetical order, by category and by framework."),
    (urls.FRAMEWORKS, "Frameworks", "The frameworks, their versions over time and their levels."),
    (urls.COMPARE, "Framework comparison", "The frameworks' levels side by side, and how they relate."),
    (urls.CHAPTERS, "Chapters", "The course chapters and the terms each introduces."),
    (urls.REFERENCES, "References", "The bibliography every definition and claim cites."),
)

Document = list[Any]


def term_documents(g: Glossary) -> list[Document]:
    """A document per term: title, abbreviation and aliases, category, summary."""
    return [
        ["t", urls.term_page(t.id), t.title, t.abbreviation or "", list(t.aliases), t.category.replace("-", " "), t.summary]
        for t in g.terms.values()
    ]


def framework_documents(g: Glossary) -> list[Document]:
    """A document per framework, per level of its scale and per capability threshold."""
    docs: list[Document] = []
    for fw in g.frameworks.values():
        page = urls.framework_page(fw.id)
        docs.append(["f", page, fw.title, "", [fw.short_title] if fw.short_title != fw.title else [],
                     fw.publisher, fw.summary])
        levels = {lv.id: lv for lv in (fw.scale.levels if fw.scale else [])}
        for lv in levels.values():
            docs.append(["l", f"{page}#{urls.level_anchor(lv.id)}", lv.label, "", [], fw.title, lv.summary])
        for th in fw.thresholds:
            required = f" Requires {levels[th.requires].label}." if th.requires in levels else ""
            docs.append(["h", f"{page}#{urls.threshold_anchor(th.id)}", th.title, "", [], fw.title, f"{th.domain}.{required}"])
    return docs


def chapter_documents(g: Glossary) -> list[Document]:
    """A document per chapter and per chapter section."""
    docs: list[Document] = []
    for ch in g.chapters:
        page = urls.chapter_page(ch.id)
        title = f"Chapter {ch.number}: {ch.title}"
        docs.append(["c", page, title, "", [], "", ch.summary or ""])
        docs.extend(["s", f"{page}#{urls.section_anchor(s.id)}", s.title, "", [], title, ""] for s in ch.sections)
    return docs


def reference_documents(g: Glossary) -> list[Document]:
    """A document per reference: its title, publisher, authors and year."""
    return [
        ["r", f"{urls.REFERENCES}#{urls.reference_anchor(r.id)}", r.title, "", [], f"{r.publisher} ({r.date.year})",
         ", ".join(r.authors)]
        for r in g.references.values()
    ]


def page_documents() -> list[Document]:
    """A document per generated overview page."""
    return [["p", url, title, "", [], "", text] for url, title, text in PAGES]


def search_index(g: Glossary) -> str:
    """The JSON text of the search index, sorted by kind and URL (deterministic)."""
    rank = list(KINDS)
    docs = term_documents(g) + framework_documents(g) + chapter_documents(g) + reference_documents(g) + page_documents()
    docs.sort(key=lambda d: (rank.index(d[0]), d[1]))
    body = {"generated": GENERATED_MARK, "version": 1, "kinds": KINDS, "docs": docs}  # the mark: write.py
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")) + "\n"


def search_index_script(g: Glossary) -> str:
    """``assets/search-index.js``: the JSON of :func:`search_index` assigned to ``window.glossarySearchIndex``."""
    return f"// {GENERATED_MARK}\nwindow.glossarySearchIndex = " + search_index(g).rstrip("\n") + ";\n"
