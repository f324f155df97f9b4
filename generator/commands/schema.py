"""``python -m generator schema [--check]``: write or compare the data files' JSON Schemas."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..model.schema import write_schemas
from .base import Command


def cmd_schema(args: argparse.Namespace) -> int:
    """Write the JSON Schemas of the data files into data/schema/ (or, with --check, compare)."""
    stale = write_schemas(Path(args.root), check_only=args.check)
    if args.check and stale:
        for path in stale:
            print(f"{path}:1:1: schema is out of date (run: python -m generator schema)", file=sys.stderr)
        return 1
    return 0


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="only report out-of-date schemas")


COMMAND = Command("schema", cmd_schema, _arguments)
