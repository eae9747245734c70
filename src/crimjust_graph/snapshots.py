"""Store folder -> a read-only open that a writer cannot pull files from under (a RocksDB checkpoint).

A read-only open refers to the files the store had when opened. A writer's flushes and compactions then
delete some of them, and a query that reaches a deleted file fails ("IO error: No such file or directory
... .sst"), or, measured during an ingest of 2,000 files, loops and grows to gigabytes. So a reader opens
a checkpoint instead: the store's table files hard-linked into a folder of its own (no copy; a few
milliseconds), its logs and manifest copied; no writer touches that folder, and no open of the live
folder (which fails when a file goes while it reads them) is needed. Checkpoints sit beside the
store in `.<name>.readers/` and are removed a while after a newer one replaces them, at exit, or by the
next reader once their process is gone.
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

    A writer that adds or removes files while the checkpoint is made (a few milliseconds) makes it try
    again a moment later. Without a writable folder beside the store, or when a busy writer keeps
    changing the files through every attempt, the store is opened in place.
    """
    for pause in (*PAUSES, None):
        try:
            return _open_once(path)
        except _Moved:
            if pause is None:
                return ox.Store.read_only(str(path)), None
        except (OSError, RuntimeError):
            if pause is None or not (path / "CURRENT").is_file():
                raise
        assert pause is not None
        time.sleep(pause)
    raise AssertionError("unreachable: the last attempt returns or raises")


def release(target: Path | None) -> None:
    """A newer checkpoint replaced this one: remove it once queries still reading it are over (KEEP)."""
    if target is not None:
        _replaced.append((time.monotonic(), target))


class _Moved(Exception):
    """The store's files changed while a checkpoint was made: it may lack a write, so make another."""


def _open_once(path: Path) -> tuple[ox.Store, Path | None]:
    folder = path.parent / f".{path.name}.readers"
    try:
        folder.mkdir(exist_ok=True)
        _sweep(folder)
    except OSError:
        return ox.Store.read_only(str(path)), None  # a store on read-only media has no writer either
    target = folder / f"{os.getpid()}-{next(_made)}"
    _mine.add(target)
    try:
        _checkpoint(path, target)
        return ox.Store.read_only(str(target)), target
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)
        _mine.discard(target)
        raise


def _checkpoint(path: Path, target: Path) -> None:
    """Hard-link the table files into `target` and copy the small files that change in place.

    Table files are never changed once written, only deleted; a link keeps one readable after the
    writer deletes it. The write-ahead logs hold the latest writes and are appended to, so they are
    copied, as are the manifest and CURRENT. If the folder changed meanwhile (a flush or compaction
    added or removed files) the set may be torn: _Moved, and the caller makes another.
    """
    before = path.stat().st_mtime_ns
    target.mkdir()
    for entry in os.scandir(path):
        name = entry.name
        try:
            if name.endswith((".sst", ".blob")):
                os.link(entry.path, target / name)
            elif name in ("CURRENT", "IDENTITY") or name.endswith(".log") or name.startswith(_COPIED):
                shutil.copyfile(entry.path, target / name)
        except FileNotFoundError:
            raise _Moved from None
    if path.stat().st_mtime_ns != before:
        raise _Moved


_COPIED = ("MANIFEST-", "OPTIONS-")


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
