"""Readers while a writer works, through real processes: queries during an ingest never fail, and after a
`kill -9` inside a bulk load the read paths show only the documents marked complete (issue 15, 8 and 9)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import CLI, NEWS, cli
from crimjust_graph import open_store
from crimjust_graph.store import DOCUMENT_GRAPHS
from test_server import start_server, stop_server

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def write_news(folder: Path, count: int) -> Path:
    """`count` small news files, each a different document."""
    folder.mkdir(parents=True)
    for n in range(count):
        (folder / f"n{n:04d}.txt").write_text(
            f"Training course {n} in Dakar\n\nOn {1 + n % 27} March 2019 the Airport Communication Programme "
            f"(AIRCOP) held training course number {n} in Dakar, Senegal, organised by UNODC.\n",
            encoding="utf-8",
        )
    return folder


def seeded_store(tmp_path: Path) -> Path:
    (tmp_path / "news.txt").write_text(NEWS, encoding="utf-8")
    assert cli("ingest", "--store", tmp_path / "store", tmp_path / "news.txt").code == 0
    return tmp_path / "store"


def ingest(store: Path, docs: Path) -> subprocess.Popen[bytes]:
    """An ingest in a session of its own, so that a kill reaches its extraction workers too."""
    return subprocess.Popen(
        [str(CLI), "ingest", "--store", str(store), str(docs)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def test_queries_during_an_ingest_never_fail(tmp_path: Path) -> None:
    store = seeded_store(tmp_path)
    docs = write_news(tmp_path / "docs", 600)
    server = start_server(store, tmp_path / "serve.log", "--workers", "2")
    failures: list[str] = []
    answered = {"serve": 0, "store": 0}
    writer = ingest(store, docs)

    def through_serve() -> None:
        while writer.poll() is None:
            status, _, body = server.get(COUNT, "application/sparql-results+json")
            if status != 200:
                failures.append(f"serve {status}: {body[:300]!r}")
            answered["serve"] += 1

    def through_the_store() -> None:  # what the CLI's read commands do, in this process
        reader = open_store(store)
        while writer.poll() is None:
            try:
                result = reader.query(COUNT)
                assert isinstance(result, ox.QuerySolutions)
                list(result)
                reader.documents()
            except Exception as exc:  # any error at all is the failure this test looks for
                failures.append(f"store: {exc}")
            answered["store"] += 1

    threads = [threading.Thread(target=through_serve), threading.Thread(target=through_the_store)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        writer.wait(timeout=300)
        stop_server(server)
    assert writer.returncode == 0
    assert not failures, failures[:5]
    assert answered["serve"] > 20 and answered["store"] > 20, answered
    listed = json.loads(cli("documents", "--store", store, "--format", "json").stdout)
    assert len(listed) == 601
    # Checkpoints go with their readers: serve's workers are gone, the `documents` run above removed its
    # own and theirs; only this process's reader still has some.
    left = {path.name.partition("-")[0] for path in (tmp_path / ".store.readers").iterdir()}
    assert left <= {str(os.getpid())}, left


def kill_inside_a_bulk_load(store: Path, docs: Path) -> set[str]:
    """Kill -9 an ingest the moment a reader sees graphs loaded but not yet marked; their IRIs."""
    for _ in range(10):
        writer = ingest(store, docs)
        reader = open_store(store)
        seen: set[str] = set()
        while writer.poll() is None and not seen:
            seen = reader.incomplete_graphs()
        os.killpg(writer.pid, signal.SIGKILL)  # the ingest and its workers, as a crash of the machine would
        writer.wait()
        left = open_store(store).incomplete_graphs()
        if left:
            return left
    pytest.fail("no kill landed inside a bulk load in 10 ingests")


def test_read_paths_leave_out_graphs_a_killed_bulk_load_left(tmp_path: Path) -> None:
    store = seeded_store(tmp_path)
    docs = write_news(tmp_path / "docs", 1500)
    left = kill_inside_a_bulk_load(store, docs)
    listed = {d["iri"] for d in json.loads(cli("documents", "--store", store, "--format", "json").stdout)}
    assert listed and not left & listed

    run = cli("validate", "--store", store)
    assert run.code == 0, run.stdout[-2000:] + run.stderr

    trig = cli("export", "--store", store, "--format", "trig")
    assert trig.code == 0, trig.stderr
    graphs = {q.graph_name.value for q in ox.parse(trig.stdout.encode(), ox.RdfFormat.TRIG)}
    assert {g for g in graphs if g.startswith(DOCUMENT_GRAPHS)} == listed

    nt = cli("export", "--store", store, "--format", "ntriples")
    assert nt.code == 0, nt.stderr
    subjects = {t.subject.value for t in ox.parse(nt.stdout.encode(), ox.RdfFormat.N_TRIPLES)}
    assert listed <= subjects and not left & subjects

    # The next writer drops the unfinished graphs and loads those documents again.
    assert cli("ingest", "--store", store, docs, timeout=600).code == 0
    assert not open_store(store).incomplete_graphs()
    assert len(json.loads(cli("documents", "--store", store, "--format", "json").stdout)) == 1501


def test_a_reader_keeps_its_view_while_a_writer_replaces_files(tmp_path: Path) -> None:
    store = seeded_store(tmp_path)
    reader = open_store(store)
    before = reader.query(COUNT)
    assert isinstance(before, ox.QuerySolutions)
    docs = write_news(tmp_path / "docs", 300)
    assert cli("ingest", "--store", store, docs).code == 0
    # The result was opened on the old files; the ingest compacted them away, and it still reads whole.
    rows = list(before)
    assert len(rows) == 1 and int(rows[0]["n"].value) > 0
    after = reader.query(COUNT)
    assert isinstance(after, ox.QuerySolutions)
    assert int(next(iter(after))["n"].value) > int(rows[0]["n"].value)
