"""Scan a course's sources for references to the glossary, and keep data/chapters.yaml in step with them.

Contract of :func:`scan_course`:

* it reads, under the course folder, Markdown and MyST (``.md``, ``.markdown``, ``.myst``),
  Quarto (``.qmd``) and LaTeX (``.tex``) files, skipping hidden folders and build output, and
  in Markdown the fenced code blocks (examples of syntax are not references);
* it finds the references of :data:`PATTERNS`: the glossary's term URLs (at its public
  address), ``{term}`` roles (also ``{external+glossary:term}`` and rST ``:term:``) naming a
  term by title, abbreviation or alias, ``[[id]]`` links and LaTeX ``\\gls{id}`` (and
  ``\\Gls``, ``\\glspl``, ``\\Glspl``);
* a file belongs to a chapter when it lies under the chapter's ``source`` (a file or folder
  relative to the course folder) or, without one, when its name or a folder's is the
  chapter's id; inside it, a reference belongs to the section whose heading carries the
  section's id (``{#id}``, ``\\label{id}``) or title;
* it reports every reference to an unknown term (with the closest known spelling) and every
  term a chapter uses that data/chapters.yaml lists under none of its sections, each as
  ``path:line:col``;
* :func:`update_chapters` adds those terms to the ``discusses`` list of the section where
  each is first used (the chapter's first section when no heading matched), editing
  data/chapters.yaml in place: comments and layout stay, and the result is validated before
  it is written.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ..findings import COURSE, Finding, GlossaryError, did_you_mean
from ..model.records import Chapter, Chapters
from ..project import LAYOUT
from ..stages.load import Document, parse_text
from ..stages.validate import Glossary

SUFFIXES = {".md", ".markdown", ".myst", ".qmd", ".tex"}
"""The course sources that are read: Markdown and MyST, Quarto, LaTeX."""

SKIPPED_FOLDERS = {"_build", "_site", "site", "node_modules", "__pycache__", "_freeze"}
"""Build output and tooling folders, never course text (hidden folders are skipped too)."""

_ID = r"([A-Za-z0-9][A-Za-z0-9_-]*)"
PATTERNS: dict[str, re.Pattern[str]] = {
    "role": re.compile(r"(?:\{(?:external\+glossary:)?term\}|:(?:external\+glossary:)?term:)`([^`]+)`"),
    "link": re.compile(r"\[\[\s*" + _ID + r"\s*(?:\|[^\]]*)?\]\]"),
    "gls": re.compile(r"\\[Gg]ls(?:pl)?\{\s*" + _ID + r"\s*\}"),
}
"""Reference syntaxes by kind; the term URL pattern depends on the address (:func:`url_pattern`)."""

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_MD_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*(?:\{\s*#([\w-]+)[^}]*\})?\s*#*\s*$")
_TEX_HEADING = re.compile(r"\\(?:chapter|(?:sub)*section)\*?\{([^}]*)\}")
_TEX_LABEL = re.compile(r"\\label\{(?:sec:)?([\w-]+)\}")


def url_pattern(base: str) -> re.Pattern[str]:
    """Links to term pages at the glossary's address (``BASE/terms/<id>/``)."""
    return re.compile(re.escape(base.rstrip("/") + "/terms/") + _ID + r"(?=[/#)\]>\"'\s]|$)")


def slugify(text: str) -> str:
    """A heading's title as an id: lowercase words joined by hyphens."""
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


@dataclass(frozen=True)
class Reference:
    """One reference to the glossary in a course file."""

    path: str
    line: int
    col: int
    kind: str
    written: str
    term: str | None
    section: str | None


@dataclass
class ScanResult:
    """What a scan found: references by chapter, and the problems to report."""

    files: int = 0
    references: list[Reference] = field(default_factory=list)
    by_chapter: dict[str, list[Reference]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    missing: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    """chapter id -> section id -> term ids to add to its ``discusses``."""


def course_files(course: Path) -> list[Path]:
    """The course sources under ``course``, sorted; hidden and build folders skipped, symlinks not followed."""
    found = []
    for folder, dirs, files in os.walk(course):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in SKIPPED_FOLDERS)
        found += [Path(folder) / f for f in files if Path(f).suffix.lower() in SUFFIXES and not f.startswith(".")]
    return sorted(p for p in found if not p.is_symlink())


def chapter_of(relative: Path, chapters: list[Chapter]) -> Chapter | None:
    """The chapter a course file belongs to: under its ``source``, else named after its id."""
    for chapter in chapters:
        if chapter.source and (relative == Path(chapter.source) or Path(chapter.source) in relative.parents):
            return chapter
    for chapter in chapters:
        if not chapter.source and (relative.stem == chapter.id or chapter.id in relative.parent.parts):
            return chapter
    return None


def _section_for(heading_title: str, explicit: str | None, chapter: Chapter | None) -> str | None:
    """The id of the chapter's section a heading opens, if it names one."""
    if chapter is None:
        return None
    for section in chapter.sections:
        if explicit == section.id or slugify(heading_title) == section.id or \
                heading_title.strip().casefold() == section.title.casefold():
            return section.id
    return None


def _lines(text: str, markdown: bool) -> Iterator[tuple[int, str]]:
    """Numbered lines, without Markdown's fenced code blocks."""
    fence = ""
    for number, line in enumerate(text.splitlines(), 1):
        if markdown:
            match = _FENCE.match(line)
            if match and (not fence or match.group(1).startswith(fence)):
                fence = "" if fence else match.group(1)[:3]
                continue
            if fence:
                continue
        yield number, line


def _term_names(g: Glossary) -> dict[str, str]:
    """Lowercased title, abbreviation and alias -> term id (titles first, as in the inventory)."""
    names: dict[str, str] = {}
    for attribute in ("title", "abbreviation", "aliases"):
        for t in g.terms.values():
            values = getattr(t, attribute)
            for value in values if isinstance(values, list) else [values] if values else []:
                names.setdefault(" ".join(value.lower().split()), t.id)
    return names


def _resolve(kind: str, written: str, g: Glossary, names: dict[str, str]) -> tuple[str | None, str]:
    """The term id a reference names, or None and a did-you-mean hint."""
    if kind == "role":
        target = re.search(r"<([^>]+)>\s*$", written)
        name = " ".join((target.group(1) if target else written).lower().split())
        if name in names:
            return names[name], ""
        return None, did_you_mean(name, names)
    if written in g.terms:
        return written, ""
    return None, did_you_mean(written, g.terms)


def scan_file(file: Path, display: str, chapter: Chapter | None, g: Glossary, names: dict[str, str],
              url: re.Pattern[str]) -> tuple[list[Reference], list[Finding]]:
    """The references in one course file, and a finding for each unknown term."""
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [Finding(display, 1, 1, f"cannot read course file: {exc}", "save it as UTF-8", code=COURSE)]
    refs, findings = [], []
    section = None
    latex = file.suffix.lower() == ".tex"
    for number, line in _lines(text, markdown=not latex):
        heading = _TEX_HEADING.search(line) if latex else _MD_HEADING.match(line)
        if heading:
            label = _TEX_LABEL.search(line) if latex else None
            explicit = label.group(1) if label else (None if latex else heading.group(2))
            section = _section_for(heading.group(1), explicit, chapter) or section  # a sub-heading keeps its section
        elif latex and (label := _TEX_LABEL.search(line)) and chapter and any(s.id == label.group(1) for s in chapter.sections):
            section = label.group(1)
        for kind, pattern in (("url", url), *PATTERNS.items()):
            for match in pattern.finditer(line):
                written = match.group(1).strip()
                term, hint = _resolve(kind, written, g, names)
                refs.append(Reference(display, number, match.start() + 1, kind, written, term, section))
                if term is None:
                    findings.append(Finding(display, number, match.start() + 1,
                                            f"unknown glossary term '{written}'", hint or "check the spelling", code=COURSE))
    return refs, findings


def listed_terms(chapter: Chapter) -> set[str]:
    """Every term data/chapters.yaml lists under one of the chapter's sections."""
    return {tid for s in chapter.sections for tid in (*s.introduces, *s.discusses)}


def introductions(chapters: list[Chapter]) -> dict[str, tuple[int, int]]:
    """Term id -> (chapter number, section index) of the section that first introduces it."""
    found: dict[str, tuple[int, int]] = {}
    for chapter in chapters:
        for i, section in enumerate(chapter.sections):
            for tid in section.introduces:
                found[tid] = min(found.get(tid, (chapter.number, i)), (chapter.number, i))
    return found


def scan_course(course: Path, g: Glossary, chapters_file: str = LAYOUT["chapters"]) -> ScanResult:
    """Scan the course under ``course`` against the glossary (see the module's contract)."""
    if not course.is_dir():
        raise GlossaryError([Finding(str(course), 1, 1, "not a folder",
                                     "pass the folder that holds the course's sources", code=COURSE)])
    assert g.site is not None
    names, url = _term_names(g), url_pattern(g.site.url)
    result = ScanResult()
    for file in course_files(course):
        relative = file.relative_to(course)
        chapter = chapter_of(relative, g.chapters)
        refs, findings = scan_file(file, (course / relative).as_posix(), chapter, g, names, url)
        result.files += 1
        result.references += refs
        result.findings += findings
        if chapter:
            result.by_chapter.setdefault(chapter.id, []).extend(refs)
    introduced_at = introductions(g.chapters)
    for chapter in g.chapters:
        listed, reported = listed_terms(chapter), set()
        for ref in result.by_chapter.get(chapter.id, []):
            if ref.term is None or ref.term in listed or ref.term in reported:
                continue
            reported.add(ref.term)
            index, section = next(((i, s.id) for i, s in enumerate(chapter.sections) if s.id == ref.section),
                                  (0, chapter.sections[0].id))
            where = introduced_at.get(ref.term)
            if where and where > (chapter.number, index):
                result.findings.append(Finding(
                    ref.path, ref.line, ref.col,
                    f"chapter '{chapter.id}' uses the term '{ref.term}' before chapter {where[0]} introduces it",
                    f"list it under introduces of section '{section}' in {chapters_file} instead", code=COURSE))
                continue
            result.missing.setdefault(chapter.id, {}).setdefault(section, []).append(ref.term)
            result.findings.append(Finding(
                ref.path, ref.line, ref.col,
                f"chapter '{chapter.id}' uses the term '{ref.term}', which {chapters_file} does not list",
                f"add it to the discusses of section '{section}', or run with --update", code=COURSE))
    return result


def _flow_insert(line: str, col: int, ids: list[str]) -> str | None:
    """``line`` with ``ids`` added to the one-line flow list that starts at ``col`` (1-based), if it is one."""
    start = col - 1
    if line[start:start + 1] != "[" or "]" not in line[start:]:
        return None
    end = line.index("]", start)
    inside = line[start + 1:end].strip()
    return line[:start] + "[" + ", ".join([*([inside] if inside else []), *ids]) + "]" + line[end + 1:]


def _section_edit(lines: list[str], doc: Document, loc: tuple[object, ...], existing: list[str], ids: list[str]) -> None:
    """Add ``ids`` to the ``discusses`` of the section at ``loc`` in ``lines`` (edited in place):
    into a one-line flow list, after the last item of a block list, or as a new key after ``title``."""
    where = (*loc, "discusses")
    if where in doc.key_marks:
        mark = doc.mark(where)
        changed = _flow_insert(lines[mark.line - 1], mark.col, ids)
        if changed is not None:
            lines[mark.line - 1] = changed
            return
        if existing:
            last = doc.mark((*where, len(existing) - 1))
            prefix = lines[last.line - 1][: last.col - 1]
            lines[last.line:last.line] = [f"{prefix}{tid}" for tid in ids]
            return
        raise GlossaryError([doc.finding(where, "cannot add to this discusses list", "add the terms by hand")])
    title = doc.mark((*loc, "title"), key=True)
    lines.insert(title.line, " " * (title.col - 1) + f"discusses: [{', '.join(ids)}]")


def update_chapters(root: Path, missing: dict[str, dict[str, list[str]]]) -> list[str]:
    """Add the ``missing`` terms to the ``discusses`` lists in data/chapters.yaml; returns what was added.
    The edited text must load and validate, or nothing is written."""
    path = root / LAYOUT["chapters"]
    text = path.read_text(encoding="utf-8")
    doc, findings = parse_text(text, LAYOUT["chapters"])
    if doc is None:
        raise GlossaryError(findings)
    lines = text.splitlines()
    added = []
    chapters = doc.data.get("chapters", [])
    edits = []
    for ci, chapter in enumerate(chapters):
        for si, section in enumerate(chapter.get("sections", [])):
            ids = missing.get(chapter.get("id"), {}).get(section.get("id"), [])
            if ids:
                edits.append((ci, si, list(section.get("discusses", [])), ids))
                added += [f"{chapter['id']}#{section['id']}: {tid}" for tid in ids]
    for ci, si, existing, ids in sorted(edits, key=lambda e: -doc.mark(("chapters", e[0], "sections", e[1])).line):
        _section_edit(lines, doc, ("chapters", ci, "sections", si), existing, ids)
    new_text = "\n".join(lines) + ("\n" if text.endswith("\n") else "")
    check, problems = parse_text(new_text, LAYOUT["chapters"])
    if check is None or problems:
        raise GlossaryError(problems or [Finding(LAYOUT["chapters"], 1, 1, "could not update the file safely",
                                                 "add the terms by hand", code=COURSE)])
    try:
        Chapters.model_validate(check.data)
    except ValidationError:
        raise GlossaryError([Finding(LAYOUT["chapters"], 1, 1, "the updated file would not validate",
                                     "add the terms by hand", code=COURSE)]) from None
    if added:
        path.write_text(new_text, encoding="utf-8")
    return added
