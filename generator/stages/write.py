"""Stage 5, write: put generated pages into ``content/`` without touching anything else.

Contract:

* a file is rewritten only when its bytes change (so MkDocs' live reload and ``git status``
  see only real changes);
* the generator records what it wrote in ``content/.generated`` (one path a line) and deletes
  only files listed there whose source is gone;
* it refuses to overwrite a file it did not generate (a hand-written page), and says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..files import write_if_changed
from ..findings import WRITE, Finding, GlossaryError
from ..project import GENERATED_MARK, MANIFEST
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


def read_manifest(content: Path) -> set[str]:
    """Paths (relative to content/) that the generator wrote last time."""
    file = content / MANIFEST
    if not file.exists():
        return set()
    return {line for line in file.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")}


def is_generated(content: Path, rel: str, manifest: set[str] | None = None) -> bool:
    """Whether the file ``rel`` under ``content`` is one the generator wrote: listed in the manifest
    (read when not given), or carrying the generated mark near its top (a manifest lost or not committed)."""
    if rel in (read_manifest(content) if manifest is None else manifest):
        return True
    try:
        with (content / rel).open(encoding="utf-8") as handle:
            return GENERATED_MARK in handle.read(4096)
    except (OSError, UnicodeDecodeError):
        return False


def write_pages(content: Path, pages: list[Page]) -> WriteStats:
    """Write ``pages`` under ``content``; remove generated files no longer produced."""
    manifest = read_manifest(content)
    stats = WriteStats()
    conflicts = [
        Finding(f"{content.name}/{p.path}", 1, 1, "a hand-written page is in the way of a generated one",
                "move or rename the hand-written page; generated pages are listed in content/.generated", code=WRITE)
        for p in pages
        if (content / p.path).exists() and not is_generated(content, p.path, manifest)
    ]
    if conflicts:
        raise GlossaryError(conflicts)
    produced = {p.path for p in pages}
    for page in pages:
        written = write_if_changed(content / page.path, page.text)
        (stats.written if written else stats.unchanged).append(page.path)
    for rel in sorted(manifest - produced):
        file = content / rel
        if file.is_file():
            file.unlink()
            stats.removed.append(rel)
            _remove_empty_parents(file.parent, content)
    listing = "# Files written by python -m generator; it deletes only these.\n" + "".join(
        f"{p}\n" for p in sorted(produced))
    write_if_changed(content / MANIFEST, listing)
    return stats


def _remove_empty_parents(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
