"""``python -m generator permalinks [--update]``: compare the site's URLs with the recorded manifest."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..build.permalinks import UPDATE_COMMAND, compare, format_manifest, permalinks, read_manifest
from ..files import write_if_changed
from ..findings import PERMALINK, Finding, GlossaryError
from ..project import PERMALINKS_MANIFEST
from ..stages.check import checked_glossary
from .base import Command


def cmd_permalinks(args: argparse.Namespace) -> int:
    """Compare the site's URLs with the recorded manifest (exit 1 if one was dropped), or --update it."""
    project = args.project
    manifest = project.permalinks if args.manifest is None else project.root / args.manifest
    glossary = checked_glossary(project)
    if args.update:
        text = format_manifest(permalinks(glossary))
        old = manifest.read_text(encoding="utf-8") if manifest.exists() else None
        write_if_changed(manifest, text)
        before = {line for line in (old or "").splitlines() if line.startswith("/")}
        now = permalinks(glossary)
        print(f"{manifest}: {len(now)} URLs ({len(now - before)} added, {len(before - now)} dropped)")
        return 0
    if not manifest.exists():
        raise GlossaryError([Finding(str(manifest), 1, 1, "no permalink manifest", f"create it: {UPDATE_COMMAND}", PERMALINK)])
    result = compare(glossary, read_manifest(manifest))
    lines = {line.strip(): n for n, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), 1)}
    for url in result.added:
        print(f"added: {url} (not yet recorded; run {UPDATE_COMMAND})")
    if result.dropped:
        raise GlossaryError([Finding(str(manifest), lines.get(url, 1), 1,
                                     f"dropped: {url} is recorded as a permanent link but the site no longer has it",
                                     result.hint(url), PERMALINK) for url in result.dropped])
    print(f"ok: every recorded permanent link is still served ({len(result.added)} new)")
    return 0


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--update", action="store_true", help="record the current URLs in the manifest")
    parser.add_argument("--manifest", type=Path, default=None,
                        help=f"manifest file, relative to --root (default: {PERMALINKS_MANIFEST})")


COMMAND = Command("permalinks", cmd_permalinks, _arguments)
