"""Query safety: the token scan, dataset clauses and result formats."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crimjust_graph import Store, open_store
from crimjust_graph.errors import QueryError
from crimjust_graph.pipeline import ingest
from crimjust_graph.sparql import check_query, named_queries, run_query, serialize


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    folder = tmp_path_factory.mktemp("sparql")
    doc = folder / "d.txt"
    doc.write_text("AIRCOP in Dakar\n\nAIRCOP held a training in Dakar, Senegal on 4 May 2019.\n", "utf-8")
    writer = open_store(folder / "store", writable=True)
    ingest([doc], writer)
    return writer


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        "select * where { service silent <http://example.org/> { ?s ?p ?o } }",
        "SELECT * WHERE {\n  SeRvIcE\n<http://x/> {} }",
        "LOAD <http://example.org/data.ttl>",
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "DELETE WHERE { ?s ?p ?o }",
        "DROP ALL",
        # codepoint escapes, read as the grammar reads them (SPARQL 1.1 §19.2)
        "SELECT * WHERE { SERV\\u0049CE <http://e/> { ?s ?p ?o } }",
        "SELECT * WHERE { \\u0053\\u0045\\u0052\\u0056\\u0049\\u0043\\u0045 <http://e/> { ?s ?p ?o } }",
        "SELECT * WHERE { \\U00000053ERVICE <http://e/> { ?s ?p ?o } }",
        "SELECT * WHERE { SERV\\u005Cu0049CE <http://e/> { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o } # x\r\\u004cOAD <http://e/>",
        "LO\\u0041D <http://e/>",
        "INS\\u0045RT DATA { <urn:a> <urn:b> <urn:c> }",
    ],
)
def test_refused_before_running(query: str) -> None:
    with pytest.raises(QueryError):
        check_query(query)


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters='"\\\n\r'), max_size=40)
)
def test_words_inside_strings_are_not_keywords(text: str) -> None:
    query = f'SELECT * WHERE {{ ?s ?p "SERVICE {text} DROP" }} # SERVICE in a comment'
    assert check_query(query).from_graphs == ()


def test_words_inside_iris_and_names_are_not_keywords() -> None:
    assert check_query("SELECT ?service WHERE { ?service <http://x/SERVICE> ex:drop }")


def test_service_never_connects(store: Store) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.5)
        port = listener.getsockname()[1]
        with pytest.raises(QueryError, match="SERVICE"):
            run_query(store, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}")
        with pytest.raises(QueryError, match="not in the store"):
            run_query(store, f"SELECT * FROM <http://127.0.0.1:{port}/g.ttl> WHERE {{ ?s ?p ?o }}")
        with pytest.raises(TimeoutError):
            listener.accept()


def test_from_unknown_graph_is_refused_not_ignored(store: Store) -> None:
    with pytest.raises(QueryError, match="urn:nothing"):
        run_query(store, "SELECT * FROM <urn:nothing> WHERE { ?s ?p ?o }")
    with pytest.raises(QueryError, match="urn:nothing"):
        run_query(store, "SELECT * WHERE { ?s ?p ?o }", default_graphs=["urn:nothing"])


def test_default_graph_uri_selects(store: Store) -> None:
    graph = store.documents()[0].iri
    result = run_query(store, "SELECT (COUNT(*) AS ?n) WHERE { ?d a cj:Document }", default_graphs=[graph])
    assert json.loads(serialize(result, "json"))["results"]["bindings"][0]["n"]["value"] == "1"
    empty = run_query(
        store, "SELECT (COUNT(*) AS ?n) WHERE { ?d a cj:Document }", default_graphs=[], named_graphs=[graph]
    )
    assert json.loads(serialize(empty, "json"))["results"]["bindings"][0]["n"]["value"] == "0"


def test_formats(store: Store) -> None:
    select = "SELECT ?t WHERE { ?d a cj:Document ; dcterms:title ?t }"
    assert serialize(run_query(store, select), "csv").decode().splitlines() == ["t", "AIRCOP in Dakar"]
    assert serialize(run_query(store, select), "tsv").decode().splitlines()[1] == '"AIRCOP in Dakar"'
    assert b"<sparql" in serialize(run_query(store, select), "xml")
    assert json.loads(serialize(run_query(store, "ASK { ?d a cj:Document }"), "json"))["boolean"] is True
    turtle = serialize(run_query(store, "CONSTRUCT WHERE { ?d a cj:Document }"), "turtle").decode()
    assert "cj:Document" in turtle
    with pytest.raises(QueryError):
        serialize(run_query(store, select), "turtle")


def test_syntax_error_names_the_problem(store: Store) -> None:
    with pytest.raises(QueryError, match="syntax error"):
        run_query(store, "SELECT ?x WHERE { ?x }")


def test_every_named_query_runs(store: Store) -> None:
    queries = named_queries()
    assert len(queries) >= 12
    for named in queries.values():
        assert named.title and named.title != named.name
        run_query(store, named.text)


def test_prefixes_are_predeclared_and_overridable(store: Store, tmp_path: Path) -> None:
    query = "PREFIX cj: <https://w3id.org/crimjust/ontology#> SELECT * WHERE { ?d a cj:Document }"
    assert len(list(run_query(store, query))) == 1  # type: ignore[arg-type]
