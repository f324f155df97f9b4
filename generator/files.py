"""Writing files the way every stage and command does: atomically, and only when the bytes change.

Layer 0: it imports nothing of the package.
"""

from __future__ import annotations

import os
from pathlib import Path


def write_if_changed(file: Path, data: bytes | str) -> bool:
    """Write ``data`` (text as UTF-8) to ``file`` unless it already holds exactly these bytes; returns
    whether it wrote. The write goes through a temporary file beside it, so a reader never sees a half-written
    file, and an unchanged file keeps its modification time (MkDocs' dirty rebuilds and live reload rely on it)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if file.read_bytes() == raw:
            return False
    except OSError:
        pass
    file.parent.mkdir(parents=True, exist_ok=True)
    tmp = file.with_name(f".{file.name}.tmp")
    tmp.write_bytes(raw)
    os.replace(tmp, file)
    return True
