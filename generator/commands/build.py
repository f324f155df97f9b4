"""``python -m generator build``: check, generate and build the site, replacing it only on success."""

from __future__ import annotations

import argparse
import os
import time

from ..build.pipeline import build_site
from .base import Command


def cmd_build(args: argparse.Namespace) -> int:
    """Check, generate and build the site into site/, replacing it only on success."""
    started = time.perf_counter()
    result = build_site(args.project, progress=lambda msg: print(f"... {msg}", flush=True), jobs=args.jobs,
                        force=args.force, release=args.release, offline=args.offline,
                        markdown_only=args.markdown_only)
    site = args.project.site_dir
    seconds = time.perf_counter() - started
    if result.up_to_date:
        print(f"up to date: {site} in {seconds:.1f}s: data checked, nothing it is built from changed")
    else:
        print(f"built {site} in {seconds:.1f}s: {result.stats.summary()}")
    print(f"stages: {result.timings.summary()}")
    return 0


def _jobs(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("--jobs must be at least 1")
    return value


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jobs", "-j", type=_jobs, default=os.cpu_count() or 1, metavar="N",
                        help="worker processes for the steps that parallelize (default: the number of cores)")
    parser.add_argument("--force", action="store_true", help="rebuild even when nothing the site is built from changed")
    parser.add_argument("--markdown-only", action="store_true",
                        help="have MkDocs convert every page's Markdown, term pages too (slower; same text, anchors and links)")
    parser.add_argument("--release", action="store_true",
                        help="refuse a placeholder address (example.org, localhost): for the deployed site")
    parser.add_argument("--offline", action="store_true",
                        help="also write glossary-offline.zip into the site: a copy that works from file://, search included")


COMMAND = Command("build", cmd_build, _arguments)
