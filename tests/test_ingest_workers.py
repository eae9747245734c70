"""Ingest worker processes through the real CLI (issue 15): they die with a killed ingest, a document that
needs more memory than allowed fails alone with one line, and an unchanged file is skipped by its worker."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from conftest import CLI, NEWS, cli

GOOD = "SEACOP in Lisbon\n\nSEACOP held a workshop in Lisbon, Portugal, with officers from Cape Verde.\n"
# Minutes of work for one worker: the parser and the text walk take long over 200,000 nested <div>s.
SLOW = ("<html><body>" + "<div>" * 200_000 + "UNODC." + "</div>" * 200_000).encode()


def _descendants(pid: int) -> set[int]:
    """Every process below `pid` now (children, their children...), read from /proc."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        for task in Path(f"/proc/{todo.pop()}/task").glob("*"):
            try:
                children = {int(c) for c in (task / "children").read_text().split()}
            except OSError:
                continue
            todo += children - found
            found |= children
    return found


def _alive(pid: int) -> bool:
    """True while `pid` runs (a zombie waiting to be reaped has ended)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def test_kill_9_of_ingest_leaves_no_worker_behind(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("slow-1.html", "slow-2.html"):
        (docs / name).write_bytes(SLOW)
    ingest = subprocess.Popen(  # no time limit: only the kill can end the workers' documents
        [str(CLI), "ingest", "--store", str(tmp_path / "store"), "--workers", "2", "--time-limit", "0", docs],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        workers: set[int] = set()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # until both workers are busy with a slow document
            workers = _descendants(ingest.pid)
            if len([w for w in workers if _cpu_seconds(w) > 0.5]) >= 2:
                break
            time.sleep(0.2)
        assert ingest.poll() is None, "ingest ended before the workers were busy"
        busy = [w for w in workers if _cpu_seconds(w) > 0.5]
        assert len(busy) >= 2, f"workers never got busy: {workers}"
        ingest.send_signal(signal.SIGKILL)
        ingest.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(map(_alive, workers)) and time.monotonic() < deadline:
            time.sleep(0.1)
        survivors = [w for w in workers if _alive(w)]
        assert not survivors, f"workers outlived the killed ingest: {survivors}"
    finally:
        ingest.kill()
        ingest.wait(timeout=10)
        for pid in filter(_alive, workers):  # a failed run must not leave them behind
            os.kill(pid, signal.SIGKILL)


def test_a_document_over_the_memory_limit_fails_alone(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "good.txt").write_text(GOOD, "utf-8")
    big = docs / "big.txt"  # 8 MB of prose: reading, cleaning and splitting it take far more than 100 MB
    paragraph = NEWS.split("\n\n", 1)[1].replace("\n", " ")
    big.write_text("Big report\n\n" + (paragraph + "\n\n") * 40_000, "utf-8")
    store = tmp_path / "store"
    run = cli("ingest", "--store", store, "--max-memory", "100", docs, timeout=170)
    assert run.code == 1, (run.stdout, run.stderr)
    assert "Traceback" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"error: {big}: ") and "100 MB memory limit" in lines[0], lines[0]
    assert "1 new" in run.stdout
    listed = cli("documents", "--store", store, "--format", "json", timeout=60)
    assert [d["source"] for d in json.loads(listed.stdout)] == [str(docs / "good.txt")]


def test_reingest_skips_unchanged_files_and_rebuilds_changed_ones(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(GOOD, "utf-8")
    (docs / "b.txt").write_text(NEWS, "utf-8")
    (docs / "c.txt").write_text(NEWS, "utf-8")  # the same text from a second file
    store = tmp_path / "store"
    first = cli("ingest", "--store", store, docs, timeout=120)
    assert first.code == 0, first.stderr
    assert "3 documents: 3 new, 0 unchanged, 0 replaced, 0 failed" in first.stdout
    dump = cli("export", "--store", store, "--format", "nquads", timeout=60).stdout
    again = cli("ingest", "--store", store, docs, timeout=120)
    assert "3 documents: 0 new, 3 unchanged, 0 replaced, 0 failed; 0 entities" in again.stdout
    assert cli("export", "--store", store, "--format", "nquads", timeout=60).stdout == dump
    (docs / "a.txt").write_text(GOOD.replace("Lisbon, Portugal", "Praia, Cape Verde"), "utf-8")
    changed = cli("ingest", "--store", store, docs, timeout=120)
    assert "3 documents: 0 new, 2 unchanged, 1 replaced, 0 failed" in changed.stdout
    listed = json.loads(cli("documents", "--store", store, "--format", "json", timeout=60).stdout)
    assert sorted(d["source"] for d in listed) == [str(docs / n) for n in ("a.txt", "b.txt", "c.txt")]
