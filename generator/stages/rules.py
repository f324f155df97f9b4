"""Consistency rules over the whole glossary: one small function per rule.

Each rule takes the validated :class:`~generator.validate.Glossary` and yields findings; its
docstring states the rule. :data:`RULES` lists them in the order they run, and
``python -m generator rules`` prints them.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .. import urls
from ..findings import CODES, Finding, coded, did_you_mean
from ..model.records import ELEMENT_TITLES, Citation, Mapping
from ..project import (
    ABBREVIATIONS_FILE,
    ABBREVIATIONS_INCLUDE,
    MKDOCS_YML,
    carries_generated_mark,
    is_generated,
    mkdocs_config,
    read_manifest,
)
from .link import explicit_links, iter_texts
from .load import Document, scalars
from .markdown import problems
from .validate import Glossary, Record, dotted

Check = Callable[[Glossary], Iterable[Finding]]
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Rule:
    """A consistency rule: its stable code and the function that checks it, whose docstring states the rule."""

    code: str
    check: Check

    @property
    def name(self) -> str:
        return self.check.__name__

    @property
    def doc(self) -> str:
        """The rule, as one line."""
        return " ".join((self.check.__doc__ or "").split())

    def __call__(self, glossary: Glossary) -> list[Finding]:
        """The rule's findings, each carrying its code."""
        return coded(self.check(glossary), self.code)


RULES: list[Rule] = []
"""Every rule, in the order they run (and ``python -m generator rules`` lists them)."""


def rule(code: str) -> Callable[[Check], Check]:
    """Register a consistency rule under ``code`` (``G1xx``, never reused: retire a code with its rule)."""

    def register(func: Check) -> Check:
        if any(r.code == code for r in RULES) or code in CODES:
            raise ValueError(f"rule code {code} is taken")
        RULES.append(Rule(code, func))
        return func

    return register


def run_rules(glossary: Glossary) -> list[Finding]:
    """Every finding of every rule."""
    return [finding for check in RULES for finding in check(glossary)]


def today() -> dt.date:
    """Today's date (UTC). Not SOURCE_DATE_EPOCH: that is the last commit's date, and data being
    edited now is legitimately dated after it."""
    return dt.datetime.now(dt.UTC).date()


def _repeats(values: Iterable[K]) -> Iterator[tuple[int, K, int]]:
    """(position, value, position of its first occurrence) of every value seen before in ``values``."""
    first: dict[K, int] = {}
    for i, value in enumerate(values):
        if value in first:
            yield i, value, first[value]
        else:
            first[value] = i


def _duplicates(records: list[Record[Any]], what: str, key: Callable[[Any], str] = lambda m: m.id,
                loc: tuple[Any, ...] = ("id",)) -> Iterator[Finding]:
    """A finding on every record whose key another record already has, pointing at the first."""
    for i, value, first in _repeats(key(record.model) for record in records):
        other = records[first]
        mark = other.doc.mark(other.base + loc)
        yield records[i].finding(*loc, message=f"duplicate {what} '{value}'",
                                 hint=f"already defined at {other.doc.path}:{mark.line}:{mark.col}")


def _citations(glossary: Glossary) -> Iterator[tuple[Record[Any], tuple[Any, ...], Citation]]:
    """Every citation in the data, with the record and field it stands in."""
    for record in glossary.term_records:
        term = record.model
        for i, c in enumerate(term.sources):
            yield record, ("sources", i, "ref"), c
        for i, claim in enumerate(term.claims):
            for j, c in enumerate(claim.sources):
                yield record, ("claims", i, "sources", j, "ref"), c
        for i, sense in enumerate(term.definitions):
            yield record, ("definitions", i, "source", "ref"), sense.source
    for record in glossary.framework_records:
        fw = record.model
        for i, c in enumerate(fw.sources):
            yield record, ("sources", i, "ref"), c
        for i, v in enumerate(fw.versions):
            yield record, ("versions", i, "source", "ref"), v.source
        for i, claim in enumerate(fw.claims):
            for j, c in enumerate(claim.sources):
                yield record, ("claims", i, "sources", j, "ref"), c
        for i, level in enumerate(fw.scale.levels if fw.scale else []):
            for j, c in enumerate(level.sources):
                yield record, ("scale", "levels", i, "sources", j, "ref"), c
        for i, threshold in enumerate(fw.thresholds):
            for j, c in enumerate(threshold.sources):
                yield record, ("thresholds", i, "sources", j, "ref"), c
        for i, statement in enumerate(fw.elements):
            yield record, ("elements", i, "source", "ref"), statement.source
    if glossary.crosswalk_record:
        for i, mapping in enumerate(glossary.crosswalk_record.model.mappings):
            for j, c in enumerate(mapping.sources):
                yield glossary.crosswalk_record, ("mappings", i, "sources", j, "ref"), c


@rule("G101")
def ids_are_unique(g: Glossary) -> Iterator[Finding]:
    """No two terms, frameworks, references or chapters share an id, in one file or across files."""
    yield from _duplicates(g.term_records, "term id")
    yield from _duplicates(g.framework_records, "framework id")
    yield from _duplicates(g.reference_records, "reference id")
    yield from _duplicates(g.chapter_records, "chapter id")
    yield from _duplicates(g.chapter_records, "chapter number", key=lambda c: str(c.number), loc=("number",))


@rule("G102")
def record_files_are_named_after_their_id(g: Glossary) -> Iterator[Finding]:
    """A term or framework file is named ``ID.yaml`` after the id it holds, so URLs and files agree."""
    for record in [*g.term_records, *g.framework_records]:
        stem = record.doc.path.rsplit("/", 1)[-1].removesuffix(".yaml")
        if stem != record.model.id:
            yield record.finding("id", message=f"file name '{stem}.yaml' does not match id '{record.model.id}'",
                                 hint=f"rename the file to {record.model.id}.yaml, or add the old id to redirect_from")


@rule("G103")
def related_terms_exist(g: Glossary) -> Iterator[Finding]:
    """Every id in a term's ``related`` and ``broader`` names an existing term other than itself."""
    terms = g.known("term", g.terms)
    for record in g.term_records:
        term = record.model
        refs = [(("related", i), rid) for i, rid in enumerate(term.related)]
        if term.broader:
            refs.append((("broader",), term.broader))
        for loc, rid in refs:
            if rid == term.id:
                yield record.finding(*loc, message=f"{loc[0]}: a term cannot refer to itself", hint="remove it")
            elif rid not in terms:
                yield record.finding(*loc, message=f"{loc[0]}: unknown term '{rid}'",
                                     hint=did_you_mean(rid, terms) or "add the term or fix the id")


@rule("G104")
def related_terms_are_listed_once(g: Glossary) -> Iterator[Finding]:
    """A term lists each related term once."""
    for record in g.term_records:
        for i, rid, _ in _repeats(record.model.related):
            yield record.finding("related", i, message=f"related: '{rid}' is listed twice", hint="remove one")


@rule("G105")
def broader_terms_form_a_hierarchy(g: Glossary) -> Iterator[Finding]:
    """Following ``broader`` from any term never comes back to it: the hierarchy has no cycles."""
    terms = g.terms
    for record in g.term_records:
        path, current = [record.model.id], record.model.broader
        while current in terms and current not in path:
            path.append(current)
            current = terms[current].broader
        if current == record.model.id:
            cycle = " -> ".join([*path, current])
            yield record.finding("broader", message=f"broader: cycle {cycle}",
                                 hint="a broader term cannot be narrower than itself; remove one link")


@rule("G106")
def names_are_unambiguous(g: Glossary) -> Iterator[Finding]:
    """No title, abbreviation or alias names two terms (words compared case-insensitively), so links are unambiguous."""
    owner: dict[str, tuple[str, Record[Any], tuple[Any, ...]]] = {}
    for record in sorted(g.term_records, key=lambda r: r.model.id):
        term = record.model
        names: list[tuple[tuple[Any, ...], str]] = [(("title",), term.title.casefold())]
        if term.abbreviation:
            names.append((("abbreviation",), term.abbreviation))
        names += [(("aliases", i), a if a.isupper() else a.casefold()) for i, a in enumerate(term.aliases)]
        own: set[str] = set()
        for loc, name in names:
            if name in own:
                yield record.finding(*loc, message=f"'{name}' is given twice for this term", hint="remove the repeat")
                continue
            own.add(name)
            if name in owner and owner[name][0] != term.id:
                other_id, other, other_loc = owner[name]
                mark = other.doc.mark(other.base + other_loc)
                yield record.finding(*loc, message=f"'{name}' also names term '{other_id}'",
                                     hint=f"see {other.doc.path}:{mark.line}:{mark.col}; keep it on one term")
            owner.setdefault(name, (term.id, record, loc))


@rule("G107")
def citations_name_known_references(g: Glossary) -> Iterator[Finding]:
    """Every cited reference id exists in data/references.yaml."""
    refs = g.references
    if g.incomplete("reference"):
        return
    for record, loc, citation in _citations(g):
        if citation.ref not in refs:
            yield record.finding(*loc, message=f"unknown reference '{citation.ref}'",
                                 hint=did_you_mean(citation.ref, refs) or "add it to data/references.yaml")


@rule("G108")
def references_are_cited(g: Glossary) -> Iterator[Finding]:
    """Every reference in the bibliography is cited by at least one term, framework or mapping."""
    if g.unloaded:
        return
    cited = {c.ref for _, _, c in _citations(g)}
    for record in g.reference_records:
        if record.model.id not in cited:
            yield record.finding("id", message=f"reference '{record.model.id}' is not cited anywhere",
                                 hint="cite it from a term or framework, or remove it")


@rule("G109")
def terms_have_sources(g: Glossary) -> Iterator[Finding]:
    """Every term cites at least one source for its definition."""
    for record in g.term_records:
        if not record.model.sources:
            yield record.finding("id", message=f"term '{record.model.id}' has no sources",
                                 hint="add a 'sources:' list of reference ids")


@rule("G125")
def terms_are_defined(g: Glossary) -> Iterator[Finding]:
    """A term has the glossary's own ``definition``, or published ``definitions:`` (or both)."""
    for record in g.term_records:
        if record.model.definition is None and not record.model.definitions:
            yield record.finding("id", message=f"term '{record.model.id}' has no definition",
                                 hint="add a 'definition:', or 'definitions:' with a 'definitions_note:'")


@rule("G126")
def published_definitions_have_a_note(g: Glossary) -> Iterator[Finding]:
    """A term with published ``definitions:`` has a ``definitions_note`` saying how they differ, and a note
    only goes with definitions, so the senses are never an unlabelled mix."""
    for record in g.term_records:
        term = record.model
        if term.definitions and term.definitions_note is None:
            yield record.finding("definitions", key=True, message="definitions: needs a definitions_note",
                                 hint="say in one line how the published definitions differ")
        elif term.definitions_note is not None and not term.definitions:
            yield record.finding("definitions_note", key=True, message="definitions_note: there are no definitions: to note",
                                 hint="add the published definitions, or remove the note")


@rule("G110")
def level_ranks_are_unique_and_ordered(g: Glossary) -> Iterator[Finding]:
    """A scale lists its levels with unique ids and strictly increasing ranks, lowest first."""
    for record in g.framework_records:
        scale = record.model.scale
        if not scale:
            continue
        for i, lid, _ in _repeats(level.id for level in scale.levels):
            yield record.finding("scale", "levels", i, "id", message=f"duplicate level id '{lid}'",
                                 hint="give each level its own id")
        for i, level in enumerate(scale.levels):
            if i and level.rank <= scale.levels[i - 1].rank:
                yield record.finding("scale", "levels", i, "rank",
                                     message=f"rank {level.rank} of '{level.id}' is not above "
                                             f"rank {scale.levels[i - 1].rank} of '{scale.levels[i - 1].id}'",
                                     hint="list levels lowest first with strictly increasing ranks")


@rule("G111")
def thresholds_require_existing_levels(g: Glossary) -> Iterator[Finding]:
    """A threshold's ``requires`` names a level of its own framework's scale; threshold ids are unique."""
    for record in g.framework_records:
        fw = record.model
        levels = [lv.id for lv in fw.scale.levels] if fw.scale else []
        for i, tid, _ in _repeats(threshold.id for threshold in fw.thresholds):
            yield record.finding("thresholds", i, "id", message=f"duplicate threshold id '{tid}'")
        for i, threshold in enumerate(fw.thresholds):
            if threshold.requires and threshold.requires not in levels:
                yield record.finding("thresholds", i, "requires",
                                     message=f"requires: unknown level '{threshold.requires}' of '{fw.id}'",
                                     hint=did_you_mean(threshold.requires, levels) or f"levels are: {', '.join(levels)}")


@rule("G112")
def versions_are_dated_in_order(g: Glossary) -> Iterator[Finding]:
    """A framework's versions are unique and listed oldest first by date."""
    for record in g.framework_records:
        versions = record.model.versions
        for i, version, _ in _repeats(v.version for v in versions):
            yield record.finding("versions", i, "version", message=f"duplicate version '{version}'")
        for i, v in enumerate(versions):
            if i and v.date < versions[i - 1].date:
                yield record.finding("versions", i, "date",
                                     message=f"version {v.version} ({v.date}) is older than the version before it",
                                     hint="list versions oldest first")


@rule("G113")
def version_references_exist(g: Glossary) -> Iterator[Finding]:
    """``introduced_in`` and ``retired_in`` of levels and thresholds name versions of their framework."""
    for record in g.framework_records:
        fw = record.model
        versions = [v.version for v in fw.versions]
        items = [(("scale", "levels", i), lv) for i, lv in enumerate(fw.scale.levels if fw.scale else [])]
        items += [(("thresholds", i), t) for i, t in enumerate(fw.thresholds)]
        for loc, item in items:
            for name in ("introduced_in", "retired_in"):
                value = getattr(item, name)
                if value is not None and value not in versions:
                    yield record.finding(*loc, name, message=f"{name}: unknown version '{value}' of '{fw.id}'",
                                         hint=did_you_mean(value, versions) or f"versions are: {', '.join(versions)}")


@rule("G114")
def framework_and_term_links_exist(g: Glossary) -> Iterator[Finding]:
    """A framework's ``term`` names an existing term, and a term's ``framework`` an existing framework."""
    terms, frameworks = g.known("term", g.terms), g.known("framework", g.frameworks)
    for record in g.framework_records:
        if record.model.term and record.model.term not in terms:
            yield record.finding("term", message=f"term: unknown term '{record.model.term}'",
                                 hint=did_you_mean(record.model.term, terms))
    for record in g.term_records:
        if record.model.framework and record.model.framework not in frameworks:
            yield record.finding("framework", message=f"framework: unknown framework '{record.model.framework}'",
                                 hint=did_you_mean(record.model.framework, frameworks))


@rule("G115")
def claims_name_known_frameworks(g: Glossary) -> Iterator[Finding]:
    """A dated claim's ``framework`` names an existing framework."""
    frameworks = g.known("framework", g.frameworks)
    for record in [*g.term_records, *g.framework_records]:
        for i, claim in enumerate(record.model.claims):
            if claim.framework and claim.framework not in frameworks:
                yield record.finding("claims", i, "framework", message=f"unknown framework '{claim.framework}'",
                                     hint=did_you_mean(claim.framework, frameworks))


@rule("G116")
def claims_are_not_older_than_the_framework(g: Glossary) -> Iterator[Finding]:
    """A dated claim about a framework is dated on or after that framework's newest version, so a new
    version forces a review of every claim about it."""
    frameworks = g.frameworks
    for record in [*g.term_records, *g.framework_records]:
        for i, claim in enumerate(record.model.claims):
            fw = frameworks.get(claim.framework or "")
            if fw and claim.as_of < max(v.date for v in fw.versions):
                newest = max(fw.versions, key=lambda v: v.date)
                yield record.finding("claims", i, "as_of",
                                     message=f"claim dated {claim.as_of} predates {fw.short_title} "
                                             f"version {newest.version} ({newest.date})",
                                     hint="check the claim against the new version, then update as_of")


@rule("G117")
def dates_are_not_in_the_future(g: Glossary) -> Iterator[Finding]:
    """Review dates, claim dates, version dates and reference dates are not after today."""
    now = today()
    dated: list[tuple[Record[Any], tuple[Any, ...], dt.date]] = []
    for record in g.term_records:
        dated.append((record, ("reviewed",), record.model.reviewed))
        dated += [(record, ("claims", i, "as_of"), c.as_of) for i, c in enumerate(record.model.claims)]
    for record in g.framework_records:
        dated.append((record, ("reviewed",), record.model.reviewed))
        dated += [(record, ("versions", i, "date"), v.date) for i, v in enumerate(record.model.versions)]
        dated += [(record, ("claims", i, "as_of"), c.as_of) for i, c in enumerate(record.model.claims)]
    dated += [(r, ("date",), r.model.date) for r in g.reference_records]
    for record, loc, value in dated:
        if value > now:
            yield record.finding(*loc, message=f"date {value} is in the future", hint=f"use a date on or before {now}")


@rule("G118")
def chapter_terms_exist(g: Glossary) -> Iterator[Finding]:
    """Every term a chapter section introduces or discusses exists; section ids are unique in a chapter."""
    terms = g.known("term", g.terms)
    for record in g.chapter_records:
        for i, sid, _ in _repeats(section.id for section in record.model.sections):
            yield record.finding("sections", i, "id", message=f"duplicate section id '{sid}'")
        for i, section in enumerate(record.model.sections):
            for field in ("introduces", "discusses"):
                for j, tid in enumerate(getattr(section, field)):
                    if tid not in terms:
                        yield record.finding("sections", i, field, j, message=f"{field}: unknown term '{tid}'",
                                             hint=did_you_mean(tid, terms) or "add the term or fix the id")


@rule("G119")
def terms_are_introduced_before_discussed(g: Glossary) -> Iterator[Finding]:
    """A chapter does not discuss a term before the chapter (or earlier section) that introduces it."""
    introduced_at: dict[str, tuple[int, int]] = {}
    for record in g.chapter_records:
        for i, section in enumerate(record.model.sections):
            for tid in section.introduces:
                introduced_at.setdefault(tid, (record.model.number, i))
    for record in g.chapter_records:
        for i, section in enumerate(record.model.sections):
            for j, tid in enumerate(section.discusses):
                where = introduced_at.get(tid)
                if where and where > (record.model.number, i):
                    yield record.finding("sections", i, "discusses", j,
                                         message=f"discusses '{tid}' before chapter {where[0]} introduces it",
                                         hint="introduce the term earlier, or discuss it later")


@rule("G120")
def crosswalk_levels_exist(g: Glossary) -> Iterator[Finding]:
    """Crosswalk mappings name existing framework levels; 'none' has no target and the others have one."""
    if not g.crosswalk_record:
        return
    levels = {f"{fw.id}/{lv.id}" for fw in g.frameworks.values() for lv in (fw.scale.levels if fw.scale else [])}
    record = g.crosswalk_record
    for i, mapping in enumerate(record.model.mappings):
        for name in ("source", "target"):
            ref = getattr(mapping, name)
            if ref is not None and ref not in levels and not g.incomplete("framework"):
                yield record.finding("mappings", i, name, message=f"{name}: unknown level '{ref}'",
                                     hint=did_you_mean(ref, levels) or "write 'framework-id/level-id'")
        if (mapping.relation == "none") != (mapping.target is None):
            yield record.finding("mappings", i, "relation",
                                 message="relation 'none' goes with no target, and every other relation with one",
                                 hint="set relation: none and drop target, or name the target level")


def _mapping_ends(mapping: Mapping) -> list[tuple[str, str, str | None]]:
    """(field, 'framework-id/level-id', version) of each end of a mapping that names a level."""
    ends = [("source", mapping.source, mapping.source_version)]
    if mapping.target is not None:
        ends.append(("target", mapping.target, mapping.target_version))
    return ends


@rule("G127")
def crosswalk_versions_exist(g: Glossary) -> Iterator[Finding]:
    """A mapping's ``source_version`` and ``target_version`` name versions of the source's and the target's framework."""
    if not g.crosswalk_record:
        return
    record, frameworks = g.crosswalk_record, g.frameworks
    for i, mapping in enumerate(record.model.mappings):
        for name, ref, version in _mapping_ends(mapping):
            fw = frameworks.get(ref.split("/")[0])
            if fw is not None and version is not None and version not in fw.version_names:
                yield record.finding("mappings", i, f"{name}_version",
                                     message=f"{name}_version: unknown version '{version}' of '{fw.id}'",
                                     hint=did_you_mean(version, fw.version_names)
                                     or f"versions are: {', '.join(fw.version_names)}")


@rule("G128")
def crosswalk_levels_are_in_force(g: Glossary) -> Iterator[Finding]:
    """Each level a mapping relates is in force in the version the mapping names for it (not yet
    introduced or already retired there is an error), so no mapping compares a level that version lacks."""
    if not g.crosswalk_record:
        return
    record, frameworks = g.crosswalk_record, g.frameworks
    for i, mapping in enumerate(record.model.mappings):
        for name, ref, version in _mapping_ends(mapping):
            fid, lid = ref.split("/")
            fw = frameworks.get(fid)
            level = next((lv for lv in (fw.scale.levels if fw and fw.scale else []) if lv.id == lid), None)
            if fw is None or level is None or version not in fw.version_names:
                continue  # crosswalk_levels_exist and crosswalk_versions_exist report these
            if not fw.in_force(level, version):
                in_force = [v for v in fw.version_names if fw.in_force(level, v)]
                yield record.finding("mappings", i, f"{name}_version",
                                     message=f"{name}: level '{ref}' is not in force in version {version}",
                                     hint=f"it is in force in: {', '.join(in_force) or 'no version'}")


_INVERSE = {"analogous": "analogous", "broader": "narrower", "narrower": "broader", "none": "none"}
_PHRASE = {"analogous": "analogous to", "broader": "broader than", "narrower": "narrower than", "none": "unrelated to"}


def _where(record: Record[Any], *loc: Any) -> str:
    mark = record.doc.mark(record.base + loc)
    return f"{record.doc.path}:{mark.line}:{mark.col}"


@rule("G129")
def crosswalk_mappings_agree(g: Glossary) -> Iterator[Finding]:
    """Mappings between the same versions do not contradict each other: a level that has 'no counterpart'
    (relation none) in a version is related to no level in another row for that version, and a pair of
    levels has one relation (A broader than B is the same as B narrower than A)."""
    if not g.crosswalk_record:
        return
    record = g.crosswalk_record
    mappings = record.model.mappings
    alone = {(m.source, m.source_version): i for i, m in enumerate(mappings) if m.relation == "none"}
    pairs: dict[tuple[tuple[str, str | None], tuple[str, str | None]], tuple[int, str]] = {}
    for i, m in enumerate(mappings):
        if m.target is None:
            continue
        for _name, ref, version in _mapping_ends(m):
            if (ref, version) in alone:
                j = alone[(ref, version)]
                yield record.finding("mappings", i, "relation",
                                     message=f"'{ref}' (version {version}) is '{m.relation}' here, "
                                             f"but has no counterpart (relation none) in another mapping",
                                     hint=f"see {_where(record, 'mappings', j, 'relation')}; keep one of them")
        a, b = (m.source, m.source_version), (m.target, m.target_version)
        key, relation = ((a, b), m.relation) if a <= b else ((b, a), _INVERSE[m.relation])
        if key in pairs and pairs[key][1] != relation:
            j = pairs[key][0]
            yield record.finding("mappings", i, "relation",
                                 message=f"'{m.source}' (version {m.source_version}) is {_PHRASE[m.relation]} "
                                         f"'{m.target}' (version {m.target_version}) here, but another mapping "
                                         f"says '{mappings[j].relation}'"
                                         + (" in the other direction" if mappings[j].source != m.source else ""),
                                 hint=f"see {_where(record, 'mappings', j, 'relation')}; keep one relation")
        pairs.setdefault(key, (i, relation))


@rule("G130")
def element_versions_exist(g: Glossary) -> Iterator[Finding]:
    """A common-element statement's ``version`` is a version of its own framework."""
    for record in g.framework_records:
        fw = record.model
        for i, statement in enumerate(fw.elements):
            if statement.version not in fw.version_names:
                yield record.finding("elements", i, "version",
                                     message=f"version: unknown version '{statement.version}' of '{fw.id}'",
                                     hint=did_you_mean(statement.version, fw.version_names)
                                     or f"versions are: {', '.join(fw.version_names)}")


@rule("G131")
def elements_are_stated_once_per_version(g: Glossary) -> Iterator[Finding]:
    """A framework states each common element at most once per version, so every matrix cell has one statement."""
    for record in g.framework_records:
        for i, (element, version), first in _repeats((s.element, s.version) for s in record.model.elements):
            yield record.finding("elements", i, "element",
                                 message=f"element '{element}' is stated twice for version {version}",
                                 hint=f"see {_where(record, 'elements', first, 'element')}; merge the two statements")


@rule("G121")
def explicit_links_resolve(g: Glossary) -> Iterator[Finding]:
    """Every explicit link ``[[term-id]]`` in any text names an existing term."""
    terms = g.known("term", g.terms)
    for record, loc, text in iter_texts(g):
        for target, _label in explicit_links(text):
            if target not in terms:
                mark = record.doc.find_text(record.base + loc, f"[[{target}")
                yield Finding(record.doc.path, mark.line, mark.col, f"link [[{target}]]: unknown term",
                              did_you_mean(target, terms) or "fix the id or add the term")


@rule("G132")
def markdown_fields_hold_only_allowed_markup(g: Glossary) -> Iterator[Finding]:
    """Every inline Markdown and Markdown field, rendered with the site's Markdown, holds only the elements,
    attributes and links its kind allows (``generator/stages/markdown.py``): no raw HTML, headings, attribute
    lists, images, snippets, reference, footnote or abbreviation definitions; links only to http(s) URLs."""
    for record in _records_with_markdown(g):
        for loc, kind, text in record.texts:
            if kind == "plain":
                continue
            for problem in problems(text, kind):
                mark = record.doc.find_text(record.base + loc, problem.near) if problem.near else record.doc.mark(
                    record.base + loc)
                yield Finding(record.doc.path, mark.line, mark.col, f"{dotted(loc)}: {problem.message}")


def _records_with_markdown(g: Glossary) -> list[Record[Any]]:
    return [*g.term_records, *g.framework_records, *([g.crosswalk_record] if g.crosswalk_record else [])]


@rule("G133")
def urls_and_anchors_are_unique(g: Glossary) -> Iterator[Finding]:
    """No term, framework or chapter is called ``index``, and no id takes a page or anchor that the site already
    generates (the one registry: ``generator/urls.py``): a framework called ``compare``, a threshold with a level's
    id, or an anchor such as ``levels``, ``sources`` or ``version-2-0`` would replace a page or shift an anchor."""
    for records, what in ((g.term_records, "term"), (g.framework_records, "framework"), (g.chapter_records, "chapter")):
        for record in records:
            if record.model.id in urls.RESERVED_IDS:
                yield record.finding("id", message=f"id: '{record.model.id}' is reserved: a {what} page with it "
                                     "would replace the folder's own page", hint="choose another id")
    places = _places(g)
    seen: dict[str, urls.Address] = {}
    for address in sorted(urls.addresses(g, list(ELEMENT_TITLES)), key=lambda a: _CLAIM_ORDER.get(a.kind, 9)):
        first = seen.setdefault(address.url, address)
        where = places.get(id(address.owner)) if address.kind not in ("heading", "redirect") else None
        if first is address or where is None or _reported_elsewhere(first, address):
            continue
        record, loc = where
        claimed = address.anchor or record.model.id
        yield record.finding(*loc, message=f"{dotted(loc)}: '{claimed}' gives the address {address.url}, which "
                             f"{_claimant(first, places)} already has", hint="choose another id")


_CLAIM_ORDER = {"page": 0, "term": 0, "framework": 0, "chapter": 0, "heading": 1, "elements": 1, "element": 1,
                "element-cell": 1, "version": 2, "level": 3, "section": 3, "reference": 3}
"""Who keeps an address when two claim it: the site's pages and headings, then versions, levels and sections;
the later claimant (a threshold, say) is the one reported."""


def _places(g: Glossary) -> dict[int, tuple[Record[Any], tuple[Any, ...]]]:
    """Where each record that owns an address stands: the id (or name) that gives the address."""
    places: dict[int, tuple[Record[Any], tuple[Any, ...]]] = {}
    for record in [*g.term_records, *g.framework_records, *g.reference_records, *g.chapter_records]:
        places.setdefault(id(record.model), (record, ("id",)))
    for record in g.framework_records:
        fw = record.model
        for i, level in enumerate(fw.scale.levels if fw.scale else []):
            places[id(level)] = (record, ("scale", "levels", i, "id"))
        for i, threshold in enumerate(fw.thresholds):
            places[id(threshold)] = (record, ("thresholds", i, "id"))
        for i, version in enumerate(fw.versions):
            places[id(version)] = (record, ("versions", i, "version"))
    for record in g.chapter_records:
        for i, section in enumerate(record.model.sections):
            places[id(section)] = (record, ("sections", i, "id"))
    return places


def _reported_elsewhere(first: urls.Address, second: urls.Address) -> bool:
    """Duplicates that other rules report: two records with one id, two items of one list."""
    return first.kind == second.kind and first.kind in ("term", "framework", "chapter", "reference", "level",
                                                        "threshold", "version", "section", "element-cell")


def _claimant(address: urls.Address, places: dict[int, tuple[Record[Any], tuple[Any, ...]]]) -> str:
    where = places.get(id(address.owner)) if address.kind not in ("heading", "page") else None
    if where is None:
        return "a page or heading of the site"
    record, loc = where
    mark = record.doc.mark(record.base + loc)
    return f"{record.doc.path}:{mark.line}:{mark.col}"


HEAD_SETTINGS = ("site_name", "site_description", "site_author", "copyright")
"""The settings of mkdocs.yml that the theme writes into every page's head and footer unescaped."""
_HTML_SPECIAL = re.compile(r"[<>\"&]")


@rule("G134")
def site_settings_are_plain_text(g: Glossary) -> Iterator[Finding]:
    """The site's name, description, author and copyright in mkdocs.yml hold no ``< > " &``: the theme writes
    them into ``<title>``, ``<meta>`` and the footer without escaping."""
    config = mkdocs_config(g.root)
    try:
        lines = (g.root / MKDOCS_YML).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return
    for key in HEAD_SETTINGS:
        value = config.get(key)
        if isinstance(value, str) and (found := _HTML_SPECIAL.search(value)):
            line = next((i for i, text in enumerate(lines, 1) if text.startswith(f"{key}:")), 1)
            yield Finding(MKDOCS_YML, line, len(key) + 3, f"{key}: the character {found.group()!r} is not allowed here",
                          "the theme writes this setting into every page unescaped; write it as plain text")


@rule("G122")
def redirects_do_not_shadow_terms(g: Glossary) -> Iterator[Finding]:
    """A former id in ``redirect_from`` is not the id of a current term, nor claimed by two terms."""
    terms = g.terms
    claimed: dict[str, str] = {}
    for record in g.term_records:
        for i, old in enumerate(record.model.redirect_from):
            if old in terms:
                yield record.finding("redirect_from", i, message=f"redirect_from: '{old}' is a current term id",
                                     hint="a redirect cannot replace a live page")
            elif old in claimed and claimed[old] != record.model.id:
                yield record.finding("redirect_from", i, message=f"redirect_from: '{old}' is also claimed by '{claimed[old]}'")
            claimed.setdefault(old, record.model.id)


@rule("G123")
def hand_written_pages_include_abbreviations(g: Glossary) -> Iterator[Finding]:
    """Every hand-written page under content/ includes the glossary's abbreviations, so each
    abbreviation shows its expansion on hover there too (generated pages carry their own)."""
    for page in _content_pages(g):
        if page.marked or ABBREVIATIONS_INCLUDE in page.text:
            continue
        line = max(1, len(page.text.splitlines()))
        yield Finding(page.shown, line, 1, "hand-written page does not include the glossary's abbreviations",
                      f"add the line {ABBREVIATIONS_INCLUDE} at its end")


@dataclass(frozen=True)
class _ContentPage:
    """A page under content/ that is a regular file (not a link), with its text."""

    rel: str
    """Its path under content/."""
    shown: str
    """Its path as findings print it."""
    text: str
    """Its text; empty for a generated page, which no rule reads."""
    marked: bool
    """Whether it carries the generated mark on its first line."""
    generated: bool
    """Whether it is generated (:func:`is_generated`: listed in the manifest and marked)."""


def _content_pages(g: Glossary) -> list[_ContentPage]:
    """Every page under content/ that is a regular file, read once per check (two rules read them). Links are
    never read: :func:`content_files_stay_inside_content` reports them."""
    if "content pages" not in g.derived:
        content = g.project.content_dir
        manifest = read_manifest(content)
        shown = g.project.display(content)
        pages = []
        for entry in _content_entries(content) if content.is_dir() else ():
            rel = entry.relative_to(content).as_posix()
            if not (rel.endswith(".md") and urls.is_page(rel)) or not stat.S_ISREG(_lmode(entry)):
                continue
            if is_generated(content, rel, manifest):
                pages.append(_ContentPage(rel, f"{shown}/{rel}", "", True, True))
                continue
            text = entry.read_text(encoding="utf-8", errors="replace")
            pages.append(_ContentPage(rel, f"{shown}/{rel}", text, carries_generated_mark(text), False))
        g.derived["content pages"] = sorted(pages, key=lambda p: p.rel)
    return g.derived["content pages"]


def _lmode(path: Path) -> int:
    """The mode of ``path`` itself (a link's own mode), or 0 when it cannot be read."""
    try:
        return path.lstat().st_mode
    except OSError:
        return 0


SNIPPET_LINE = re.compile(r"^[ \t]*-+8<-+[ \t]+([\"'])(.+?)\1[ \t]*$")
"""A snippet include in a hand-written page: ``--8<-- "name"`` (pymdownx.snippets' inline form)."""
SNIPPET_BLOCK = re.compile(r"^[ \t]*-+8<-+[ \t]*$")


def _content_entries(content: Path) -> Iterator[Path]:
    """Every file and folder under ``content``, without following symbolic links."""
    for folder, dirs, files in os.walk(content, followlinks=False):
        for name in sorted(dirs) + sorted(files):
            yield Path(folder) / name


@rule("G135")
def content_files_stay_inside_content(g: Glossary) -> Iterator[Finding]:
    """Everything under content/ is a regular file or folder inside content/: no symbolic link leads out of
    it, and no FIFO, socket or device sits in it (MkDocs and the snippets would read them)."""
    content = g.project.content_dir
    if not content.is_dir():
        return
    inside = content.resolve()
    for entry in _content_entries(content):
        rel = entry.relative_to(g.root).as_posix()
        mode = _lmode(entry)
        if stat.S_ISLNK(mode):  # the walk follows no link, so only a link can lead out
            try:
                target, mode = entry.resolve(), entry.stat().st_mode
            except (OSError, RuntimeError):
                yield Finding(rel, 1, 1, "broken or looping symbolic link", "remove it")
                continue
            if not target.is_relative_to(inside):
                yield Finding(rel, 1, 1, "symbolic link leads outside content/", "copy the file into content/ instead")
                continue
        if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
            yield Finding(rel, 1, 1, "not a regular file (a FIFO, socket or device)", "remove it")


@rule("G136")
def snippets_name_files_in_includes(g: Glossary) -> Iterator[Finding]:
    """Every snippet a hand-written page includes (``--8<-- "name"``) is a regular file inside content/includes/
    once symbolic links are resolved (the build would fail on a missing one, or read a file from elsewhere)."""
    includes = (g.project.content_dir / "includes").resolve()
    for page in _content_pages(g):
        if page.generated:
            continue
        in_block = False
        for number, line in enumerate(page.text.split("\n"), 1):
            if SNIPPET_BLOCK.match(line):
                in_block = not in_block
                continue
            match = SNIPPET_LINE.match(line)
            name = match.group(2) if match else (line.strip() if in_block and line.strip() else None)
            if name is None or name.startswith(";"):
                continue
            col = line.find(name) + 1
            problem = _snippet_problem(includes, name)
            if problem:
                yield Finding(page.shown, number, col, f"snippet '{name}' {problem}",
                              "snippets come from content/includes/ only")


def _snippet_problem(includes: Path, name: str) -> str | None:
    """Why ``name`` is not a snippet the build may include, or None."""
    target = includes / name.split(":", 1)[0] if not re.match(r"^[a-z]+://", name) else None
    if target is None:
        return "is a URL: snippets are never downloaded"
    try:
        resolved = target.resolve()
    except (OSError, RuntimeError):
        return "cannot be resolved"
    if not resolved.is_relative_to(includes):
        return "leads outside content/includes/"
    if not resolved.exists():
        return None if resolved == includes / ABBREVIATIONS_FILE else "does not exist in content/includes/"
    if not resolved.is_file():
        return "is not a regular file"
    return None


PLACEHOLDER = re.compile(r"^\s*TODO\b")


@rule("G124")
def placeholders_are_filled_in(g: Glossary) -> Iterator[Finding]:
    """No text in any data file starts with a TODO placeholder: new-term scaffolds must be filled in first."""
    docs: dict[str, Document] = {}
    for record in g.records:
        docs.setdefault(record.doc.path, record.doc)
    for path in sorted(docs):
        doc = docs[path]
        if "TODO" not in doc.text and "\\" not in doc.text:  # only an escape (\x54ODO) could spell it otherwise
            continue
        for loc, text in scalars(doc.data):
            if isinstance(text, str) and PLACEHOLDER.match(text):
                mark = doc.find_text(loc, "TODO")
                shown = text.strip() if len(text.strip()) <= 40 else text.strip()[:37] + "..."
                yield Finding(path, mark.line, mark.col, f"{dotted(loc)}: placeholder '{shown}' is not filled in",
                              "replace it with the real text")
