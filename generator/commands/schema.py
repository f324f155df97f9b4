"""``python -m generator schema [--check]``: write or compare the data files' JSON Schemas."""

from __future__ import annotations

import argparse

from ..findings import SCHEMAS_STALE, Finding, GlossaryError
from ..model.schema import write_schemas
from .base import Command


def cmd_schema(args: argparse.Namespace) -> int:
    """Write the JSON Schemas of the data files into data/schema/ (or, with --check, compare)."""
    stale = write_schemas(args.project, check_only=args.check)
    if args.check and stale:
        raise GlossaryError([Finding(str(path), 1, 1, "schema is out of date", "run: python -m generator schema", SCHEMAS_STALE)
                             for path in stale])
    return 0


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true", help="only report out-of-date schemas")


COMMAND = Command("schema", cmd_schema, _arguments)
