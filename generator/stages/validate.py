"""Stage 2, validate: typed models for every data file, then the cross-record rules.

:func:`load_glossary` reads the project's ``data/`` tree (the layout is in :data:`LAYOUT`),
validates every file against its model and returns a :class:`Glossary` together with every
finding. :func:`check` adds the consistency rules of :mod:`generator.rules`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from ..files import file_status, relative_posix
from ..findings import DATA_LAYOUT, SCHEMA, Finding, coded, did_you_mean
from ..model.fields import TextKind, markdown_only, text_fields
from ..model.records import Chapter, Chapters, Crosswalk, Framework, Reference, References, Site, Strict, Term
from ..project import LAYOUT, SCHEMA_DIR, Project, folders_inside
from ..workers import in_processes_after
from .address import apply_overrides
from .load import Document, Loc, load_file

T = TypeVar("T", bound=Strict)
R = TypeVar("R")



@dataclass(frozen=True)
class Record(Generic[T]):
    """A validated record and the place it came from, so rules can point at any of its fields."""

    model: T
    doc: Document
    base: Loc = ()

    @property
    def place(self) -> tuple[str, Loc]:
        """Where the record stands: its file (as findings show it) and its location in the file (empty for a
        file of its own). Its linked texts are keyed by the place plus the field's location."""
        return self.doc.path, self.base

    def finding(self, *loc: Any, message: str, hint: str = "", key: bool = False, code: str = "") -> Finding:
        """A finding at the field ``loc`` of this record."""
        return self.doc.finding(self.base + tuple(loc), message, hint, key, code)

    @functools.cached_property
    def texts(self) -> tuple[tuple[Loc, TextKind, str], ...]:
        """Every text value of the model, with its location in the model and its kind
        (:func:`~generator.model.fields.text_fields`), listed once: the rules and the linker read them all."""
        return tuple(text_fields(self.model))

    def markdown_texts(self) -> Iterator[tuple[Loc, str]]:
        """The Markdown values among :attr:`texts` (inline and block kinds): what the linker and the link rules read
        (:func:`~generator.model.fields.markdown_fields`)."""
        return markdown_only(self.texts)


@dataclass
class Glossary:
    """Everything in ``data/``, validated. The dicts hold the first record of each id."""

    project: Project
    site: Site | None = None
    site_record: Record[Site] | None = None
    term_records: list[Record[Term]] = field(default_factory=list)
    framework_records: list[Record[Framework]] = field(default_factory=list)
    reference_records: list[Record[Reference]] = field(default_factory=list)
    chapter_records: list[Record[Chapter]] = field(default_factory=list)
    crosswalk_record: Record[Crosswalk] | None = None
    unloaded: set[tuple[str, str]] = field(default_factory=set)
    _index: dict[str, tuple[tuple[int, int], Any]] = field(default_factory=dict, repr=False, compare=False)
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """Values the rules derive from the project once per check (such as the hand-written pages' texts), by name."""

    @property
    def root(self) -> Path:
        """The project's root folder."""
        return self.project.root

    def _indexed(self, name: str, records: list[Record[Any]], index: Any) -> Any:
        """``index(records)``, computed once per list and length (record lists are only ever appended to or replaced).

        Exports and templates read ``terms`` once per term; re-sorting on every read made them quadratic."""
        key = (id(records), len(records))
        cached = self._index.get(name)
        if cached is None or cached[0] != key:
            cached = self._index[name] = (key, index(records))
        return cached[1]

    @property
    def records(self) -> list[Record[Any]]:
        """Every record: the site's, the terms', frameworks', references' and chapters', the crosswalk's."""
        return [*([self.site_record] if self.site_record else []), *self.term_records, *self.framework_records,
                *self.reference_records, *self.chapter_records, *([self.crosswalk_record] if self.crosswalk_record else [])]

    def known(self, kind: str, ids: dict[str, Any]) -> set[str]:
        """Ids of ``kind`` that exist, counting files that failed to load under their file
        name, so one broken file does not cascade into 'unknown id' findings elsewhere."""
        return set(ids) | {stem for k, stem in self.unloaded if k == kind}

    def incomplete(self, kind: str) -> bool:
        """Whether some file of ``kind`` failed to load (rules about 'nothing uses X' then stay quiet)."""
        return any(k == kind for k, _ in self.unloaded)

    @property
    def terms(self) -> dict[str, Term]:
        """The terms by id, in id order (the first record of a duplicated id)."""
        return self._indexed("terms", self.term_records, _first_by_id)

    @property
    def frameworks(self) -> dict[str, Framework]:
        """The frameworks by id, in id order."""
        return self._indexed("frameworks", self.framework_records, _first_by_id)

    @property
    def references(self) -> dict[str, Reference]:
        """The references by id, in id order."""
        return self._indexed("references", self.reference_records, _first_by_id)

    @property
    def chapters(self) -> list[Chapter]:
        """The chapters in order of their number."""
        return self._indexed("chapters", self.chapter_records,
                             lambda records: sorted((r.model for r in records), key=lambda c: c.number))

    @property
    def crosswalk(self) -> Crosswalk | None:
        return self.crosswalk_record.model if self.crosswalk_record else None


def _first_by_id(records: list[Record[Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for record in sorted(records, key=lambda r: r.model.id):
        result.setdefault(record.model.id, record.model)
    return result


def _message(error: dict[str, Any]) -> str:
    text = error["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if error["type"] in {"string_type", "list_type", "int_type", "date_type", "dict_type",
                         "model_type", "bool_type"}:
        text += f", got {type(error['input']).__name__}"
    return text


def dotted(loc: tuple[Any, ...]) -> str:
    """A field path as written in messages: ``scale.levels[2].rank``."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(file)"


def validation_findings(exc: ValidationError, model: type[Strict], doc: Document, base: Loc) -> list[Finding]:
    """Turn pydantic's errors into findings placed on the offending value or key."""
    findings = []
    for error in exc.errors():
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        where = dotted(loc)
        if error["type"] == "extra_forbidden":
            parent = _model_at(model, loc[:-1])
            hint = did_you_mean(str(loc[-1]), parent.model_fields) if parent else ""
            findings.append(doc.finding(base + loc, f"{where}: unknown field", hint or "remove it", key=True))
        elif error["type"] == "missing":
            findings.append(doc.finding(base + loc[:-1], f"missing field '{loc[-1]}'",
                                        "add it; see the schema in data/schema/"))
        else:
            findings.append(doc.finding(base + loc, f"{where}: {_message(error)}"))
    return coded(findings, SCHEMA)


def _model_at(model: type[Strict], loc: tuple[Any, ...]) -> type[Strict] | None:
    """The model class that describes the mapping at ``loc`` inside ``model``, if known."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        info = current.model_fields.get(part) if hasattr(current, "model_fields") else None
        if info is None:
            return None
        current = _inner_model(info.annotation)
        if current is None:
            return None
    return current


def _inner_model(annotation: Any) -> type[Strict] | None:
    if isinstance(annotation, type) and issubclass(annotation, Strict):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _inner_model(arg)
        if found:
            return found
    return None


def _validate(model: type[T], doc: Document, data: Any, base: Loc, findings: list[Finding]) -> T | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        findings.extend(validation_findings(exc, model, doc, base))
        return None


def _load(root: Path, relative: str, findings: list[Finding], required: bool,
          inside: Callable[[Path], bool] | None = None) -> Document | None:
    file = root / relative
    if not file.exists() and not file.is_symlink():
        if required:
            findings.append(Finding(relative, 1, 1, "required data file is missing", f"create {relative}", DATA_LAYOUT))
        return None
    doc, problems = load_file(file, relative_posix(file, root), root, inside)
    findings.extend(problems)
    return doc


@dataclass
class LoadCache:
    """What loading each data file gave, kept by path with the file's status (times, size, inode, mode): the
    preview reloads only the files an edit touched. Any change to a file's status reloads it."""

    entries: dict[tuple[str, Path], tuple[tuple[int, ...], Any]] = field(default_factory=dict)

    def get(self, what: str, file: Path, load: Callable[[], R]) -> R:
        """``load()``, or what it gave last time for ``what`` of this ``file`` if the file has not changed since."""
        return self.get_many(what, [file], lambda _: load())[0]

    def get_many(self, what: str, files: list[Path], load: Callable[[int], R], jobs: int = 1,
                 first: Callable[[], object] = lambda: None) -> list[R]:
        """:meth:`get` for each of ``files``, ``load(i)`` loading ``files[i]``: the files to load are shared by
        ``jobs`` processes (:func:`~generator.workers.in_processes_after`; what they load is pickled back), which
        start while this one runs ``first()`` (always, once)."""
        statuses = [file_status(file) for file in files]
        values: dict[int, R] = {}
        for i, (file, status) in enumerate(zip(files, statuses, strict=True)):
            hit = self.entries.get((what, file)) if status else None
            if hit is not None and hit[0] == status:
                values[i] = hit[1]
        missing = [i for i in range(len(files)) if i not in values]
        for i, value in zip(missing, in_processes_after(first, load, missing, jobs), strict=True):
            if statuses[i]:
                self.entries[(what, files[i])] = (statuses[i], value)
            values[i] = value
        return [values[i] for i in range(len(files))]


def _load_cached(cache: LoadCache, root: Path, relative: str, findings: list[Finding], required: bool,
                 inside: Callable[[Path], bool]) -> Document | None:
    """:func:`_load` through ``cache`` (the findings of a file come back with it)."""
    problems: list[Finding] = []
    doc = cache.get("document", root / relative, lambda: (_load(root, relative, problems, required, inside), problems))
    findings.extend(doc[1])
    return doc[0]


def _validated(cache: LoadCache, model: type[T], file: Path, doc: Document, findings: list[Finding]) -> T | None:
    """:func:`_validate` of the whole document of ``file`` through ``cache``."""
    problems: list[Finding] = []
    value = cache.get("model", file, lambda: (_validate(model, doc, doc.data, (), problems), problems))
    findings.extend(value[1])
    return value[0]


def _record_of(root: Path, file: Path, model: type[T], inside: Callable[[Path], bool]) -> tuple[Record[T] | None, list[Finding]]:
    """The record of a term or framework file, with the file's findings (``inside``: see ``folders_inside``)."""
    doc, problems = load_file(file, relative_posix(file, root), root, inside)
    if doc is None:
        return None, problems
    value = _validate(model, doc, doc.data, (), problems)
    return (Record(value, doc) if value is not None else None), problems


def _stray_files(project: Project) -> list[Finding]:
    """Files under data/ that the layout does not read (a typo'd extension, a misplaced file)."""
    known = {LAYOUT[k] for k in ("site", "references", "chapters", "crosswalk")}
    findings = []
    root, data = project.root, project.data_dir
    record_folders = {str(data / "terms"), str(data / "frameworks")}
    for path, entry in sorted(_entries_below(data), key=lambda found: found[0]):  # by string: faster than by parts
        rel = relative_posix(path, root)
        if rel.startswith(SCHEMA_DIR + "/") or rel in known or entry.name.startswith("."):
            continue
        is_yaml = entry.name.endswith(".yaml")
        if entry.is_dir() and not entry.is_symlink() and not is_yaml:
            continue
        if is_yaml and os.path.dirname(path) in record_folders:
            continue
        findings.append(Finding(rel, 1, 1, "file is not part of the data layout",
                                "terms go in data/terms/ID.yaml, frameworks in data/frameworks/ID.yaml", DATA_LAYOUT))
    return findings


def _entries_below(folder: Path) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every file and folder below ``folder`` with its path, found by ``os.scandir`` (which tells each entry's type
    without a system call); symbolic links are listed, never followed, and a folder that cannot be read is skipped."""
    pending = [str(folder)]
    while pending:
        try:
            with os.scandir(pending.pop()) as entries:
                for entry in entries:
                    yield entry.path, entry
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
        except OSError:
            continue


def _load_the_rest(glossary: Glossary, cache: LoadCache, inside: Callable[[Path], bool], findings: list[Finding]) -> None:
    """:func:`load_glossary`'s work besides the term and framework files: the layout's stray files, then the site,
    references, chapters and crosswalk files (findings appended to ``findings`` in that order)."""
    project, root = glossary.project, glossary.root
    findings.extend(_stray_files(project))

    doc = _load_cached(cache, root, LAYOUT["site"], findings, required=True, inside=inside)
    if doc and (site := _validated(cache, Site, root / LAYOUT["site"], doc, findings)):
        # the environment's overrides are read once per version of the file: a process's environment is fixed
        site, problems = cache.get("overridden", root / LAYOUT["site"], lambda: apply_overrides(site, doc))
        findings.extend(problems)
        glossary.site, glossary.site_record = site, Record(site, doc)

    doc = _load_cached(cache, root, LAYOUT["references"], findings, required=True, inside=inside)
    if doc and (refs := _validated(cache, References, root / LAYOUT["references"], doc, findings)):
        glossary.reference_records = cache.get("records", root / LAYOUT["references"], lambda: [
            Record(r, doc, ("references", i)) for i, r in enumerate(refs.references)])
    elif (root / LAYOUT["references"]).exists():
        glossary.unloaded.add(("reference", "*"))

    doc = _load_cached(cache, root, LAYOUT["chapters"], findings, required=False, inside=inside)
    if doc and (chapters := _validated(cache, Chapters, root / LAYOUT["chapters"], doc, findings)):
        glossary.chapter_records = cache.get("records", root / LAYOUT["chapters"], lambda: [
            Record(c, doc, ("chapters", i)) for i, c in enumerate(chapters.chapters)])

    doc = _load_cached(cache, root, LAYOUT["crosswalk"], findings, required=False, inside=inside)
    if doc and (crosswalk := _validated(cache, Crosswalk, root / LAYOUT["crosswalk"], doc, findings)):
        glossary.crosswalk_record = cache.get("records", root / LAYOUT["crosswalk"], lambda: Record(crosswalk, doc))


def load_glossary(project: Project | Path, cache: LoadCache | None = None, jobs: int = 1) -> tuple[Glossary, list[Finding]]:
    """Load and validate every data file under the project's ``data/``; never raises for bad data. With a
    ``cache``, files unchanged since it saw them are not read again (their records are the same objects).
    ``jobs`` processes share the term and framework files (the same glossary for any number)."""
    project = Project.at(project)
    cache = cache or LoadCache()
    inside = folders_inside(project.root)
    root = project.root
    findings: list[Finding] = []
    glossary = Glossary(project)
    if not project.data_dir.is_dir():
        return glossary, [Finding("data", 1, 1, "no data/ directory here",
                                  "run from the project root or pass --root", DATA_LAYOUT)]
    entries = [(file, kind, model, records)
               for folder, kind, model, records in (("terms", "term", Term, glossary.term_records),
                                                    ("frameworks", "framework", Framework, glossary.framework_records))
               for file in sorted((project.data_dir / folder).glob("*.yaml"), key=str)]  # by string: faster
    # While workers load the term and framework files, this process checks the layout and loads the other files.
    loaded = cache.get_many("record", [file for file, *_ in entries],
                            lambda i: _record_of(root, entries[i][0], entries[i][2], inside), jobs,
                            first=lambda: _load_the_rest(glossary, cache, inside, findings))
    for (file, kind, _, records), (record, problems) in zip(entries, loaded, strict=True):
        findings.extend(problems)
        if record:
            records.append(record)
        else:
            glossary.unloaded.add((kind, file.stem))
    return glossary, findings
