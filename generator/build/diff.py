"""``python -m generator diff REV``: which pages and anchors a change to ``data/`` affects, for reviewers.

Contract: :func:`diff_glossaries` compares two loaded glossaries record by record (by id, then by
content: ``model_dump``) and returns :class:`Change` items for term pages, framework pages,
level and threshold anchors, reference anchors and chapter pages, each with its permanent URL.
A term whose new record lists a removed id in ``redirect_from`` is reported as ``moved``.
:func:`load_at` loads ``data/`` as it was at a git revision (``git archive``), so both sides
go through the same :func:`generator.validate.load_glossary`. Only schema validity is needed
on both sides, not the consistency rules: a work in progress can be diffed.

Output, one line per change, in the order term, framework, level, threshold, reference, chapter,
then by id: ``<status> <kind> <url>`` with status ``added``, ``changed``, ``removed`` or ``moved``.
"""

from __future__ import annotations

import dataclasses
import io
import subprocess
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import urls
from ..findings import DIFF, Finding, GlossaryError
from ..model.records import Site
from ..project import Project
from ..stages.validate import Glossary, load_glossary
from . import export

KINDS = ("term", "framework", "level", "threshold", "reference", "chapter")


@dataclass(frozen=True, order=True)
class Change:
    """One affected page or anchor."""

    kind_order: int
    key: str
    status: str
    kind: str
    url: str
    note: str = ""

    def format(self) -> str:
        """``status kind url``, aligned, with an optional note."""
        return f"{self.status:<8}{self.kind:<10}{self.url}" + (f"  ({self.note})" if self.note else "")


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError) as exc:
        raise GlossaryError([Finding(".", 1, 1, f"cannot run git: {exc}",
                                     "install git, or run inside a git checkout", code=DIFF)]) from None


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


def _dump(model: Any) -> Any:
    return model.model_dump(mode="json")


def _compare(kind: str, old: dict[str, Any], new: dict[str, Any], url: Callable[[str], str],
             moved: dict[str, str] | None = None) -> list[Change]:
    order = KINDS.index(kind)
    out = []
    for key in sorted(old.keys() | new.keys()):
        if key not in old:
            out.append(Change(order, key, "added", kind, url(key)))
        elif key not in new:
            if moved and key in moved:
                out.append(Change(order, key, "moved", kind, url(key), f"now {url(moved[key])}"))
            else:
                out.append(Change(order, key, "removed", kind, url(key)))
        elif _dump(old[key]) != _dump(new[key]):
            out.append(Change(order, key, "changed", kind, url(key)))
    return out


def _anchors(g: Glossary, what: str) -> dict[str, Any]:
    """Levels or thresholds of every framework, keyed ``framework-id#anchor``."""
    found: dict[str, Any] = {}
    for fw in g.frameworks.values():
        items = (fw.scale.levels if fw.scale else []) if what == "level" else fw.thresholds
        for item in items:
            anchor = urls.level_anchor(item.id) if what == "level" else urls.threshold_anchor(item.id)
            found.setdefault(f"{fw.id}#{anchor}", item)
    return found


def diff_glossaries(old: Glossary, new: Glossary) -> list[Change]:
    """Every page and anchor that differs between ``old`` and ``new``, sorted by kind, then id."""
    site: Site | None = new.site or old.site
    if site is None:
        raise GlossaryError([Finding("data/site.yaml", 1, 1, "no valid site metadata on either side",
                                     "fix data/site.yaml", code=DIFF)])
    moved = {former: t.id for t in new.terms.values() for former in t.redirect_from
             if former in old.terms and former not in new.terms}

    def anchor_url(key: str) -> str:
        fid, anchor = key.split("#", 1)
        return export.framework_url(site, fid, anchor)

    changes = [
        *_compare("term", old.terms, new.terms, lambda k: export.term_url(site, k), moved),
        *_compare("framework", old.frameworks, new.frameworks, lambda k: export.framework_url(site, k)),
        *_compare("level", _anchors(old, "level"), _anchors(new, "level"), anchor_url),
        *_compare("threshold", _anchors(old, "threshold"), _anchors(new, "threshold"), anchor_url),
        *_compare("reference", old.references, new.references, lambda k: export.reference_url(site, k)),
        *_compare("chapter", {c.id: c for c in old.chapters}, {c.id: c for c in new.chapters},
                  lambda k: export.chapter_url(site, k)),
    ]
    return sorted(changes)


def diff_against(root: Path, rev: str) -> list[Change]:
    """Changes between ``data/`` at git ``rev`` and the working tree of ``root``; raises
    :class:`GlossaryError` when either side does not load and validate."""
    root = Path(root).resolve()
    new, new_findings = load_glossary(root)
    with tempfile.TemporaryDirectory(prefix="glossary-diff-") as tmp:
        old, old_findings = load_at(root, rev, Path(tmp))
    if old_findings or new_findings:
        raise GlossaryError([*old_findings, *new_findings])
    return diff_glossaries(old, new)
