"""``python -m generator diff REV``: the pages and anchors a change to data/ affects."""

from __future__ import annotations

import argparse

from ..build.diff import Change, diff_against, page_changes
from .base import Command


def markdown_summary(rev: str, records: list[Change], pages: list[Change], notes: list[str]) -> str:
    """The changes as a Markdown table (for a pull request's job summary)."""
    lines = [f"### Glossary pages this change affects (against `{rev}`)", ""]
    rows = [*records, *pages]
    if rows:
        lines += ["| status | kind | URL |", "| --- | --- | --- |"]
        lines += [f"| {c.status} | {c.kind} | <{c.url}> |" for c in rows]
    else:
        lines.append("No page, anchor or generated page changes.")
    lines += [f"\n> {note}" for note in notes]
    return "\n".join(lines) + "\n"


def cmd_diff(args: argparse.Namespace) -> int:
    """List the pages and anchors (URLs) that the data changes since git REV add, change or remove,
    then every generated page whose output changes (both revisions regenerated and compared)."""
    changes = diff_against(args.project.root, args.rev)
    pages, problems = page_changes(args.project.root, args.rev)
    notes = [f"generated pages not compared: {p.format()}" for p in problems]
    if args.format == "markdown":
        print(markdown_summary(args.rev, changes, pages, notes), end="")
        return 0
    if not changes and not pages:
        print(f"no page or anchor changes between {args.rev} and the working tree")
    for change in [*changes, *pages]:
        print(change.format())
    for note in notes:
        print(note)
    return 0


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rev", metavar="REV", help="git revision to compare with, e.g. origin/main")


COMMAND = Command("diff", cmd_diff, _arguments, formats=("markdown",))
"""``--format markdown``: the changes as a table for a pull request's job summary."""
