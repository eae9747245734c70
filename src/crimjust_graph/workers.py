"""Query jobs in threads of a worker process, within a time limit; past it the process retires.

`serve` runs several worker processes, each an HTTP server on the shared socket with its own read-only
store. pyoxigraph releases the GIL while it evaluates and serializes, so a query runs in a thread and the
event loop keeps answering other clients. A thread cannot be stopped, though: when a query runs past the
limit its client gets a 503 at once, and the process stops accepting connections, finishes what it is
answering and exits, which ends the runaway query. The supervisor starts a replacement. (One-triple-pattern
lookups never come here: their work is bounded, and `protocol.answer_inline` answers them on the event
loop, which is under the same no-socket filter.)

Memory is bounded the same way: a watch reads this process's peak resident size while queries run, and
once it passes `--max-memory` the running queries answer 503 and the process retires. A kernel limit on
the process's data size (set by `limit_memory`, above the watched one) is the backstop for a query that
allocates faster than the watch looks: the allocation fails and the process ends.

Ingest workers (pipeline.py) are set up here too, by `start_ingest_worker`: each may take a fixed amount of
memory beyond what it was forked with, and dies with the ingest process, even while stuck in C code.
"""

from __future__ import annotations

import asyncio
import ctypes
import enum
import logging
import os
import queue
import resource
import signal
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from crimjust_graph.protocol import Answer, error
from crimjust_graph.sandbox import deny_network

log = logging.getLogger("crimjust_graph.server")

# Threads per process: queries that run at the same time in one process (the others wait their turn).
# Two, not more: the threads take turns on the GIL between their Rust work, and with 2 processes on a
# 2-core machine 4 threads each cost a quick query ~1.7x the CPU time of 2 (benchmarks/results/server.md).
THREADS = 2
# How often the memory watch looks while queries run (seconds).
WATCH_EVERY = 0.05
# The kernel's limit on a worker's data size, as a multiple of --max-memory: well above the watched limit,
# since it counts reserved thread stacks and allocator arenas that are not resident.
HARD_LIMIT_FACTOR = 2


class QueryRunner:
    """Runs jobs in this process's threads; a job past the time limit answers 503 and retires the process.

    The hop to a thread and back is the largest cost of a quick query, so it is kept small: jobs go to
    THREADS long-lived threads through one queue, and each comes back as one asyncio future that the job's
    thread, the time limit's timer or the memory watch settles, whichever comes first.
    """

    def __init__(self, timeout: float, max_memory: int | None = None) -> None:
        self.timeout = timeout
        self.max_memory = max_memory  # bytes of resident memory this process may reach; None: no watch
        self.retiring = False
        self.running = 0
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._waiting: set[asyncio.Future[Outcome]] = set()  # the futures of the jobs that run now
        self._exhausted = False
        self._watch: asyncio.Task[None] | None = None

    async def run(self, job: Callable[[], Answer]) -> Answer:
        """The job's answer, a 503 past the time or memory limit, or a 500 (one line) when the job fails."""
        loop = asyncio.get_running_loop()
        if not self._threads:
            self._start_threads()
        if self.max_memory is not None and self._watch is None:
            self._watch = loop.create_task(self._watch_memory(self.max_memory))
        future: asyncio.Future[Outcome] = loop.create_future()
        if self._exhausted:
            future.set_result(_OUT_OF_MEMORY)
        else:
            self._jobs.put((job, future, loop))
        self.running += 1
        self._waiting.add(future)
        timer = loop.call_later(self.timeout, _settle, future, _TIMED_OUT)
        try:
            outcome = await future
        finally:
            timer.cancel()
            self._waiting.discard(future)
            self.running -= 1
        if isinstance(outcome, Answer):
            return outcome
        if outcome is _OUT_OF_MEMORY:
            self._retire(f"this process passed its memory limit of {_megabytes(self.max_memory)}")
            return error(
                503,
                f"the query needed more than this server's memory limit of {_megabytes(self.max_memory)} "
                "and was stopped: narrow it or add LIMIT",
            )
        self._retire(f"a query ran past the {self.timeout:g} s time limit")
        return error(503, f"the query ran past the {self.timeout:g} s time limit and was stopped")

    def _start_threads(self) -> None:
        for n in range(THREADS):
            thread = threading.Thread(target=_run_jobs, args=(self._jobs,), name=f"query_{n}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def _retire(self, why: str) -> None:
        if not self.retiring:
            self.retiring = True
            log.warning(
                "worker %d: %s; this process finishes its other requests and exits, and a new one takes "
                "its place",
                os.getpid(),
                why,
            )
            _stop_this_process()

    async def _watch_memory(self, limit: int) -> None:
        """Stop the running jobs once this process's resident size passes `limit` (looked at as they run)."""
        while not self._exhausted:
            await asyncio.sleep(WATCH_EVERY)
            if self.running and peak_memory() > limit:
                self._exhausted = True
        for future in self._waiting:
            _settle(future, _OUT_OF_MEMORY)

    def close(self) -> None:
        """End the process now that its requests are answered (uvicorn has drained the connections).

        A plain exit would wait for every thread, and a query still evaluating (a runaway, or one whose
        client left) could hold it for hours; nothing is left to write, so leave at once.
        """
        logging.shutdown()
        os._exit(0)


class _Limit(enum.Enum):
    """Why a job's future was settled without its answer."""

    TIMED_OUT = "time"
    OUT_OF_MEMORY = "memory"


_TIMED_OUT = _Limit.TIMED_OUT
_OUT_OF_MEMORY = _Limit.OUT_OF_MEMORY
Outcome = Answer | _Limit
_Job = tuple[Callable[[], Answer], "asyncio.Future[Outcome]", asyncio.AbstractEventLoop]


def _settle(future: asyncio.Future[Outcome], outcome: Outcome) -> None:
    """The first outcome a job's future gets is the one its request sees (on the event loop's thread)."""
    if not future.done():
        future.set_result(outcome)


def _run_jobs(jobs: queue.SimpleQueue[_Job]) -> None:
    """A query thread: no sockets from here on (sandbox.py), then jobs until the process ends.

    A job's answer is made whole here, so its pyoxigraph results are dropped by the thread that made them;
    a failing job costs its request a 500, never the thread.
    """
    deny_network()
    while True:
        job, future, loop = jobs.get()
        try:
            answer = job()
        except Exception as exc:  # a bug must cost one request, not the process
            answer = failed(exc)
        try:
            loop.call_soon_threadsafe(_settle, future, answer)
        except RuntimeError:  # the loop has closed: the process is ending
            return
        del job, future, loop, answer


def failed(exc: Exception) -> Answer:
    """A job's bug, logged with its traceback, as its request's one-line 500."""
    log.exception("query worker error")
    return error(500, f"internal error: {type(exc).__name__}: {exc}".splitlines()[0])


def _stop_this_process() -> None:
    """Ask uvicorn to shut this worker down gracefully: stop accepting, finish requests, run lifespan end."""
    os.kill(os.getpid(), signal.SIGTERM)


def peak_memory() -> int:
    """The most resident memory this process has held, in bytes (a cheap system call)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # macOS counts bytes, Linux KiB


def limit_memory(max_memory: int) -> None:
    """Let the kernel refuse this process data (heap, anonymous maps) past HARD_LIMIT_FACTOR x `max_memory`.

    The watch in QueryRunner answers first in all but the fastest runaways; this limit makes sure one of
    them costs its worker process, never the machine.
    """
    hard = max_memory * HARD_LIMIT_FACTOR
    _, ceiling = resource.getrlimit(resource.RLIMIT_DATA)
    if ceiling != resource.RLIM_INFINITY:
        hard = min(hard, ceiling)
    resource.setrlimit(resource.RLIMIT_DATA, (hard, ceiling))


def _megabytes(size: int | None) -> str:
    return f"{(size or 0) >> 20} MB"


def start_ingest_worker(parent: int, max_memory: int | None) -> None:
    """Set up a forked ingest worker: it dies with `parent`, and may take `max_memory` more bytes of data."""
    die_with_parent(parent)
    if max_memory:
        limit_data_growth(max_memory)


# prctl(2) option: the signal the kernel sends this process when its parent ends.
_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> None:
    """Have the kernel kill this process when `parent` ends, however it ends (`kill -9` included).

    A worker stuck in C code neither runs signal handlers nor notices a closed pipe, so without this it
    would outlive a killed ingest for as long as its document takes. Linux only; elsewhere a no-op.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent ended before the request was made
        os._exit(1)


def limit_data_growth(extra: int) -> None:
    """Let the kernel refuse this process data (heap, anonymous maps) past what it holds now plus `extra`.

    Relative, since a forked worker starts with its parent's data, which it does not grow: Python then
    raises MemoryError for the document that asked for too much, and a library in C or Rust aborts.
    """
    limit = _data_size() + extra
    _, ceiling = resource.getrlimit(resource.RLIMIT_DATA)
    if ceiling != resource.RLIM_INFINITY:
        limit = min(limit, ceiling)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, ceiling))


def _data_size() -> int:
    """This process's data size in bytes, as RLIMIT_DATA counts it (its peak resident size off Linux)."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return peak_memory()
    return int(status.split("VmData:")[1].split()[0]) << 10
