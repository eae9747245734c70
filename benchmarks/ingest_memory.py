"""Benchmark: the ingest process's resident memory as the store grows, and what RocksDB holds of it.

Each variant ingests the same generated corpus into a fresh store, in a process of its own (the variants
run side by side, so a busy machine slows them alike), and samples
the main process's resident memory (not the workers') every tenth of the corpus, with the store's size
on disk and its number of table files. Variants change only what the process can change from outside
Oxigraph, which offers no RocksDB options: the file-descriptor limit (Oxigraph keeps that many table files
open, minus 48, each with its index and filter blocks in memory) and a compaction (`optimize`) every so
many documents.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from report import publish

HERE = Path(__file__).resolve().parent
VARIANTS = {
    "as shipped": [],
    "fd limit 256": ["--nofile", "256"],
    "optimize every 1000": ["--optimize-every", "1000"],
}


def _rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmRSS:")[1].split()[0]) / 1024


def _store_figures(store: Path) -> tuple[float, int]:
    files = [p for p in store.iterdir() if p.is_file()]
    size = sum(p.stat().st_size for p in files) / 2**20
    return size, sum(1 for p in files if p.suffix == ".sst")


def _corpus(count: int) -> Path:
    corpus = HERE / "work" / f"corpus-{count}"
    if not corpus.is_dir():
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--count", str(count), "--out", str(corpus)],
            check=True,
        )
    return corpus


def measure(
    count: int, workers: int, nofile: int | None, optimize_every: int | None, path: Path
) -> dict[str, object]:
    """One variant, in this process: resident MB, store MB and table files at each tenth of the corpus."""
    from crimjust_graph import open_store
    from crimjust_graph.pipeline import ingest

    if nofile:
        _, ceiling = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, ceiling))
    shutil.rmtree(path, ignore_errors=True)
    store = open_store(path, writable=True)
    samples: list[tuple[int, float, float, int]] = []
    done = [0]
    started = time.perf_counter()

    def sample(_path: Path) -> None:
        done[0] += 1
        if optimize_every and done[0] % optimize_every == 0:
            store.backend._store.optimize()  # type: ignore[attr-defined]  # the experiment: compact mid-run
        if done[0] * 10 % count == 0:
            samples.append((done[0], _rss_mb(), *_store_figures(path)))

    report = ingest([_corpus(count)], store, workers=workers, progress=sample)
    seconds = time.perf_counter() - started
    store.flush()
    return {"new": report.new, "seconds": seconds, "samples": samples, "after": _store_figures(path)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--variants", nargs="*", default=["as shipped", "fd limit 256"], choices=list(VARIANTS)
    )
    parser.add_argument("--nofile", type=int, help=argparse.SUPPRESS)  # one variant, in a child process
    parser.add_argument("--optimize-every", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)  # its store folder
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.docs, args.workers, args.nofile, args.optimize_every, args.child)))
        return
    _corpus(args.docs)
    lines = [
        f"# Ingest memory {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Command: `python benchmarks/ingest_memory.py --docs {args.docs} --workers {args.workers}`; "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average at start {os.getloadavg()[0]:.1f}",
        "",
        "Resident memory of the ingest's main process (MB, workers not counted) after each tenth of the "
        "corpus, then the store's size on disk (MB) and table files at the end:",
        "",
        "| variant | documents/s | resident MB by tenth | store MB | table files |",
        "|---|---:|---|---:|---:|",
    ]
    children = {}
    for number, name in enumerate(args.variants):
        store = HERE / "work" / f"store-memory-{number}"
        command = [sys.executable, __file__, "--child", str(store), "--docs", str(args.docs)]
        children[name] = subprocess.Popen(
            [*command, "--workers", str(args.workers), *VARIANTS[name]], stdout=subprocess.PIPE, text=True
        )
    for name, child in children.items():
        out, _ = child.communicate()
        if child.returncode:
            raise SystemExit(f"variant {name!r} failed (exit code {child.returncode})")
        figures = json.loads(out.strip().splitlines()[-1])
        rss = ", ".join(f"{s[1]:.0f}" for s in figures["samples"])
        size, tables = figures["after"]
        lines.append(
            f"| {name} | {figures['new'] / figures['seconds']:.0f} | {rss} | {size:.0f} | {tables} |"
        )
        print(lines[-1], flush=True)
    publish(f"ingest-memory-{args.docs}.md", lines)


if __name__ == "__main__":
    main()
