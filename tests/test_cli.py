"""The real CLI on real files: bad input gives exit 1 and one line, and never harms the store."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pyoxigraph
import pytest

from conftest import CLI, NEWS, Run, assert_one_line_error, cli
from crimjust_graph import Rows, open_store
from crimjust_graph import query as api_query
from crimjust_graph.errors import QueryError


def _count(store: Path) -> int:
    run = cli(
        "query",
        "--store",
        store,
        "--format",
        "json",
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    )
    assert run.code == 0, run.stderr
    return int(json.loads(run.stdout)["results"]["bindings"][0]["n"]["value"])


def _seeded_store(tmp_path: Path, news_file: Path) -> tuple[Path, int]:
    store = tmp_path / "store"
    assert cli("ingest", "--store", store, news_file).code == 0
    return store, _count(store)


def test_ingest_query_documents_export(tmp_path: Path, news_file: Path) -> None:
    store, before = _seeded_store(tmp_path, news_file)
    assert before > 20
    docs = cli("documents", "--store", store, "--format", "json")
    listed = json.loads(docs.stdout)
    assert [d["source"] for d in listed] == [str(news_file.resolve())]
    assert listed[0]["title"] == "UNODC trains port officers in Dakar"
    again = cli("ingest", "--store", store, news_file)
    assert again.code == 0 and "1 unchanged" in again.stdout
    assert _count(store) == before
    out = tmp_path / "g.trig"
    assert cli("export", "--store", store, "--format", "trig", "-o", out).code == 0
    assert "cj:Document" in out.read_text(encoding="utf-8")


def test_edited_file_replaces_only_its_graph(tmp_path: Path, news_file: Path) -> None:
    other = news_file.with_name("other.txt")
    other.write_text(
        "SEACOP meets in Lisbon\n\nSEACOP held a workshop in Lisbon, Portugal.\n", encoding="utf-8"
    )
    store = tmp_path / "store"
    assert cli("ingest", "--store", store, news_file.parent).code == 0
    news_file.write_text(NEWS.replace("INTERPOL", "Europol"), encoding="utf-8")
    run = cli("ingest", "--store", store, news_file.parent)
    assert run.code == 0 and "1 replaced" in run.stdout and "1 unchanged" in run.stdout
    docs = json.loads(cli("documents", "--store", store, "--format", "json").stdout)
    assert len(docs) == 2
    text = cli("query", "--store", store, "--format", "csv", "SELECT ?t WHERE { ?d cj:text ?t }").stdout
    assert "Europol" in text and "INTERPOL took part" not in text
    assert cli("remove", "--store", store, news_file).code == 0
    assert len(json.loads(cli("documents", "--store", store, "--format", "json").stdout)) == 1


def test_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.txt"
    assert_one_line_error(cli("ingest", "--store", tmp_path / "s", missing), str(missing), "no such file")


def test_bad_files_each_give_one_line_and_leave_store_intact(tmp_path: Path, news_file: Path) -> None:
    store, before = _seeded_store(tmp_path, news_file)
    bad = tmp_path / "bad"
    bad.mkdir()
    cases = {
        "empty.txt": b"",
        "binary.txt": os.urandom(4096) + b"\x00\x00\x01",
        "corrupt.pdf": b"%PDF-1.4\n1 0 obj <<>> garbage \x00\xff" * 10,
        "broken.html": b"<html><body><div><p>",
    }
    for name, content in cases.items():
        path = bad / name
        path.write_bytes(content)
        assert_one_line_error(cli("ingest", "--store", store, path), str(path))
        assert _count(store) == before
    big = bad / "big.txt"
    with big.open("wb") as handle:
        handle.write(b"Operation in Dakar. " * (50 * 1024 * 1024 // 20))
    assert_one_line_error(cli("ingest", "--store", store, big), str(big), "limit")
    assert _count(store) == before


def test_malformed_html_with_text_is_read(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><title>AIRCOP in Lomé</title><body><p>AIRCOP held a workshop in Lomé, Togo."
        "<div><b></table><p>More <i>",
        "utf-8",
    )
    assert cli("ingest", "--store", tmp_path / "s", page).code == 0


def test_folder_with_one_bad_file(tmp_path: Path, news_file: Path) -> None:
    (news_file.parent / "zero.txt").write_bytes(b"")
    (news_file.parent / "b.md").write_text("# SEACOP\n\nSEACOP trained officers in Accra, Ghana.\n", "utf-8")
    store = tmp_path / "store"
    run = cli("ingest", "--store", store, news_file.parent)
    assert run.code == 1
    assert "zero.txt" in run.stderr and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert "2 new" in run.stdout
    assert len(json.loads(cli("documents", "--store", store, "--format", "json").stdout)) == 2


def test_query_errors(tmp_path: Path, news_file: Path) -> None:
    store, _ = _seeded_store(tmp_path, news_file)
    assert_one_line_error(cli("query", "--store", store, "SELECT ?x WHERE { ?x ?y }"), "syntax error")
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    assert_one_line_error(cli("query", "--store", store, service), "SERVICE")
    remote = "SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }"
    assert_one_line_error(cli("query", "--store", store, remote), "not in the store")
    assert_one_line_error(cli("query", "--store", store, "--name", "no-such-query"), "no-such-query")


def test_from_selects_a_stored_graph(tmp_path: Path, news_file: Path) -> None:
    store, _ = _seeded_store(tmp_path, news_file)
    docs = json.loads(cli("documents", "--store", store, "--format", "json").stdout)
    graph = docs[0]["iri"]
    run = cli(
        "query",
        "--store",
        store,
        "--format",
        "csv",
        f"SELECT ?t FROM <{graph}> WHERE {{ ?d dcterms:title ?t }}",
    )
    assert run.code == 0 and "UNODC trains port officers" in run.stdout


def test_missing_store_and_second_writer(tmp_path: Path, news_file: Path) -> None:
    assert_one_line_error(cli("query", "--store", tmp_path / "none", "ASK {}"), "no store")
    store, _ = _seeded_store(tmp_path, news_file)
    holder = subprocess.Popen(
        [
            str(CLI.with_name("python")),
            "-c",
            "import pyoxigraph, sys, time; s = pyoxigraph.Store(sys.argv[1]); print('ok', flush=True); "
            "time.sleep(60)",
            str(store),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        assert_one_line_error(cli("ingest", "--store", store, news_file), "in use")
        assert cli("query", "--store", store, "ASK { ?s ?p ?o }", "--format", "json").code == 0
    finally:
        holder.kill()
        holder.wait()


def _graphs_in(store: Path) -> int:
    try:
        return sum(1 for _ in pyoxigraph.Store.read_only(str(store)).named_graphs())
    except (OSError, RuntimeError):  # the store is still being created
        return 0


def test_sigkill_mid_ingest_leaves_whole_documents(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    count = 1500
    for i in range(count):
        (folder / f"n{i:04}.txt").write_text(NEWS.replace("Dakar", f"Dakar {i}") + f"\nItem {i}.\n", "utf-8")
    store = tmp_path / "store"
    proc = subprocess.Popen([str(CLI), "ingest", "--store", str(store), "--workers", "1", str(folder)])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and _graphs_in(store) < 110:  # past the first batch of 100
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    docs = cli("documents", "--store", store, "--format", "json")
    assert docs.code == 0, docs.stderr
    listed = json.loads(docs.stdout)
    assert 0 < len(listed) < count, "the kill should land mid-run"
    # Every document that is in holds its whole graph: the same number of facts as every other.
    assert len({(d["entities"], d["relations"]) for d in listed}) == 1
    assert cli("ingest", "--store", store, folder).code == 0
    assert len(json.loads(cli("documents", "--store", store, "--format", "json").stdout)) == count


MEETING = "{city} officers meet\n\nUNODC held a meeting with the Airport Communication Programme in {city}.\n"


def test_an_entity_is_asked_for_by_any_of_its_names_in_the_cli_and_in_python(
    tmp_path: Path, news_file: Path
) -> None:
    """Label, acronym, other name, kind/slug, kind:slug or IRI give the same answer; a name the store lacks
    or shares among several entities is exit 1 and one line with the nearest candidates, never 0 rows."""
    for city in ("Accra", "Lomé"):
        (news_file.parent / f"{city}.txt").write_text(MEETING.format(city=city), encoding="utf-8")
    store = tmp_path / "store"
    assert cli("ingest", "--store", store, news_file.parent).code == 0
    iri = "https://w3id.org/crimjust/id/programme/aircop"

    def names(entity: str) -> Run:
        return cli("query", "--store", store, "--name", "aliases", "--param", f"entity={entity}")

    expected = names("programme/aircop")
    assert expected.code == 0 and len(expected.stdout.splitlines()) >= 2, expected.stderr
    forms = ["AIRCOP", "aircop", "Airport Communication Programme", "programme:aircop", iri, f"<{iri}>"]
    for form in forms:
        run = names(form)
        assert (run.code, run.stdout) == (0, expected.stdout), form
    unknown = names("AIRCOPP")
    assert_one_line_error(unknown, "no entity is called 'AIRCOPP'", "did you mean 'AIRCOP'")
    ambiguous = names("UNODC meeting")
    assert_one_line_error(ambiguous, "'UNODC meeting' names 2 entities", "event/unodc-meeting-", "kind/slug")
    assert_one_line_error(names("programme/aircopp"), "'programme/aircopp' is not in the store", "AIRCOP")

    prefixed = cli(
        "query", "--store", store, "--format", "csv", "SELECT ?l WHERE { programme:aircop rdfs:label ?l }"
    )
    assert prefixed.stdout.split() == ["l", "AIRCOP"]  # one prefix per kind, predeclared

    rows = {form: api_query("aliases", open_store(store), params={"entity": form}) for form in forms}
    assert all(isinstance(r, Rows) and r.rows for r in rows.values())
    assert len({json.dumps(r.rows, sort_keys=True) for r in rows.values() if isinstance(r, Rows)}) == 1
    for wrong, says in (("AIRCOPP", "did you mean 'AIRCOP'"), ("UNODC meeting", "names 2 entities")):
        with pytest.raises(QueryError, match=says):
            api_query("aliases", open_store(store), params={"entity": wrong})


def test_serve_on_a_busy_port_is_one_line_naming_the_port(tmp_path: Path, news_file: Path) -> None:
    store, _ = _seeded_store(tmp_path, news_file)
    with socket.create_server(("127.0.0.1", 0)) as busy:  # a real listener holds the port
        port = busy.getsockname()[1]
        run = cli("serve", "--store", store, "--port", str(port), timeout=60)
        assert_one_line_error(run, f"port {port} on 127.0.0.1 is already in use", "--port")
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass  # the listener that was there first is untouched
