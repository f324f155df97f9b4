"""Stage 5, write: put generated pages into ``content/`` without touching anything else.

Contract:

* a file is rewritten only when its bytes change (so MkDocs' live reload and ``git status``
  see only real changes);
* the generator records what it wrote in ``content/.generated`` (one path a line) and deletes
  only files listed there whose source is gone;
* it refuses to overwrite a file it did not generate (a hand-written page), and says so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

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


def _is_generated(file: Path, manifest: set[str], rel: str) -> bool:
    if rel in manifest:
        return True
    try:
        with file.open(encoding="utf-8") as handle:
            return GENERATED_MARK in handle.read(4096)
    except (OSError, UnicodeDecodeError):
        return False


def _atomic_write(file: Path, data: bytes) -> None:
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_name(f".{file.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, file)


def write_pages(content: Path, pages: list[Page]) -> WriteStats:
    """Write ``pages`` under ``content``; remove generated files no longer produced."""
    manifest = read_manifest(content)
    stats = WriteStats()
    conflicts = [
        Finding(f"{content.name}/{p.path}", 1, 1, "a hand-written page is in the way of a generated one",
                "move or rename the hand-written page; generated pages are listed in content/.generated", code=WRITE)
        for p in pages
        if (content / p.path).exists() and not _is_generated(content / p.path, manifest, p.path)
    ]
    if conflicts:
        raise GlossaryError(conflicts)
    produced = {p.path for p in pages}
    for page in pages:
        file = content / page.path
        data = page.text.encode("utf-8")
        if file.exists() and file.read_bytes() == data:
            stats.unchanged.append(page.path)
            continue
        _atomic_write(file, data)
        stats.written.append(page.path)
    for rel in sorted(manifest - produced):
        file = content / rel
        if file.is_file():
            file.unlink()
            stats.removed.append(rel)
            _remove_empty_parents(file.parent, content)
    listing = "# Files written by python -m generator; it deletes only these.\n" + "".join(
        f"{p}\n" for p in sorted(produced))
    if not (content / MANIFEST).exists() or (content / MANIFEST).read_text(encoding="utf-8") != listing:
        _atomic_write(content / MANIFEST, listing.encode("utf-8"))
    return stats


def _remove_empty_parents(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
