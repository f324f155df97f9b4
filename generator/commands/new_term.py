"""``python -m generator new-term "Title"``: scaffold a term file, and the rule that refuses its placeholders.

Contract:

* :func:`new_term` writes ``data/terms/<id>.yaml`` (the id slugified from the title unless given)
  with every required field; the texts a contributor must write are placeholders starting with
  ``TODO``, and ``sources`` is empty. It refuses an id that a term already has (or had: a
  ``redirect_from`` entry) and never overwrites a file;
* the consistency rule :func:`generator.rules.placeholders_are_filled_in` refuses any text
  that starts with ``TODO``, so ``check`` refuses a scaffold until it is filled in.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import typing
import unicodedata
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from ..findings import NEW_TERM, Finding, GlossaryError
from ..model.records import SLUG, Category, PlainText
from ..project import Project
from ..stages import rules
from ..stages.validate import Glossary, load_glossary
from .base import Command

SUMMARY_TODO = "TODO: one or two plain sentences (at most 320 characters) for previews and exports."
DEFINITION_TODO = ("TODO: the definition, in Markdown paragraphs or lists. Mention other terms by name "
                   "and they are linked.")


class UsageError(Exception):
    """A wrong command-line argument (exit code 2)."""


def slugify(title: str) -> str:
    """A term id from a title: ASCII letters and digits, lowercase, words joined by single hyphens."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def term_yaml(tid: str, title: str, reviewed: str) -> str:
    """The text of a new term file: schema line, required fields, placeholders, optional fields commented out."""
    categories = ", ".join(typing.get_args(Category))
    return (
        "# yaml-language-server: $schema=../schema/term.schema.json\n"
        f"id: {tid}\n"
        f"title: {json.dumps(title, ensure_ascii=False)}\n"
        f"summary: {json.dumps(SUMMARY_TODO)}\n"
        "definition: >-\n"
        f"  {DEFINITION_TODO}\n"
        f"category: concept  # one of: {categories}\n"
        "sources: []  # ids from data/references.yaml, e.g. [some-report] or [{ref: some-report, locator: \"p. 4\"}]\n"
        f"reviewed: {reviewed}  # the date you checked the entry against its sources\n"
        "# Optional fields (uncomment what applies):\n"
        "# abbreviation: ABC\n"
        "# aliases: [another name]\n"
        "# related: [other-term-id]\n"
        "# broader: more-general-term-id\n"
        "# framework: framework-id\n"
    )


def _existing(glossary: Glossary, tid: str) -> Finding | None:
    """A finding where ``tid`` is already a term's id or former id, if it is."""
    for record in glossary.term_records:
        if record.model.id == tid:
            return record.finding("id", message=f"term id '{tid}' already exists",
                                  hint="choose another title, or pass --id with another id", code=NEW_TERM)
        if tid in record.model.redirect_from:
            i = record.model.redirect_from.index(tid)
            return record.finding("redirect_from", i,
                                  message=f"'{tid}' is a former id of term '{record.model.id}'",
                                  hint="its URL redirects there; pass --id with another id", code=NEW_TERM)
    return None


def new_term(root: Project | Path, title: str, tid: str | None = None) -> Path:
    """Create ``data/terms/<id>.yaml`` for ``title``; raises :class:`UsageError` for a bad title or id,
    :class:`GlossaryError` when the id is taken or the file cannot be written."""
    try:
        TypeAdapter(PlainText).validate_python(title)
    except ValidationError as exc:
        message = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise UsageError(f"title {title!r}: {message}") from None
    tid = tid if tid is not None else slugify(title)
    if not SLUG.match(tid):
        raise UsageError(f"id {tid!r} is not valid: use lowercase letters, digits and single hyphens"
                         + ("" if tid else " (the title has no letters or digits: pass --id)"))
    project = Project.at(root)
    root = project.root
    folder = project.data_dir / "terms"
    if not project.data_dir.is_dir():
        raise GlossaryError([Finding("data", 1, 1, "no data/ directory here",
                                     "run from the project root or pass --root", code=NEW_TERM)])
    rel = f"data/terms/{tid}.yaml"
    glossary, _ = load_glossary(project)
    taken = _existing(glossary, tid)
    if taken is None and (root / rel).exists():
        taken = Finding(rel, 1, 1, f"{rel} already exists", "choose another title, or pass --id with another id", code=NEW_TERM)
    if taken:
        raise GlossaryError([taken])
    folder.mkdir(parents=True, exist_ok=True)
    try:
        with (root / rel).open("x", encoding="utf-8") as handle:
            handle.write(term_yaml(tid, title, rules.today().isoformat()))
    except FileExistsError:
        raise GlossaryError([Finding(rel, 1, 1, f"{rel} already exists", "pass --id with another id", code=NEW_TERM)]) from None
    except OSError as exc:
        raise GlossaryError([Finding(rel, 1, 1, f"cannot write file: {exc.strerror}", "check the permissions",
                                     code=NEW_TERM)]) from None
    return root / rel


def cmd_new_term(args: argparse.Namespace) -> int:
    """Scaffold data/terms/<id>.yaml for a new term, with placeholders that check refuses until filled in."""
    try:
        path = new_term(args.project, args.title, args.id)
    except UsageError as exc:
        print(f"python -m generator new-term: error: {exc}", file=sys.stderr)
        return 2
    print(f"created {path}")
    print("next steps:")
    print("  1. replace each TODO: summary and definition; check category and reviewed")
    print("  2. cite at least one reference id from data/references.yaml under sources")
    print("  3. add related, broader, aliases or an abbreviation if they apply")
    print("  4. run: python -m generator check   (then: python -m generator serve to preview)")
    return 0


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("title", help="the term's title, e.g. \"Responsible Scaling Policy\"")
    parser.add_argument("--id", default=None, help="the id (default: slugified from the title)")


COMMAND = Command("new-term", cmd_new_term, _arguments)
