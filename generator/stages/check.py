"""Stage 2, complete: load and validate every record, then run every consistency rule over them."""

from __future__ import annotations

from pathlib import Path

from ..findings import Finding, GlossaryError
from ..heap import fewer_collections
from ..project import Project
from .rules import run_rules
from .validate import Glossary, load_glossary


def checked_glossary(root: Project | Path) -> Glossary:
    """The glossary of ``root`` when it passes :func:`check`; raises :class:`GlossaryError` with every finding otherwise."""
    glossary, findings = check(root)
    if findings:
        raise GlossaryError(findings)
    return glossary


def check(root: Project | Path) -> tuple[Glossary, list[Finding]]:
    """Load, validate and run every consistency rule; returns all findings, sorted."""
    with fewer_collections():
        glossary, findings = load_glossary(root)
        findings.extend(run_rules(glossary))
    return glossary, sorted(set(findings))
