"""Machine-readable exports of the glossary: JSON (with its JSON Schema), a SKOS vocabulary, the
bibliography files (BibTeX, CSL-JSON) and the Sphinx inventory ``objects.inv``.

Contract:

* :func:`export_data` turns a checked :class:`~generator.validate.Glossary` into plain JSON
  values that follow ``generator/export_schema.json`` (schema version :data:`SCHEMA_VERSION`);
* :func:`skos_triples` states the SKOS vocabulary (Turtle via :func:`skos_turtle`, an rdflib graph via
  :func:`skos_graph`);
* :func:`bibtex_text` and :func:`csl_json` hold one entry per term keyed by its id (see
  :mod:`generator.stages.cite`); :func:`generator.build.inventory.inventory_bytes` the inventory;
* :func:`write_exports` writes :data:`EXPORT_FILES` into a directory. The same data gives
  byte-identical files: keys are sorted, records are in id (or chapter-number) order, and
  no timestamp is written;
* ``python -m generator export [--out DIR]`` and the build's post-build step both call it.

Every URL in the exports is absolute and permanent (:func:`generator.urls.absolute`): ``site.url``
+ ``terms/<id>/``, ``frameworks/<id>/#<level-id>``, ``references/#<ref-id>``, ``chapters/<id>/``.
Explicit links ``[[term-id|label]]`` in Markdown fields become ordinary Markdown links to
the term's absolute URL.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import urls
from ..files import write_if_changed
from ..findings import EXPORT, Finding, GlossaryError
from ..model.records import ELEMENT_TITLES, Citation, DatedClaim, Site, Term
from ..stages.address import with_slash
from ..stages.cite import bibtex_entry, csl_item
from ..stages.link import EXPLICIT
from .feed import FEED_NAME, feed_xml
from .history import history
from .inventory import INVENTORY_NAME, inventory_bytes
from .steps import PreparedStep
from .turtle import RDF, RDF_TYPE, Blank, Iri, Literal, Triple, rdflib_graph, turtle_text

if TYPE_CHECKING:
    import rdflib

    from ..stages.validate import Glossary

SCHEMA_VERSION = "1.1"
SCHEMA_FILE = Path(__file__).parent / "export_schema.json"
JSON_NAME = "glossary.json"
SCHEMA_NAME = "glossary.schema.json"
SKOS_NAME = "glossary.skos.ttl"
BIB_NAME = "glossary.bib"
CSL_NAME = "glossary.csl.json"
EXPORT_FILES = (JSON_NAME, SCHEMA_NAME, SKOS_NAME, BIB_NAME, CSL_NAME, INVENTORY_NAME, FEED_NAME)
LANGUAGE = "en"


def base_url(site: Site) -> str:
    """The site's URL with exactly one trailing slash."""
    return with_slash(site.url)


def term_url(site: Site, tid: str) -> str:
    """Permanent URL of a term page."""
    return urls.absolute(site.url, urls.term_page(tid))


def framework_url(site: Site, fid: str, anchor: str = "") -> str:
    """Permanent URL of a framework page, or of a level or threshold anchor on it."""
    return urls.absolute(site.url, urls.framework_page(fid), anchor)


def reference_url(site: Site, rid: str) -> str:
    """Permanent URL of a reference's anchor on the references page."""
    return urls.absolute(site.url, urls.REFERENCES, urls.reference_anchor(rid))


def element_url(site: Site, element: str, fid: str) -> str:
    """Permanent URL of a framework's cell for an element in the element-by-element comparison."""
    return urls.absolute(site.url, urls.ELEMENTS, urls.element_cell_anchor(element, fid))


def chapter_url(site: Site, cid: str, anchor: str = "") -> str:
    """Permanent URL of a chapter page, or of a section anchor on it."""
    return urls.absolute(site.url, urls.chapter_page(cid), anchor)


def _markdown(text: str | None, g: Glossary) -> str | None:
    """Markdown with explicit term links resolved to absolute URLs (unknown ids keep their label)."""
    if text is None:
        return None
    assert g.site is not None
    terms = g.terms

    def replace(match: Any) -> str:
        tid, label = match.group(1).strip(), match.group(2)
        if tid not in terms:
            return label or tid
        return f"[{label or terms[tid].title}]({term_url(g.site, tid)})"  # type: ignore[arg-type]

    return EXPLICIT.sub(replace, text)


def _sources(citations: list[Citation], g: Glossary) -> list[dict[str, Any]]:
    refs = g.references
    out = []
    for c in citations:
        ref = refs.get(c.ref)
        out.append({"ref": c.ref, "locator": c.locator, "title": ref.title if ref else None,
                    "url": ref.url if ref else None})
    return out


def _plain(text: str, g: Glossary) -> str:
    """Inline Markdown with each explicit term link replaced by its label (or the term's title)."""
    terms = g.terms
    return EXPLICIT.sub(lambda m: m.group(2) or (terms[m.group(1).strip()].title if m.group(1).strip() in terms
                                                 else m.group(1).strip()), text)


def _senses(term: Term, g: Glossary) -> list[dict[str, Any]]:
    """The published definitions of a term, numbered as on its page."""
    return [{"number": i, "text": _markdown(d.text, g), "source": _sources([d.source], g)[0]}
            for i, d in enumerate(term.definitions, 1)]


def _claims(claims: list[DatedClaim], g: Glossary) -> list[dict[str, Any]]:
    return [{"text": _markdown(c.text, g), "as_of": c.as_of.isoformat(), "framework": c.framework,
             "sources": _sources(c.sources, g)} for c in claims]


def export_data(g: Glossary) -> dict[str, Any]:
    """The whole glossary as JSON values (see ``generator/export_schema.json``); ``g`` must be checked."""
    site = g.site
    if site is None:
        raise GlossaryError([Finding("data/site.yaml", 1, 1, "cannot export without valid site metadata",
                                     "fix data/site.yaml; run python -m generator check", code=EXPORT)])
    narrower: dict[str, list[str]] = {}
    for term in g.terms.values():
        if term.broader:
            narrower.setdefault(term.broader, []).append(term.id)
    terms = [{
        "id": t.id, "title": t.title, "abbreviation": t.abbreviation, "aliases": list(t.aliases),
        "summary": t.summary, "definition": _markdown(t.definition, g), "definitions": _senses(t, g),
        "definitions_note": _markdown(t.definitions_note, g), "category": t.category,
        "url": term_url(site, t.id), "related": list(t.related), "broader": t.broader,
        "narrower": sorted(narrower.get(t.id, [])),
        "framework": t.framework, "sources": _sources(t.sources, g), "claims": _claims(t.claims, g),
        "reviewed": t.reviewed.isoformat(), "redirect_from": list(t.redirect_from),
    } for t in g.terms.values()]
    frameworks = [{
        "id": fw.id, "title": fw.title, "short_title": fw.short_title, "publisher": fw.publisher,
        "summary": fw.summary, "description": _markdown(fw.description, g), "url": framework_url(site, fw.id),
        "term": fw.term,
        "versions": [{"version": v.version, "date": v.date.isoformat(), "changes": _markdown(v.changes, g),
                      "source": _sources([v.source], g)[0]} for v in fw.versions],
        "scale": fw.scale.name if fw.scale else None,
        "levels": [{"id": lv.id, "label": lv.label, "rank": lv.rank, "summary": lv.summary,
                    "description": _markdown(lv.description, g), "url": framework_url(site, fw.id, urls.level_anchor(lv.id)),
                    "introduced_in": lv.introduced_in, "retired_in": lv.retired_in,
                    "sources": _sources(lv.sources, g)} for lv in (fw.scale.levels if fw.scale else [])],
        "thresholds": [{"id": th.id, "title": th.title, "domain": th.domain, "requires": th.requires,
                        "url": framework_url(site, fw.id, urls.threshold_anchor(th.id)), "introduced_in": th.introduced_in,
                        "retired_in": th.retired_in, "sources": _sources(th.sources, g)} for th in fw.thresholds],
        "elements": [{"element": e.element, "title": ELEMENT_TITLES[e.element], "version": e.version,
                      "text": _markdown(e.text, g), "url": element_url(site, e.element, fw.id),
                      "source": _sources([e.source], g)[0]}
                     for kind in ELEMENT_TITLES for _, e in fw.statements(kind)],
        "claims": _claims(fw.claims, g), "reviewed": fw.reviewed.isoformat(),
    } for fw in g.frameworks.values()]
    references = [{
        "id": r.id, "title": r.title, "publisher": r.publisher, "authors": list(r.authors),
        "date": r.date.isoformat(), "url": r.url, "version": r.version, "kind": r.kind,
        "accessed": r.accessed.isoformat() if r.accessed else None, "anchor": reference_url(site, r.id),
    } for r in g.references.values()]
    chapters = [{
        "id": c.id, "number": c.number, "title": c.title, "summary": c.summary, "url": chapter_url(site, c.id),
        "course_url": c.url,
        "sections": [{"id": s.id, "title": s.title, "url": chapter_url(site, c.id, urls.section_anchor(s.id)),
                      "course_url": s.url, "introduces": list(s.introduces), "discusses": list(s.discusses)} for s in c.sections],
    } for c in g.chapters]
    return {
        "$schema": SCHEMA_NAME,
        "schema_version": SCHEMA_VERSION,
        "glossary": {"name": site.name, "short_name": site.short_name, "version": site.version,
                     "url": urls.base_url(site.url), "description": site.description, "publisher": site.publisher,
                     "license": site.license},
        "terms": terms,
        "frameworks": frameworks,
        "references": references,
        "chapters": chapters,
    }


def json_text(value: Any) -> str:
    """Stable JSON: sorted keys, two-space indent, UTF-8 characters kept, newline at the end."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def schema_text() -> str:
    """The committed JSON Schema of ``glossary.json`` (``generator/export_schema.json``)."""
    return SCHEMA_FILE.read_text(encoding="utf-8")


DCTERMS = "http://purl.org/dc/terms/"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS_PREFIXES = (("dcterms", DCTERMS), ("owl", OWL), ("rdf", RDF), ("skos", SKOS), ("xsd", XSD))
"""The vocabularies the SKOS export uses, and the prefixes it declares for them."""


def skos_triples(g: Glossary) -> list[Triple]:
    """The glossary as a SKOS concept scheme: one ``skos:Concept`` per term, URIs are the page URLs."""
    site = g.site
    assert site is not None
    a, in_scheme, pref, alt, definition = (Iri(RDF_TYPE), Iri(SKOS + "inScheme"), Iri(SKOS + "prefLabel"),
                                           Iri(SKOS + "altLabel"), Iri(SKOS + "definition"))
    related, broader, narrower = Iri(SKOS + "related"), Iri(SKOS + "broader"), Iri(SKOS + "narrower")
    scheme = Iri(urls.base_url(site.url))
    triples: list[Triple] = [
        (scheme, a, Iri(SKOS + "ConceptScheme")),
        (scheme, pref, Literal(site.name, LANGUAGE)),
        (scheme, Iri(DCTERMS + "title"), Literal(site.name, LANGUAGE)),
        (scheme, Iri(DCTERMS + "description"), Literal(site.description, LANGUAGE)),
        (scheme, Iri(DCTERMS + "publisher"), Literal(site.publisher)),
        (scheme, Iri(DCTERMS + "license"), Literal(site.license)),
        (scheme, Iri(OWL + "versionInfo"), Literal(site.version))]
    add = triples.append
    terms = g.terms
    uri = {tid: Iri(term_url(site, tid)) for tid in terms}
    for t in terms.values():
        concept = uri[t.id]
        add((concept, a, Iri(SKOS + "Concept")))
        add((concept, in_scheme, scheme))
        add((concept, Iri(SKOS + "notation"), Literal(t.id)))
        add((concept, pref, Literal(t.title, LANGUAGE)))
        for name in [*([t.abbreviation] if t.abbreviation else []), *t.aliases]:
            add((concept, alt, Literal(name, LANGUAGE)))
        add((concept, definition, Literal(t.summary, LANGUAGE)))
        triples += _sense_triples(concept, t, g)
        add((concept, Iri(DCTERMS + "modified"), Literal(t.reviewed.isoformat(), datatype=XSD + "date")))
        for rid in t.related:
            if rid in uri:  # skos:related is symmetric: state both directions
                add((concept, related, uri[rid]))
                add((uri[rid], related, concept))
        if t.broader in uri:
            add((concept, broader, uri[t.broader]))
            add((uri[t.broader], narrower, concept))
        else:
            add((concept, Iri(SKOS + "topConceptOf"), scheme))
            add((scheme, Iri(SKOS + "hasTopConcept"), concept))
    return triples


def _sense_triples(concept: Iri, term: Term, g: Glossary) -> list[Triple]:
    """Each published definition as a ``skos:definition`` resource (SKOS Primer 4.2, documentation as a
    resource): ``rdf:value`` the text, ``dcterms:source`` the reference's URL, ``dcterms:bibliographicCitation``
    the reference and locator. Blank nodes get fixed ids, so the Turtle is the same on every run."""
    refs = g.references
    triples: list[Triple] = []
    for number, sense in enumerate(term.definitions, 1):
        node = Blank(f"{term.id}-definition-{number}")
        triples.append((concept, Iri(SKOS + "definition"), node))
        triples.append((node, Iri(RDF + "value"), Literal(_plain(sense.text, g), LANGUAGE)))
        ref = refs.get(sense.source.ref)
        if ref is not None:
            triples.append((node, Iri(DCTERMS + "source"), Iri(ref.url)))
            triples.append((node, Iri(DCTERMS + "bibliographicCitation"),
                            Literal(f"{ref.publisher}, {ref.title}, {sense.source.locator}", LANGUAGE)))
    return triples


def skos_graph(g: Glossary) -> rdflib.Graph:
    """:func:`skos_triples` as an rdflib graph, with :data:`SKOS_PREFIXES` bound."""
    return rdflib_graph(skos_triples(g), SKOS_PREFIXES)


def skos_turtle(g: Glossary) -> str:
    """The SKOS vocabulary as Turtle (:func:`generator.build.turtle.turtle_text`: the same graph as rdflib's
    serializer writes; 0.3 to 0.4 CPU-seconds instead of 2.2 at 5,000 terms)."""
    return turtle_text(skos_triples(g), SKOS_PREFIXES)


def access_date(g: Glossary) -> dt.date:
    """The date the exports were made, for CSL's ``accessed``: the day of SOURCE_DATE_EPOCH (the
    last commit, set by the build), else the newest review date, so the same data gives the same file."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit() and int(epoch) > 0:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    return max((t.reviewed for t in g.terms.values()), default=dt.date(1970, 1, 1))


def bibtex_text(g: Glossary) -> str:
    """``glossary.bib``: one ``@misc`` entry per term, keyed by its id, in id order."""
    assert g.site is not None
    header = f"% {g.site.name}, version {g.site.version}: one entry per term, keyed by its id.\n\n"
    return header + "\n".join(bibtex_entry(t, g.site, term_url(g.site, t.id)) for t in g.terms.values())


def csl_json(g: Glossary) -> list[dict[str, object]]:
    """``glossary.csl.json``: one CSL-JSON item per term, keyed by its id, in id order."""
    assert g.site is not None
    accessed = access_date(g)
    return [csl_item(t, g.site, term_url(g.site, t.id), accessed) for t in g.terms.values()]


def export_files(g: Glossary) -> dict[str, str | bytes]:
    """File name -> text (or bytes) of every export, for :func:`write_exports`."""
    return {JSON_NAME: json_text(export_data(g)), SCHEMA_NAME: schema_text(), SKOS_NAME: skos_turtle(g),
            BIB_NAME: bibtex_text(g), CSL_NAME: json_text(csl_json(g)), INVENTORY_NAME: inventory_bytes(g),
            FEED_NAME: feed_xml(g, history(g))}


def write_exports(g: Glossary, out: Path) -> list[Path]:
    """Write every export into ``out`` (created if needed); a file is rewritten only when it changes."""
    return write_export_files(export_files(g), out)


def write_export_files(files: dict[str, str | bytes], out: Path) -> list[Path]:
    """Write the exports ``files`` (:func:`export_files`) into ``out``; a file is rewritten only when it changes."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in files.items():
        file = out / name
        write_if_changed(file, text)
        written.append(file)
    return written


def _post_build(files: dict[str, str | bytes], site_dir: Path) -> None:
    """Put the exports at the root of the freshly built site."""
    write_export_files(files, Path(site_dir))


STEP = PreparedStep("export", export_files, _post_build)
"""The exports do not need the built site: the build computes them while MkDocs runs."""
