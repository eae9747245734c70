"""Store folder -> a read-only open that a writer cannot pull files from under (a RocksDB checkpoint).

A read-only open refers to the files the store had when opened. A writer's flushes and compactions then
delete some of them, and a query that reaches a deleted file fails ("IO error: No such file or directory
... .sst"), or, measured during an ingest of 2,000 files, loops and grows to gigabytes. So a reader opens
a checkpoint instead: the store's files hard-linked into a folder of its own (no copy; milliseconds),
which no writer touches. Checkpoints sit beside the store in `.<name>.readers/` and are removed a while
after a newer one replaces them, at exit, or by the next reader once their process is gone.
"""

from __future__ import annotations

import atexit
import itertools
import os
import shutil
import time
from pathlib import Path

import pyoxigraph as ox

# Seconds between attempts while a writer is swapping files (about 3 s in all).
PAUSES = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.1, 0.2, 0.2, 0.3, 0.5, 0.5, 1.0)
# A replaced checkpoint is kept this long for queries still reading it (serve stops them at --timeout).
KEEP = 600.0

_made = itertools.count()
_replaced: list[tuple[float, Path]] = []
_mine: set[Path] = set()


def open_read_only(path: Path) -> tuple[ox.Store, Path | None]:
    """A read-only open of the store at `path` and its checkpoint folder (None: opened in place).

    Opening reads the list of files and then the files; a writer that swaps files in between makes the
    open fail, and a fresh attempt a moment later succeeds (7 of 295 opens failed during an ingest of 300
    files; none once retried). Without a writable folder beside the store it is opened in place.
    """
    for pause in (*PAUSES, None):
        try:
            return _open_once(path)
        except (OSError, RuntimeError):
            if pause is None or not (path / "CURRENT").is_file():
                raise
            time.sleep(pause)
    raise AssertionError("unreachable: the last attempt returns or raises")


def release(target: Path | None) -> None:
    """A newer checkpoint replaced this one: remove it once queries still reading it are over (KEEP)."""
    if target is not None:
        _replaced.append((time.monotonic(), target))


def _open_once(path: Path) -> tuple[ox.Store, Path | None]:
    live = ox.Store.read_only(str(path))
    folder = path.parent / f".{path.name}.readers"
    try:
        folder.mkdir(exist_ok=True)
        _sweep(folder)
    except OSError:
        return live, None  # a store on read-only media has no writer either
    target = folder / f"{os.getpid()}-{next(_made)}"
    _mine.add(target)
    try:
        live.backup(str(target))
        return ox.Store.read_only(str(target)), target
    except (OSError, RuntimeError):
        shutil.rmtree(target, ignore_errors=True)
        _mine.discard(target)
        raise


def _sweep(folder: Path) -> None:
    """Remove our checkpoints replaced over KEEP seconds ago, and those of processes that have ended."""
    now = time.monotonic()
    for when, target in list(_replaced):
        if now - when > KEEP:
            shutil.rmtree(target, ignore_errors=True)
            _replaced.remove((when, target))
            _mine.discard(target)
    for target in folder.iterdir():
        pid = target.name.partition("-")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(target, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@atexit.register
def _remove_mine() -> None:
    for target in _mine:
        shutil.rmtree(target, ignore_errors=True)
