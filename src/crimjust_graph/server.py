"""SPARQL 1.1 Protocol over HTTP (thin): requests -> protocol.py -> query threads (workers.py) -> responses.

`serve` starts a supervisor and `--workers` processes; each serves HTTP on the shared socket with its own
read-only open of the store, and a process that dies or retires (workers.py) is replaced. uvicorn's
httptools protocol is kept, with the guards it lacks added by `GuardedHttp`: a deadline to send a whole
request, a cap on the size of its head, and room kept for new clients when slow ones pile up.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import ipaddress
import json
import logging
import os
import re
import resource
import socket
import time
import urllib.parse
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

from crimjust_graph import protocol
from crimjust_graph.errors import CrimjustError
from crimjust_graph.protocol import Answer, Operation, ProtocolError, error
from crimjust_graph.sandbox import deny_network
from crimjust_graph.store import QueryableStore, files_stamp, open_store
from crimjust_graph.workers import QueryRunner, failed, limit_memory

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

MAX_BODY = 1 << 20  # bytes of request body; queries are small, this only stops floods
MAX_URL = 16 << 10  # bytes of query string (the HTTP parser refuses far longer lines itself)
_STATIC = {
    "app.js": "text/javascript; charset=utf-8",
    "app.css": "text/css; charset=utf-8",
    "editor.js": "text/javascript; charset=utf-8",  # built from frontend/ (CodeMirror 6)
    "editor-licences.txt": "text/plain; charset=utf-8",
    "entity.css": "text/css; charset=utf-8",  # entity pages (entity_pages.py)
}
_PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'"
)
_NO_FRAMES = [("content-security-policy", "frame-ancestors 'none'"), ("x-frame-options", "DENY")]
READ_TIMEOUT = 10.0  # seconds a client has to send a whole request, head and body, once it has begun
MAX_HEAD = 64 << 10  # bytes of request line and headers
SPARE_FILES = 64  # file descriptors a worker keeps for the store and new clients (see GuardedHttp)
_HOST = re.compile(r"[A-Za-z0-9.-]+(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?")
log = logging.getLogger("crimjust_graph.server")


@dataclass(frozen=True)
class Settings:
    """What `serve` was started with."""

    store: Path
    workers: int = 2
    timeout: float = 30.0
    max_rows: int | None = 10_000
    allow_origin: str | None = None
    max_memory: int | None = 1024  # MB of resident memory per worker process
    allow_hosts: tuple[str, ...] = ()  # Host names besides localhost and IP addresses (DNS rebinding)

    def to_env(self) -> str:
        return json.dumps({**asdict(self), "store": str(self.store)})

    @classmethod
    def from_env(cls, text: str) -> Settings:
        values = json.loads(text)
        return cls(**{**values, "store": Path(values["store"]), "allow_hosts": tuple(values["allow_hosts"])})

    @property
    def max_bytes(self) -> int | None:
        """The largest result body a worker writes: a quarter of its memory, leaving room for copies."""
        return (self.max_memory << 20) // 4 if self.max_memory else None


# How the supervisor hands the settings to the worker processes it spawns.
_SETTINGS_ENV = "CRIMJUST_SERVE_SETTINGS"


class App:
    """The ASGI application: /sparql, /, /static/*, /queries, /prefixes, /vocabulary, /bind, /health, /page.

    /vocabulary and /bind serve the query page (querypage.py).
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.runner = QueryRunner(
            settings.timeout, settings.max_memory << 20 if settings.max_memory else None
        )
        self.store: QueryableStore | None = None
        self.vocabulary: tuple[int, Answer] | None = None
        # The last MAX_PAGES pages /page drew, while the store is unchanged.
        self.pages: dict[PageRequest, Answer] = {}
        self.pages_stamp: int | None = None
        self.access_log = AccessLog() if log.isEnabledFor(logging.INFO) else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    self.store = open_store(self.settings.store)
                except CrimjustError as exc:
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                # The event loop answers lookups itself (protocol.answer_inline), so it gives up new sockets
                # too: it only accepts connections on the socket it was handed, which the filter allows.
                deny_network()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                if self.access_log is not None:
                    self.access_log.flush()
                self.runner.close()
                return

    async def _http(self, scope: Scope, receive: Receive, send: Send) -> None:
        start = time.perf_counter()
        method: str = scope["method"]
        path: str = scope["path"]
        headers: dict[str, str] = {}
        for key, value in scope["headers"]:
            name = key.decode("latin-1").lower()
            text = value.decode("latin-1")
            headers[name] = f"{headers[name]}, {text}" if name in headers else text
        extra: list[tuple[str, str]] = []
        host = headers.get("host")
        if host is not None and not _known_host(host, self.settings.allow_hosts):
            answer = error(
                421, f"Host {host} does not name this server: start serve with --allow-host NAME to accept it"
            )
        elif "websocket" in headers.get("upgrade", "").lower():
            answer = error(400, "this endpoint does not speak WebSocket: send plain HTTP requests")
        elif path in ("/sparql", "/sparql/"):
            extra.append(("vary", "Accept"))
            answer = await self._sparql(scope, receive, method, headers, extra)
        elif path == "/page" and method in ("GET", "HEAD"):
            answer = await self._page(scope.get("query_string", b""), extra)
        elif path.startswith("/id/"):
            answer = await self._entity(scope, method, headers.get("accept"), extra)
        else:
            answer = await self._other(method, path, extra, scope.get("query_string", b""))
        if self.access_log is not None:
            client = scope.get("client") or ("-", 0)
            self.access_log.add(
                f'{client[0]} "{_printable(method)} {_printable(path)}" {answer.status} {answer.kind or "-"} '
                f"{(time.perf_counter() - start) * 1000:.1f} ms {len(answer.body)} B"
            )
        await self._send(send, answer, extra, headers.get("origin"), head=method == "HEAD")

    async def _sparql(
        self,
        scope: Scope,
        receive: Receive,
        method: str,
        headers: dict[str, str],
        extra: list[tuple[str, str]],
    ) -> Answer:
        if method == "OPTIONS":
            extra.append(("allow", "GET, POST, OPTIONS"))
            if self.settings.allow_origin:
                extra += [
                    ("access-control-allow-methods", "GET, POST, OPTIONS"),
                    ("access-control-allow-headers", "Content-Type, Accept"),
                    ("access-control-max-age", "600"),
                ]
            return Answer(204, "text/plain", b"")
        if method not in ("GET", "POST"):
            extra.append(("allow", "GET, POST, OPTIONS"))
            return error(
                405, f"{method} is not allowed on /sparql: use GET or POST (this endpoint is read-only)"
            )
        query_string: bytes = scope.get("query_string", b"")
        if len(query_string) > MAX_URL:
            return error(414, f"the URL is over {MAX_URL} bytes: POST the query instead")
        length = headers.get("content-length", "0")
        if not length.isdigit() or int(length) > MAX_BODY:
            return error(413, f"the request body is over {MAX_BODY} bytes")
        try:
            body = await _read_body(receive)
        except _ClientGone:
            return error(400, "the client left before its request arrived whole (nothing is sent)")
        if body is None:
            return error(413, f"the request body is over {MAX_BODY} bytes")
        host = headers.get("host")
        op = read_operation(method, query_string, headers.get("content-type"), body, _base(scope, host))
        if isinstance(op, ProtocolError):
            if op.status == 405:
                extra.append(("allow", "GET, POST, OPTIONS"))
            return error(op.status, op.reason)
        accept = headers.get("accept")
        if not protocol.acceptable(accept):
            return error(406, f"no result format we write is in Accept: {accept}")
        assert self.store is not None
        limits = (self.settings.max_rows, self.settings.max_bytes)
        try:  # a small one-pattern lookup is answered here: bounded work, cheaper than the hop to a thread
            inline = protocol.answer_inline(self.store, op, accept, *limits)
        except Exception as exc:  # as in a query thread: a bug costs one request
            return failed(exc)
        if inline is not None:
            return inline
        return await self.runner.run(functools.partial(protocol.answer, self.store, op, accept, *limits))

    async def _entity(
        self, scope: Scope, method: str, accept: str | None, extra: list[tuple[str, str]]
    ) -> Answer:
        """Linked Data: /id/{kind}/{slug} described as HTML, Turtle or JSON-LD by content negotiation."""
        from crimjust_graph import entity_pages

        extra.append(("vary", "Accept"))
        if method not in ("GET", "HEAD"):
            extra.append(("allow", "GET, HEAD"))
            return error(405, f"{method} is not allowed on entity pages: use GET")
        raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
        request = entity_pages.read_request(scope["path"], raw_path, scope.get("query_string", b""), accept)
        if isinstance(request, Answer):
            return request
        assert self.store is not None
        answer = await self.runner.run(functools.partial(entity_pages.answer, self.store, request))
        if answer.media_type.startswith("text/html"):
            extra += [("content-security-policy", _PAGE_CSP), _NO_FRAMES[1]]
        return answer

    async def _other(
        self, method: str, path: str, extra: list[tuple[str, str]], query_string: bytes = b""
    ) -> Answer:
        if method not in ("GET", "HEAD"):
            extra.append(("allow", "GET, HEAD"))
            return error(405, f"{method} is not allowed on {path}: use GET")
        if path == "/":
            extra += [("content-security-policy", _PAGE_CSP), _NO_FRAMES[1]]
            return Answer(200, "text/html; charset=utf-8", _static("index.html"))
        if path.startswith("/static/") and path[8:] in _STATIC:
            return Answer(200, _STATIC[path[8:]], _static(path[8:]))
        if path == "/queries":
            from crimjust_graph.sparql import named_queries, show_bindings

            listed = [
                {"name": q.name, "title": q.title, "text": show_bindings(q), "params": q.params}
                for q in named_queries().values()
            ]
            return _json(listed)
        if path == "/prefixes":
            from crimjust_graph.vocab import PREFIXES

            return _json(PREFIXES)
        if path in ("/vocabulary", "/bind"):
            return await self._query_page(path, query_string)
        if path == "/health":
            runner = self.runner
            status = "retiring" if runner.retiring else "ok"
            return _json({"status": status, "worker": os.getpid(), "running": runner.running})
        return error(404, f"nothing at {path}: the endpoint is /sparql, the query page is /")

    async def _query_page(self, path: str, query_string: bytes) -> Answer:
        """The editor's completion words (kept until the store changes), or a named query with its
        parameters bound (querypage.py)."""
        assert self.store is not None
        if path == "/bind":
            if len(query_string) > MAX_URL:
                return error(414, f"the URL is over {MAX_URL} bytes")
            params = dict(urllib.parse.parse_qsl(query_string.decode("latin-1"), keep_blank_values=True))
            name = params.pop("name", "")
            return await self.runner.run(functools.partial(_bound_query, self.store, name, params))
        stamp = files_stamp(self.settings.store)
        if self.vocabulary is None or self.vocabulary[0] != stamp:
            answer = await self.runner.run(functools.partial(_vocabulary, self.store))
            if answer.status != 200:
                return answer
            self.vocabulary = (stamp, answer)
        return self.vocabulary[1]

    async def _page(self, query_string: bytes, extra: list[tuple[str, str]]) -> Answer:
        """The stakeholder page, as `render` draws it: ?view=NAME&programme=&region=&since=&kind=..."""
        extra += _NO_FRAMES
        if len(query_string) > MAX_URL:
            return error(414, f"the URL is over {MAX_URL} bytes")
        try:
            request = _page_request(query_string.decode("latin-1"))
        except ValueError as exc:
            return error(400, str(exc))
        stamp = files_stamp(self.settings.store)
        if self.pages_stamp != stamp:
            self.pages, self.pages_stamp = {}, stamp  # drawn again once an ingest has changed the store
        answer = self.pages.get(request)
        if answer is None:
            assert self.store is not None
            answer = await self.runner.run(functools.partial(_render_page, self.store, request))
            if answer.status == 200:
                if len(self.pages) >= MAX_PAGES:
                    self.pages.pop(next(iter(self.pages)))
                self.pages[request] = answer
        return answer

    async def _send(
        self, send: Send, answer: Answer, extra: list[tuple[str, str]], origin: str | None, *, head: bool
    ) -> None:
        headers = [
            (b"content-type", answer.media_type.encode()),
            (b"content-length", str(len(answer.body)).encode()),
            (b"x-content-type-options", b"nosniff"),
        ]
        allowed = self.settings.allow_origin
        vary = [v for k, v in extra if k == "vary"]
        if allowed and allowed != "*":
            vary.append("Origin")  # caches must not hand one origin's answer to another
        headers += [(k.encode(), v.encode()) for k, v in extra if k != "vary"]
        if vary:
            headers.append((b"vary", ", ".join(vary).encode()))
        if allowed and (allowed == "*" or origin == allowed):
            headers.append((b"access-control-allow-origin", allowed.encode()))
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if head else answer.body})


# Requests up to this size (query string and body) have their reading remembered: clients repeat queries.
REMEMBERED_REQUEST = 8 << 10


def read_operation(
    method: str, query_string: bytes, content_type: str | None, body: bytes, base: str
) -> Operation | ProtocolError:
    """The protocol's reading of a request (protocol.py), or the refusal; remembered for small requests."""
    if len(query_string) + len(body) > REMEMBERED_REQUEST:
        return _read_operation(method, query_string, content_type, body, base)
    return _remembered_operation(method, query_string, content_type, body, base)


def _read_operation(
    method: str, query_string: bytes, content_type: str | None, body: bytes, base: str
) -> Operation | ProtocolError:
    try:
        op = protocol.parse_request(method, query_string.decode("latin-1"), content_type, body)
    except ProtocolError as exc:
        return exc.with_traceback(None)
    return Operation(op.query, op.default_graphs, op.named_graphs, base)  # dataclasses.replace costs 4x


_remembered_operation = functools.lru_cache(maxsize=256)(_read_operation)


class _ClientGone(Exception):
    """The connection closed while the body was read (a slow client cut off by GuardedHttp, say)."""


async def _read_body(receive: Receive) -> bytes | None:
    """The request body, or None once it grows past MAX_BODY (chunked uploads have no length)."""
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _ClientGone
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        parts.append(chunk)
        if not message.get("more_body", False):
            return b"".join(parts)


@functools.lru_cache(maxsize=256)
def _printable(text: str) -> str:
    """A request's method or path as the access line shows it: at most 200 characters, and a character
    outside printable ASCII (a decoded %0A, say, which would start a forged line) or a quote as its escape."""
    shown = text[:200] + ("..." if len(text) > 200 else "")
    if shown.isascii() and shown.isprintable() and '"' not in shown and "\\" not in shown:
        return shown
    return shown.encode("unicode_escape").decode("ascii").replace('"', "\\x22")


@functools.lru_cache(maxsize=64)
def _known_host(host: str, names: tuple[str, ...]) -> bool:
    """True when a Host header names this server: an IP address, localhost, or a name given to `serve`.

    A page on another site can make a browser send requests here under its own domain name once that
    name resolves to this machine (DNS rebinding); refusing names we were not told about stops that,
    and an IP address cannot be rebound.
    """
    if not _HOST.fullmatch(host):
        return False
    name = host[1 : host.index("]")] if host.startswith("[") else host.partition(":")[0]
    name = name.rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost") or name in names:
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class GuardedHttp(HttpToolsProtocol):
    """uvicorn's httptools protocol with the guards it lacks against slow and oversized requests.

    uvicorn times out idle keep-alive connections only after a response, so a client that connects and
    trickles a byte now and then holds its connection (and a file descriptor) for ever, and llhttp
    accepts headers of any size. Here a request must arrive whole within READ_TIMEOUT of its first byte
    (or of the connection), its head within MAX_HEAD bytes; and when the process nears its file limit,
    the connection that has waited longest for its request is closed to make room for a new client.
    """

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_size = 0
        self._reading_head = True
        self._since = time.monotonic()
        self._deadline: asyncio.TimerHandle | None = self.loop.call_later(READ_TIMEOUT, self._too_slow)
        if len(self.connections) > _connection_cap():
            _shed(self.connections, self)

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_deadline()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._reading_head:
            self._head_size += len(data)
        super().data_received(data)
        if self._reading_head and self._head_size > MAX_HEAD and not self.transport.is_closing():
            self._refuse(431, f"the request line and headers are over {MAX_HEAD} bytes")

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._deadline is None:
            self._since = time.monotonic()
            self._deadline = self.loop.call_later(READ_TIMEOUT, self._too_slow)

    def on_headers_complete(self) -> None:
        self._reading_head = False
        size = len(self.url) + sum(len(k) + len(v) + 4 for k, v in self.headers)
        if size <= MAX_HEAD:
            super().on_headers_complete()
            return
        app, self.app = self.app, _too_large  # uvicorn's own way to answer without the app (see 503s)
        try:
            super().on_headers_complete()
        finally:
            self.app = app

    def on_message_complete(self) -> None:
        self._stop_deadline()
        self._reading_head = True
        self._head_size = 0
        super().on_message_complete()

    def _unsupported_upgrade_warning(self) -> None:
        """No warning: App refuses a WebSocket upgrade with a plain 400."""

    def waiting(self) -> float | None:
        """Since when this connection has been waiting for a request to arrive whole; None when not."""
        return self._since if self._deadline is not None else None

    def _stop_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self) -> None:
        self._deadline = None
        if self.cycle is not None and self.cycle.response_started:
            self.transport.close()
        else:
            self._refuse(408, f"the request did not arrive whole within {READ_TIMEOUT:g} s")

    def _refuse(self, status: int, reason: str) -> None:
        """Answer with a one-line reason and close: the request cannot be read on."""
        self._stop_deadline()
        if self.transport.is_closing():
            return
        body = (reason + "\n").encode()
        head = b"content-type: text/plain; charset=utf-8\r\nconnection: close\r\ncontent-length: "
        self.transport.write(STATUS_LINE[status] + head + str(len(body)).encode() + b"\r\n\r\n" + body)
        self.transport.close()


async def _too_large(scope: Scope, receive: Receive, send: Send) -> None:
    answer = error(431, f"the request line and headers are over {MAX_HEAD} bytes")
    headers = [
        (b"content-type", answer.media_type.encode()),
        (b"content-length", str(len(answer.body)).encode()),
        (b"connection", b"close"),
    ]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})


@cache
def _connection_cap() -> int:
    """Open connections one worker allows before it sheds the slowest: the files it may still open, less
    SPARE_FILES (looked at once, when the first client connects)."""
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 1 << 20
    try:
        held = sum(1 for _ in Path("/proc/self/fd").iterdir())  # store files, socket, logs: before clients
    except OSError:
        held = 0
    return max(soft - held - SPARE_FILES, 16)


def _shed(connections: set[Any], newcomer: GuardedHttp) -> None:
    """Close the connection that has waited longest for its request, so that new clients still get in."""
    waiting = [
        (since, c)
        for c in connections
        if c is not newcomer and isinstance(c, GuardedHttp) and (since := c.waiting()) is not None
    ]
    if waiting:
        oldest = min(waiting, key=lambda item: item[0])[1]
        oldest._refuse(408, "closed to make room for other clients: the request took too long to arrive")


def _base(scope: Scope, host: str | None) -> str:
    """This endpoint's URL, the base for relative IRIs; a Host header that is not a plain host is ignored."""
    return _endpoint_url(host, tuple(scope.get("server") or ("127.0.0.1", 0)))


@functools.lru_cache(maxsize=64)
def _endpoint_url(host: str | None, server: tuple[str, int]) -> str:
    if host is None or not _HOST.fullmatch(host):
        address, port = server
        host = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
    return f"http://{host}/sparql"


PageRequest = tuple[str, tuple[str, ...], str | None, str | None, int | None]  # view, kinds, programme, ...
MAX_PAGES = 16
_PAGE_PARAMS = {"view", "kind", "programme", "region", "since"}


def _page_request(query_string: str) -> PageRequest:
    """/page's parameters, as `render`'s options; ValueError (one line) for anything else."""
    from urllib.parse import parse_qs

    try:
        params = parse_qs(query_string, strict_parsing=bool(query_string), max_num_fields=64)
    except ValueError:
        raise ValueError(f"cannot read the query string {query_string[:200]!r}") from None
    unknown = sorted(set(params) - _PAGE_PARAMS)
    if unknown:
        raise ValueError(f"/page takes {', '.join(sorted(_PAGE_PARAMS))}, not {unknown[0]!r}")
    for name, values in params.items():
        if name != "kind" and len(values) > 1:
            raise ValueError(f"/page takes one {name}, got {len(values)}")
    one = {name: values[0] for name, values in params.items() if name != "kind"}
    since = one.get("since")
    if since is not None and not (since.isascii() and since.isdigit() and len(since) <= 4):
        raise ValueError(f"since={since!r} is not a year")
    kinds = tuple(sorted(set(params.get("kind", []))))
    return (
        one.get("view", "full"),
        kinds,
        one.get("programme"),
        one.get("region"),
        None if since is None else int(since),
    )


def _render_page(store: QueryableStore, request: PageRequest) -> Answer:
    """The stakeholder page `render` would write with these options; a 400 naming a filter that matches
    nothing or an unknown view or kind."""
    from crimjust_graph.model import Kind
    from crimjust_graph.network import to_networkx
    from crimjust_graph.page import render_page
    from crimjust_graph.views import NoMatch, UnknownView, draw

    view, kinds, programme, region, since = request
    unknown = sorted(set(kinds) - {k.value for k in Kind})
    if unknown:
        return error(400, f"unknown kind {unknown[0]!r}; choose from {', '.join(Kind)}")
    try:
        graph, heading = draw(
            to_networkx(store), view, kinds=set(kinds), programme=programme, region=region, since=since
        )
    except (NoMatch, UnknownView) as exc:
        return error(400, str(exc))
    html = render_page(graph, title=heading)
    return Answer(200, "text/html; charset=utf-8", html.encode(), "page")


def _vocabulary(store: QueryableStore) -> Answer:
    from crimjust_graph.querypage import vocabulary

    return _json(vocabulary(store))


def _bound_query(store: QueryableStore, name: str, params: dict[str, str]) -> Answer:
    from crimjust_graph.querypage import bound_query

    try:
        return _json(bound_query(store, name, params))
    except CrimjustError as exc:
        return error(400, str(exc))


def _json(value: object) -> Answer:
    return Answer(200, "application/json", json.dumps(value).encode())


@cache
def _static(name: str) -> bytes:
    return resources.files("crimjust_graph").joinpath("static", name).read_bytes()


def create_app() -> App:
    """The app in one worker process, with the settings its supervisor passed down."""
    _log_to_stderr()
    settings = Settings.from_env(os.environ[_SETTINGS_ENV])
    if settings.max_memory:
        limit_memory(settings.max_memory << 20)
    return App(settings)


_LOG_FORMAT = "%(asctime)s %(message)s"


def _log_to_stderr() -> None:
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter(_LOG_FORMAT))
        _HANDLER[:] = [handler]
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


class AccessLog:
    """The line per /sparql request, as `log.info` writes it through the handler `_log_to_stderr` set up,
    at a fraction of the cost: no log record, the time formatted once a second, and the lines of the last
    ACCESS_FLUSH seconds written together (each write lets the query threads take the GIL in between)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.second = -1
        self.stamp = ""

    def add(self, message: str) -> None:
        handler = _HANDLER[0] if _HANDLER else None
        if handler is None or log.handlers != [handler]:
            log.info("%s", message)
            return
        now = time.time()
        second = int(now)
        if second != self.second:
            self.second, self.stamp = second, time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(second))
        self.lines.append(f"{self.stamp},{int((now - second) * 1000):03d} {message}\n")
        if len(self.lines) == 1:
            asyncio.get_running_loop().call_later(ACCESS_FLUSH, self.flush)

    def flush(self) -> None:
        """Write the lines held so far (also when the process ends)."""
        if not self.lines or not _HANDLER:
            return
        text, self.lines = "".join(self.lines), []
        handler = _HANDLER[0]
        with handler.lock or contextlib.nullcontext():
            handler.stream.write(text)
            handler.stream.flush()


ACCESS_FLUSH = 0.1  # seconds an access line may wait to be written
_HANDLER: list[logging.StreamHandler[Any]] = []  # the handler _log_to_stderr added


def serve(settings: Settings, *, host: str = "127.0.0.1", port: int = 7878) -> None:
    """Run the endpoint until interrupted: uvicorn's supervisor keeps `settings.workers` processes up."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    del_check = open_store(settings.store)  # fail now, with the store's own message, when it cannot open
    del del_check
    _log_to_stderr()
    _raise_file_limit()
    os.environ[_SETTINGS_ENV] = replace(settings, allow_hosts=(*settings.allow_hosts, host.lower())).to_env()
    config = uvicorn.Config(
        "crimjust_graph.server:create_app",
        factory=True,
        host=host,
        port=port,
        workers=settings.workers,
        http=GuardedHttp,
        ws="none",
        lifespan="on",
        access_log=False,
        log_level="warning",
        backlog=2048,
        timeout_keep_alive=5,
        timeout_graceful_shutdown=max(int(settings.timeout) + 1, 5),
        server_header=False,
    )
    listener = _listen(host, port)
    log.info("crimjust-graph endpoint on http://%s:%d/sparql (query page at /)", host, port)
    Multiprocess(config, sockets=[listener]).run()


def _listen(host: str, port: int) -> socket.socket:
    """The listening socket, bound here rather than by uvicorn, whose failure is a log line and exit 3:
    a busy port is one line naming it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT only, never a live listener
    try:
        listener.bind((host, port))
    except OSError as exc:
        listener.close()
        if exc.errno == errno.EADDRINUSE:
            reason = "is already in use: stop what listens there or choose another --port"
        else:
            reason = f"cannot be listened on ({exc.strerror or exc})"
        raise CrimjustError(f"port {port} on {host} {reason}") from None
    listener.set_inheritable(True)  # the worker processes accept on it
    return listener


def _raise_file_limit() -> None:
    """Use the file limit the system allows, not the lower default: each client holds a descriptor."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError):
            log.warning("could not raise the open-file limit from %d", soft)
