"""Which data each generated page reads, so that the preview re-renders only the pages an edit changes.

A page is a function of the template context (``render._context``): the records' models, the linked texts,
the backlink indexes and values derived from all of them. While a page renders under :func:`tracking`,
each read is noted in its :class:`Reads`:

* an attribute of a record's model, or of a model nested in it: the record and the top-level field
  (a method, or anything else that is not a field, counts as the whole record);
* a linked text (``links.text(record, field, ...)``): the record and the field;
* an entry of a backlink index (``links.referenced_by``, ``links.discussed_in``): the index and the key
  (iterating an index reads all of it);
* a name of the context: the name. Its value is compared as a whole, by :func:`shape`, which stands each
  model in for its place (record and path) so that an edit inside a model is seen by the reads above only.

After an edit, :func:`changes` states what differs between the old and the new glossary in the same terms,
and a page renders again exactly when its reads meet them (:meth:`Changes.meet`). The contract is tested by
rendering every page both ways after random edits (tests/test_preview.py).
"""

from __future__ import annotations

import contextlib
import dataclasses
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import jinja2

from ..model.records import Strict
from .link import Links
from .validate import Glossary, Record

RecordKey = tuple[str, tuple[Any, ...]]
"""A record's place (:attr:`~generator.stages.validate.Record.place`)."""

WHOLE = "*"
"""The field (or index key) that stands for all of them."""

INDEXES = ("referenced_by", "discussed_in")
"""The backlink indexes of :class:`~generator.stages.link.Links` that pages read by key."""


@dataclass
class Reads:
    """What one page read while it rendered."""

    names: set[str] = field(default_factory=set)
    fields: set[tuple[RecordKey, str]] = field(default_factory=set)
    entries: set[tuple[str, str]] = field(default_factory=set)


@dataclass
class Changes:
    """What an edit changed, in the terms of :class:`Reads`."""

    names: set[str] = field(default_factory=set)
    fields: set[tuple[RecordKey, str]] = field(default_factory=set)
    entries: set[tuple[str, str]] = field(default_factory=set)

    def meet(self, reads: Reads) -> bool:
        """Whether a page that read ``reads`` may render differently now."""
        if reads.names & self.names or reads.fields & self.fields or reads.entries & self.entries:
            return True
        return bool(reads.fields & {(record, WHOLE) for record, _ in self.fields})


def records_by_key(g: Glossary) -> dict[RecordKey, Record[Any]]:
    """Every record of ``g`` by its place."""
    return {r.place: r for r in g.records}


Place = tuple[RecordKey, str | None, tuple[Any, ...]]
"""Where a model stands: its record, the record's top-level field it is in (None for the record's own
model), and its path from the record's model."""


def places(g: Glossary, before: dict[int, Place] | None = None, edited: set[RecordKey] | None = None) -> dict[int, Place]:
    """The place of every model of ``g`` (records' models and the models nested in them), by ``id``. With
    ``before`` (the places of the glossary before an edit) only the ``edited`` records are walked: the others
    are the same objects."""
    records = records_by_key(g)
    if before is None or edited is None:
        found: dict[int, Place] = {}
        for key, record in records.items():
            _walk(record.model, key, None, (), found)
        return found
    found = {i: place for i, place in before.items() if place[0] not in edited}
    for key in edited & records.keys():
        _walk(records[key].model, key, None, (), found)
    return found


def _walk(value: Any, key: RecordKey, top: str | None, path: tuple[Any, ...], found: dict[int, Place]) -> None:
    if isinstance(value, Strict):
        found.setdefault(id(value), (key, top, path))
        for name in _field_names(type(value)):
            _walk(getattr(value, name), key, top or name, (*path, name), found)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _walk(item, key, top, (*path, i), found)
    elif isinstance(value, dict):
        for name, item in value.items():
            _walk(item, key, top, (*path, name), found)


_FIELDS: dict[type, frozenset[str]] = {}


def _field_names(model: type[Strict]) -> frozenset[str]:
    """The field names of ``model`` (cached: read on every tracked attribute access)."""
    names = _FIELDS.get(model)
    if names is None:
        names = _FIELDS[model] = frozenset(model.model_fields)
    return names


class _Tracker:
    """The reads being noted, by the one thread that renders under :func:`tracking`."""

    def __init__(self) -> None:
        self.reads: Reads | None = None
        self.places: dict[int, Place] = {}
        self.thread: int | None = None

    def note_field(self, key: RecordKey, name: str) -> None:
        if self.reads is not None and threading.get_ident() == self.thread:
            self.reads.fields.add((key, name))

    def note_name(self, name: str) -> None:
        if self.reads is not None and threading.get_ident() == self.thread:
            self.reads.names.add(name)

    def note_entry(self, index: str, key: str) -> None:
        if self.reads is not None and threading.get_ident() == self.thread:
            self.reads.entries.add((index, key))


_TRACKER = _Tracker()


def _tracked_getattribute(self: Strict, name: str) -> Any:
    """``object.__getattribute__``, noting the read of a model's field (installed only under :func:`tracking`)."""
    if _TRACKER.reads is not None and name[:1] != "_":
        place = _TRACKER.places.get(id(self))
        if place is not None:
            key, top, _ = place
            _TRACKER.note_field(key, top or (name if name in _field_names(type(self)) else WHOLE))
    return object.__getattribute__(self, name)


class TrackingContext(jinja2.runtime.Context):
    """A template context that notes each name a template looks up (the environment's ``context_class``)."""

    def resolve_or_missing(self, key: str) -> Any:
        _TRACKER.note_name(key)
        return super().resolve_or_missing(key)


@contextlib.contextmanager
def tracking(g: Glossary, where: dict[int, Place] | None = None) -> Iterator[Callable[[], Reads]]:
    """Note the reads of the models of ``g`` (placed by ``where``, else :func:`places`) made by this thread;
    yields ``start``, which begins a new :class:`Reads` (one per page) and returns it. Attribute reads are
    noted by a ``__getattribute__`` on :class:`~generator.model.records.Strict` that exists only meanwhile."""
    if _TRACKER.thread is not None:
        raise RuntimeError("dependency tracking is already on")
    _TRACKER.places = where if where is not None else places(g)
    _TRACKER.thread = threading.get_ident()

    def start() -> Reads:
        _TRACKER.reads = Reads()
        return _TRACKER.reads

    Strict.__getattribute__ = _tracked_getattribute  # type: ignore[method-assign]
    try:
        yield start
    finally:
        del Strict.__getattribute__
        _TRACKER.reads, _TRACKER.places, _TRACKER.thread = None, {}, None


class TrackedIndex(Mapping[str, Any]):
    """A backlink index that notes which keys a page reads (iterating it reads them all)."""

    def __init__(self, name: str, index: dict[str, Any]):
        self.name, self.index = name, index

    def __getitem__(self, key: str) -> Any:
        _TRACKER.note_entry(self.name, key)
        return self.index[key]

    def __contains__(self, key: object) -> bool:
        _TRACKER.note_entry(self.name, str(key))
        return key in self.index

    def get(self, key: str, default: Any = None) -> Any:
        _TRACKER.note_entry(self.name, key)
        return self.index.get(key, default)

    def __iter__(self) -> Iterator[str]:
        _TRACKER.note_entry(self.name, WHOLE)
        return iter(self.index)

    def __len__(self) -> int:
        _TRACKER.note_entry(self.name, WHOLE)
        return len(self.index)


class TrackedLinks:
    """:class:`~generator.stages.link.Links` as the templates see them while reads are noted."""

    def __init__(self, links: Links):
        self.links = links
        self.referenced_by = TrackedIndex("referenced_by", links.referenced_by)
        self.discussed_in = TrackedIndex("discussed_in", links.discussed_in)

    def text(self, record: Record[Any], *loc: Any) -> str:
        """:meth:`Links.text`, noting the record's field."""
        _TRACKER.note_field(record.place, str(loc[0]) if loc else WHOLE)
        return self.links.text(record, *loc)


def shape(value: Any, where: dict[int, Place]) -> Any:
    """A comparable stand-in for a context value: each model (and record) by its place, containers by their
    items, functions and modules by name, other values (dataclasses too) as they are. Two values of the same shape
    render alike except where the models' own fields differ, which page reads track field by field."""
    if isinstance(value, Strict):
        place = where.get(id(value))
        return ("model", place[0], place[2]) if place else value
    if isinstance(value, Record):
        return "record", value.place
    if isinstance(value, Links | Glossary | TrackedLinks):
        return type(value).__name__  # read through its tracked parts only
    if isinstance(value, dict):
        return tuple((shape(k, where), shape(v, where)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return tuple(shape(v, where) for v in value)
    if isinstance(value, set | frozenset):
        return frozenset(shape(v, where) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return value  # by value: models in it compare by their fields, which is stricter than by place
    if callable(value) or isinstance(value, ModuleType):
        return "code", getattr(value, "__qualname__", type(value).__name__)
    return value


def changes(old: Glossary, new: Glossary, old_links: Links, new_links: Links, old_names: dict[str, Any],
            new_names: dict[str, Any]) -> Changes | None:
    """What differs between ``old`` and ``new`` (glossaries, their links, and the :func:`shape` of each context
    name); None when records were added, removed or changed type, which only a full render handles."""
    before, after = records_by_key(old), records_by_key(new)
    if before.keys() != after.keys() or any(type(before[k].model) is not type(after[k].model) for k in after):
        return None
    found = Changes()
    edited = {k for k in after if after[k].model is not before[k].model}
    for key in edited:
        a, b = before[key].model, after[key].model
        found.fields.update((key, name) for name in _field_names(type(b)) if getattr(a, name) != getattr(b, name))
    for path in {path for path, _ in edited}:  # texts are keyed by file and location; linked records by file
        old_texts, new_texts = old_links.texts_of(path), new_links.texts_of(path)
        found.fields.update(((path, ()), str(loc[0])) for loc in old_texts.keys() | new_texts.keys()
                            if old_texts.get(loc) != new_texts.get(loc))
    for index in INDEXES:
        a_index, b_index = getattr(old_links, index), getattr(new_links, index)
        for tid in a_index.keys() | b_index.keys():
            if a_index.get(tid) != b_index.get(tid):  # by value: see shape()
                found.entries.update({(index, tid), (index, WHOLE)})
    found.names = {name for name in new_names if old_names.get(name) != new_names[name]}
    return found
