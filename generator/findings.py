"""Findings: every problem the pipeline reports, with a place in a file and a fix hint.

A finding is data, not an exception: stages collect them so that a contributor sees every
problem at once. :class:`GlossaryError` carries a list of findings out of a stage that
cannot go on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from difflib import get_close_matches


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at ``path:line:col`` (1-based), with an optional hint on how to fix it."""

    path: str
    line: int
    col: int
    message: str
    hint: str = ""

    def format(self) -> str:
        """Render as ``path:line:col: message (hint)``, the form editors and CI understand."""
        text = f"{self.path}:{self.line}:{self.col}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def format_github(self) -> str:
        """Render as a GitHub Actions error annotation on the offending line, escaped by the workflow-command
        rules (a file name cannot end the property list or start a second command)."""
        text = self.message + (f" ({self.hint})" if self.hint else "")
        return (f"::error file={github_property(self.path)},line={self.line},col={self.col}"
                f"::{github_message(text)}")


def github_message(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF escaped."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_property(text: str) -> str:
    """A workflow command's property value: as a message, plus ``:`` and ``,``."""
    return github_message(text).replace(":", "%3A").replace(",", "%2C")


class EnvironmentProblem(Exception):
    """A problem with the machine or the working tree rather than the data (a full disk, another build
    running): printed as one line, exit code 1."""


class GlossaryError(Exception):
    """Raised by a stage that found problems it cannot work past; carries every finding."""

    def __init__(self, findings: Iterable[Finding]):
        self.findings = sorted(set(findings))
        super().__init__("\n".join(f.format() for f in self.findings))


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A hint naming the closest known spelling of ``word``, or an empty string."""
    close = get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""
