"""SPARQL 1.1 Protocol over HTTP (thin): requests -> protocol.py -> worker processes -> responses."""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from crimjust_graph import protocol
from crimjust_graph.protocol import Answer, ProtocolError, error
from crimjust_graph.workers import WorkerPool

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


class App:
    """The ASGI application: /sparql, /, /static/*, /queries, /prefixes, /health, /page."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.pool = WorkerPool(
            settings.store, size=settings.workers, timeout=settings.timeout, max_rows=settings.max_rows
        )
        self.page: Answer | None = None

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
                    await self.pool.start()
                except (RuntimeError, TimeoutError) as exc:
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.pool.close()
                await send({"type": "lifespan.shutdown.complete"})
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
        return await self.pool.submit(("query", op, accept))

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
            from crimjust_graph.sparql import named_queries

            listed = [{"name": q.name, "title": q.title, "text": q.text} for q in named_queries().values()]
            return _json(listed)
        if path == "/prefixes":
            from crimjust_graph.vocab import PREFIXES

            return _json(PREFIXES)
        if path == "/health":
            pool = self.pool
            return _json({"status": "ok", "workers": len(pool.workers), "idle": pool.idle.qsize()})
        if path == "/page":
            if self.page is None:
                answer = await self.pool.submit(("page",))
                if answer.status != 200:
                    return answer
                self.page = answer  # the store is a read-only snapshot: render once
            return self.page
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


def _json(value: object) -> Answer:
    return Answer(200, "application/json", json.dumps(value).encode())


@cache
def _static(name: str) -> bytes:
    return resources.files("crimjust_graph").joinpath("static", name).read_bytes()


def serve(settings: Settings, *, host: str = "127.0.0.1", port: int = 7878) -> None:
    """Run the endpoint until interrupted (uvicorn with httptools; queries in worker processes)."""
    import uvicorn

    from crimjust_graph.store import open_store

    del_check = open_store(settings.store)  # fail now, with the store's own message, when it cannot open
    del del_check
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    log.info("crimjust-graph endpoint on http://%s:%d/sparql (query page at /)", host, port)
    config = uvicorn.Config(
        App(settings),
        host=host,
        port=port,
        http="httptools",
        lifespan="on",
        access_log=False,
        log_level="warning",
        backlog=2048,
        timeout_keep_alive=5,
        server_header=False,
    )
    uvicorn.Server(config).run()
