"""The cyclic garbage collector, tuned for a build: a big heap of long-lived objects, built all at once.

Layer 0: it imports nothing of the package. Loading a large glossary creates millions of container
objects, almost none of them garbage, and CPython's collector, run every 700 new objects, walks them
again and again (a third of the check's time at 10,000 terms). Both settings are scoped and restored,
so a process that calls the pipeline (the tests, the preview) keeps its own.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

YOUNG_OBJECTS_PER_COLLECTION = 50_000
"""New objects between two collections of the youngest generation (CPython's default is 700)."""


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect young objects every :data:`YOUNG_OBJECTS_PER_COLLECTION` allocations inside the block."""
    threshold = gc.get_threshold()
    gc.set_threshold(max(threshold[0], YOUNG_OBJECTS_PER_COLLECTION), *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)


@contextlib.contextmanager
def frozen() -> Iterator[None]:
    """Everything alive now lives until the block ends: the collector stops walking it inside the block."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def settle() -> None:
    """Collect what is garbage now, then freeze what is alive, so that later collections stop walking it: for a
    long-lived process (the preview) after it built its big state. Each call first unfreezes what an earlier
    call froze, so state replaced since then is collected."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
