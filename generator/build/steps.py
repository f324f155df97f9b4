"""Post-build steps: what runs on a freshly built site before it replaces the old one.

A step is any object with a ``name`` and a ``run(glossary, site_dir)`` that adds or rewrites
files inside ``site_dir`` only. :data:`generator.build.pipeline.POST_BUILD_STEPS` lists them,
in order, as imported objects.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, Protocol, TypeVar

from ..workers import SLACK, InBackground

T = TypeVar("T")


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


@dataclass(frozen=True)
class PreparedStep(Generic[T]):
    """A step whose work does not need the built site: ``prepare(glossary)`` computes what ``write(prepared,
    site_dir)`` then puts into the site. The build starts ``prepare`` in a forked worker before MkDocs runs
    (:func:`prepared_in_background`), so the two overlap on two cores; alone, :meth:`run` does both."""

    name: str
    prepare: Callable[[Any], T]
    write: Callable[[T, Path], object]

    def run(self, glossary: Any, site_dir: Path, prepared: Callable[[], T] | None = None) -> object:
        """Write the step's output into ``site_dir``, from ``prepared()`` when the build started it earlier."""
        return self.write(prepared() if prepared else self.prepare(glossary), site_dir)


@contextlib.contextmanager
def prepared_in_background(steps: Iterable[object], glossary: Any, jobs: int) -> Iterator[dict[str, Callable[[], Any]]]:
    """With more than one job, start each :class:`PreparedStep` of ``steps`` in a worker; yields the waits
    by step name (empty with one job). Workers still running when the block ends are stopped."""
    waits: dict[str, Callable[[], Any]] = {}
    stops: list[Callable[[], None]] = []
    try:
        if jobs > 1:
            for step in steps:
                if isinstance(step, PreparedStep):
                    # a worker's failure is computed again here, so the real error is raised by the build's process
                    work = InBackground(step.prepare, [glossary], jobs, niceness=SLACK, name=step.name)
                    waits[step.name] = lambda work=work: work.result()[0]
                    stops.append(work.close)
        yield waits
    finally:
        for stop in stops:
            stop()


def prepared_once(steps: Iterable[object], glossary: Any, waits: Mapping[str, Callable[[], Any]]) -> dict[str, Callable[[], Any]]:
    """For each :class:`PreparedStep` of ``steps``, a function that gives its prepared value, computed once: the
    worker's result (``waits``, from :func:`prepared_in_background`) or, without a worker, ``prepare(glossary)``.
    The site and its offline copy write the same prepared value."""
    return {step.name: functools.cache(waits.get(step.name) or functools.partial(step.prepare, glossary))
            for step in steps if isinstance(step, PreparedStep)}


def run_step(step: PostBuildStep, glossary: Any, site: Path, prepared: Mapping[str, Callable[[], Any]]) -> object:
    """Run ``step`` over ``site``; a :class:`PreparedStep` writes the value ``prepared`` gives it (see
    :func:`prepared_once`)."""
    if isinstance(step, PreparedStep):
        return step.run(glossary, site, prepared.get(step.name))
    return step.run(glossary, site)


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


