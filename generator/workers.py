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
import signal
from collections.abc import Iterator
from typing import Any

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
