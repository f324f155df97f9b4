"""How a term is cited: its BibTeX entry and its CSL-JSON item, written once for the page and the files.

Contract:

* the citation key of a term is its id (a slug: valid in BibTeX, CSL-JSON, Pandoc and LaTeX
  without quoting), so keys are stable for as long as the id is;
* :func:`bibtex_entry` is the entry that the term page's "Cite this entry" block shows and
  that ``glossary.bib`` holds, byte for byte; every value is escaped for BibTeX
  (:func:`bibtex_escape`), and the URL only percent-encodes the braces BibTeX would read;
* :func:`csl_item` is the term's CSL-JSON item (``glossary.csl.json``), valid against the
  CSL-JSON schema: id, type, title, container, publisher, URL, edition, issued and accessed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..model.records import Site, Term

CSL_TYPE = "entry-dictionary"
"""A glossary entry is an entry in a reference work: CSL's ``entry-dictionary``."""

_BIBTEX_SPECIAL = str.maketrans({
    "\\": "\\textbackslash{}", "{": "\\{", "}": "\\}", "&": "\\&", "%": "\\%", "$": "\\$",
    "#": "\\#", "_": "\\_", "~": "\\textasciitilde{}", "^": "\\textasciicircum{}",
})


def bibtex_escape(value: str) -> str:
    """Text that BibTeX and LaTeX print literally: each special character becomes its escape (one pass)."""
    return value.translate(_BIBTEX_SPECIAL)


def bibtex_url(url: str) -> str:
    """A URL inside a BibTeX field: braces percent-encoded (the only characters that end the field)."""
    return url.replace("{", "%7B").replace("}", "%7D")


def bibtex_entry(term: Term, site: Site, url: str) -> str:
    """The term's ``@misc`` entry, keyed by its id; the title is double-braced to keep its capitals."""
    fields = [
        ("title", "{" + bibtex_escape(term.title) + "}"),
        ("howpublished", bibtex_escape(site.name)),
        ("organization", bibtex_escape(site.name)),
        ("year", str(term.reviewed.year)),
        ("note", f"Last reviewed {term.reviewed.isoformat()}"),
        ("url", bibtex_url(url)),
        ("version", bibtex_escape(site.version)),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@misc{{{term.id},\n{body}\n}}\n"


def csl_date(day: dt.date) -> dict[str, Any]:
    """A CSL-JSON date: ``{"date-parts": [[year, month, day]]}``."""
    return {"date-parts": [[day.year, day.month, day.day]]}


def csl_item(term: Term, site: Site, url: str, accessed: dt.date) -> dict[str, Any]:
    """The term's CSL-JSON item: issued is the date it was last reviewed, the edition the glossary's version."""
    return {
        "id": term.id,
        "type": CSL_TYPE,
        "title": term.title,
        "container-title": site.name,
        "publisher": site.publisher,
        "abstract": term.summary,
        "URL": url,
        "edition": site.version,
        "issued": csl_date(term.reviewed),
        "accessed": csl_date(accessed),
        "language": "en",
    }
