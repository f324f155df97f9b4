"""The text fields of a record, found from the models' annotated types, never from a list kept by hand.

A field's kind is its annotation: :data:`~generator.model.records.PlainText`,
:data:`~generator.model.records.InlineMarkdown` or :data:`~generator.model.records.MarkdownText`,
alone, optional, in a list, or inside a nested model. A new Markdown field is linked, checked
and exported as soon as it is declared with one of these types.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel

from .records import InlineMarkdown, MarkdownText, PlainText

TextKind = Literal["plain", "inline", "markdown"]
Loc = tuple[str | int, ...]

_KINDS: tuple[tuple[Any, TextKind], ...] = ((PlainText, "plain"), (InlineMarkdown, "inline"), (MarkdownText, "markdown"))


def _declares(annotation: Any, declared: Any) -> bool:
    """Whether ``annotation`` is ``declared`` (an ``Annotated`` text type), perhaps with more constraints."""
    return (typing.get_origin(annotation) is typing.Annotated
            and typing.get_args(annotation)[0] == typing.get_args(declared)[0]
            and all(m in annotation.__metadata__ for m in declared.__metadata__))


def kind_of(annotation: Any) -> TextKind | None:
    """The text kind an annotation declares (looking through ``X | None`` and ``list[X]``), if any."""
    for declared, kind in _KINDS:
        if _declares(annotation, declared):
            return kind
    for arg in typing.get_args(annotation) if typing.get_origin(annotation) is not typing.Annotated else ():
        found = kind_of(arg)
        if found:
            return found
    return None


def text_fields(model: BaseModel, loc: Loc = ()) -> Iterator[tuple[Loc, TextKind, str]]:
    """Every text value of ``model`` and its nested models, with its location and kind, in field order."""
    for name, info in type(model).model_fields.items():
        yield from _values(getattr(model, name), info.rebuild_annotation(), (*loc, name))


def _values(value: Any, annotation: Any, loc: Loc) -> Iterator[tuple[Loc, TextKind, str]]:
    if isinstance(value, BaseModel):
        yield from text_fields(value, loc)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _values(item, annotation, (*loc, i))
    elif isinstance(value, str) and (kind := kind_of(annotation)):
        yield loc, kind, value


def markdown_fields(model: BaseModel) -> Iterator[tuple[Loc, str]]:
    """The Markdown values of ``model`` (inline and block kinds): what the linker and the link rules read."""
    for loc, kind, text in text_fields(model):
        if kind != "plain":
            yield loc, text
