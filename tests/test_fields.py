"""Text fields are found from the models' annotated types: a new Markdown field needs no list to be linked and checked."""

from __future__ import annotations

import datetime as dt

from generator.model.fields import kind_of, markdown_fields, text_fields
from generator.model.records import Framework, InlineMarkdown, MarkdownText, PlainText, Scale, Term

TERM = Term(id="x", title="X", summary="An x.", definition="The **x**.", category="concept",
            definitions=[{"text": "An x, says A.", "source": {"ref": "a", "locator": "p. 1"}}],
            definitions_note="A and the glossary agree.", claims=[{"text": "X *was* y.", "as_of": dt.date(2025, 1, 1),
                                                                    "sources": ["a"]}],
            reviewed=dt.date(2025, 1, 1))


def test_kind_of_reads_optional_and_list_annotations() -> None:
    assert kind_of(PlainText) == "plain"
    assert kind_of(InlineMarkdown | None) == "inline"
    assert kind_of(list[MarkdownText]) == "markdown"
    assert kind_of(str) is None and kind_of(int | None) is None


def test_text_fields_walk_nested_models_in_field_order() -> None:
    found = list(text_fields(TERM))
    assert found[:2] == [(("title",), "plain", "X"), (("summary",), "plain", "An x.")]  # id is a Slug, not text
    assert (("definition",), "markdown", "The **x**.") in found
    assert (("definitions", 0, "text"), "inline", "An x, says A.") in found
    assert (("definitions", 0, "source", "locator"), "plain", "p. 1") in found
    assert (("claims", 0, "text"), "inline", "X *was* y.") in found


def test_markdown_fields_leave_plain_text_out() -> None:
    locs = [loc for loc, _ in markdown_fields(TERM)]
    assert locs == [("definition",), ("definitions", 0, "text"), ("definitions_note",), ("claims", 0, "text")]


def test_scale_note_is_a_markdown_field() -> None:
    fw = Framework(id="f", title="F", short_title="F", publisher="P", summary="S.", description="D.",
                   versions=[{"version": "1", "date": dt.date(2024, 1, 1), "source": "a"}],
                   scale=Scale(name="L", note="See [[y]].", levels=[{"id": "l-1", "label": "L1", "rank": 1, "summary": "s",
                                                                     "description": "d", "sources": ["a"]}]),
                   sources=["a"], reviewed=dt.date(2025, 1, 1))
    assert (("scale", "note"), "See [[y]].") in list(markdown_fields(fw))
