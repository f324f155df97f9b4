"""Stage 3, link: turn mentions of terms into links, and build the reverse index.

Rules of the linker:

* a mention matches a term's title, abbreviation or alias, whole words only; titles and
  aliases match case-insensitively, abbreviations (and all-capital aliases) case-sensitively;
  singular and plural forms both match;
* the longest match wins ("Responsible Scaling Policy" before "Policy"); overlapping
  shorter matches are dropped;
* a name followed by ``+`` is a different name ("Security Level 2+" is not "Security Level 2"),
  and a hyphen joins words ("ASL-3" is not a mention of "ASL");
* a level's name followed by a number names that numbered level, not the scheme ("Security
  Level 2+", "AI Safety Level 3" do not link "Security Level" or "AI Safety Level"); the
  whole numbered name links when it is a term's name;
* a possessive links the name and leaves the ending outside ("[Anthropic]'s levels");
* two mentions separated only by spaces would read as one link to one place ("Google DeepMind
  CCL", "machine learning R&D critical capability levels"): only the last, the head of the
  phrase, is linked, and the other is linked at its next mention;
* never inside code, existing links, explicit links, autolinks or URLs; never a link from
  a term's page to itself; only the first mention of a term per section (the caller passes
  the section's ``seen`` set);
* explicit links ``[[term-id]]`` and ``[[term-id|label]]`` always link.

The matching is one pass of two Aho-Corasick automata over the text, so its cost grows with
the length of the text, not with the number of terms.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import ahocorasick

from .. import urls
from ..findings import did_you_mean
from ..model.fields import markdown_paths, path_pattern
from ..model.records import Chapter, Crosswalk, Framework, Section, Term
from ..workers import in_processes_after

if TYPE_CHECKING:
    from .validate import Glossary, Record

EXPLICIT = re.compile(r"\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]+))?\]\]")
_PROTECTED = re.compile(r"`+[^`\n]*`+|\[\[[^\[\]\n]*\]\]|!?\[[^\[\]\n]*\]\([^()\n]*\)(\{[^{}\n]*\})?"
                        r"|<[^<>\n]*>|https?://[^\s)]+")
"""Spans the linker leaves alone. Each repeated part stops at the next character that could open the same
construct again, so a failed match gives up at once and the scan stays linear (``"< "`` repeated a
hundred thousand times does not make it quadratic)."""
_PROTECTED_OPENERS = ("`", "[", "<", "://")
"""What every span of :data:`_PROTECTED` holds: text without any of them has none (a search for each is C-fast)."""
_WORD_CHAR = re.compile(r"[\w+-]")  # characters that continue a name: a match next to one is not a mention
_HAS_WORD = re.compile(r"[^\W_]")
_STEP_NAME = re.compile(r"(?i)(?:level|tier)$")  # a name ending so, followed by a number, names one numbered step
_NUMBER_AFTER = re.compile(r"[ \u00a0]\d")
PREVIEW_ATTRIBUTES = "{ data-preview }"
"""The attribute list after every term link the linker writes: Material shows the term's summary on hover."""
_BEFORE_ID, _AFTER_ID = urls.md_link(urls.term_page("\0")).split("\0")
GENERATED_LINK = re.compile(  # what Linker.link_to writes: groups label and term id
    r"\[([^\[\]\n]+)\]\(" + re.escape(_BEFORE_ID) + r"([a-z0-9-]+)" + re.escape(_AFTER_ID) + r"\)"
    + re.escape(PREVIEW_ATTRIBUTES))


def term_link_markdown(label: str, url: str) -> str:
    """A Markdown link to a term's page that shows the term's summary on hover (:data:`PREVIEW_ATTRIBUTES`)."""
    return f"[{label}]({url}){PREVIEW_ATTRIBUTES}"


def whole_word_matches(automaton: ahocorasick.Automaton, haystack: str, text: str,
                       word_char: re.Pattern[str], within: slice = slice(None)) -> Iterator[tuple[int, int, Any]]:
    """(start, stop, payload) of each match of ``automaton`` in ``haystack`` (``text`` or a same-length
    transform of it) that ``word_char`` characters do not adjoin in ``text``, the search limited to ``haystack[within]``
    (offsets stay those of ``haystack``; the automaton is given the slice: it copies whatever string it is given).
    Words are added as ``(length, payload)``."""
    if not len(automaton):
        return
    first, last, _ = within.indices(len(haystack))
    for end, (length, payload) in automaton.iter(haystack[first:last] if first or last < len(haystack) else haystack):
        start, stop = first + end - length + 1, first + end + 1
        before = text[start - 1] if start else " "
        after = text[stop] if stop < len(text) else " "
        if not word_char.match(before) and not word_char.match(after):
            yield start, stop, payload


def _names_a_numbered_step(text: str, start: int, stop: int) -> bool:
    """Whether ``text[start:stop]`` is a level's name followed by a number: part of a numbered level's name."""
    return bool(_STEP_NAME.search(text, start, stop) and _NUMBER_AFTER.match(text, stop))


def explicit_links(text: str) -> list[tuple[str, str | None]]:
    """The explicit links ``[[id]]``/``[[id|label]]`` in ``text`` as (id, label) pairs."""
    return [(m.group(1).strip(), m.group(2)) for m in EXPLICIT.finditer(text)] if "[[" in text else []


def iter_texts(g: Glossary) -> Iterator[tuple[Record[Any], tuple[Any, ...], str]]:
    """Every Markdown text field of the terms, frameworks and crosswalk, with its record and location."""
    for record in _linked_records(g):
        for loc, text in record.markdown_texts():
            yield record, loc, text


def _linked_records(g: Glossary) -> list[Record[Any]]:
    """The records whose texts are linked: terms, frameworks and the crosswalk (each a file of its own)."""
    return [*g.term_records, *g.framework_records, *([g.crosswalk_record] if g.crosswalk_record else [])]


def word_forms(name: str) -> set[str]:
    """The singular and plural forms of a name (English rules, last word only)."""
    forms = {name}
    lower = name.lower()
    if lower.endswith("ies") and len(name) > 4:
        forms.add(name[:-3] + "y")
    elif lower.endswith(("ches", "shes", "sses", "xes")):
        forms.add(name[:-2])
    elif lower.endswith("s") and not lower.endswith(("ss", "us", "is")):
        forms.add(name[:-1])
    if lower.endswith("y") and len(name) > 2 and lower[-2] not in "aeiou":
        forms.add(name[:-1] + "ies")
    elif lower.endswith(("ch", "sh", "ss", "x")):
        forms.add(name + "es")
    elif not lower.endswith("s"):
        forms.add(name + "s")
    return forms


PROPER_NAME_CATEGORIES = frozenset({"framework", "organisation"})
"""Terms whose names are proper names: matched as written, so "frontier safety frameworks" in general
does not link to Google DeepMind's Frontier Safety Framework, nor "meta-analysis" to Meta."""


def _is_abbreviation(name: str) -> bool:
    letters = [c for c in name if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) >= max(2, len(letters) - 1)


@dataclass
class LinkResult:
    """Linked Markdown and the ids of the terms it links to."""

    text: str
    targets: set[str] = field(default_factory=set)


class Linker:
    """Links mentions of terms in Markdown text; build once, use for every text."""

    def __init__(self, terms: Iterable[Term], url: Callable[[str], str]):
        """``url(term_id)`` gives the Markdown link target of a term's page."""
        self.terms = {t.id: t for t in terms}
        self.url = url
        self.words = ahocorasick.Automaton()
        self.abbreviations = ahocorasick.Automaton()
        for term in sorted(self.terms.values(), key=lambda t: t.id):
            names = [term.title, *term.aliases] + ([term.abbreviation] if term.abbreviation else [])
            for name in names:
                for form in word_forms(name):
                    if _is_abbreviation(name) or term.category in PROPER_NAME_CATEGORIES:
                        self.abbreviations.add_word(form, (len(form), term.id))
                    else:
                        self.words.add_word(form.lower(), (len(form), term.id))
        for automaton in (self.words, self.abbreviations):
            if len(automaton):
                automaton.make_automaton()

    def _matches(self, text: str) -> list[tuple[int, int, str]]:
        """Whole-word matches (start, end, id), longest first at each position, non-overlapping."""
        found = [*whole_word_matches(self.words, text.lower(), text, _WORD_CHAR),
                 *whole_word_matches(self.abbreviations, text, text, _WORD_CHAR)]
        found = [m for m in found if not _names_a_numbered_step(text, m[0], m[1])]
        found.sort(key=lambda m: (m[0], -(m[1] - m[0])))
        chosen: list[tuple[int, int, str]] = []
        last_end = 0
        for start, stop, tid in found:
            if start >= last_end:
                chosen.append((start, stop, tid))
                last_end = stop
        return chosen

    def link_to(self, tid: str, label: str) -> str:
        """Markdown for a link to term ``tid`` that shows an instant preview (the term's summary) on hover.

        No title attribute: Material replaces it by the preview anyway, and repeating every
        summary in every link would double the size of the pages."""
        return term_link_markdown(label, self.url(tid))

    def link(self, text: str, seen: set[str], own: str | None = None) -> LinkResult:
        """Link ``text``; ``seen`` holds ids already linked in this section and is updated.

        One pass of each automaton over the whole text, with the protected spans masked out (so a
        text of many small protected spans costs no more per character than prose). Text without a mention outside
        them or an explicit link is returned as it is."""
        result = LinkResult(text)
        spans = ([(m.start(), m.end()) for m in _PROTECTED.finditer(text)]
                 if any(opener in text for opener in _PROTECTED_OPENERS) else [])
        masked = _masked(text, spans) if spans else text
        plain = self._matches(masked) if _HAS_WORD.search(text) else []
        explicit = [(start, stop, None) for start, stop in spans if text.startswith("[[", start)]
        if not plain and not explicit:
            return result
        following = {m[0]: plain[k + 1] for k, m in enumerate(plain[:-1])}
        events: list[tuple[int, int, str | None]] = [*plain, *explicit]
        events.sort(key=lambda e: e[0])
        out: list[str] = []
        pos = 0
        for start, stop, tid in events:
            out.append(text[pos:start])
            if tid is None:
                out.append(self._explicit(text[start:stop], seen, own, result))
            elif tid == own or tid in seen or (
                    start in following and self._joined(masked, stop, following[start], seen, own)):
                out.append(text[start:stop])  # a mention followed by the head of its phrase links later
            else:
                seen.add(tid)
                result.targets.add(tid)
                out.append(self.link_to(tid, text[start:stop]))
            pos = stop
        out.append(text[pos:])
        result.text = "".join(out)
        return result

    def _explicit(self, chunk: str, seen: set[str], own: str | None, result: LinkResult) -> str:
        match = EXPLICIT.fullmatch(chunk)
        if not match or match.group(1).strip() not in self.terms:
            return chunk
        tid = match.group(1).strip()
        if tid == own:
            return match.group(2) or self.terms[tid].title
        seen.add(tid)
        result.targets.add(tid)
        return self.link_to(tid, match.group(2) or self.terms[tid].title)

    @staticmethod
    def _joined(chunk: str, stop: int, following: tuple[int, int, str], seen: set[str], own: str | None) -> bool:
        """Whether the mention ending at ``stop`` is followed, across spaces only, by a mention that will be linked."""
        start, _, tid = following
        gap = chunk[stop:start]
        return bool(gap) and gap.strip(" ") == "" and tid != own and tid not in seen


def _masked(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each span replaced by as many NUL characters (never part of a name, never a word character)."""
    pieces: list[str] = []
    pos = 0
    for start, stop in spans:
        pieces.append(text[pos:start])
        pieces.append("\x00" * (stop - start))
        pos = stop
    pieces.append(text[pos:])
    return "".join(pieces)


def strip_links(text: str) -> str:
    """Undo :meth:`Linker.link` for automatic links: each generated link back to its label."""
    return GENERATED_LINK.sub(lambda m: m.group(1), text)


def term_url(tid: str) -> str:
    """Link target of a term page from a generated page one directory deep (all linked pages are)."""
    return urls.md_link(urls.term_page(tid))


class Referrer(enum.StrEnum):
    """What kind of entry links to a term (the values order the "Referenced by" list)."""

    COMPARISON = "crosswalk"
    FRAMEWORK = "framework"
    TERM = "term"


@dataclass(frozen=True, order=True)
class Backlink:
    """An entry whose text links to a term: a term or framework (by id), or the framework comparison."""

    kind: Referrer
    id: str


class Role(enum.StrEnum):
    """How a chapter section treats a term: the field of the section that lists it."""

    INTRODUCES = "introduces"
    DISCUSSES = "discusses"


@dataclass(frozen=True)
class Place:
    """A chapter section that introduces or discusses a term."""

    chapter: Chapter
    section: Section
    role: Role


class FieldPathError(LookupError):
    """A template asked for linked text at a path that is not a Markdown field of the record's model."""

    def __init__(self, record: Record[Any], loc: tuple[Any, ...]):
        self.model = type(record.model).__name__
        self.where = ".".join(str(p) for p in path_pattern(loc))
        known = sorted(".".join(p) for p in markdown_paths(type(record.model)))
        self.hint = did_you_mean(self.where, known) or "Markdown fields: " + ", ".join(known)
        super().__init__(f"'{self.where}' is not a Markdown field of {self.model}")


@dataclass
class Links:
    """The link stage's output: linked text per field, and the reverse indexes."""

    texts: dict[tuple[str, tuple[Any, ...]], str] = field(default_factory=dict)
    referenced_by: dict[str, list[Backlink]] = field(default_factory=dict)
    discussed_in: dict[str, list[Place]] = field(default_factory=dict)
    targets: dict[tuple[str, tuple[Any, ...]], tuple[Backlink, frozenset[str]]] = field(default_factory=dict)
    """For each text: the entry it belongs to and the terms it links to (what ``referenced_by`` is built from)."""

    def texts_of(self, path: str) -> dict[tuple[Any, ...], str]:
        """The linked texts of the file at ``path`` (as findings show it), by location."""
        return {loc: text for (file, loc), text in self.texts.items() if file == path}

    def text(self, record: Record[Any], *loc: Any) -> str:
        """The linked Markdown of the field ``loc`` of ``record``; raises :class:`FieldPathError` when
        ``loc`` names no Markdown field of the record's model (a typo in a template)."""
        if path_pattern(loc) not in markdown_paths(type(record.model)):
            raise FieldPathError(record, loc)
        return self.texts[(record.doc.path, record.base + tuple(loc))]


def link_glossary(g: Glossary, linker: Linker | None = None, jobs: int = 1,
                  meanwhile: Callable[[], object] = lambda: None) -> Links:
    """Link every text field once (each field is its own section) and build the backlink indexes. ``jobs``
    processes share the texts (the same links for any number). ``meanwhile`` runs in this process while workers
    start linking (:func:`~generator.workers.in_processes_after`): the consistency rules, which must pass before
    the links are used; an error it raises stops the linking."""
    linker = linker or Linker(g.terms.values(), term_url)
    links = Links()
    texts = list(iter_texts(g))
    linked = in_processes_after(meanwhile, lambda item: _linked(linker, item[0].model, item[2]), texts, jobs)
    for (record, loc, _), (text, targets) in zip(texts, linked, strict=True):
        _store(links, record, loc, text, targets)
    _index_backlinks(links, g)
    return links


def relink(old: Links, g: Glossary, linker: Linker, records: set[tuple[str, tuple[Any, ...]]]) -> Links:
    """The links of ``g`` from ``old``, relinking only the texts of ``records`` (keys ``(doc.path, base)``): the
    same result as :func:`link_glossary` when ``linker`` reads the same terms (:func:`linker_key`) and no other
    record's texts changed."""
    links = Links(texts=dict(old.texts), targets=dict(old.targets))
    for key in [k for k in links.texts if (k[0], ()) in records]:  # linked records have an empty base
        del links.texts[key], links.targets[key]
    for record in _linked_records(g):
        if record.place in records:
            for loc, text in record.markdown_texts():
                _link_text(links, linker, record, loc, text)
    _index_backlinks(links, g)
    return links


def linker_key(terms: Iterable[Term]) -> tuple[Any, ...]:
    """Everything :class:`Linker` reads of the terms: two glossaries with the same key link every text alike."""
    return tuple((t.id, t.title, tuple(t.aliases), t.abbreviation, t.category) for t in sorted(terms, key=lambda t: t.id))


def _link_text(links: Links, linker: Linker, record: Record[Any], loc: tuple[Any, ...], text: str) -> None:
    """Link one text field of ``record`` into ``links`` (each field is its own section)."""
    _store(links, record, loc, *_linked(linker, record.model, text))


def _linked(linker: Linker, model: Any, text: str) -> tuple[str, frozenset[str]]:
    """One text field of ``model``, linked as its own section, and the other terms it links to."""
    own = model.id if isinstance(model, Term) else None
    result = linker.link(text, set(), own=own)
    return result.text, frozenset(t for t in result.targets if t != own)


def _store(links: Links, record: Record[Any], loc: tuple[Any, ...], text: str, targets: frozenset[str]) -> None:
    """Keep the linked ``text`` of the field ``loc`` of ``record`` and the terms it links to."""
    key = (record.doc.path, record.base + loc)
    links.texts[key] = text
    links.targets[key] = (_backlink(record.model), targets)


def _index_backlinks(links: Links, g: Glossary) -> None:
    """``referenced_by`` from the texts' targets, and ``discussed_in`` from the chapters."""
    referrers: dict[str, set[Backlink]] = {}
    for source, targets in links.targets.values():
        for target in targets:
            referrers.setdefault(target, set()).add(source)
    links.referenced_by = {tid: sorted(sources) for tid, sources in sorted(referrers.items())}
    links.discussed_in = {}
    for chapter in g.chapters:
        for section in chapter.sections:
            for role, tids in ((Role.INTRODUCES, section.introduces), (Role.DISCUSSES, section.discusses)):
                for tid in tids:
                    links.discussed_in.setdefault(tid, []).append(Place(chapter, section, role))


def _backlink(model: Term | Framework | Crosswalk) -> Backlink:
    """The backlink to the entry whose text ``model`` is."""
    if isinstance(model, Term):
        return Backlink(Referrer.TERM, model.id)
    if isinstance(model, Framework):
        return Backlink(Referrer.FRAMEWORK, model.id)
    return Backlink(Referrer.COMPARISON, "crosswalk")
