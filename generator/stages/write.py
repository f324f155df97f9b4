"""Stage 5, write: put generated pages into ``content/`` without touching anything else.

Contract:

* a file is rewritten only when its bytes change (so MkDocs' live reload and ``git status``
  see only real changes);
* the generator records what it wrote in ``content/.generated`` (one path a line) and deletes
  only files listed there whose source is gone, that lie below ``content/`` and that carry the
  generated mark on their first line (a manifest line such as ``../README.md`` is ignored);
* it refuses to overwrite a file it did not generate (a hand-written page, even one that quotes
  the mark), and says so.
"""

from __future__ import annotations

import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from ..files import write_atomically, write_if_changed
from ..findings import WRITE, Finding, GlossaryError
from ..project import MANIFEST, folders_inside, is_generated, read_manifest
from .render import Page


@dataclass
class WriteStats:
    """What a write did, by path."""

    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """``pages written N, unchanged N, removed N``."""
        return f"pages written {len(self.written)}, unchanged {len(self.unchanged)}, removed {len(self.removed)}"


def _holds(file: Path, text: str) -> bool:
    """Whether ``file`` is a regular file that already holds exactly ``text`` (writing it would change nothing,
    so a lost manifest blocks nothing)."""
    try:
        return file.is_file() and not file.is_symlink() and file.read_bytes() == text.encode("utf-8")
    except OSError:
        return False


def remove_generated(content: Path) -> list[str]:
    """Delete the generated pages under ``content`` (what ``make clean`` does): only files the manifest
    lists that are below ``content`` and carry the generated mark; then the manifest itself."""
    manifest = read_manifest(content)
    removed = []
    for rel in sorted(manifest):
        if is_generated(content, rel, manifest):
            (content / rel).unlink()
            removed.append(rel)
            _remove_empty_parents((content / rel).parent, content)
    file = content / MANIFEST
    if file.is_file() and not file.is_symlink():
        file.unlink()
    return removed


def write_pages(content: Path, pages: list[Page]) -> WriteStats:
    """Write ``pages`` under ``content``; remove generated files no longer produced."""
    manifest = read_manifest(content)
    stats = WriteStats()
    inside = folders_inside(content)
    present = {p.path for p in pages if os.path.lexists(content / p.path)}  # a link, even a broken one, too
    conflicts = [
        Finding(f"{content.name}/{p.path}", 1, 1, "a hand-written page is in the way of a generated one",
                "move or rename the hand-written page; generated pages are listed in content/.generated "
                "and carry the generated mark on their first line", code=WRITE)
        for p in pages
        if p.path in present and not is_generated(content, p.path, manifest) and not _holds(content / p.path, p.text)
    ] + [
        Finding(f"{content.name}/{p.path}", 1, 1, "a folder on the way to this generated page leads outside content/",
                "replace the symbolic link by a real folder", code=WRITE)
        for p in pages if not inside(posixpath.dirname(p.path))
    ]
    if conflicts:
        raise GlossaryError(conflicts)
    produced = {p.path for p in pages}
    for page in pages:
        if page.path in present:
            written = write_if_changed(content / page.path, page.text)
        else:  # a new page: nothing to compare with
            write_atomically(content / page.path, page.text.encode("utf-8"))
            written = True
        (stats.written if written else stats.unchanged).append(page.path)
    for rel in sorted(manifest - produced):
        file = content / rel
        if is_generated(content, rel, manifest):
            file.unlink()
            stats.removed.append(rel)
            _remove_empty_parents(file.parent, content)
    listing = "# Files written by python -m generator; it deletes only these.\n" + "".join(
        f"{p}\n" for p in sorted(produced))
    write_if_changed(content / MANIFEST, listing)
    return stats


def _remove_empty_parents(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_relative_to(stop) and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
