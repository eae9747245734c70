"""Threads that cannot open sockets: the second, independent guard against queries that reach the network.

Oxigraph evaluates `SERVICE` by opening an HTTP connection from the thread that runs the query, and pyoxigraph
has no switch to turn that off. `sparql.check_query` refuses SERVICE from a full parse; this module makes the
refusal not the only thing standing between a query and the network: a thread that runs user queries first
installs a seccomp filter (Linux) under which `socket()` fails, for that thread only. Sockets the process
already holds (the HTTP server's listening socket and its connections) keep working, and so does accepting
new connections on them. Other threads keep the network, which is why the filter is per thread and not
process-wide. In `serve`'s worker processes the event loop's thread takes the filter too, since it answers
one-triple-pattern lookups itself.
"""

from __future__ import annotations

import errno
import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from typing import TypeVar

log = logging.getLogger("crimjust_graph.sandbox")
T = TypeVar("T")

# Every way a thread could get a new socket: plain sockets, pairs, and io_uring (which can open them itself).
_DENIED_CALLS = ("socket", "socketpair", "io_uring_setup")

_state = threading.local()


def deny_network() -> bool:
    """From now on this thread cannot create sockets (EACCES); True when the filter is in place.

    False where seccomp is not available (not Linux, or no libseccomp): the parse-based refusal then stands
    alone, and a warning says so once.
    """
    if getattr(_state, "offline", False):
        return True
    try:
        import pyseccomp as seccomp

        rules = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
        for call in _DENIED_CALLS:
            rules.add_rule(seccomp.ERRNO(errno.EACCES), call)
        rules.load()  # without the TSYNC flag: this thread (and threads it starts) only
    except (ImportError, OSError, RuntimeError, ValueError) as exc:
        _warn_unavailable(f"{type(exc).__name__}: {exc}")
        return False
    _state.offline = True
    return True


@cache
def _warn_unavailable(reason: str) -> None:
    log.warning("query threads can still open sockets (seccomp unavailable: %s)", reason)


def is_offline() -> bool:
    """Is the calling thread under the no-socket filter?"""
    return bool(getattr(_state, "offline", False))


def offline_executor(threads: int, name: str) -> ThreadPoolExecutor:
    """A thread pool whose threads deny themselves the network before their first job."""
    return ThreadPoolExecutor(threads, thread_name_prefix=name, initializer=deny_network)


@cache
def _shared() -> ThreadPoolExecutor:
    return offline_executor(1, "offline-query")


def run_offline(job: Callable[[], T]) -> T:
    """Run `job` (a query and everything that reads its lazy results) in a thread with no network."""
    if is_offline():
        return job()
    return _shared().submit(_bare_errors, job).result()


def _bare_errors(job: Callable[[], T]) -> T:
    """Errors leave the thread without their traceback: its frames hold pyoxigraph results, which must be
    dropped in the thread that made them."""
    try:
        return job()
    except Exception as exc:
        raise exc.with_traceback(None) from None
