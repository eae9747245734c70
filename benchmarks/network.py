"""Benchmark: RDF -> NetworkX (network.to_networkx) on stores built from the generated corpus.

Target (docs/design.md §6): < 5 s at 1M triples. Stores are built once under benchmarks/work/network/
and reused.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from generate import cached_corpus
from report import publish

from crimjust_graph import open_store
from crimjust_graph.network import to_networkx
from crimjust_graph.pipeline import ingest
from crimjust_graph.sparql import run_query, to_python
from crimjust_graph.store import QueryableStore
from crimjust_graph.views import VIEWS

HERE = Path(__file__).resolve().parent
WORK = HERE / "work" / "network"


def _count(store: QueryableStore, where: str) -> int:
    rows = to_python(run_query(store, f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"))
    assert not isinstance(rows, bool | list)
    return int(str(rows.rows[0][0]))


def _store(docs: int, workers: int) -> Path:
    """The store for `docs` generated documents, built on first use."""
    corpus = cached_corpus(docs, WORK)
    path = WORK / f"store-{docs}"
    if not (path / "CURRENT").is_file():
        start = time.perf_counter()
        report = ingest([corpus], open_store(path, writable=True), workers=workers)
        print(
            f"built {path} ({report.new} documents) in {time.perf_counter() - start:.0f} s", file=sys.stderr
        )
    return path


def _measure(path: Path, repeat: int) -> str:
    store = open_store(path)
    documents = _count(store, "GRAPH ?g { ?g a cj:Document }")
    quads = _count(store, "GRAPH ?g { ?s ?p ?o }")
    walls, cpus = [], []
    graph = None
    for _ in range(repeat):
        load = os.getloadavg()[0]
        cpu, wall = time.process_time(), time.perf_counter()
        graph = to_networkx(store)
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        print(
            f"  {path.name}: {walls[-1]:.2f} s wall, {cpus[-1]:.2f} s CPU, load {load:.1f}", file=sys.stderr
        )
    assert graph is not None
    start = time.perf_counter()
    for view in VIEWS.values():
        view.project(graph)
    views = time.perf_counter() - start
    return (
        f"| {documents:,} | {quads:,} | {graph.number_of_nodes():,} | {graph.number_of_edges():,} "
        f"| {statistics.median(walls):.2f} | {min(walls):.2f} | {statistics.median(cpus):.2f} "
        f"| {views:.2f} | {os.getloadavg()[0]:.1f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, nargs="+", default=[1200, 2000], help="corpus sizes")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2, help="ingest workers when a store is built")
    args = parser.parse_args()
    rows = [_measure(_store(docs, args.workers), args.repeat) for docs in args.docs]
    lines = [
        f"# RDF -> NetworkX {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Command: `python benchmarks/network.py --docs {' '.join(map(str, args.docs))} "
        f"--repeat {args.repeat}`; {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}. Target (docs/design.md §6): < 5 s at 1M triples.",
        "",
        "`to_networkx(store)` on a read-only LocalStore, 8 bulk SELECTs plus batched evidence look-ups. "
        "Quads count every graph (documents, reference, ontology, shapes). CPU is this process's CPU time, "
        "the figure to trust when other jobs share the machine (load = 1-minute load average). "
        "Stores are built once and reused (delete benchmarks/work/network/ to rebuild), so sizes "
        "built by different extractor versions differ in quads per document.",
        "",
        "| documents | quads | nodes | edges | median s | best s | CPU s | all views s | load |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
    ]
    publish("network.md", lines)


if __name__ == "__main__":
    main()
