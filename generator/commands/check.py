"""``python -m generator check``: validate the data and run every consistency rule."""

from __future__ import annotations

import argparse

from ..findings import selected
from ..stages.check import check
from .base import Command
from .output import print_findings


def cmd_check(args: argparse.Namespace) -> int:
    """Validate the data and run every consistency rule."""
    glossary, findings = check(args.project)
    findings = selected(findings, _codes(args.select), _codes(args.ignore))
    if findings:
        print_findings(findings, args.format)
        return 1
    print(f"ok: {len(glossary.term_records)} terms, {len(glossary.framework_records)} frameworks, "
          f"{len(glossary.reference_records)} references, {len(glossary.chapter_records)} chapters")
    return 0


def _codes(values: list[str]) -> list[str]:
    """Codes given as repeated options or comma-separated lists: ``--select G1,G002``."""
    return [code.strip() for value in values for code in value.split(",") if code.strip()]


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--select", action="append", default=[], metavar="CODES",
                        help="report only findings whose code starts with one of these (e.g. G1 for every rule, G105)")
    parser.add_argument("--ignore", action="append", default=[], metavar="CODES",
                        help="leave out findings whose code starts with one of these (python -m generator rules lists them)")


COMMAND = Command("check", cmd_check, _arguments)
