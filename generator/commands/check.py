"""``python -m generator check``: validate the data and run every consistency rule."""

from __future__ import annotations

import argparse

from ..stages.check import check
from .base import Command
from .output import print_findings


def cmd_check(args: argparse.Namespace) -> int:
    """Validate the data and run every consistency rule."""
    glossary, findings = check(args.root)
    if findings:
        print_findings(findings, args.format)
        return 1
    print(f"ok: {len(glossary.term_records)} terms, {len(glossary.framework_records)} frameworks, "
          f"{len(glossary.reference_records)} references, {len(glossary.chapter_records)} chapters")
    return 0


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=["text", "github"], default="text", help="github prints GitHub Actions annotations")


COMMAND = Command("check", cmd_check, _arguments)
