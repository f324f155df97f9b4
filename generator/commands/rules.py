"""``python -m generator rules``: list every finding code: the stages' and commands', then the consistency rules."""

from __future__ import annotations

import argparse

from ..findings import CODES
from ..stages.rules import RULES
from .base import Command


def cmd_rules(args: argparse.Namespace) -> int:
    """List every finding code: what each stage or command reports, and each consistency rule."""
    for code, what in CODES.items():
        print(f"{code} {what}")
    for rule in RULES:
        print(f"{rule.code} {rule.name}: {rule.doc}")
    return 0


COMMAND = Command("rules", cmd_rules)
