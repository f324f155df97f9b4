"""``python -m generator rules``: list the consistency rules."""

from __future__ import annotations

import argparse

from ..stages.rules import RULES
from .base import Command


def cmd_rules(args: argparse.Namespace) -> int:
    """List the consistency rules with the rule each one states."""
    for rule in RULES:
        doc = " ".join((rule.__doc__ or "").split())
        print(f"{rule.__name__}: {doc}")
    return 0


COMMAND = Command("rules", cmd_rules)
