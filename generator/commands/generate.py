"""``python -m generator generate``: write the generated Markdown into content/."""

from __future__ import annotations

import argparse
import os

from ..build.pipeline import generate
from .base import Command


def cmd_generate(args: argparse.Namespace) -> int:
    """Check, then write the generated Markdown into content/."""
    result = generate(args.project, jobs=os.cpu_count() or 1)  # the same pages for any number of jobs
    print(f"generated: {result.stats.summary()} ({result.timings.summary()})")
    return 0


COMMAND = Command("generate", cmd_generate)
