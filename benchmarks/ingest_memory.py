"""Benchmark: the ingest process's memory as the store grows, split into what malloc holds and keeps.

Each run ingests a slice of one generated corpus into a store, in a fresh process of its own, and samples
that process's resident memory (its workers not counted) with glibc's own figures (`mallinfo2`): the
bytes in use, which is almost all Oxigraph's RocksDB (closing the store gives them back), and the freed
bytes malloc keeps for reuse. The plan runs the corpus in a row of processes on one store (each opens the
store the previous one left), so a figure can be read against the store's size or against the work the
process has done; a variant reopens the store every so many documents and hands freed memory back
(`malloc_trim`), to see whether the growth belongs to the open store or to the store's size.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
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

import pyoxigraph as ox
from generate import cached_corpus
from report import publish

HERE = Path(__file__).resolve().parent


class _Mallinfo2(ctypes.Structure):
    _fields_ = [  # ctypes reads this class attribute
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


_LIBC = ctypes.CDLL("libc.so.6")  # glibc: Linux only, as the rest of the benchmarks
_LIBC.mallinfo2.restype = _Mallinfo2


def figures(store: Path | None = None, *, index: bool = False) -> dict[str, float]:
    """Resident MB, malloc's MB in use and MB freed but kept; the store's MB on disk and table files."""
    status = Path("/proc/self/status").read_text()
    info = _LIBC.mallinfo2()
    out: dict[str, float] = {
        "rss": round(int(status.split("VmRSS:")[1].split()[0]) / 1024),
        "used": round((info.uordblks + info.hblkhd) / 2**20),
        "kept": round(info.fordblks / 2**20),
    }
    if store is not None:
        files = [p for p in store.iterdir() if p.is_file()]
        out["store"] = round(sum(p.stat().st_size for p in files) / 2**20)
        tables = [p for p in files if p.suffix == ".sst"]
        out["tables"] = len(tables)
        if index:
            out["index"] = round(sum(index_and_filter_bytes(p) for p in tables) / 2**20, 1)
    return out


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def index_and_filter_bytes(table: Path) -> int:
    """Index and filter block bytes of one RocksDB table file, read from its properties block.

    RocksDB keeps these in memory for every table file it has open (`cache_index_and_filter_blocks` is
    off in Oxigraph), outside the block caches. The properties block is near the file's end: entries of
    shared-prefix length, new key length, value length (varints), then key and value; sizes are varints.
    """
    with table.open("rb") as file:
        file.seek(max(0, table.stat().st_size - 65536))
        tail = file.read()
    at = tail.rfind(b"\x00\x37\x01rocksdb.block.based.table.")  # the block's first key, unshared
    key, total = b"", 0
    while at >= 0 and at < len(tail):
        shared, at = _varint(tail, at)
        fresh, at = _varint(tail, at)
        length, at = _varint(tail, at)
        key = key[:shared] + tail[at : at + fresh]
        if shared > len(key) or not key.startswith(b"rocksdb."):
            break
        if key in (b"rocksdb.index.size", b"rocksdb.filter.size"):
            total += _varint(tail, at + fresh)[0]
        at += fresh + length
    return total


def measure(args: argparse.Namespace) -> dict[str, object]:
    """One process: open the store, ingest documents [start, stop) of the corpus, sample every so often."""
    from crimjust_graph import open_store
    from crimjust_graph.embedded import EmbeddedBackend
    from crimjust_graph.pipeline import ingest

    if args.nofile:
        _, ceiling = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (args.nofile, ceiling))
    store = open_store(args.child, writable=True)
    backend = store.backend
    assert isinstance(backend, EmbeddedBackend)
    out: dict[str, object] = {"opened": figures(args.child)}
    files = sorted(args.corpus.iterdir())[args.start : args.stop]
    samples: list[dict[str, float]] = []
    done = [0]

    def sample(_path: Path) -> None:
        done[0] += 1
        if args.reopen_every and done[0] % args.reopen_every == 0:
            # Between writes (this runs before the next batch is written): close, hand back, open again.
            backend._store = None  # type: ignore[assignment]  # the experiment: drop Oxigraph's Store
            gc.collect()
            _LIBC.malloc_trim(0)
            backend._store = ox.Store(str(args.child))  # the experiment: reopen
        if done[0] % args.every == 0:
            samples.append({"docs": args.start + done[0], **figures(args.child)})

    started = time.perf_counter()
    report = ingest(files, store, workers=args.workers, progress=sample)
    out["seconds"] = time.perf_counter() - started
    out["new"] = report.new
    out["samples"] = samples
    out["end"] = figures(args.child, index=True)
    backend._store = None  # type: ignore[assignment]  # close it: what it held is given back
    gc.collect()
    out["closed"] = figures()
    _LIBC.malloc_trim(0)
    out["trimmed"] = figures()
    return out


PLANS = ["one process", "two processes", "reopen every 1000"]


def plan(name: str, docs: int) -> tuple[list[tuple[int, int]], list[str]]:
    """A plan's slices of the corpus (one fresh process each, one after another) and child options."""
    if name == "two processes":
        return [(0, docs // 2), (docs // 2, docs)], []
    if name == "reopen every 1000":
        return [(0, docs)], ["--reopen-every", "1000"]
    return [(0, docs)], []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--plans", nargs="*", default=PLANS, choices=PLANS)
    # One run of a plan, in a child process: the store folder, the slice of the corpus, the variant.
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--start", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--stop", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--every", type=int, default=500, help=argparse.SUPPRESS)
    parser.add_argument("--reopen-every", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--nofile", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args)))
        return
    corpus = cached_corpus(args.docs)
    lines = [
        f"# Ingest memory {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Command: `python benchmarks/ingest_memory.py --docs {args.docs} --workers {args.workers}`; "
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"pyoxigraph {ox.__version__}, load average at start {os.getloadavg()[0]:.1f}",
        "",
        "The main process (workers not counted), sampled every tenth of the corpus: documents in the store, "
        "its size on disk, table files, and (at the end) the index and filter blocks of those files, which "
        "RocksDB holds in memory for each open table file; resident MB, and malloc's MB in use and freed "
        "but kept. `open` is just after opening the store, `closed` after the run with the store dropped, "
        "`trimmed` after `malloc_trim(0)` on top.",
        "",
        "| plan | process | docs/s | at | documents | store MB | tables | index+filter MB | resident MB "
        "| in use | kept |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    every = max(1, args.docs // 10)
    for number, name in enumerate(args.plans):
        slices, extra = plan(name, args.docs)
        store = HERE / "work" / f"store-memory-{number}"
        shutil.rmtree(store, ignore_errors=True)
        for index, (start, stop) in enumerate(slices, 1):
            command = [sys.executable, __file__, "--child", str(store), "--corpus", str(corpus)]
            command += ["--start", str(start), "--stop", str(stop), "--every", str(every)]
            command += ["--workers", str(args.workers), *extra]
            done = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=False)
            if done.returncode:
                raise SystemExit(f"plan {name!r} failed (exit code {done.returncode})")
            run = json.loads(done.stdout.strip().splitlines()[-1])
            rate = f"{run['new'] / run['seconds']:.0f}"
            rows = [("open", start, run["opened"]), *((None, s["docs"], s) for s in run["samples"])]
            rows += [("end", stop, run["end"]), ("closed", stop, run["closed"])]
            rows += [("trimmed", stop, run["trimmed"])]
            for at, docs, f in rows:
                disk = f"{f['store']} | {f['tables']} | {f.get('index', '')}" if "store" in f else " |  | "
                lines.append(
                    f"| {name} | {index} | {rate} | {at or ''} | {docs} | {disk} | {f['rss']} | "
                    f"{f['used']} | {f['kept']} |"
                )
            print("\n".join(lines[-len(rows) :]), flush=True)
    publish(f"ingest-memory-{args.docs}.md", lines)


if __name__ == "__main__":
    main()
