"""The text fields of a record, found from the models' annotated types, never from a list kept by hand.

A field's kind is its annotation: :data:`~generator.model.records.PlainText`,
:data:`~generator.model.records.InlineMarkdown` or :data:`~generator.model.records.MarkdownText`,
alone, optional, in a list, or inside a nested model. A new Markdown field is linked, checked
and exported as soon as it is declared with one of these types.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Iterable, Iterator
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
    for name, kind in _field_kinds(type(model)):
        yield from _values(getattr(model, name), kind, (*loc, name))


@functools.cache
def _field_kinds(model: type[BaseModel]) -> tuple[tuple[str, TextKind | None], ...]:
    """Each field of ``model`` with the text kind its annotation declares (worked out once per model)."""
    return tuple((name, kind_of(info.rebuild_annotation())) for name, info in model.model_fields.items())


def _values(value: Any, kind: TextKind | None, loc: Loc) -> Iterator[tuple[Loc, TextKind, str]]:
    if isinstance(value, BaseModel):
        yield from text_fields(value, loc)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _values(item, kind, (*loc, i))
    elif isinstance(value, str) and kind:
        yield loc, kind, value


def _inner(annotation: Any) -> tuple[bool, type[BaseModel] | None]:
    """Whether an annotation is a list (looking through ``X | None``), and the model it holds, if any."""
    if typing.get_origin(annotation) is typing.Annotated:
        return (False, None) if kind_of(annotation) else _inner(typing.get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return False, annotation
    if typing.get_origin(annotation) is list:
        return True, _inner(typing.get_args(annotation)[0])[1]
    for arg in typing.get_args(annotation):
        is_list, model = _inner(arg)
        if is_list or model:
            return is_list, model
    return False, None


@functools.cache
def markdown_paths(model: type[BaseModel]) -> frozenset[tuple[str, ...]]:
    """Every path of a Markdown field (inline or block) in ``model`` and its nested models, a list
    position written ``*``: ``("scale", "levels", "*", "examples", "*")``. What a template may ask
    the link stage for."""
    paths: set[tuple[str, ...]] = set()
    for name, info in model.model_fields.items():
        annotation = info.rebuild_annotation()
        is_list, nested = _inner(annotation)
        here = (name, "*") if is_list else (name,)
        if nested:
            paths.update(here + path for path in markdown_paths(nested))
        elif kind_of(annotation) in ("inline", "markdown"):
            paths.add(here)
    return frozenset(paths)


def path_pattern(loc: Loc) -> tuple[str, ...]:
    """A field location with its list positions written ``*`` (see :func:`markdown_paths`)."""
    return tuple("*" if isinstance(part, int) else part for part in loc)


def markdown_fields(model: BaseModel) -> Iterator[tuple[Loc, str]]:
    """The Markdown values of ``model`` (inline and block kinds): what the linker and the link rules read."""
    return markdown_only(text_fields(model))


def markdown_only(texts: Iterable[tuple[Loc, TextKind, str]]) -> Iterator[tuple[Loc, str]]:
    """The Markdown values (inline and block kinds) among ``texts`` (as :func:`text_fields` gives them)."""
    for loc, kind, text in texts:
        if kind != "plain":
            yield loc, text
