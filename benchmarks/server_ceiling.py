"""Benchmark: how many requests/s a Python HTTP front can serve at all, next to `oxigraph serve`.

`benchmarks/server.py` measures our endpoint against Oxigraph's. This one measures what any Python front
reaches on the same store and the same one-triple lookup, with none of our protocol work: a bare app that
runs the query and returns its JSON, either inline on the event loop (no time limit is possible: a running
query cannot be interrupted) or in a thread with `asyncio.wait_for` (what a time limit that still answers
other clients needs). It tells whether a target relative to Oxigraph is reachable by tuning our code.

Run: `python benchmarks/server_ceiling.py` (needs Debian's `wrk`; granian rows need `pip install granian`).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import platform
import shutil
import statistics
import subprocess
import sys
import urllib.parse
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import pyoxigraph as ox
from report import publish
from server import BIN, HERE, QUERIES, build_store, fetch, free_port, wait_up, wrk

_THREADS = ThreadPoolExecutor(4)
_STORE: ox.Store | None = None


def _answer(query_string: str) -> bytes:
    global _STORE
    if _STORE is None:
        _STORE = ox.Store.read_only(os.environ["CEILING_STORE"])
    query = urllib.parse.parse_qs(query_string)["query"][0]
    solutions = _STORE.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return solutions.serialize(format=ox.QueryResultsFormat.JSON) or b""


async def _body(query_string: str) -> bytes:
    if os.environ["CEILING_MODE"] == "inline":
        return _answer(query_string)
    job = asyncio.get_running_loop().run_in_executor(_THREADS, _answer, query_string)
    return await asyncio.wait_for(job, 30)


_HEADERS = [("content-type", "application/sparql-results+json")]


async def asgi(
    scope: dict[str, Any],
    receive: Callable[[], Awaitable[dict[str, Any]]],
    send: Callable[[dict[str, Any]], Awaitable[None]],
) -> None:
    """The bare ASGI app (uvicorn)."""
    if scope["type"] != "http":
        return
    body = await _body(scope["query_string"].decode("latin-1"))
    headers = [(k.encode(), v.encode()) for k, v in _HEADERS]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class Rsgi:
    """The bare RSGI app (granian's own interface, lighter than ASGI)."""

    async def __rsgi__(self, scope: Any, protocol: Any) -> None:
        protocol.response_bytes(200, _HEADERS, await _body(scope.query_string))


rsgi = Rsgi()


def _fronts(port: int, workers: int) -> dict[str, list[str]]:
    uvicorn = [
        *(str(BIN / "uvicorn"), "server_ceiling:asgi", "--app-dir", str(HERE)),
        *("--port", str(port), "--workers", str(workers), "--http", "httptools", "--loop", "uvloop"),
        *("--no-access-log", "--log-level", "warning"),
    ]
    fronts = {"uvicorn": uvicorn}
    if importlib.util.find_spec("granian") is not None:
        fronts["granian (RSGI)"] = [
            *(str(BIN / "granian"), "--interface", "rsgi", "--working-dir", str(HERE)),
            *("--port", str(port), "--workers", str(workers), "--log-level", "warning"),
            "server_ceiling:rsgi",
        ]
    return fronts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=1700, help="documents in the store (~59 quads each)")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    folder = HERE / "work" / "server" / f"ceiling-{args.documents}"
    quads = build_store(folder, args.documents)
    encoded = urllib.parse.quote(QUERIES["simple"])
    port = free_port()
    sparql = f"http://127.0.0.1:{port}/sparql?query={encoded}"
    oxigraph = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(folder)]
    runs: list[tuple[str, list[str], dict[str, str]]] = [
        ("oxigraph serve-read-only", [*oxigraph, "--bind", f"127.0.0.1:{port}"], {})
    ]
    for front, command in _fronts(port, args.workers).items():
        for mode, label in (("inline", "query inline, no time limit"), ("thread", "query in a thread")):
            runs.append((f"{front}, {label}", command, {"CEILING_STORE": str(folder), "CEILING_MODE": mode}))
    ours = [str(BIN / "crimjust-graph"), "serve", "--store", str(folder), "--port", str(port)]
    runs.append(("crimjust-graph serve", [*ours, "--workers", str(args.workers)], {}))

    def measure(name: str, command: list[str], env: dict[str, str]) -> float:
        url = sparql.replace("/sparql?", "/query?") if name.startswith("oxigraph") else sparql
        process = subprocess.Popen(command, env={**os.environ, **env}, stderr=subprocess.DEVNULL)
        try:
            wait_up(url)
            assert fetch(url).count(b'"value"') == 1, f"{name}: wrong answer"
            rate, bad = wrk(url, args.seconds, args.connections)
            assert bad == 0, f"{name}: {bad} failed responses"
        finally:
            process.terminate()
            process.wait(timeout=30)
        print(f"{name}: {rate:,.0f} requests/s", flush=True)
        return rate

    # Every round measures every front once, so each share compares runs minutes apart, not a whole run.
    rates: dict[str, list[float]] = {name: [] for name, _, _ in runs}
    for _ in range(args.rounds):
        for name, command, env in runs:
            rates[name].append(measure(name, command, env))
    reference = rates[runs[0][0]]
    rounds = " | ".join(f"round {n + 1}" for n in range(args.rounds))
    lines = [
        f"# Python HTTP front ceiling {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Command: `{' '.join(['python benchmarks/server_ceiling.py', *sys.argv[1:]])}`; "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{quads:,} quads; the one-triple lookup of `server.md`; `wrk -t1 -c{args.connections} "
        f"-d{args.seconds}s` on the same machine; {args.workers} processes for every Python front.",
        "",
        "Requests/s in each round, and the median over the rounds of the share of that round's Oxigraph.",
        "",
        f"| front | {rounds} | share of Oxigraph's |",
        "|---|" + "---:|" * (args.rounds + 1),
    ]
    for name, values in rates.items():
        share = statistics.median(v / r for v, r in zip(values, reference, strict=True))
        lines.append(f"| {name} | " + " | ".join(f"{v:,.0f}" for v in values) + f" | {share:.0%} |")
    lines += [
        "",
        "The bare apps do nothing but run the query and return its JSON: no protocol checks, no content",
        "negotiation, no log line. A row is an upper bound for any endpoint built on that front.",
    ]
    publish("server-ceiling.md", lines)


if __name__ == "__main__":
    main()
