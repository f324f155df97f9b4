"""``python -m generator chapters scan DIR [--update]``: the glossary references in a course's sources."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..build.course import scan_course, update_chapters
from ..project import LAYOUT
from ..stages.check import checked_glossary
from .base import Command
from .output import print_findings


def cmd_chapters(args: argparse.Namespace) -> int:
    """Scan a course's Markdown, MyST, Quarto and LaTeX for glossary references.

    Finds term URLs, {term} roles, [[id]] links and \\gls{id}; reports unknown terms (with
    did-you-mean) and terms a chapter uses that data/chapters.yaml does not list, as
    path:line:col; exit 1 when it found any. --update adds the unlisted terms to the
    discusses list of the section that uses them."""
    root = args.project.root
    glossary = checked_glossary(args.project)
    result = scan_course(Path(args.dir), glossary)
    findings = result.findings
    if args.update and result.missing:
        added = update_chapters(root, result.missing)
        for line in added:
            print(f"added to {LAYOUT['chapters']}: {line}")
        findings = [f for f in findings if "does not list" not in f.message]
    resolved = sum(1 for r in result.references if r.term)
    print(f"scanned {result.files} files: {len(result.references)} references to the glossary, "
          f"{resolved} resolved, in {len(result.by_chapter)} chapters")
    if findings:
        print_findings(findings, args.format)
        return 1
    return 0


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["scan"], help="scan: read the course and report")
    parser.add_argument("dir", metavar="DIR", type=Path, help="the folder that holds the course's sources")
    parser.add_argument("--update", action="store_true",
                        help="add the terms each chapter uses to the discusses lists of data/chapters.yaml")


COMMAND = Command("chapters", cmd_chapters, _arguments)
