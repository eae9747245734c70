"""The remote path: a real `oxigraph serve` on a free loopback port, used like the store on disk."""

from __future__ import annotations

import contextlib
import io
import json
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Dataset, Graph
from rdflib.compare import isomorphic

from conftest import ROOT, assert_one_line_error, cli, unordered_concat
from crimjust_graph import ingest, open_store, query, to_networkx
from crimjust_graph.errors import QueryError
from crimjust_graph.sparql import named_queries, run_query, to_rows
from crimjust_graph.store import SYSTEM_GRAPHS, Store

OXIGRAPH = Path(sys.executable).with_name("oxigraph")
DATA = ROOT / "data"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"oxigraph serve exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url + "/query?query=ASK%7B%7D", timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail("oxigraph serve did not start within 30 s")


@contextlib.contextmanager
def oxigraph_server(location: Path, *options: str) -> Iterator[str]:
    """A real `oxigraph serve` on a free 127.0.0.1 port; yields its base URL and stops it by its PID."""
    if not OXIGRAPH.exists():
        pytest.fail(f"{OXIGRAPH} is missing: install the dev extras (`pip install -e '.[dev]'`)")
    port = _free_port()
    process = subprocess.Popen(
        [str(OXIGRAPH), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}", *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh server for this module."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as url:
        yield url


@pytest.fixture(scope="module")
def endpoints(server: str) -> list[str]:
    """CLI options for the server, with data/ ingested through the CLI (the path users take)."""
    options = ["--endpoint", f"{server}/query", "--update-endpoint", f"{server}/update"]
    run = cli("ingest", *options, DATA)
    assert run.code == 0, run.stderr
    assert " 0 failed" in run.stdout
    return options


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = open_store(tmp_path_factory.mktemp("local") / "store", writable=True)
    assert store.path is not None
    assert ingest([DATA], store).ok
    return store


@pytest.fixture(scope="module")
def remote(server: str, endpoints: list[str]) -> Store:
    return open_store(endpoint=f"{server}/query", update_endpoint=f"{server}/update", writable=True)


def _graphs(store: Store) -> dict[str, Graph]:
    """The dataset as one rdflib Graph per named graph."""
    buffer = io.BytesIO()
    store.dump(buffer, "nquads")
    dataset = Dataset()
    dataset.parse(data=buffer.getvalue().decode("utf-8"), format="nquads")
    return {str(g.identifier): g for g in dataset.graphs() if len(g)}


def _same_graph(a: Graph, b: Graph) -> bool:
    """Isomorphic; a plain set comparison when there are no blank nodes (much faster, same answer)."""
    if not any(isinstance(term, BNode) for triple in a for term in triple):
        return set(a) == set(b)
    return isomorphic(a, b)


def test_remote_dataset_is_isomorphic_to_the_embedded_one(local: Store, remote: Store) -> None:
    ours, theirs = _graphs(local), _graphs(remote)
    assert ours.keys() == theirs.keys()
    assert set(SYSTEM_GRAPHS) <= ours.keys()
    assert len(ours) >= len(SYSTEM_GRAPHS) + 15
    for name in ours:
        assert _same_graph(ours[name], theirs[name]), name


def test_every_named_query_answers_the_same(local: Store, remote: Store) -> None:
    for name, named in named_queries().items():
        expected = run_query(local, named.text)
        got = run_query(remote, named.text)
        assert isinstance(expected, ox.QuerySolutions) and isinstance(got, ox.QuerySolutions), name
        columns, rows = to_rows(expected)
        remote_columns, remote_rows = to_rows(got)
        assert columns == remote_columns, name
        assert sorted(map(unordered_concat, rows)) == sorted(map(unordered_concat, remote_rows)), name


def test_parameters_narrow_the_same_way_remotely(local: Store, remote: Store) -> None:
    """Bindings go into the query text at its markers, or as a trailing VALUES when it has none."""
    cases = [(named, var) for named in named_queries().values() for var in named.params]
    assert len(cases) >= 10
    for named, var in cases:
        columns, rows = to_rows(run_query(local, named.text))
        value = str(rows[0][columns.index(var)])
        bindings = {var: value}
        expected = to_rows(run_query(local, named.text, bindings=bindings))
        got = to_rows(run_query(remote, named.text, bindings=bindings))
        assert expected[1], (named.name, var)
        assert sorted(map(unordered_concat, got[1])) == sorted(map(unordered_concat, expected[1])), (
            named.name,
            var,
        )
    unmarked = "SELECT ?thing ?label WHERE { ?thing rdfs:label ?label }"
    thing = str(rows[0][columns.index(var)])
    here = to_rows(run_query(local, unmarked, bindings={"thing": thing}))[1]
    assert len(here) == 1 and here == to_rows(run_query(remote, unmarked, bindings={"thing": thing}))[1]
    hidden = "SELECT ?label WHERE { ?thing rdfs:label ?label }"
    for db in (local, remote):
        with pytest.raises(QueryError, match="not in the SELECT clause"):
            run_query(db, hidden, bindings={"thing": thing})


def test_dataset_rules_hold_remotely(local: Store, remote: Store) -> None:
    document = sorted(local.graphs() - SYSTEM_GRAPHS)[0]
    count = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{document}> {{ ?s ?p ?o }} }}"
    in_graph = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    for sparql, kwargs in [
        (f"SELECT (COUNT(*) AS ?n) FROM <{document}> WHERE {{ ?s ?p ?o }}", {}),
        (in_graph, {"default_graphs": [document]}),
        (count, {"named_graphs": [document]}),
        (count, {}),
        ("ASK { GRAPH ?g { ?s a cj:Programme } }", {}),
    ]:
        assert query(sparql, local, **kwargs) == query(sparql, remote, **kwargs), sparql
    with pytest.raises(Exception, match="not in the store"):
        query("SELECT * FROM <urn:nowhere> WHERE { ?s ?p ?o }", remote)


def test_cli_commands_work_through_the_endpoint(local: Store, endpoints: list[str], tmp_path: Path) -> None:
    again = cli("ingest", *endpoints, DATA)
    assert again.code == 0 and " 0 new" in again.stdout and " 0 replaced" in again.stdout, again.stdout

    listed = cli("documents", *endpoints[:2], "--format", "json")
    assert listed.code == 0, listed.stderr
    assert json.loads(listed.stdout) == [info.__dict__ for info in local.documents()]

    asked = cli("query", *endpoints[:2], "--name", "programmes", "--format", "json")
    assert asked.code == 0, asked.stderr
    labels = {b["label"]["value"] for b in json.loads(asked.stdout)["results"]["bindings"]}
    assert {"CRIMJUST", "AIRCOP", "SEACOP"} <= labels

    checked = cli("validate", *endpoints[:2])
    assert checked.code == 0, checked.stdout

    exported = cli("export", *endpoints[:2], "--format", "nquads", "-o", tmp_path / "remote.nq")
    assert exported.code == 0, exported.stderr
    assert (tmp_path / "remote.nq").stat().st_size > 100_000

    rendered = cli("render", *endpoints[:2], "-o", tmp_path / "page.html")
    assert rendered.code == 0, rendered.stderr
    assert (tmp_path / "page.html").read_text("utf-8").lstrip().lower().startswith("<!doctype html>")

    refused = cli("query", *endpoints[:2], "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }")
    assert_one_line_error(refused, "SERVICE")
    broken = cli("query", *endpoints[:2], "SELECT WHERE {")
    assert_one_line_error(broken, "syntax error")  # found by the parse here, never sent
    # Valid SPARQL that this engine cannot run (a LIMIT past 64 bits): the server's refusal, in one line.
    too_big = cli("query", *endpoints[:2], "SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999999")
    assert_one_line_error(too_big, "refused it")


def test_remove_and_reingest_through_the_endpoint(server: str, tmp_path: Path) -> None:
    doc = tmp_path / "news.txt"
    doc.write_text("AIRCOP in Dakar\n\nAIRCOP held a training in Dakar, Senegal on 4 May 2019.\n", "utf-8")
    options = ["--endpoint", f"{server}/query", "--update-endpoint", f"{server}/update"]
    assert cli("ingest", *options, doc).code == 0
    doc.write_text("AIRCOP in Lomé\n\nAIRCOP held a training in Lomé, Togo on 6 May 2019.\n", "utf-8")
    replaced = cli("ingest", *options, doc)
    assert replaced.code == 0 and "1 replaced" in replaced.stdout, replaced.stdout
    store = open_store(endpoint=f"{server}/query", update_endpoint=f"{server}/update", writable=True)
    assert len(store.sources(str(doc.resolve()))) == 1
    assert cli("remove", *options, doc).code == 0
    assert store.sources(str(doc.resolve())) == []
    missing = cli("remove", *options, doc)
    assert_one_line_error(missing, "no document from this source")


def test_unreachable_endpoint_is_one_line() -> None:
    url = f"http://127.0.0.1:{_free_port()}/query"
    run = cli("query", "--endpoint", url, "ASK {}")
    assert_one_line_error(run, f"cannot reach SPARQL endpoint {url}")
    both = cli("query", "--endpoint", url, "--store", "somewhere", "ASK {}")
    assert both.code == 2


def test_read_only_remote_refuses_writes(server: str, news_file: Path) -> None:
    store = open_store(endpoint=f"{server}/query")
    with pytest.raises(Exception, match="read-only"):
        ingest([news_file], store)


def test_networkx_graph_is_the_same_remotely(local: Store, remote: Store) -> None:
    ours, theirs = to_networkx(local), to_networkx(remote)
    assert dict(ours.nodes(data="label")) == dict(theirs.nodes(data="label"))
    assert set(ours.edges(keys=True)) == set(theirs.edges(keys=True))
