"""Query jobs in threads of a worker process, within a time limit; past it the process retires.

`serve` runs several worker processes, each an HTTP server on the shared socket with its own read-only
store. pyoxigraph releases the GIL while it evaluates and serializes, so a query runs in a thread and the
event loop keeps answering other clients. A thread cannot be stopped, though: when a query runs past the
limit its client gets a 503 at once, and the process stops accepting connections, finishes what it is
answering and exits, which ends the runaway query. The supervisor starts a replacement.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from collections.abc import Callable

from crimjust_graph.protocol import Answer, error
from crimjust_graph.sandbox import offline_executor

log = logging.getLogger("crimjust_graph.server")

# Threads per process: queries that run at the same time in one process (the others wait their turn).
THREADS = 4


class QueryRunner:
    """Runs jobs in this process's threads; a job past the time limit answers 503 and retires the process."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.retiring = False
        self.running = 0
        self._threads = offline_executor(THREADS, "query")  # no sockets in query threads (sandbox.py)

    async def run(self, job: Callable[[], Answer]) -> Answer:
        """The job's answer, a 503 past the time limit, or a 500 (one line) when the job itself fails."""
        self.running += 1
        try:
            future = asyncio.get_running_loop().run_in_executor(self._threads, job)
            return await asyncio.wait_for(future, self.timeout)
        except TimeoutError:
            if not self.retiring:
                self.retiring = True
                log.warning(
                    "worker %d: a query ran past the %g s time limit; this process finishes its other "
                    "requests and exits, and a new one takes its place",
                    os.getpid(),
                    self.timeout,
                )
                _stop_this_process()
            return error(503, f"the query ran past the {self.timeout:g} s time limit and was stopped")
        except Exception as exc:  # a bug must cost one request, not the process
            log.exception("query worker error")
            return error(500, f"internal error: {type(exc).__name__}: {exc}".splitlines()[0])
        finally:
            self.running -= 1

    def close(self) -> None:
        """End the process now that its requests are answered (uvicorn has drained the connections).

        A plain exit would wait for every thread, and a query still evaluating (a runaway, or one whose
        client left) could hold it for hours; nothing is left to write, so leave at once.
        """
        logging.shutdown()
        os._exit(0)


def _stop_this_process() -> None:
    """Ask uvicorn to shut this worker down gracefully: stop accepting, finish requests, run lifespan end."""
    os.kill(os.getpid(), signal.SIGTERM)
