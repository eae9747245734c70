"""Benchmark: ingest throughput, bulk load and named-query medians, Oxigraph next to rdflib in one run."""

from __future__ import annotations

import argparse
import io
import os
import platform
import resource
import shutil
import signal
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from generate import cached_corpus
from rdflib import Dataset
from report import write_results

from crimjust_graph import open_store
from crimjust_graph.pipeline import ingest
from crimjust_graph.sparql import named_queries, place_bindings, run_query, to_rows
from crimjust_graph.vocab import PREFIXES

HERE = Path(__file__).resolve().parent


def _rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def _children_cpu() -> float:
    """CPU seconds of the finished child processes (the workers, once the pool has ended them)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _tree_rss_mb() -> float:
    """Resident memory of this process and its children (the extraction workers) right now."""
    total = 0
    pids = [str(os.getpid())]
    for task in Path("/proc/self/task").iterdir():
        pids += (task / "children").read_text().split()
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += int(status.split("VmRSS:")[1].split()[0])
    return total / 1024


def _picks(store: object) -> dict[tuple[str, str], list[str]]:
    """For each parameter of each named query: the busiest and a typical entity of its full answer."""
    out = {}
    for named in named_queries().values():
        if not named.params:
            continue
        columns, rows = to_rows(run_query(store, named.text))  # type: ignore[arg-type]
        for var in named.params:
            at = columns.index(var)
            counts: dict[str, int] = {}
            for row in rows:
                counts[str(row[at])] = counts.get(str(row[at]), 0) + 1
            ranked = sorted(counts, key=lambda v: (-counts[v], v))
            out[(named.name, var)] = [ranked[0], ranked[len(ranked) // 2]]
    return out


def _median(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()  # type: ignore[operator]
        list(result) if not isinstance(result, bool) else None
        times.append(time.perf_counter() - start)
    return statistics.median(times)


class _Timeout(Exception):
    pass


def _rdflib_median(dataset: Dataset, query: str, repeat: int, cap: int) -> float | str | None:
    """rdflib's engine is pure Python, so an alarm can stop a query that runs past `cap` seconds."""

    def stop(_signum: int, _frame: object) -> None:
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, stop)
    try:
        times = []
        for _ in range(repeat):
            signal.alarm(cap)
            start = time.perf_counter()
            list(dataset.query(query))
            times.append(time.perf_counter() - start)
            signal.alarm(0)
        return statistics.median(times)
    except _Timeout:
        return None
    except Exception as exc:
        return f"fails ({type(exc).__name__})"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _quads(store: object) -> bytes:
    dump = io.BytesIO()
    store.dump(dump, "nquads")  # type: ignore[attr-defined]
    return dump.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=2000, help="documents for the ingest and Oxigraph runs")
    parser.add_argument("--rdflib-docs", type=int, default=200, help="documents for the side-by-side run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--rdflib-cap", type=int, default=60, help="seconds before an rdflib query is stopped"
    )
    parser.add_argument(
        "--ingest-only", action="store_true", help="measure ingest and re-ingest only (large corpora)"
    )
    args = parser.parse_args()
    kind = "ingest" if args.ingest_only else "ingest-query"
    out = f"{kind}-{args.docs}.md"
    lines = [
        f"# Benchmark {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Command: `python benchmarks/run.py --docs {args.docs} --rdflib-docs {args.rdflib_docs} "
        f"--rdflib-cap {args.rdflib_cap} --workers {args.workers}"
        f"{' --ingest-only' if args.ingest_only else ''}`; "
        f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load average at start {os.getloadavg()[0]:.1f}",
        "",
    ]

    def emit(line: str) -> None:
        lines.append(line)
        print(line, flush=True)
        write_results(out, lines)

    work = HERE / "work"
    corpus = cached_corpus(args.docs)
    store_dir = work / "store"
    shutil.rmtree(store_dir, ignore_errors=True)
    store = open_store(store_dir, writable=True)
    start, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    read = [0]
    rss: dict[int, float] = {}  # tenth of the corpus read -> resident MB of main process + workers

    def sample(_path: Path) -> None:
        read[0] += 1
        tenth = read[0] * 10 // args.docs
        if read[0] * 10 % args.docs == 0:
            rss[tenth] = _tree_rss_mb()

    report = ingest([corpus], store, workers=args.workers, progress=sample)
    elapsed = time.perf_counter() - start
    main_cpu, workers_cpu = time.process_time() - cpu, _children_cpu() - children
    emit(
        f"- ingest: {report.new} generated documents (~430 words) in {elapsed:.1f} s = "
        f"**{report.new / elapsed:.0f} documents/s** with {args.workers} workers "
        f"({report.entities} entities, {report.relations} relations); "
        f"CPU {main_cpu:.1f} s in the main process and {workers_cpu:.1f} s in the workers "
        f"({(main_cpu + workers_cpu) * 1000 / max(1, report.new):.1f} ms per document); "
        f"peak RSS {_rss_mb():.0f} MB (largest of this process and its workers)"
    )
    emit(
        "- resident memory of the main process and its workers, as tenths of the corpus are read: "
        + ", ".join(f"{rss[t]:.0f}" for t in sorted(rss))
        + " MB"
    )
    start = time.perf_counter()
    again = ingest([corpus], store, workers=args.workers)
    emit(f"- re-ingest, nothing changed: {again.unchanged} documents in {time.perf_counter() - start:.1f} s")
    if args.ingest_only:
        return

    data = _quads(store)
    quads = data.count(b"\n")
    bulk = ox.Store()
    start = time.perf_counter()
    bulk.bulk_load(data, ox.RdfFormat.N_QUADS)
    seconds = time.perf_counter() - start
    emit(
        f"- bulk load of the {quads:,} named-graph quads into Oxigraph: {seconds:.2f} s"
        f" = **{quads / seconds:,.0f} quads/s**"
    )
    del bulk

    emit("")
    emit(f"Named queries on the {args.docs}-document store ({quads:,} quads), Oxigraph, median of 7:")
    emit("")
    emit("| query | median ms |")
    emit("|---|---:|")
    for named in named_queries().values():
        ours = _median(lambda q=named.text: run_query(store, q), 7) * 1000
        emit(f"| {named.name} | {ours:.1f} |")
    picks = _picks(store)
    emit("")
    emit(
        "The same queries narrowed to one entity (`--param`), median of 7: the busiest entity (the value "
        "most frequent in the full answer's column) and a typical one (the median frequency), with the "
        "number of rows each answer has:"
    )
    emit("")
    emit("| query | parameter | busiest ms (rows) | typical ms (rows) |")
    emit("|---|---|---:|---:|")
    for (name, var), values in picks.items():
        cells = []
        for value in values:
            text = named_queries()[name].text
            ms = _median(lambda q=text, b={var: value}: run_query(store, q, bindings=b), 7) * 1000
            answer = run_query(store, text, bindings={var: value})
            assert isinstance(answer, ox.QuerySolutions)
            rows = len(to_rows(answer)[1])
            cells.append(f"{ms:.1f} ({rows})")
        emit(f"| {name} | {var} | {' | '.join(cells)} |")

    shutil.rmtree(work / "store-small", ignore_errors=True)
    small = open_store(work / "store-small", writable=True)
    ingest(sorted(corpus.glob("*.txt"))[: args.rdflib_docs], small, workers=args.workers)
    small_data = _quads(small)
    memory = Dataset(default_union=True)
    start = time.perf_counter()
    memory.parse(data=small_data.decode("utf-8"), format="nquads")
    small_quads = small_data.count(b"\n")
    emit("")
    emit(
        f"Side by side on the first {args.rdflib_docs} documents ({small_quads:,} quads): Oxigraph "
        f"(median of 7) and rdflib's in-memory engine (median of 3, stopped after {args.rdflib_cap} s); "
        f"rdflib parsed the quads in {time.perf_counter() - start:.1f} s."
    )
    emit("")
    emit("| query | Oxigraph ms | rdflib ms | rdflib / Oxigraph |")
    emit("|---|---:|---:|---:|")
    prologue = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items())
    cases: list[tuple[str, str, dict[str, str]]] = [
        (named.name, named.text, {}) for named in named_queries().values()
    ]
    for (name, var), values in _picks(small).items():  # narrowed to the typical entity
        cases.append((f"{name} --param {var}", named_queries()[name].text, {var: values[1]}))
    for name, text, bindings in cases:
        ours = _median(lambda q=text, b=bindings: run_query(small, q, bindings=b), 7) * 1000
        theirs = _rdflib_median(memory, prologue + place_bindings(text, bindings)[0], 3, args.rdflib_cap)
        if isinstance(theirs, str):
            emit(f"| {name} | {ours:.1f} | {theirs} | |")
        elif theirs is None:
            cap_ms = args.rdflib_cap * 1000
            emit(f"| {name} | {ours:.1f} | > {cap_ms} | > {cap_ms / ours:.0f}x |")
        else:
            emit(f"| {name} | {ours:.1f} | {theirs * 1000:.0f} | {theirs * 1000 / ours:.0f}x |")


if __name__ == "__main__":
    main()
