"""Post-build steps: what runs on a freshly built site before it replaces the old one.

A step is any object with a ``name`` and a ``run(glossary, site_dir)`` that adds or rewrites
files inside ``site_dir`` only. :data:`generator.build.pipeline.POST_BUILD_STEPS` lists them,
in order, as imported objects.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


class PostBuildStep(Protocol):
    """A step over a built site: it reads the checked glossary and writes only inside ``site_dir``."""

    @property
    def name(self) -> str: ...

    def run(self, glossary: Any, site_dir: Path) -> object: ...


@dataclass(frozen=True)
class Step:
    """A post-build step made of a name and a function."""

    name: str
    func: Callable[[Any, Path], object]

    def run(self, glossary: Any, site_dir: Path) -> object:
        """Run the step over ``site_dir``."""
        return self.func(glossary, site_dir)


WORKERS: ContextVar[int] = ContextVar("WORKERS", default=1)
"""How many worker processes a step may use (``build --jobs``); the output must not depend on it."""


@contextlib.contextmanager
def worker_count(jobs: int) -> Iterator[None]:
    """Let the steps run inside this block use ``jobs`` worker processes."""
    token = WORKERS.set(max(1, jobs))
    try:
        yield
    finally:
        WORKERS.reset(token)


def quiet_worker() -> None:
    """Set up a forked worker process: interruption is the build's own process's business.

    The worker ignores SIGINT (the build's process receives it and stops the pool) and ends
    quietly on SIGTERM (how a pool stops its workers), instead of the build's handler, which
    turns signals into KeyboardInterrupt tracebacks."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
