"""Several sourced definitions of a term: numbered senses on the page, in glossary.json, SKOS and JSON-LD."""

from __future__ import annotations

import json
import re
import typing
from pathlib import Path

import rdflib
from rdflib import namespace as ns

from generator.build import export
from generator.build.pipeline import build_site
from generator.model.records import ElementKind
from tests.conftest import edit
from tests.test_comparison import rendered
from tests.test_export import BASE, checked, validate

SP = "data/terms/safety-level.yaml"
SENSE_1 = ("1. A policy that ties safeguards to capability levels. — "
           "[Alpha Lab (2024), *Alpha Scaling Policy* v1.0](../references/index.md#alpha-policy), Section 1")
SENSE_2 = ("2. A standard that matches containment to hazard. — "
           "[Beta Institute (2023), *Beta Safety Standard*](../references/index.md#beta-standard), p. 3")
NOTE = "The Alpha Lab speaks of capabilities, the Beta Institute of hazards."


def drop_own_definition(root: Path) -> None:
    text = (root / SP).read_text(encoding="utf-8")
    start, end = text.index("definition: >-\n"), text.index("category: level-scheme")
    (root / SP).write_text(text[:start] + text[end:], encoding="utf-8")


def test_senses_follow_the_glossarys_own_definition_labelled_and_numbered(project: Path) -> None:
    page = rendered(project)[1]["terms/safety-level.md"]
    own = page.index("## Definition { data-search-exclude }\n\nA safety level is required")
    heading = page.index("### Published definitions { #published-definitions data-search-exclude }")
    assert own < heading < page.index(NOTE) < page.index(SENSE_1) < page.index(SENSE_2)


def test_a_term_may_have_only_published_definitions(project: Path) -> None:
    drop_own_definition(project)
    page = rendered(project)[1]["terms/safety-level.md"]
    assert "## Definition {" not in page and "### Published definitions" not in page
    assert page.index("## Definitions { #published-definitions data-search-exclude }") < page.index(NOTE) < page.index(SENSE_1)
    build_site(project)
    site = project / "site"
    html_page = (site / "terms/safety-level/index.html").read_text(encoding="utf-8")
    assert re.search(r'<ol>\s*<li>A policy that ties safeguards to capability levels\. — <a href="../../references/#alpha-policy">', html_page)
    data = json.loads((site / export.JSON_NAME).read_text(encoding="utf-8"))
    sp = next(t for t in data["terms"] if t["id"] == "safety-level")
    assert sp["definition"] is None and len(sp["definitions"]) == 2
    assert validate(data, json.loads(export.schema_text()), json.loads(export.schema_text())) == []


def test_glossary_json_carries_numbered_senses_with_sources(project: Path) -> None:
    data = export.export_data(checked(project))
    sp = next(t for t in data["terms"] if t["id"] == "safety-level")
    assert sp["definitions_note"] == NOTE
    assert sp["definitions"] == [
        {"number": 1, "text": "A policy that ties safeguards to capability levels.",
         "source": {"ref": "alpha-policy", "locator": "Section 1", "title": "Alpha Scaling Policy",
                    "url": "https://example.org/alpha-policy"}},
        {"number": 2, "text": "A standard that matches containment to hazard.",
         "source": {"ref": "beta-standard", "locator": "p. 3", "title": "Beta Safety Standard",
                    "url": "https://example.org/beta"}}]
    other = next(t for t in data["terms"] if t["id"] == "red-teaming")
    assert other["definitions"] == [] and other["definitions_note"] is None
    alpha = next(f for f in data["frameworks"] if f["id"] == "alpha")
    assert [(e["element"], e["version"], e["source"]["locator"], e["url"]) for e in alpha["elements"]] == [
        ("capability-thresholds", "2.0", "Section 2", BASE + "frameworks/elements/#capability-thresholds--alpha"),
        ("halting", "1.0", "Section 4", BASE + "frameworks/elements/#halting--alpha")]
    schema = json.loads(export.schema_text())
    assert validate(data, schema, schema) == []
    assert schema["$defs"]["element"]["properties"]["element"]["enum"] == list(typing.get_args(ElementKind))


def test_skos_gives_each_sense_as_a_definition_with_its_source(project: Path) -> None:
    graph = rdflib.Graph().parse(data=export.skos_turtle(checked(project)), format="turtle")
    concept = rdflib.URIRef(BASE + "terms/safety-level/")
    senses = [d for d in graph.objects(concept, ns.SKOS.definition) if not isinstance(d, rdflib.Literal)]
    found = sorted((str(graph.value(d, ns.RDF.value)), str(graph.value(d, ns.DCTERMS.source)),
                    str(graph.value(d, ns.DCTERMS.bibliographicCitation))) for d in senses)
    assert found == [
        ("A policy that ties safeguards to capability levels.", "https://example.org/alpha-policy",
         "Alpha Lab, Alpha Scaling Policy, Section 1"),
        ("A standard that matches containment to hazard.", "https://example.org/beta",
         "Beta Institute, Beta Safety Standard, p. 3")]
    # the summary stays the concept's plain definition
    assert rdflib.Literal("A step on a scale of safeguards.", lang="en") in set(
        graph.objects(concept, ns.SKOS.definition))
    assert export.skos_turtle(checked(project)) == export.skos_turtle(checked(project))


def test_json_ld_lists_the_senses_with_their_sources(project: Path) -> None:
    edit(project, SP, "ties safeguards to capability levels.", "ties safeguards to [[red-teaming|testing]].")
    page = rendered(project)[1]["terms/safety-level.md"]
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page).group(1))
    assert [(s["position"], s["text"], s["citation"], s["isBasedOn"]["url"]) for s in data["subjectOf"]] == [
        (1, "A policy that ties safeguards to testing.", "Alpha Lab, Alpha Scaling Policy, Section 1",
         "https://example.org/alpha-policy"),
        (2, "A standard that matches containment to hazard.", "Beta Institute, Beta Safety Standard, p. 3",
         "https://example.org/beta")]
    assert "subjectOf" not in rendered(project)[1]["terms/scaling-policy.md"]
