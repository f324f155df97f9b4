"""Writing files the way every stage and command does: atomically, and only when the bytes change.

Layer 0: it imports nothing of the package.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
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
    handle, tmp = _temporary_beside(file)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(raw)
        os.replace(tmp, file)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return True


def _temporary_beside(file: Path) -> tuple[int, str]:
    """A new temporary file in ``file``'s folder (created when missing), open for writing: named after the
    file, the process and the thread, so two builds or threads never share one; a leftover of the same
    name (a killed process whose number came round again) falls back to a random name. The file is readable
    by all (0644 less the umask), as a site's files must be for a web server. The folder is made only when
    it is missing: asking for it before every page cost a system call a page."""
    tmp = file.with_name(f".{file.name}.{os.getpid()}-{threading.get_native_id()}.tmp")
    for attempt in range(2):
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644), str(tmp)
        except FileNotFoundError:
            if attempt:
                raise
            file.parent.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            break
    handle, name = tempfile.mkstemp(dir=file.parent, prefix=".gen-", suffix=".tmp")
    os.fchmod(handle, 0o644)  # as the other path leaves it (mkstemp's own is 0600)
    return handle, name
