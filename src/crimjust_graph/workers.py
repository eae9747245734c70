"""Query worker processes: job -> Answer within a time limit; past it the worker is killed and replaced."""

from __future__ import annotations

import asyncio
import importlib
import logging
import multiprocessing
import os
import pickle
import signal
import socket
import struct
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from crimjust_graph import protocol
from crimjust_graph.protocol import Answer, error

log = logging.getLogger("crimjust_graph.server")


def _worker_main(conn: Connection, store_path: str, max_rows: int | None) -> None:
    """One query at a time on its own read-only store; killed and replaced when a query runs too long."""
    from crimjust_graph.errors import CrimjustError
    from crimjust_graph.store import open_store

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C in the terminal is for the parent, which stops us

    try:
        store = open_store(store_path)
    except CrimjustError as exc:
        conn.send_bytes(pickle.dumps(("error", str(exc))))
        return
    conn.send_bytes(pickle.dumps(("ready", None)))
    while True:
        try:
            job = pickle.loads(conn.recv_bytes())  # noqa: S301 (our own parent process)
        except (EOFError, OSError):
            return
        try:
            page = job[0] == "page"
            reply = _render_page(store) if page else protocol.answer(store, job[1], job[2], max_rows)
        except Exception as exc:  # a bug must cost one request, not the worker
            logging.getLogger(__name__).exception("query worker error")
            reply = error(500, f"internal error: {type(exc).__name__}: {exc}".splitlines()[0])
        conn.send_bytes(pickle.dumps(reply))


def _render_page(store: object) -> Answer:
    """The stakeholder page, from modules a colleague adds (imported lazily: absent means 503)."""
    try:
        network = importlib.import_module("crimjust_graph.network")
        page = importlib.import_module("crimjust_graph.page")
    except ImportError:
        return error(503, "the stakeholder page is not available in this version yet (page.py, network.py)")
    html = page.render_page(network.to_networkx(store), title="Crime-prevention programmes")
    return Answer(200, "text/html; charset=utf-8", str(html).encode(), "page")


class _Worker:
    """The parent's handle on one worker process: a non-blocking socket and a future for its next message."""

    def __init__(self, store: Path, max_rows: int | None) -> None:
        context = multiprocessing.get_context("spawn")
        parent, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child, str(store), max_rows), daemon=True)
        self.process.start()
        child.close()
        # The child speaks multiprocessing's framing (4-byte length, then the bytes); the event loop
        # reads and writes the same framing without ever blocking on a large result.
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM, fileno=os.dup(parent.fileno()))
        parent.close()
        self.sock.setblocking(False)
        self.buffer = bytearray()
        self.loop = asyncio.get_running_loop()
        self.inbox: asyncio.Future[bytes | None] = self.loop.create_future()
        self.loop.add_reader(self.sock.fileno(), self._readable)

    def _readable(self) -> None:
        try:
            chunk = self.sock.recv(1 << 20)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            self.loop.remove_reader(self.sock.fileno())
            if not self.inbox.done():
                self.inbox.set_result(None)
            return
        self.buffer += chunk
        message = _unframe(self.buffer)
        if message is not None and not self.inbox.done():
            self.inbox.set_result(message)

    async def send(self, job: tuple[Any, ...]) -> asyncio.Future[bytes | None]:
        self.inbox = self.loop.create_future()
        payload = pickle.dumps(job)
        await self.loop.sock_sendall(self.sock, struct.pack("!i", len(payload)) + payload)
        return self.inbox

    def kill(self) -> None:
        if self.sock.fileno() >= 0:
            self.loop.remove_reader(self.sock.fileno())
            self.sock.close()
        self.process.kill()
        self.process.join(timeout=5)


def _unframe(buffer: bytearray) -> bytes | None:
    """One whole message off the front of the buffer, in multiprocessing.Connection's framing."""
    if len(buffer) < 4:
        return None
    (size,) = struct.unpack("!i", buffer[:4])
    head = 4
    if size == -1:  # over 2 GiB: an 8-byte length follows
        if len(buffer) < 12:
            return None
        (size,) = struct.unpack("!Q", buffer[4:12])
        head = 12
    if len(buffer) < head + size:
        return None
    message = bytes(buffer[head : head + size])
    del buffer[: head + size]
    return message


class WorkerPool:
    """Worker processes with their own read-only store; a query past the time limit kills its worker."""

    def __init__(self, store: Path, *, size: int, timeout: float, max_rows: int | None) -> None:
        self.store = store
        self.size = size
        self.timeout = timeout
        self.max_rows = max_rows
        self.idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self.workers: set[_Worker] = set()

    async def start(self) -> None:
        await asyncio.gather(*(self._add() for _ in range(self.size)))

    async def _add(self) -> None:
        worker = _Worker(self.store, self.max_rows)
        self.workers.add(worker)
        data = await asyncio.wait_for(worker.inbox, timeout=120)
        status, detail = pickle.loads(data) if data else ("error", "the worker process exited")  # noqa: S301
        if status != "ready":
            self.workers.discard(worker)
            worker.kill()
            raise RuntimeError(f"query worker could not start: {detail}")
        self.idle.put_nowait(worker)

    def _replace(self, worker: _Worker) -> None:
        self.workers.discard(worker)
        worker.kill()
        task = asyncio.get_running_loop().create_task(self._add())
        task.add_done_callback(_log_failure)

    async def submit(self, job: tuple[Any, ...]) -> Answer:
        """Run a job on the next idle worker within the time limit; a 503 when it cannot."""
        limit = self.timeout
        if self.idle.empty():
            try:
                worker = await asyncio.wait_for(self.idle.get(), limit)
            except TimeoutError:
                return error(503, f"all {self.size} query workers stayed busy for {limit:g} s: retry")
        else:
            worker = self.idle.get_nowait()
        try:
            inbox = await worker.send(job)
        except OSError:
            self._replace(worker)
            return error(500, "the query worker stopped unexpectedly; it has been replaced")
        expired = False

        def expire() -> None:
            nonlocal expired
            expired = True
            inbox.cancel()

        # call_later costs less than asyncio.wait_for, which matters at thousands of queries a second.
        timer = asyncio.get_running_loop().call_later(limit, expire)
        try:
            data = await inbox
        except asyncio.CancelledError:
            self._replace(worker)
            if expired:
                return error(503, f"the query ran past the {limit:g} s time limit and was stopped")
            raise
        finally:
            timer.cancel()
        if data is None:
            self._replace(worker)
            return error(500, "the query worker stopped unexpectedly; it has been replaced")
        self.idle.put_nowait(worker)
        answer: Answer = pickle.loads(data)  # noqa: S301
        return answer

    def close(self) -> None:
        for worker in list(self.workers):
            worker.kill()
        self.workers.clear()


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("%s", task.exception())
