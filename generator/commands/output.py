"""How commands print findings: as ``path:line:col: message (hint)``, or as GitHub annotations."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from ..findings import Finding


def print_findings(findings: Sequence[Finding], fmt: str = "text") -> None:
    for finding in findings:
        print(finding.format_github() if fmt == "github" else finding.format(), file=sys.stderr if fmt == "text" else sys.stdout)
    if fmt == "text":
        noun = "problem" if len(findings) == 1 else "problems"
        print(f"{len(findings)} {noun} found.", file=sys.stderr)
