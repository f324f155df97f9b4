"""Command line: ``python -m generator COMMAND [--root DIR]``.

Exit codes: 0 success, 1 the data (or the build) has problems, which are printed as
``path:line:col: CODE message (hint)`` (or, with ``--format github``, as annotations); 2 wrong
usage. Bad data never prints a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ..findings import GlossaryError
from ..project import Project
from . import build, chapters, check, diff, export, generate, new_term, permalinks, redirects, rules, schema, serve
from .base import CommandLike
from .output import print_findings

COMMANDS: tuple[CommandLike, ...] = (
    check.COMMAND, generate.COMMAND, build.COMMAND, serve.COMMAND, rules.COMMAND, schema.COMMAND,
    export.COMMAND, new_term.COMMAND, diff.COMMAND, chapters.COMMAND, permalinks.COMMAND, redirects.COMMAND,
)
"""Every command, in the order ``--help`` lists them."""


def parser() -> argparse.ArgumentParser:
    """The argument parser: one sub-command per entry of :data:`COMMANDS`, each with --root."""
    main = argparse.ArgumentParser(prog="python -m generator", description=__doc__.splitlines()[0])
    sub = main.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        p = sub.add_parser(command.name, help=command.help, description=command.description)
        p.add_argument("--root", type=Path, default=Path("."), help="project tree to work on (default: .)")
        p.add_argument("--format", choices=["text", "github", *command.formats], default="text",
                       help="how problems are printed: path:line:col: CODE message (hint), or GitHub Actions annotations"
                            + "".join(f"; {f}: see the command's description" for f in command.formats))
        command.arguments(p)
        p.set_defaults(command_object=command)
    return main


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    args.project = Project.at(args.root)
    try:
        return args.command_object.run(args)
    except GlossaryError as exc:
        print_findings(exc.findings, args.format)
        return 1
    except KeyboardInterrupt:
        print("interrupted; the previous site is unchanged", file=sys.stderr)
        return 130
