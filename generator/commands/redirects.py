"""``python -m generator redirects [--site DIR]``: the redirect pages of renamed terms, for other engines' builds."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..build.redirects import write_redirects
from ..stages.check import checked_glossary
from .base import Command


def cmd_redirects(args: argparse.Namespace) -> int:
    """Write the redirect pages of renamed terms into a built site (for sites built by other engines)."""
    glossary = checked_glossary(args.project)
    site = Path(args.site).resolve() if args.site else args.project.site_dir
    written = write_redirects(glossary, site)
    print(f"redirects: {len(written)} pages written into {site}")
    return 0


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", type=Path, default=None,
                        help="built site to add the pages to (default: site_dir of mkdocs.yml)")


COMMAND = Command("redirects", cmd_redirects, _arguments)
