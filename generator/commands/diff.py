"""``python -m generator diff REV``: the pages and anchors a change to data/ affects."""

from __future__ import annotations

import argparse

from ..build.diff import diff_against
from .base import Command


def cmd_diff(args: argparse.Namespace) -> int:
    """List the pages and anchors (URLs) that the data changes since git REV add, change or remove."""
    changes = diff_against(args.project.root, args.rev)
    if not changes:
        print(f"no page or anchor changes between {args.rev} and the working tree")
    for change in changes:
        print(change.format())
    return 0


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rev", metavar="REV", help="git revision to compare with, e.g. origin/main")


COMMAND = Command("diff", cmd_diff, _arguments)
