"""Findings: every problem the pipeline reports, with a place in a file, a code and a fix hint.

A finding is data, not an exception: stages collect them so that a contributor sees every
problem at once. :class:`GlossaryError` carries a list of findings out of a stage that
cannot go on.

Every finding carries a stable code, printed the way linters print theirs
(``path:line:col: G101 message (hint)``) and usable to filter (``check --select/--ignore``).
The codes of the stages and commands are :data:`CODES` below; each consistency rule has its
own (``G1xx``, given where the rule is registered in ``stages/rules.py``). A code is never
reused for another problem: retire it instead. ``python -m generator rules`` lists them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from difflib import get_close_matches

LOAD = "G001"
SCHEMA = "G002"
DATA_LAYOUT = "G003"
NEW_TERM = "G004"
SCHEMAS_STALE = "G005"
PERMALINK = "G006"
WRITE = "G007"
BUILD = "G008"
REDIRECT = "G009"
EXPORT = "G010"
DIFF = "G011"
RENDER = "G012"
ADDRESS = "G013"
COURSE = "G014"

CODES: dict[str, str] = {
    LOAD: "a data file cannot be read or parsed as plain YAML (syntax, encoding, size, nesting, tags, duplicate keys)",
    SCHEMA: "a record does not match its model (unknown or missing field, wrong type, disallowed text)",
    DATA_LAYOUT: "the data layout is broken (no data/ folder, a required file missing, a file in the wrong place)",
    NEW_TERM: "new-term cannot create the term (the id or file exists, the file cannot be written)",
    SCHEMAS_STALE: "a JSON Schema in data/schema/ is out of date (schema --check)",
    PERMALINK: "a recorded permanent link is no longer served, or the manifest is missing (permalinks)",
    WRITE: "a hand-written page is in the way of a generated one",
    BUILD: "the site cannot be built (MkDocs error or warning, an output folder that must not be replaced)",
    REDIRECT: "a redirect of a former term id would replace a live page",
    EXPORT: "the exports cannot be written (no site metadata, an output folder that must not be replaced)",
    DIFF: "diff cannot read the revision (no git, not a repository, not a commit)",
    RENDER: "a template asks for a field that is not a Markdown field of its record (a template bug)",
    ADDRESS: "the public address cannot be used (a malformed GLOSSARY_SITE_URL or _REPO_URL, a placeholder in a release build)",
    COURSE: "chapters scan: a course file cannot be read, uses an unknown term, or disagrees with data/chapters.yaml",
}
"""The codes of the stages and commands, outside the consistency rules (G1xx)."""


@dataclass(frozen=True, order=True)
class Finding:
    """One problem at ``path:line:col`` (1-based), with an optional hint on how to fix it."""

    path: str
    line: int
    col: int
    message: str
    hint: str = ""
    code: str = ""

    def format(self) -> str:
        """Render as ``path:line:col: CODE message (hint)``, the form editors and CI understand."""
        code = f"{self.code} " if self.code else ""
        text = f"{self.path}:{self.line}:{self.col}: {code}{self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def format_github(self) -> str:
        """Render as a GitHub Actions error annotation on the offending line, titled with the code."""
        text = self.message + (f" ({self.hint})" if self.hint else "")
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        title = f",title={self.code}" if self.code else ""
        return f"::error file={self.path},line={self.line},col={self.col}{title}::{text}"

    def coded(self, code: str) -> Finding:
        """This finding with ``code``, unless it already has one."""
        return self if self.code else replace(self, code=code)


def coded(findings: Iterable[Finding], code: str) -> list[Finding]:
    """The findings, each given ``code`` unless it already has one (a stage stamps its own)."""
    return [f.coded(code) for f in findings]


def selected(findings: Iterable[Finding], select: Iterable[str] = (), ignore: Iterable[str] = ()) -> list[Finding]:
    """The findings whose code starts with one of ``select`` (all when empty) and with none of ``ignore``."""
    select, ignore = tuple(select), tuple(ignore)
    return [f for f in findings if (not select or f.code.startswith(select)) and not (ignore and f.code.startswith(ignore))]


class GlossaryError(Exception):
    """Raised by a stage that found problems it cannot work past; carries every finding."""

    def __init__(self, findings: Iterable[Finding]):
        self.findings = sorted(set(findings))
        super().__init__("\n".join(f.format() for f in self.findings))


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """A hint naming the closest known spelling of ``word``, or an empty string."""
    close = get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""
