"""SPARQL 1.1 Protocol over HTTP (thin): requests -> protocol.py -> query threads (workers.py) -> responses.

`serve` starts a supervisor and `--workers` processes; each serves HTTP on the shared socket with its own
read-only open of the store, and a process that dies or retires (workers.py) is replaced.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from crimjust_graph import protocol
from crimjust_graph.errors import CrimjustError
from crimjust_graph.protocol import Answer, ProtocolError, error
from crimjust_graph.store import QueryableStore, files_stamp, open_store
from crimjust_graph.workers import QueryRunner

Scope = dict[str, Any]
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

MAX_BODY = 1 << 20  # bytes of request body; queries are small, this only stops floods
MAX_URL = 16 << 10  # bytes of query string (the HTTP parser refuses far longer lines itself)
_STATIC = {"app.js": "text/javascript; charset=utf-8", "app.css": "text/css; charset=utf-8"}
_PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:"
)
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

    def to_env(self) -> str:
        return json.dumps({**asdict(self), "store": str(self.store)})

    @classmethod
    def from_env(cls, text: str) -> Settings:
        values = json.loads(text)
        return cls(**{**values, "store": Path(values["store"])})


# How the supervisor hands the settings to the worker processes it spawns.
_SETTINGS_ENV = "CRIMJUST_SERVE_SETTINGS"


class App:
    """The ASGI application: /sparql, /, /static/*, /queries, /prefixes, /health, /page."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.runner = QueryRunner(settings.timeout)
        self.store: QueryableStore | None = None
        self.page: tuple[int, Answer] | None = None

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
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
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
        if path in ("/sparql", "/sparql/"):
            extra.append(("vary", "Accept"))
            answer = await self._sparql(scope, receive, method, headers, extra)
            client = scope.get("client") or ("-", 0)
            log.info(
                '%s "%s %s" %d %s %.1f ms %d B',
                client[0],
                method,
                path,
                answer.status,
                answer.kind or "-",
                (time.perf_counter() - start) * 1000,
                len(answer.body),
            )
        else:
            answer = await self._other(method, path, extra)
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
        body = await _read_body(receive)
        if body is None:
            return error(413, f"the request body is over {MAX_BODY} bytes")
        try:
            op = protocol.parse_request(
                method, query_string.decode("latin-1"), headers.get("content-type"), body
            )
        except ProtocolError as exc:
            if exc.status == 405:
                extra.append(("allow", "GET, POST, OPTIONS"))
            return error(exc.status, exc.reason)
        op = replace(op, base=_base(scope, headers.get("host")))
        accept = headers.get("accept")
        if not protocol.acceptable(accept):
            return error(406, f"no result format we write is in Accept: {accept}")
        assert self.store is not None
        return await self.runner.run(
            functools.partial(protocol.answer, self.store, op, accept, self.settings.max_rows)
        )

    async def _other(self, method: str, path: str, extra: list[tuple[str, str]]) -> Answer:
        if method not in ("GET", "HEAD"):
            extra.append(("allow", "GET, HEAD"))
            return error(405, f"{method} is not allowed on {path}: use GET")
        if path == "/":
            extra.append(("content-security-policy", _PAGE_CSP))
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
        if path == "/health":
            runner = self.runner
            status = "retiring" if runner.retiring else "ok"
            return _json({"status": status, "worker": os.getpid(), "running": runner.running})
        if path == "/page":
            stamp = files_stamp(self.settings.store)
            if self.page is None or self.page[0] != stamp:
                assert self.store is not None
                answer = await self.runner.run(functools.partial(_render_page, self.store))
                if answer.status != 200:
                    return answer
                self.page = (stamp, answer)  # rendered again once an ingest has changed the store
            return self.page[1]
        return error(404, f"nothing at {path}: the endpoint is /sparql, the query page is /")

    async def _send(
        self, send: Send, answer: Answer, extra: list[tuple[str, str]], origin: str | None, *, head: bool
    ) -> None:
        headers = [
            (b"content-type", answer.media_type.encode()),
            (b"content-length", str(len(answer.body)).encode()),
            (b"x-content-type-options", b"nosniff"),
        ]
        headers += [(k.encode(), v.encode()) for k, v in extra]
        allowed = self.settings.allow_origin
        if allowed and (allowed == "*" or origin == allowed):
            headers.append((b"access-control-allow-origin", allowed.encode()))
        await send({"type": "http.response.start", "status": answer.status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if head else answer.body})


async def _read_body(receive: Receive) -> bytes | None:
    """The request body, or None once it grows past MAX_BODY (chunked uploads have no length)."""
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        parts.append(chunk)
        if not message.get("more_body", False):
            return b"".join(parts)


def _base(scope: Scope, host: str | None) -> str:
    """This endpoint's URL, the base for relative IRIs; a Host header that is not a plain host is ignored."""
    if host is None or not _HOST.fullmatch(host):
        address, port = scope.get("server") or ("127.0.0.1", 0)
        host = f"[{address}]:{port}" if ":" in address else f"{address}:{port}"
    return f"http://{host}/sparql"


def _render_page(store: QueryableStore) -> Answer:
    """The stakeholder page of the whole store, as `render` writes it."""
    from crimjust_graph.network import to_networkx
    from crimjust_graph.page import render_page

    html = render_page(to_networkx(store), title="Crime-prevention programmes")
    return Answer(200, "text/html; charset=utf-8", html.encode(), "page")


def _json(value: object) -> Answer:
    return Answer(200, "application/json", json.dumps(value).encode())


@cache
def _static(name: str) -> bytes:
    return resources.files("crimjust_graph").joinpath("static", name).read_bytes()


def create_app() -> App:
    """The app in one worker process, with the settings its supervisor passed down."""
    _log_to_stderr()
    return App(Settings.from_env(os.environ[_SETTINGS_ENV]))


def _log_to_stderr() -> None:
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False


def serve(settings: Settings, *, host: str = "127.0.0.1", port: int = 7878) -> None:
    """Run the endpoint until interrupted: uvicorn's supervisor keeps `settings.workers` processes up."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    del_check = open_store(settings.store)  # fail now, with the store's own message, when it cannot open
    del del_check
    _log_to_stderr()
    os.environ[_SETTINGS_ENV] = settings.to_env()
    config = uvicorn.Config(
        "crimjust_graph.server:create_app",
        factory=True,
        host=host,
        port=port,
        workers=settings.workers,
        http="httptools",
        lifespan="on",
        access_log=False,
        log_level="warning",
        backlog=2048,
        timeout_keep_alive=5,
        timeout_graceful_shutdown=max(int(settings.timeout) + 1, 5),
        server_header=False,
    )
    socket = config.bind_socket()
    log.info("crimjust-graph endpoint on http://%s:%d/sparql (query page at /)", host, port)
    Multiprocess(config, sockets=[socket]).run()
