"""Remote ingest against the embedded store: the generated corpus into each backend, in one run.

Starts `oxigraph serve` and (when installed) Virtuoso 7 on free loopback ports, ingests the same corpus into
the embedded store and into each server with the CLI, and writes documents/s for each and their ratio to the
embedded store's (target: >= 50%) to benchmarks/results/remote-ingest-N.md.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from generate import cached_corpus
from report import publish

from crimjust_graph.engines import virtuoso_ini

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"no answer from {url} within 120 s")


@contextlib.contextmanager
def _running(args: list[str], probe: str, cwd: Path) -> Iterator[None]:
    process = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait(probe, process)
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _ingest(options: list[str], corpus: Path, env: dict[str, str]) -> tuple[float, str]:
    """Seconds for one ingest, and its summary line with the load average before and after it."""
    before = os.getloadavg()[0]
    start = time.perf_counter()
    done = subprocess.run(
        [str(BIN / "crimjust-graph"), "ingest", *options, str(corpus)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"ingest {options} failed: {done.stderr.strip()}")
    summary = done.stdout.strip().splitlines()[0]
    return seconds, f"{summary} (load {before:.1f} -> {os.getloadavg()[0]:.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=2000)
    args = parser.parse_args()
    corpus = cached_corpus(args.docs)
    rows: list[tuple[str, float, str]] = []
    load = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="remote-bench-") as tmp:
        work = Path(tmp)
        seconds, line = _ingest(["--store", str(work / "embedded")], corpus, {})
        rows.append(("embedded store", seconds, line))

        port = _port()
        (work / "oxigraph").mkdir()
        oxigraph = [str(BIN / "oxigraph"), "serve", "--location", str(work / "oxigraph")]
        with _running(
            [*oxigraph, "--bind", f"127.0.0.1:{port}"], f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", work
        ):
            base = f"http://127.0.0.1:{port}"
            seconds, line = _ingest(
                ["--endpoint", f"{base}/query", "--update-endpoint", f"{base}/update"], corpus, {}
            )
            rows.append(("oxigraph serve", seconds, line))

        virtuoso, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
        if virtuoso and isql:
            folder = work / "virtuoso"
            folder.mkdir()
            sql, http = _port(), _port()
            ini = virtuoso_ini(str(folder), sql, http, buffers=170_000)
            (folder / "virtuoso.ini").write_text(ini, "utf-8")
            base = f"http://127.0.0.1:{http}"
            with _running(
                [virtuoso, "-f", "-c", str(folder / "virtuoso.ini")], f"{base}/sparql?query=ASK%7B%7D", folder
            ):
                password = secrets.token_hex(12)
                setup = f"DB.DBA.USER_CREATE('crimjust', '{password}'); GRANT SPARQL_UPDATE TO \"crimjust\";"
                subprocess.run(
                    [isql, f"127.0.0.1:{sql}", "dba", "dba", f"exec={setup}"], check=True, capture_output=True
                )
                env = {"CRIMJUST_ENDPOINT_USER": "crimjust", "CRIMJUST_ENDPOINT_PASSWORD": password}
                options = ["--endpoint", f"{base}/sparql", "--update-endpoint", f"{base}/sparql-auth"]
                seconds, line = _ingest(options, corpus, env)
                rows.append(("Virtuoso 7.2.5", seconds, line))

    embedded = args.docs / rows[0][1]
    lines = [
        f"# Remote ingest, {args.docs} documents, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}",
        "",
        f"Command: `python benchmarks/remote.py --docs {args.docs}`; {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, load average at start {load:.1f}. "
        "One run, fresh stores.",
        "",
        "| backend | seconds | documents/s | of the embedded store's | ingest said |",
        "|---|---|---|---|---|",
    ]
    for name, seconds, line in rows:
        rate = args.docs / seconds
        lines.append(f"| {name} | {seconds:.1f} | {rate:.1f} | {rate / embedded:.0%} | {line} |")
    publish(f"remote-ingest-{args.docs}.md", lines)  # keeps the hand-written "Reading the figures"


if __name__ == "__main__":
    main()
