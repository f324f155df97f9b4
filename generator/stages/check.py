"""Stage 2, complete: load and validate every record, then run every consistency rule over them."""

from __future__ import annotations

from pathlib import Path

from ..findings import Finding, GlossaryError
from ..heap import fewer_collections
from ..project import Project
from .rules import run_rules
from .validate import Glossary, load_glossary


def checked_glossary(root: Project | Path, jobs: int = 1) -> Glossary:
    """The glossary of ``root`` when it passes :func:`check`; raises :class:`GlossaryError` with every finding otherwise.
    ``jobs``: see :func:`loaded_glossary`."""
    return passing_rules(*loaded_glossary(root, jobs))


def loaded_glossary(root: Project | Path, jobs: int = 1) -> tuple[Glossary, list[Finding]]:
    """The glossary of ``root`` loaded and validated, with the findings of that (the rules are not run yet).
    ``jobs`` processes share the data files."""
    with fewer_collections():
        return load_glossary(root, jobs=jobs)


def passing_rules(glossary: Glossary, findings: list[Finding]) -> Glossary:
    """``glossary`` when it has no ``findings`` (its load's) and passes every consistency rule; raises
    :class:`GlossaryError` with all of them otherwise, sorted."""
    everything = check_rules(glossary, findings)
    if everything:
        raise GlossaryError(everything)
    return glossary


def check_rules(glossary: Glossary, findings: list[Finding]) -> list[Finding]:
    """The load's ``findings`` and those of every consistency rule over ``glossary``, sorted."""
    with fewer_collections():
        return sorted({*findings, *run_rules(glossary)})


def check(root: Project | Path) -> tuple[Glossary, list[Finding]]:
    """Load, validate and run every consistency rule; returns all findings, sorted."""
    glossary, findings = loaded_glossary(root)
    return glossary, check_rules(glossary, findings)
