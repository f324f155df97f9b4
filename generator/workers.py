"""Forked worker processes that cannot lose an interruption: one fork context and one worker set-up.

A signal that arrives while Python forks is handled inside the fork's own bookkeeping, where a
KeyboardInterrupt is printed and lost ("Exception ignored in ..."), so Ctrl-C or SIGTERM would
neither stop the build nor leave it quietly. :func:`fork_context` blocks SIGINT and SIGTERM for
the moment of each fork; the build's process receives them right after. Every worker starts with
:func:`quiet_worker`, which unblocks them again with the worker's own handlers.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import multiprocessing.context
import multiprocessing.pool
import signal
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

INTERRUPTS = frozenset({signal.SIGINT, signal.SIGTERM})
"""The signals that stop a build."""


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for the duration; they are delivered when the block ends."""
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, INTERRUPTS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


class _ForkProcess(multiprocessing.context.ForkProcess):
    """A forked process started with the interruption signals held back during the fork."""

    @staticmethod
    def _Popen(process_obj: Any) -> Any:
        with interrupts_deferred():
            return multiprocessing.context.ForkProcess._Popen(process_obj)


class _ForkContext(multiprocessing.context.ForkContext):
    Process = _ForkProcess  # type: ignore[assignment]


_CONTEXT = _ForkContext()


def fork_context() -> multiprocessing.context.ForkContext:
    """The multiprocessing context for the build's workers: forked (they inherit what they read), interruption-safe."""
    return _CONTEXT


def quiet_worker() -> None:
    """Set up a forked worker: interruption is the build's own process's business.

    The worker ignores SIGINT (the build's process receives it and stops the pool) and ends
    quietly on SIGTERM (how a pool stops its workers), then unblocks both (they were held back
    during the fork)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, INTERRUPTS)


_BACKGROUND: dict[str, Any] = {}
"""In a worker of :class:`InBackground`: the function and the items, inherited from the fork."""


def _start_background_worker(func: Callable[[Any], Any], items: Sequence[Any]) -> None:
    quiet_worker()
    _BACKGROUND.update(func=func, items=items)


def _apply_to(indexes: range) -> list[Any]:
    func, items = _BACKGROUND["func"], _BACKGROUND["items"]
    return [func(items[i]) for i in indexes]


class InBackground(Generic[T, R]):
    """``[func(item) for item in items]``, computed by ``jobs`` forked processes while the caller goes on with its
    own work; :meth:`result` waits for the list. ``func`` and ``items`` reach the workers by the fork, never
    pickled; the results are pickled back. The list is the same for any ``jobs``. With one job nothing runs in
    the background: :meth:`result` computes the list itself. :meth:`close` stops workers still running."""

    def __init__(self, func: Callable[[T], R], items: Sequence[T], jobs: int):
        self.func, self.items = func, items
        self.jobs = max(1, min(jobs, len(items)))
        self.results: list[R] | None = None
        self.pool: multiprocessing.pool.Pool | None = None
        if self.jobs > 1:
            self.pool = fork_context().Pool(self.jobs, initializer=_start_background_worker, initargs=(func, items))
            self.shares = self.pool.map_async(_apply_to, [range(k, len(items), self.jobs) for k in range(self.jobs)])

    def result(self) -> list[R]:
        """The results, in the order of the items (a worker's error is raised here)."""
        if self.results is None:
            if self.pool is None:
                self.results = [self.func(item) for item in self.items]
            else:
                try:
                    shares = self.shares.get()
                finally:
                    self.close()
                merged: list[R] = [None] * len(self.items)  # type: ignore[list-item]
                for k, share in enumerate(shares):
                    merged[k::self.jobs] = share
                self.results = merged
        return self.results

    def close(self) -> None:
        """Stop the workers (at once: their results are not wanted, or already in)."""
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None
