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
import multiprocessing.process
import os
import signal
from collections.abc import Callable, Iterable, Iterator, Sequence
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


SLACK = 10
"""The niceness of workers whose results are not waited for soon (the exports, the inputs' digest): the kernel gives
the cores to the workers the build waits for first, and this work the time they leave idle."""


Worker = tuple[multiprocessing.process.BaseProcess, Any]
"""A forked worker and the end of the pipe it sends its results through."""


def _started(context: multiprocessing.context.ForkContext, target: Callable[..., None], *args: Any,
             name: str | None = None) -> Worker:
    """A forked worker running ``target(*args, send)``: it sends its results through the pipe whose other end is
    returned (this process keeps no sending end, so a worker that dies is seen as the end of the pipe). ``name``
    names the process (``multiprocessing.active_children()`` lists it so)."""
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=target, args=(*args, send), daemon=True, name=name)
    process.start()
    send.close()
    return process, receive


def _stopped(workers: Iterable[Worker]) -> None:
    """Stop ``workers`` at once (their results are not wanted, or already in) and close their pipes."""
    for process, receive in workers:
        if process.is_alive():
            process.kill()
        process.join()
        receive.close()


def _compute_share(func: Callable[[Any], Any], items: Sequence[Any], indexes: range, niceness: int, send: Any) -> None:
    """In a worker of :class:`InBackground`: the results of ``func`` for the items at ``indexes``, sent back."""
    quiet_worker()
    if niceness:
        os.nice(niceness)
    try:
        send.send((True, [func(items[i]) for i in indexes]))
    except BaseException:  # the caller computes the share again and raises the error itself
        send.send((False, None))


class InBackground(Generic[T, R]):
    """``[func(item) for item in items]``, computed by forked processes (``jobs`` of them, at most one an item)
    while the caller goes on with its own work; :meth:`result` waits for the list. ``func`` and ``items`` reach
    the workers by the fork, never pickled; the results are pickled back. The list is the same for any ``jobs``.
    A share whose worker failed or died is computed again by :meth:`result`, so a real error is raised in the
    caller's process and a killed worker never hangs it. With one job (one core) nothing runs in the background:
    :meth:`result` computes the list itself. :meth:`close` stops workers still running. ``niceness`` lowers the
    workers' priority (:data:`SLACK`) for work that is not waited for soon; ``name`` names their processes."""

    def __init__(self, func: Callable[[T], R], items: Sequence[T], jobs: int, niceness: int = 0, name: str | None = None):
        self.func, self.items = func, items
        self.jobs = max(1, min(jobs, len(items))) if jobs > 1 else 0
        self.results: list[R] | None = None
        self.workers: list[Worker] | None = None
        if self.jobs:
            context = fork_context()
            self.workers = [_started(context, _compute_share, func, items, share, niceness, name=name)
                            for share in self._shares()]

    def _shares(self) -> list[range]:
        """The indexes of the items each worker computes, interleaved."""
        return [range(k, len(self.items), self.jobs) for k in range(self.jobs)]

    def result(self) -> list[R]:
        """The results, in the order of the items (a worker's error is raised here)."""
        if self.results is None:
            if self.workers is None:
                self.results = [self.func(item) for item in self.items]
            else:
                try:
                    shares = [self._received(share, receive) for share, (_, receive) in zip(self._shares(), self.workers,
                                                                                            strict=True)]
                finally:
                    self.close()
                merged: list[R] = [None] * len(self.items)  # type: ignore[list-item]
                for k, results in enumerate(shares):
                    merged[k::self.jobs] = results
                self.results = merged
        return self.results

    def _received(self, share: range, receive: Any) -> list[R]:
        """What the worker of ``share`` sent, or the share computed here if it failed or died."""
        try:
            ok, results = receive.recv()
        except EOFError:
            ok, results = False, None
        return results if ok else [self.func(self.items[i]) for i in share]

    def close(self) -> None:
        """Stop the workers (at once: their results are not wanted, or already in)."""
        _stopped(self.workers or ())
        self.workers = None


MIN_ITEMS_PER_PROCESS = 200
"""Below this many items per process, forking costs more than it saves."""


def processes_for(items: int, jobs: int) -> int:
    """How many of ``jobs`` processes share ``items`` items: at least one, and none with fewer than
    :data:`MIN_ITEMS_PER_PROCESS` of them."""
    return max(1, min(jobs, items // MIN_ITEMS_PER_PROCESS))


def in_processes(func: Callable[[T], R], items: list[T], jobs: int) -> list[R]:
    """``[func(item) for item in items]``, computed by ``jobs`` processes: this one and forked workers take the items
    chunk by chunk (:func:`in_processes_after`, with nothing to do first), so a process that runs slower (a
    worker's first reads copy the pages it touches) takes fewer. ``func`` and what it reads are inherited, never
    pickled; results are pickled back. A chunk whose worker failed or died is computed here, so an error is raised
    here and a killed worker never hangs the build. Same result for any ``jobs``."""
    return in_processes_after(lambda: None, func, items, jobs)


CHUNKS_PER_PROCESS = 16
"""How many chunks :func:`in_processes_after` cuts each process's share into: enough that the process that ran
``first`` takes fewer of them, few enough that handing them out costs nothing."""


def in_processes_after(first: Callable[[], object], func: Callable[[T], R], items: list[T], jobs: int) -> list[R]:
    """``first()``, then ``[func(item) for item in items]``. With several ``jobs``, forked workers start on the items
    while this process runs ``first``, and this process joins them afterwards chunk by chunk
    (:func:`shared_by_chunks`), so the cores stay busy however long ``first`` takes. An error of ``first`` is
    raised as it is, the workers stopped. Same result for any ``jobs``; ``first`` always runs, once."""
    jobs = processes_for(len(items), jobs)
    pending = [first]

    def run_first() -> None:
        while pending:
            pending.pop()()

    if jobs < 2:
        run_first()
        return [func(item) for item in items]

    def work(indexes: list[int]) -> list[R]:
        return [func(items[i]) for i in indexes]

    def here(indexes: list[int]) -> list[R]:
        run_first()
        return work(indexes)

    done = shared_by_chunks(work, range(len(items)), jobs, max(1, len(items) // (jobs * CHUNKS_PER_PROCESS)), here)
    run_first()
    return [done[i] for i in range(len(items))]


_SHARED: dict[str, Any] = {}
"""The work :func:`shared_by_chunks` shares, set before its workers fork (they inherit it)."""


def _next_chunk() -> int:
    counter = _SHARED["counter"]
    with counter.get_lock():
        taken = counter.value
        counter.value += 1
    return taken


def _take_chunks(work: Callable[[list[int]], list[Any]]) -> dict[int, list[Any]]:
    """Do chunk after chunk of the shared work until none is left; the results by chunk."""
    chunks, done = _SHARED["chunks"], {}
    while (taken := _next_chunk()) < len(chunks):
        done[taken] = work(chunks[taken])
    return done


def _take_chunks_in_worker(send: Any) -> None:
    """In a worker of :func:`shared_by_chunks`: take chunks until none is left, then send their results back."""
    quiet_worker()
    try:
        send.send(_take_chunks(_SHARED["work"]))
    except BaseException:  # the caller computes the chunks this worker took and raises the error itself
        send.send({})


def shared_by_chunks(work: Callable[[list[int]], list[R]], order: Sequence[int], jobs: int, chunk: int,
                     here: Callable[[list[int]], list[R]] | None = None) -> dict[int, R]:
    """``work(indexes)`` (one result per index) for every index of ``order``, in chunks of ``chunk`` indexes taken
    in that order by this process (through ``here``, default ``work``) and ``jobs - 1`` forked ones: each takes the
    next chunk as soon as it finished its last, so a slow page holds back one process, not a fixed share of the
    pages (put the slowest first). What the workers read is inherited; their results are pickled back. A chunk
    whose worker failed or died is done again here (a real error is raised here; nothing hangs). The results by
    index, the same for any ``jobs``."""
    chunks = [list(order[k:k + chunk]) for k in range(0, len(order), chunk)]
    context = fork_context()
    _SHARED.update(work=work, chunks=chunks, counter=context.Value("i", 0))
    workers: list[Worker] = []
    try:
        for _ in range(jobs - 1):
            workers.append(_started(context, _take_chunks_in_worker))
        done = _take_chunks(here or work)
        for _, receive in workers:
            with contextlib.suppress(EOFError):
                done.update(receive.recv())
        for taken in range(len(chunks)):
            if taken not in done:
                done[taken] = (here or work)(chunks[taken])
    finally:
        _SHARED.clear()
        _stopped(workers)
    return {i: r for taken, results in done.items() for i, r in zip(chunks[taken], results, strict=True)}
