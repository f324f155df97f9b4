"""Types instead of strings between the stages and the templates: backlinks, chapter places and
the field paths templates ask the link stage for."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build.pipeline import generate
from generator.findings import RENDER, GlossaryError
from generator.model.fields import markdown_fields, markdown_paths, path_pattern
from generator.model.records import Crosswalk, Framework, Term
from generator.stages import render
from generator.stages.link import Backlink, FieldPathError, Place, Referrer, Role, link_glossary
from generator.stages.validate import load_glossary

FIXTURE = Path(__file__).parent / "fixtures" / "minimal"


def test_every_markdown_value_has_a_declared_path() -> None:
    g, _ = load_glossary(FIXTURE)
    records = [*g.term_records, *g.framework_records, g.crosswalk_record]
    seen = set()
    for record in records:
        assert record is not None
        for loc, _ in markdown_fields(record.model):
            assert path_pattern(loc) in markdown_paths(type(record.model))
            seen.add((type(record.model).__name__, path_pattern(loc)))
    assert ("Framework", ("scale", "levels", "*", "examples", "*")) in seen


def test_markdown_paths_come_from_the_annotations() -> None:
    assert ("definition",) in markdown_paths(Term) and ("title",) not in markdown_paths(Term)
    assert ("scale", "note") in markdown_paths(Framework)
    assert markdown_paths(Crosswalk) == {("note",), ("mappings", "*", "note")}


def test_backlinks_and_places_are_typed() -> None:
    g, _ = load_glossary(FIXTURE)
    links = link_glossary(g)
    backlinks = [b for found in links.referenced_by.values() for b in found]
    assert backlinks and all(isinstance(b, Backlink) and isinstance(b.kind, Referrer) for b in backlinks)
    for found in links.referenced_by.values():
        assert found == sorted(found)  # the comparison first, then frameworks, then terms, each by id
    places = [p for found in links.discussed_in.values() for p in found]
    assert places and all(isinstance(p, Place) for p in places)
    assert {p.role for p in places} == {Role.INTRODUCES, Role.DISCUSSES}


def test_a_misspelt_field_path_is_refused_by_the_link_stage() -> None:
    g, _ = load_glossary(FIXTURE)
    links = link_glossary(g)
    record = g.framework_records[0]
    assert links.text(record, "description")
    with pytest.raises(FieldPathError, match="'descripton' is not a Markdown field of Framework") as err:
        links.text(record, "descripton")
    assert err.value.hint == "did you mean 'description'?"
    with pytest.raises(FieldPathError):
        links.text(record, "title")  # plain text is not linked


def test_a_template_typo_is_a_finding_on_its_line(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(render.TEMPLATES, templates)
    page = templates / "framework.md.j2"
    lines = page.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if 'links.text(record, "description")' in line)
    page.write_text(page.read_text(encoding="utf-8").replace('links.text(record, "description")',
                                                             'links.text(record, "descriptoin")'), encoding="utf-8")
    monkeypatch.setattr(render, "TEMPLATES", templates)
    with pytest.raises(GlossaryError) as err:
        generate(project)
    [finding] = err.value.findings
    assert (finding.line, finding.code) == (number, RENDER)
    assert finding.path.endswith("framework.md.j2")
    assert finding.format().endswith("links.text: 'descriptoin' is not a Markdown field of Framework "
                                     "(did you mean 'description'?)")
