"""``data/`` as it was at a git revision: extracted with ``git archive`` and loaded like the working tree.

Used by ``diff`` (both sides of a change) and the history (every commit that touched data/).
"""

from __future__ import annotations

import dataclasses
import io
import subprocess
import tarfile
from pathlib import Path

from ..findings import DIFF, Finding, GlossaryError
from ..project import Project
from ..stages.validate import Glossary, load_glossary


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise GlossaryError([Finding(".", 1, 1, f"cannot run git: {exc}", "install git, or run inside a git checkout",
                                     code=DIFF)]) from None


def load_at(root: Path, rev: str, dest: Path) -> tuple[Glossary, list[Finding]]:
    """Extract ``data/`` of ``root`` as of git revision ``rev`` into ``dest`` and load it.
    Findings are prefixed ``REV:`` (git's notation for a file at a revision)."""
    top = _git(root, "rev-parse", "--show-toplevel")
    if top.returncode:
        raise GlossaryError([Finding(".", 1, 1, f"{root} is not inside a git repository",
                                     "run diff in a git checkout of the glossary, or pass --root", code=DIFF)])
    toplevel = Path(top.stdout.decode().strip())
    commit = _git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    if commit.returncode:
        raise GlossaryError([Finding(f"{rev}", 1, 1, f"'{rev}' is not a commit of the repository at {toplevel}",
                                     "pass a branch, tag or commit, e.g. origin/main or HEAD~1", code=DIFF)])
    prefix = _git(root, "rev-parse", "--show-prefix").stdout.decode().strip()
    tree = f"{commit.stdout.decode().strip()}:{prefix}data"
    dest.mkdir(parents=True, exist_ok=True)
    existed = _git(toplevel, "cat-file", "-e", tree).returncode == 0
    if existed:
        archive = _git(toplevel, "archive", "--format=tar", "--prefix=data/", tree)
        if archive.returncode:
            raise GlossaryError([Finding(f"{rev}", 1, 1, f"git archive failed: {archive.stderr.decode().strip()}",
                                         "check the repository", code=DIFF)])
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(dest, filter="data")
    else:  # no data/ at that revision: everything is new
        (dest / "data").mkdir()
    glossary, findings = load_glossary(dest)
    glossary.project = Project.at(root)
    if not existed:
        return glossary, []
    return glossary, [dataclasses.replace(f, path=f"{rev}:{f.path}") for f in findings]
