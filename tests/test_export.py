"""Exports (glossary.json and its schema, SKOS Turtle) and the citation and JSON-LD blocks of term pages."""

from __future__ import annotations

import dataclasses
import html
import json
import random
import re
from pathlib import Path
from typing import Any

import bibtexparser
import pytest
import rdflib
from bibtexparser.middlewares import LatexDecodingMiddleware
from rdflib import namespace as ns
from rdflib.compare import isomorphic

from generator.build import export, pipeline
from generator.build.turtle import RDF_TYPE, Blank, Iri, Literal, rdflib_graph, turtle_text
from generator.commands import main as cli
from generator.stages.check import check
from generator.stages.link import link_glossary
from generator.stages.render import render_pages
from generator.stages.validate import Glossary
from tests.conftest import edit

BASE = "https://example.org/fixture/"


def checked(root: Path) -> Glossary:
    glossary, findings = check(root)
    assert findings == []
    return glossary


# A small JSON Schema validator for the keywords export_schema.json uses (jsonschema is not a
# dependency). Unknown keywords fail loudly, so the schema cannot silently outgrow it.
_ANNOTATIONS = {"$schema", "$id", "$comment", "$defs", "title", "description", "format"}
_TYPES = {"object": dict, "array": list, "string": str, "integer": int, "null": type(None), "boolean": bool}


def validate(value: Any, schema: dict[str, Any], root: dict[str, Any], path: str = "$") -> list[str]:
    errors: list[str] = []
    for key in schema:
        if key not in _ANNOTATIONS | {"$ref", "type", "properties", "required", "additionalProperties",
                                      "items", "const", "pattern", "anyOf", "minimum", "enum"}:
            raise AssertionError(f"validator does not know keyword {key!r}")
    if "$ref" in schema:
        target: Any = root
        for part in schema["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        errors += validate(value, target, root, path)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(isinstance(value, _TYPES[t]) and not (t == "integer" and isinstance(value, bool)) for t in types):
            return [*errors, f"{path}: {value!r} is not of type {types}"]
    if "const" in schema and value != schema["const"]:
        errors.append(f"{path}: {value!r} is not {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    if "pattern" in schema and isinstance(value, str) and not re.search(schema["pattern"], value):
        errors.append(f"{path}: {value!r} does not match {schema['pattern']}")
    if "minimum" in schema and isinstance(value, int) and value < schema["minimum"]:
        errors.append(f"{path}: {value} < {schema['minimum']}")
    if "anyOf" in schema and all(validate(value, s, root, path) for s in schema["anyOf"]):
        errors.append(f"{path}: {value!r} matches none of anyOf")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        errors += [f"{path}: missing {k}" for k in schema.get("required", []) if k not in value]
        if schema.get("additionalProperties") is False:
            errors += [f"{path}: unexpected {k}" for k in value if k not in props]
        for k, v in value.items():
            if k in props:
                errors += validate(v, props[k], root, f"{path}.{k}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            errors += validate(item, schema["items"], root, f"{path}[{i}]")
    return errors


def test_json_export_follows_its_schema(project: Path) -> None:
    data = json.loads(export.json_text(export.export_data(checked(project))))
    schema = json.loads(export.schema_text())
    assert validate(data, schema, schema) == []
    assert data["schema_version"] == export.SCHEMA_VERSION == schema["properties"]["schema_version"]["const"]
    assert data["$schema"] == export.SCHEMA_NAME == schema["$id"]
    broken = json.loads(json.dumps(data))
    broken["terms"][0]["url"] = 3
    del broken["frameworks"][0]["levels"][0]["rank"]
    broken["references"][0]["extra"] = True
    assert len(validate(broken, schema, schema)) == 3


def test_json_export_with_jsonschema_if_installed(project: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(export.schema_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(json.loads(export.json_text(export.export_data(checked(project)))), schema)


def test_json_export_contents(project: Path) -> None:
    data = export.export_data(checked(project))
    terms = {t["id"]: t for t in data["terms"]}
    assert list(terms) == ["red-teaming", "safety-level", "scaling-policy"]
    sl = terms["safety-level"]
    assert sl["url"] == BASE + "terms/safety-level/"
    assert sl["abbreviation"] == "SL" and sl["aliases"] == ["safety tier"]
    assert sl["related"] == ["scaling-policy", "red-teaming"] and sl["framework"] == "alpha"
    assert sl["sources"] == [{"ref": "alpha-policy", "locator": None, "title": "Alpha Scaling Policy",
                              "url": "https://example.org/alpha-policy"}]
    assert sl["claims"][0]["as_of"] == "2024-02-01"
    assert sl["claims"][0]["sources"][0]["locator"] == "Section 2"
    assert sl["reviewed"] == "2024-03-01" and sl["redirect_from"] == []
    assert f"[adversarial testing]({BASE}terms/red-teaming/)" in sl["definition"]
    assert "[[" not in json.dumps(data)
    assert terms["red-teaming"]["broader"] == "scaling-policy"
    assert terms["scaling-policy"]["narrower"] == ["red-teaming"]
    alpha = next(f for f in data["frameworks"] if f["id"] == "alpha")
    assert [v["version"] for v in alpha["versions"]] == ["1.0", "2.0"]
    assert [(lv["id"], lv["url"]) for lv in alpha["levels"]] == [
        ("al-1", BASE + "frameworks/alpha/#al-1"), ("al-2", BASE + "frameworks/alpha/#al-2")]
    assert alpha["thresholds"][0]["url"] == BASE + "frameworks/alpha/#bio-1"
    assert [r["anchor"] for r in data["references"]] == [BASE + "references/#alpha-policy", BASE + "references/#beta-standard"]
    assert [(c["number"], c["url"]) for c in data["chapters"]] == [(1, BASE + "chapters/ch1-basics/"),
                                                                   (2, BASE + "chapters/ch2-more/")]
    assert data["glossary"]["name"] == "Fixture Glossary" and data["glossary"]["url"] == BASE


def test_exports_are_deterministic(project: Path) -> None:
    glossary = checked(project)
    first = export.export_files(glossary)
    for records in (glossary.term_records, glossary.framework_records, glossary.reference_records):
        random.Random(4).shuffle(records)
        records.reverse()
    assert export.export_files(glossary) == first
    assert first[export.JSON_NAME].endswith("}\n")


def test_skos_vocabulary(project: Path) -> None:
    graph = rdflib.Graph().parse(data=export.skos_turtle(checked(project)), format="turtle")
    scheme = rdflib.URIRef(BASE)
    term = {tid: rdflib.URIRef(f"{BASE}terms/{tid}/") for tid in ("red-teaming", "safety-level", "scaling-policy")}
    assert (scheme, ns.RDF.type, ns.SKOS.ConceptScheme) in graph
    assert set(graph.subjects(ns.RDF.type, ns.SKOS.Concept)) == set(term.values())
    assert all((c, ns.SKOS.inScheme, scheme) in graph for c in term.values())
    sl = term["safety-level"]
    assert graph.value(sl, ns.SKOS.prefLabel) == rdflib.Literal("Safety Level", lang="en")
    assert set(graph.objects(sl, ns.SKOS.altLabel)) == {rdflib.Literal("SL", lang="en"), rdflib.Literal("safety tier", lang="en")}
    literal_definitions = [d for d in graph.objects(sl, ns.SKOS.definition) if isinstance(d, rdflib.Literal)]
    assert literal_definitions == [rdflib.Literal("A step on a scale of safeguards.", lang="en")]  # + its senses
    assert graph.value(sl, ns.DCTERMS.modified) == rdflib.Literal("2024-03-01", datatype=ns.XSD.date)
    assert set(graph.objects(sl, ns.SKOS.related)) == {term["scaling-policy"], term["red-teaming"]}
    assert (term["red-teaming"], ns.SKOS.related, sl) in graph  # stated in both directions
    assert (term["red-teaming"], ns.SKOS.broader, term["scaling-policy"]) in graph
    assert (term["scaling-policy"], ns.SKOS.narrower, term["red-teaming"]) in graph
    assert set(graph.objects(scheme, ns.SKOS.hasTopConcept)) == {sl, term["scaling-policy"]}


def test_skos_turtle_parses_into_the_graph_it_states(project: Path) -> None:
    """The Turtle, read by rdflib's parser, is the graph of :func:`export.skos_triples` (blank nodes aside)."""
    glossary = checked(project)
    written = rdflib.Graph().parse(data=export.skos_turtle(glossary), format="turtle")
    assert len(written) > 40
    assert isomorphic(written, export.skos_graph(glossary))


HOSTILE_STRINGS = ['say "hi"', "back\\slash", "two\nlines", 'three """ quotes\nand a newline', 'ends in a quote"',
                   'ends in backslash-quote\n\\"', "carriage\rreturn", "tab\tand \u00e9\u2028\U0001f600", '""""',
                   "\\", '"', "", "> ] ; . , @prefix x: <http://evil/> ."]


def test_turtle_writes_any_string_and_iri_so_that_rdflib_reads_them_back() -> None:
    """Every string, with quotes, backslashes, line breaks and Turtle syntax anywhere in it, reads back as written;
    a blank node met once is written in place, one met twice by its label; the IRIs come back whole."""
    subject, shared = Iri("http://example.org/a/"), Blank("shared")
    triples: list = [(subject, Iri(RDF_TYPE), Iri("http://www.w3.org/2004/02/skos/core#Concept")),
                     (subject, Iri("http://example.org/v#p"), shared), (Iri("http://example.org/b"), Iri("http://example.org/v#p"), shared),
                     (shared, Iri("http://example.org/v#q"), Literal("2026-11-27", datatype="http://www.w3.org/2001/XMLSchema#date"))]
    for number, text in enumerate(HOSTILE_STRINGS):
        node = Blank(f"n{number}")
        triples += [(subject, Iri("http://example.org/v#note"), node), (node, Iri("http://example.org/v#text"), Literal(text, "en")),
                    (node, Iri("http://example.org/v#plain"), Literal(text))]
    prefixes = [("v", "http://example.org/v#"), ("xsd", "http://www.w3.org/2001/XMLSchema#")]
    text = turtle_text(triples, prefixes)
    assert isomorphic(rdflib.Graph().parse(data=text, format="turtle"), rdflib_graph(triples, prefixes))
    assert text.count("[ v:plain") == len(HOSTILE_STRINGS) and "_:shared" in text
    assert "v:q \"2026-11-27\"^^xsd:date" in text and "\n<http://example.org/a/> a <http://www.w3.org/2004/02/skos/core#Concept> ;" in text


def test_turtle_percent_encodes_what_an_iri_may_not_hold() -> None:
    """An IRI holding a character Turtle forbids in IRIs is written percent-encoded: the document still parses,
    and nothing in it escapes the IRI."""
    bad = Iri('http://example.org/a b<c>"d{e}|f^g`h\\i\nj')
    text = turtle_text([(bad, Iri("http://example.org/v#p"), Literal("x"))], [])
    assert text.startswith("\n<http://example.org/a%20b%3Cc%3E%22d%7Be%7D%7Cf%5Eg%60h%5Ci%0Aj> ")
    subjects = set(rdflib.Graph().parse(data=text, format="turtle").subjects())
    assert subjects == {rdflib.URIRef("http://example.org/a%20b%3Cc%3E%22d%7Be%7D%7Cf%5Eg%60h%5Ci%0Aj")}


def test_turtle_is_the_same_whatever_the_order_of_the_triples(project: Path) -> None:
    triples = export.skos_triples(checked(project))
    shuffled = list(triples)
    random.Random(7).shuffle(shuffled)
    assert turtle_text(shuffled, export.SKOS_PREFIXES) == turtle_text(triples, export.SKOS_PREFIXES)


def _term_page(root: Path, tid: str) -> str:
    return (root / "content" / "terms" / f"{tid}.md").read_text(encoding="utf-8")


def _code_block(page: str, label: str) -> str:
    """The indented code block that follows the line ``label:`` (dedented)."""
    block = re.search(rf"^{re.escape(label)}:\n\n((?:    .*\n)+)", page, re.MULTILINE)
    assert block, page
    return "\n".join(line[4:] for line in block.group(1).rstrip("\n").split("\n"))


def _bibtex(page: str) -> dict[str, str]:
    library = bibtexparser.parse_string(_code_block(page, "BibTeX"), append_middleware=[LatexDecodingMiddleware()])
    assert not library.failed_blocks and len(library.entries) == 1
    entry = library.entries[0]
    return {"ENTRYTYPE": entry.entry_type, "ID": entry.key, **{f.key: f.value for f in entry.fields}}


def test_term_page_cites_itself_in_bibtex_and_text(project: Path) -> None:
    pipeline.generate(project)
    page = _term_page(project, "safety-level")
    fields = _bibtex(page)
    assert fields == {"ENTRYTYPE": "misc", "ID": "safety-level", "title": "Safety Level",
                      "howpublished": "Fixture Glossary", "organization": "Fixture Glossary", "year": "2024",
                      "note": "Last reviewed 2024-03-01", "url": BASE + "terms/safety-level/", "version": "1.0"}
    assert _code_block(page, "Plain text") == ('"Safety Level". In: Fixture Glossary, version 1.0. '
                                      f"Last reviewed 2024-03-01. {BASE}terms/safety-level/")


def test_bibtex_escapes_special_characters(project: Path) -> None:
    title = r"R&D {core} 50% $cost #1 ~x^y \z"
    edit(project, "data/terms/red-teaming.yaml", "title: Red-teaming", f"title: {json.dumps(title)}")
    edit(project, "data/site.yaml", "name: Fixture Glossary", 'name: "Fixture & Co {Glossary}"')
    pipeline.generate(project)
    page = _term_page(project, "red-teaming")
    raw = _code_block(page, "BibTeX")
    assert r"title = {{R\&D \{core\} 50\% \$cost \#1 \textasciitilde{}x\textasciicircum{}y \textbackslash{}z}}," in raw
    fields = _bibtex(page)
    assert fields["title"] == title.replace("^", "\u02c6")  # pylatexenc decodes \textasciicircum as U+02C6
    assert fields["organization"] == "Fixture & Co {Glossary}"


def _json_ld(html_text: str) -> list[Any]:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html_text, re.DOTALL)
    return [json.loads(b) for b in blocks]


def test_json_ld_cannot_break_out_of_its_script(project: Path) -> None:
    glossary = checked(project)
    records = glossary.term_records
    i = next(i for i, r in enumerate(records) if r.model.id == "scaling-policy")
    hostile = "</script><script>alert(1)</script> & 'x'"
    records[i] = dataclasses.replace(records[i], model=records[i].model.model_copy(update={"summary": hostile}))
    page = next(p for p in render_pages(glossary, link_glossary(glossary)) if p.path == "terms/scaling-policy.md")
    script = page.text[page.text.index('<script type="application/ld+json">'):]
    assert script.count("</script>") == 1 and "<script>alert" not in script and "&" not in script
    assert "\\u003c/script\\u003e" in script
    assert _json_ld(page.text)[0]["description"] == hostile


@pytest.mark.slow
def test_build_writes_exports_and_json_ld(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "POST_BUILD_STEPS", (export.STEP,))
    pipeline.build_site(project)
    site = project / "site"
    for name in export.EXPORT_FILES:
        assert (site / name).is_file()
    assert (site / export.SCHEMA_NAME).read_text(encoding="utf-8") == export.schema_text()
    data = json.loads((site / export.JSON_NAME).read_text(encoding="utf-8"))
    assert [t["id"] for t in data["terms"]] == ["red-teaming", "safety-level", "scaling-policy"]
    rdflib.Graph().parse(site / export.SKOS_NAME, format="turtle")
    built = (site / "terms" / "safety-level" / "index.html").read_text(encoding="utf-8")
    [ld] = _json_ld(built)
    assert ld["@type"] == "DefinedTerm" and ld["inDefinedTermSet"]["@type"] == "DefinedTermSet"
    assert (ld["name"], ld["termCode"], ld["url"]) == ("Safety Level", "safety-level", BASE + "terms/safety-level/")
    assert ld["alternateName"] == ["SL", "safety tier"]
    assert ld["inDefinedTermSet"]["name"] == "Fixture Glossary" and ld["inDefinedTermSet"]["url"] == BASE
    assert ld["description"] == "A step on a scale of safeguards."
    code = re.search(r'<code>(@misc.*?)</code>', re.sub(r"<span[^>]*>|</span>|<a[^>]*>|</a>", "", built), re.DOTALL)
    assert code, "BibTeX code block missing from the built page"
    assert "safety-level" in html.unescape(code.group(1))


def test_export_command(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                        capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert cli.main(["export", "--root", str(project), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(export.EXPORT_FILES)
    assert f"wrote {out / export.JSON_NAME}" in capsys.readouterr().out
    before = {p.name: p.stat().st_mtime_ns for p in out.iterdir()}
    assert cli.main(["export", "--root", str(project), "--out", str(out)]) == 0
    assert {p.name: p.stat().st_mtime_ns for p in out.iterdir()} == before  # unchanged files are not rewritten


def test_export_command_refuses(project: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["export", "--root", str(project)]) == 1
    err = capsys.readouterr().err
    assert f"{project / 'site'}:1:1: G010 the site has not been built here yet (run python -m generator build" in err
    assert cli.main(["export", "--root", str(project), "--out", str(project / "data")]) == 1
    assert "refusing to write exports into the project's own files" in capsys.readouterr().err
    line = edit(project, "data/terms/safety-level.yaml", "category: level-scheme", "category: level-schem")
    assert cli.main(["export", "--root", str(project), "--out", str(project / "out")]) == 1
    err = capsys.readouterr().err
    assert f"data/terms/safety-level.yaml:{line}:11: G002 category:" in err and "Traceback" not in err
    assert not (project / "out").exists()
