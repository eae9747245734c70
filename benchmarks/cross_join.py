"""Benchmark: peak resident memory of `serve` workers while clients send cross joins (issue 15, item 3).

Target: a cross join against `serve` with its default limits stays under 300 MB per worker process.
The store is the dev corpus (../shared/corpus/dev/texts) ingested once into benchmarks/work/cross-join.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from report import publish

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
CORPUS = HERE.parent.parent / "shared" / "corpus" / "dev" / "texts"
TARGET_MB = 300
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
CROSS = "{ ?d cj:text ?t . ?a ?b ?c . ?e ?f ?g }"
QUERIES = [
    ("SELECT, JSON", f"SELECT ?t WHERE {CROSS}", "application/sparql-results+json"),
    ("SELECT, XML", f"SELECT ?t WHERE {CROSS}", "application/sparql-results+xml"),
    ("SELECT, CSV", f"SELECT ?t WHERE {CROSS}", "text/csv"),
    ("SELECT *, TSV", f"SELECT * WHERE {CROSS}", "text/tab-separated-values"),
    # Distinct triples: Oxigraph drops repeated ones, and a template that repeats churns to the time limit.
    ("CONSTRUCT, Turtle", f"CONSTRUCT {{ ?d ?b ?a . ?a ?f ?e }} WHERE {CROSS}", "text/turtle"),
    ("CONSTRUCT, JSON-LD", f"CONSTRUCT {{ ?d ?b ?a . ?a ?f ?e }} WHERE {CROSS}", "application/ld+json"),
]
# Sorting needs every row before the first: the engine holds them all, and the memory limit has to act.
RUNAWAY = ("SELECT ... ORDER BY (sorts all rows)", f"SELECT ?t WHERE {CROSS} ORDER BY ?t ?a LIMIT 1", "")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build_store(folder: Path) -> Path:
    store = folder / "store"
    if not (store / "CURRENT").exists():
        if not CORPUS.is_dir():
            raise SystemExit(f"{CORPUS} is missing: this benchmark needs ../shared beside the checkout")
        command = [str(BIN / "crimjust-graph"), "ingest", "--store", str(store), str(CORPUS)]
        subprocess.run(command, check=True)
    return store


def workers(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class Sampler:
    """Polls every worker's peak resident size (VmHWM) every 20 ms; keeps the highest seen per process."""

    def __init__(self, serve_pid: int) -> None:
        self.serve_pid = serve_pid
        self.peaks: dict[int, int] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            for pid in workers(self.serve_pid):
                self.peaks[pid] = max(self.peaks.get(pid, 0), status_kb(pid, "VmHWM"))
            time.sleep(0.02)

    def close(self) -> dict[int, int]:
        self.stop.set()
        self.thread.join()
        return self.peaks


def ask(port: int, query: str, accept: str) -> tuple[int, float, str]:
    data = urllib.parse.urlencode({"query": query}).encode()
    request = urllib.request.Request(f"http://127.0.0.1:{port}/sparql", data=data)
    if accept:
        request.add_header("Accept", accept)
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            body = response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        body, status = exc.read(), exc.code
    return status, time.perf_counter() - start, body.decode("utf-8", "replace").strip()[:90]


def _ask_into(outcomes: list[tuple[int, float, str]], port: int, query: str, accept: str) -> None:
    outcomes.append(ask(port, query, accept))


def run(store: Path, args: argparse.Namespace, cases: list[tuple[str, str, str]]) -> list[list[str]]:
    port = free_port()
    command = [str(BIN / "crimjust-graph"), "serve", "--store", str(store), "--port", str(port)]
    command += ["--workers", str(args.workers), *args.serve_args]
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        time.sleep(0.5)
        rows = []
        for name, query, accept in cases:
            sampler = Sampler(process.pid)
            baseline = {pid: status_kb(pid, "VmRSS") for pid in workers(process.pid)}
            results = []
            for _ in range(args.repeat):
                threads = []
                outcomes: list[tuple[int, float, str]] = []
                for _ in range(args.clients):
                    thread = threading.Thread(target=_ask_into, args=(outcomes, port, query, accept))
                    thread.start()
                    threads.append(thread)
                for thread in threads:
                    thread.join()
                results += outcomes
            time.sleep(0.3)
            peaks = sampler.close()
            statuses = sorted({str(s) for s, _, _ in results})
            slowest = max(seconds for _, seconds, _ in results)
            peak = max(peaks.values()) / 1024
            start = max(baseline.values()) / 1024
            rows.append(
                [
                    name,
                    "/".join(statuses),
                    f"{slowest:.2f} s",
                    f"{start:.0f} MB",
                    f"{peak:.0f} MB",
                    "- (shows --max-memory)" if name == RUNAWAY[0] else "yes" if peak < TARGET_MB else "no",
                    results[0][2].replace("|", "/"),
                ]
            )
            print(rows[-1], flush=True)
        return rows
    finally:
        process.terminate()
        process.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4, help="concurrent requests per round")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per query")
    parser.add_argument("serve_args", nargs="*", help="extra `serve` options (after --)")
    args = parser.parse_args()
    os.environ.setdefault("NO_COLOR", "1")
    store = build_store(HERE / "work" / "cross-join")
    count = subprocess.run(
        [*(str(BIN / "crimjust-graph"), "query", "--store", str(store), "--format", "csv"), COUNT],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[-1]
    rows = run(store, args, [*QUERIES, RUNAWAY])
    lines = [
        f"# Cross joins against serve {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Command: `{' '.join(['python benchmarks/cross_join.py', *sys.argv[1:]])}`; "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; the dev corpus "
        f"store ({int(count):,} triples in the default graph, so `?a ?b ?c . ?e ?f ?g` alone is "
        f"{int(count) ** 2:,} rows); `serve --workers {args.workers} {' '.join(args.serve_args)}` "
        f"(default --max-rows and --max-memory unless given); {args.clients} clients at once, "
        f"{args.repeat} rounds per query; peak resident size (VmHWM) of every worker sampled every 20 ms.",
        "",
        f"Target: under {TARGET_MB} MB per worker for a cross join.",
        "",
        "| query | statuses | slowest answer | worker RSS before | peak worker RSS | under target | answer |",
        "|---|---|---:|---:|---:|---|---|",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]
    publish("cross-join.md", lines)


if __name__ == "__main__":
    main()
