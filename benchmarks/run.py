"""Benchmark: ingest throughput, bulk load and named-query medians, Oxigraph next to rdflib in one run."""

from __future__ import annotations

import argparse
import io
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

from crimjust_graph.pipeline import ingest
from crimjust_graph.sparql import named_queries, run_query
from crimjust_graph.store import open_store
from crimjust_graph.vocab import PREFIXES

HERE = Path(__file__).resolve().parent


def _rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _median(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()  # type: ignore[operator]
        list(result) if not isinstance(result, bool) else None
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rdflib-repeat", type=int, default=3)
    args = parser.parse_args()

    work = HERE / "work"
    corpus = work / f"corpus-{args.docs}"
    if not corpus.is_dir():
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--count", str(args.docs), "--out", str(corpus)],
            check=True,
        )
    store_dir = work / "store"
    shutil.rmtree(store_dir, ignore_errors=True)
    lines = [
        f"# Benchmark {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Command: `python benchmarks/run.py --docs {args.docs} --workers {args.workers}`; "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "",
    ]

    store = open_store(store_dir, writable=True)
    start = time.perf_counter()
    report = ingest([corpus], store, workers=args.workers)
    elapsed = time.perf_counter() - start
    lines.append(
        f"- ingest: {report.new} documents in {elapsed:.1f} s = **{report.new / elapsed:.0f} documents/s** "
        f"({report.entities} entities, {report.relations} relations); peak RSS {_rss_mb():.0f} MB"
    )
    start = time.perf_counter()
    again = ingest([corpus], store, workers=args.workers)
    lines.append(f"- re-ingest unchanged: {again.unchanged} documents in {time.perf_counter() - start:.1f} s")

    dump = io.BytesIO()
    store.dump(dump, "nquads")
    data = dump.getvalue()
    triples = data.count(b"\n")
    bulk = ox.Store()
    start = time.perf_counter()
    bulk.bulk_load(data, ox.RdfFormat.N_QUADS)
    seconds = time.perf_counter() - start
    lines.append(
        f"- bulk load into Oxigraph: {triples} quads in {seconds:.2f} s"
        f" = **{triples / seconds:,.0f} quads/s**"
    )

    start = time.perf_counter()
    memory = Dataset(default_union=True)
    memory.parse(data=data.decode("utf-8"), format="nquads")
    lines.append(f"- rdflib in-memory parse of the same quads: {time.perf_counter() - start:.1f} s")
    lines += ["", "| query | Oxigraph median ms | rdflib median ms | ratio |", "|---|---:|---:|---:|"]
    prefix_lines = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
    for named in named_queries().values():
        ours = _median(lambda q=named.text: run_query(store, q), 7) * 1000
        theirs = _median(lambda q=named.text: memory.query(prefix_lines + q), args.rdflib_repeat) * 1000
        lines.append(f"| {named.name} | {ours:.1f} | {theirs:.0f} | {theirs / ours:.0f}x |")
    text = "\n".join(lines) + "\n"
    print(text)
    out = HERE / "results" / f"ingest-query-{args.docs}.md"
    out.parent.mkdir(exist_ok=True)
    out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
