"""``python -m generator export [--out DIR]``: write the machine-readable exports."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..build.export import write_exports
from ..findings import EXPORT, Finding, GlossaryError
from ..project import SITE_MARKER, Project
from ..stages.check import checked_glossary
from .base import Command


def _check_out(project: Project, out: Path, site: Path) -> list[Finding]:
    """``out`` must not be one of the project's own folders, and the default (the site) must be built."""
    root, *sources = project.folders
    out = out.resolve()
    if out == root or any(out.is_relative_to(p) for p in sources):
        return [Finding(str(out), 1, 1, "refusing to write exports into the project's own files",
                        "pass --out with a directory of its own, such as site or export", code=EXPORT)]
    if out == site and not (site / SITE_MARKER).exists():
        return [Finding(str(out), 1, 1, "the site has not been built here yet",
                        "run python -m generator build (it writes the exports too), or pass --out DIR", code=EXPORT)]
    return []


def cmd_export(args: argparse.Namespace) -> int:
    """Write glossary.json, glossary.schema.json and glossary.skos.ttl (default: into the built site)."""
    site = args.project.site_dir
    out = Path(args.out) if args.out else site
    glossary = checked_glossary(args.project)
    problems = _check_out(args.project, out, site)
    if problems:
        raise GlossaryError(problems)
    for file in write_exports(glossary, out):
        print(f"wrote {file}")
    return 0


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=None,
                        help="directory to write into (default: the built site, site_dir of mkdocs.yml)")


COMMAND = Command("export", cmd_export, _arguments)
