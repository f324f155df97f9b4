"""What changed, for people who cite: the terms added, removed, renamed or changed, per edition and date.

Contract of :func:`history`:

* it is derived from the git history of ``data/``: every commit that touched it is loaded
  (:func:`generator.build.revisions.load_at`) and compared with the one before, term by
  term, on :data:`TRACKED` (the definition and published definitions, the summary, the levels
  of the framework the term names, the dated claims); a term whose new record lists a
  vanished id in ``redirect_from`` is ``renamed``;
* changes are grouped per edition (``version`` of data/site.yaml at that commit) and date
  (the commit's UTC date), newest first; the same commits give the same history;
* on a shallow clone, outside git or without git, it falls back to the ``reviewed`` dates:
  one group per review date, in the current edition, each term ``reviewed``;
* each commit's snapshot is cached in ``.cache/history/`` under its hash (commits never change).
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import urls
from ..stages.validate import Glossary
from .revisions import load_at

TRACKED = ("definition", "summary", "levels", "claims")
"""The parts of a term whose change a citing author needs to know of."""

CACHE_DIR = ".cache/history"
SNAPSHOT_FORMAT = 1
KIND_ORDER = ("added", "renamed", "changed", "removed", "reviewed")


@dataclass(frozen=True)
class TermChange:
    """One term's change within a release."""

    kind: str
    term: str
    title: str
    fields: tuple[str, ...] = ()
    former: str | None = None


@dataclass(frozen=True)
class Release:
    """The changes of one edition on one date."""

    edition: str
    date: dt.date
    changes: tuple[TermChange, ...]

    @property
    def anchor(self) -> str:
        """The id of this release's section on the What changed page (and its feed entry's link)."""
        return urls.release_anchor(self.edition, self.date.isoformat())

    def counts(self) -> str:
        """``2 added, 1 changed``: how many terms of each kind."""
        kinds = [c.kind for c in self.changes]
        return ", ".join(f"{kinds.count(k)} {k}" for k in KIND_ORDER if k in kinds)


@dataclass(frozen=True)
class History:
    """Every release, newest first, where it came from, and each term's newest release."""

    releases: tuple[Release, ...]
    source: str
    last_changed: dict[str, Release] = field(default_factory=dict)


def term_states(g: Glossary) -> dict[str, dict[str, Any]]:
    """Term id -> the tracked parts of the term (as JSON values), its title and former ids."""
    level_owner = {fw.term: fw for fw in g.frameworks.values() if fw.term}
    states = {}
    for t in g.terms.values():
        fw = g.frameworks.get(t.framework) if t.framework else level_owner.get(t.id)
        states[t.id] = {
            "title": t.title,
            "definition": [t.definition, [d.model_dump(mode="json") for d in t.definitions]],
            "summary": t.summary,
            "levels": [lv.model_dump(mode="json") for lv in (fw.scale.levels if fw and fw.scale else [])],
            "claims": [c.model_dump(mode="json") for c in t.claims],
            "redirect_from": list(t.redirect_from),
        }
    return states


def compare(old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]]) -> list[TermChange]:
    """The term changes from ``old`` to ``new`` states, in id order."""
    renamed = {former: tid for tid, s in new.items() for former in s["redirect_from"] if former in old and former not in new}
    changes = []
    for tid in sorted(old.keys() | new.keys()):
        if tid not in old:
            former = next((f for f, to in renamed.items() if to == tid), None)
            changes.append(TermChange("renamed" if former else "added", tid, new[tid]["title"], (), former))
        elif tid not in new:
            if tid not in renamed:
                changes.append(TermChange("removed", tid, old[tid]["title"]))
        elif changed := tuple(f for f in TRACKED if old[tid][f] != new[tid][f]):
            changes.append(TermChange("changed", tid, new[tid]["title"], changed))
    return changes


def _merge(first: TermChange, later: TermChange) -> TermChange | None:
    """Two changes of one term on the same day as one (an addition stays an addition)."""
    if first.kind in {"added", "renamed"} and later.kind == "changed":
        return first
    if first.kind == "added" and later.kind == "removed":
        return None
    if first.kind == "changed" and later.kind == "changed":
        return TermChange("changed", later.term, later.title, tuple(f for f in TRACKED if f in first.fields + later.fields))
    return later


def git_output(root: Path, *args: str) -> str | None:
    """What ``git -C root ARGS`` prints, or None when git fails or cannot run."""
    try:
        run = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return run.stdout if run.returncode == 0 else None


def data_commits(root: Path) -> list[tuple[str, dt.date]] | None:
    """Commits that touched ``data/``, oldest first, with their UTC dates; None on a shallow clone or outside git."""
    if (git_output(root, "rev-parse", "--is-shallow-repository") or "").strip() != "false":
        return None
    log = git_output(root, "log", "--reverse", "--format=%H %ct", "--", "data")
    if log is None:
        return None
    commits = []
    for line in log.splitlines():
        commit, epoch = line.split()
        commits.append((commit, dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()))
    return commits or None


def snapshot(root: Path, commit: str) -> dict[str, Any]:
    """The edition and term states of ``data/`` at ``commit`` (cached under .cache/history/)."""
    cache = root / CACHE_DIR / f"{commit}.json"
    try:
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if cached.get("format") == SNAPSHOT_FORMAT:
            return cached
    except (OSError, ValueError):
        pass
    with tempfile.TemporaryDirectory(prefix="glossary-history-") as tmp:
        g, _ = load_at(root, commit, Path(tmp))
        value = {"format": SNAPSHOT_FORMAT, "edition": g.site.version if g.site else "",
                 "terms": term_states(g)}
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(value, sort_keys=True), encoding="utf-8")
    except OSError:
        pass
    return value


def _from_git(root: Path, commits: list[tuple[str, dt.date]]) -> History:
    grouped: dict[tuple[str, dt.date], dict[str, TermChange]] = {}
    before: dict[str, dict[str, Any]] = {}
    for commit, day in commits:
        snap = snapshot(root, commit)
        group = grouped.setdefault((snap["edition"], day), {})
        for change in compare(before, snap["terms"]):
            merged = _merge(group[change.term], change) if change.term in group else change
            if merged is None:
                del group[change.term]
            else:
                group[change.term] = merged
        before = snap["terms"]
    releases = [Release(edition, day, tuple(sorted(changes.values(), key=lambda c: (KIND_ORDER.index(c.kind), c.term))))
                for (edition, day), changes in grouped.items() if changes]
    return _history(releases, "git")


def _from_reviews(g: Glossary) -> History:
    edition = g.site.version if g.site else ""
    days: dict[dt.date, list[TermChange]] = {}
    for t in g.terms.values():
        days.setdefault(t.reviewed, []).append(TermChange("reviewed", t.id, t.title))
    return _history([Release(edition, day, tuple(changes)) for day, changes in days.items()], "reviewed")


def _history(releases: list[Release], source: str) -> History:
    ordered = tuple(sorted(releases, key=lambda r: (r.date, r.edition), reverse=True))
    last: dict[str, Release] = {}
    for release in ordered:
        for change in release.changes:
            last.setdefault(change.term, release)
    return History(ordered, source, last)


def history(g: Glossary) -> History:
    """The glossary's history from git, or from the review dates (see the module's contract)."""
    commits = data_commits(Path(g.root))
    return _from_git(Path(g.root), commits) if commits else _from_reviews(g)
