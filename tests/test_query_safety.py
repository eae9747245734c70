"""No query reaches the network, by any spelling: the parse-based refusal and the no-socket query threads.

Every test here has a loopback listener; a query that fetched anything would show up as a connection to it.
The positive controls run the same spellings in a bare, unguarded pyoxigraph store and see it connect: the
spellings are real bypasses, so the guards are what stops them.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import crimjust_graph
from conftest import assert_one_line_error, cli
from crimjust_graph import Store, open_store
from crimjust_graph.errors import QueryError
from crimjust_graph.sandbox import deny_network, run_offline
from crimjust_graph.sparql import MAX_DEPTH, check_query
from test_server import Listener, Server, one_line, start_server, stop_server, worker_processes

# The two spellings that got past the old token scan (issue 15): a comment that ends at a lone CR, and a
# prefixed name with an escaped quote that the scan took for the start of a string.
CR_COMMENT = "SELECT * WHERE { #x\rSERVICE <{target}> { ?s ?p ?o } }"
ESCAPED_QUOTE = (
    "PREFIX ex: <http://example.org/> SELECT * WHERE { OPTIONAL { ?s ?p ex:a\\' } "
    "SERVICE <{target}> { ?x ?y ?z } FILTER(?x != 'q') }"
)
CJ = "https://w3id.org/crimjust/ontology#"
DEEP = {
    "braces": "SELECT * WHERE " + "{" * 10_000 + " ?s ?p ?o " + "}" * 10_000,
    "parentheses": "SELECT * WHERE { ?s ?p ?o FILTER" + "(" * 10_000 + "?o" + ")" * 10_000 + " }",
    "optional": "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * 5_000 + "}" * 5_000 + " }",
}


def spelled(template: str, listener: Listener) -> str:
    return template.replace("{target}", f"http://127.0.0.1:{listener.port}/sparql")


@pytest.fixture
def listener() -> Iterator[Listener]:
    running = Listener()
    yield running
    running.close()


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("safety")
    (folder / "d.txt").write_text("AIRCOP in Dakar\n\nAIRCOP held a training in Dakar, Senegal.\n", "utf-8")
    assert cli("ingest", "--store", folder / "store", folder / "d.txt").code == 0
    return folder / "store"


@pytest.fixture(scope="module")
def store(store_path: Path) -> Store:
    opened = open_store(store_path)
    assert opened.path is not None
    return opened


def unguarded(query: str) -> None:
    """Run a query as bare pyoxigraph would, in a fresh thread, swallowing its errors."""

    def run() -> None:
        with contextlib.suppress(OSError, SyntaxError, RuntimeError, ValueError):
            list(ox.Store().query(query))  # type: ignore[arg-type]

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)


def settle(listener: Listener) -> int:
    """Connections so far: a fetch completes before its query returns, so a short pause is enough."""
    time.sleep(0.05)
    return listener.connections


@pytest.mark.parametrize("template", [CR_COMMENT, ESCAPED_QUOTE], ids=["cr-comment", "escaped-quote"])
def test_the_reported_bypasses_fetch_when_unguarded(template: str, listener: Listener) -> None:
    unguarded(spelled(template, listener))
    assert settle(listener) >= 1


@pytest.mark.parametrize("template", [CR_COMMENT, ESCAPED_QUOTE], ids=["cr-comment", "escaped-quote"])
def test_the_reported_bypasses_are_refused_by_the_cli(
    template: str, listener: Listener, store_path: Path
) -> None:
    assert_one_line_error(cli("query", "--store", store_path, spelled(template, listener)), "SERVICE")
    assert settle(listener) == 0


def test_the_reported_bypasses_are_refused_by_the_endpoint(
    listener: Listener, store_path: Path, tmp_path: Path
) -> None:
    server = start_server(store_path, tmp_path / "serve.log", "--workers", "1")
    try:
        for template in (CR_COMMENT, ESCAPED_QUOTE):
            status, _, body = server.get(spelled(template, listener))
            assert status == 400 and "SERVICE" in one_line(body)
            form = urllib.parse.urlencode({"query": spelled(template, listener)}).encode()
            status, _, body = server.request(
                "POST", "/sparql", form, {"Content-Type": "application/x-www-form-urlencoded"}
            )
            assert status == 400 and "SERVICE" in one_line(body)
        assert settle(listener) == 0
    finally:
        stop_server(server)


# -- the parse decides, whatever the spelling ---------------------------------------------------------------


def keyword(rng: random.Random, word: str = "SERVICE") -> str:
    """The keyword in any case, a letter now and then written as a \\u, \\U or doubly escaped codepoint."""
    out = []
    for letter in word:
        char = rng.choice([letter, letter.lower()])
        code = f"{ord(char):04X}" if rng.random() < 0.5 else f"{ord(char):04x}"
        escaped = rng.choice([f"\\u{code}", f"\\U0000{code}", f"\\u005Cu{code}"])
        out.append(escaped if rng.random() < 0.1 else char)
    return "".join(out)


# Things that may stand before SERVICE in a group and that a scanner can misread: comments ended by CR, LF
# or CR LF; strings with escaped quotes, long strings, prefixed names with escapes; escaped comment marks.
# Patterns sit in OPTIONAL so that, on an empty store, the engine still gets as far as the SERVICE call.
NOISE = [
    "#x\r",
    "#x\r\n",
    "# ' \" { SERVICE\n",
    "OPTIONAL { ?s ?p ex:a\\' }",
    "OPTIONAL { ?s ?p ex:a\\'b\\' }",
    "OPTIONAL { ?s ?p 'it\\'s' }",
    'OPTIONAL { ?s ?p "a\\"b" }',
    "OPTIONAL { ?s ?p '''x'y''' }",
    'OPTIONAL { ?s ?p """ "" """ }',
    "OPTIONAL { ?s ?p <http://e/#x> }",
    "BIND('#' AS ?h)",
    "\\u0023x\r",
    "\\u0020",
]
WHITESPACE = [" ", "\t", "\n", "\r", "\r\n", "\\u0020", "#c\r", "#c\n", "#c\r\n"]


def make_bypass(rng: random.Random) -> str:
    """A query that calls SERVICE on {target}, spelled to slip past a scanner that reads SPARQL wrongly."""
    noise = " ".join(rng.sample(NOISE, rng.randint(0, 4)))
    gap = rng.choice(WHITESPACE)
    silent = rng.choice(["", "SILENT ", "silent ", "S\\u0049LENT "])
    return (
        "PREFIX ex: <http://example.org/> SELECT * WHERE { "
        f"{noise} {keyword(rng)}{gap}{silent}<{{target}}> {{ ?x ?y ?z }} }}"
    )


FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def fuzz_listener() -> Iterator[Listener]:
    running = Listener()
    yield running
    running.close()


@FUZZ
@given(rng=st.randoms(use_true_random=False))
def test_fuzzed_spellings_never_reach_the_listener(
    rng: random.Random, store: Store, fuzz_listener: Listener
) -> None:
    before = fuzz_listener.connections
    query = spelled(make_bypass(rng), fuzz_listener)
    try:
        checked = check_query(query)
    except QueryError:
        pass
    else:  # the check let it through: then it must hold no SERVICE as Oxigraph itself reads it
        unguarded(checked.text)
    with contextlib.suppress(QueryError):
        crimjust_graph.query(query, store)
    assert settle(fuzz_listener) == before, repr(query)


def test_fuzzed_spellings_are_real_bypass_attempts(listener: Listener) -> None:
    """Many spellings the generator makes do fetch when nothing guards them: the fuzz test can fail."""
    rng = random.Random(15)
    fetched = 0
    for _ in range(40):
        before = listener.connections
        unguarded(spelled(make_bypass(rng), listener))
        fetched += settle(listener) > before
    assert fetched >= 8, fetched  # 10 of these 40 fetch; the others are spellings only the grammar allows


def test_what_the_check_read_is_what_runs(store: Store) -> None:
    """Escapes and line ends are put in one form before parsing, and that form is the text that runs."""
    checked = check_query('SELECT ?l WHERE { ?p rdfs:label ?l # c\r FILTER(?l = "AIRCOP\\u0020in Dakar") }')
    assert "\r" not in checked.text and "\\u" not in checked.text
    assert crimjust_graph.query('SELECT * WHERE { ?d dcterms:title "AIRCOP\\u0020in Dakar" }', store)


@pytest.mark.parametrize(
    ("query", "graphs", "named"),
    [
        ("PREFIX ex: <http://e/> SELECT * FROM ex:g\\'1 WHERE { ?s ?p ?o }", ("http://e/g'1",), ()),
        ("BASE <http://b/x/> SELECT * FROM NAMED <g> WHERE { ?s ?p ?o }", (), ("http://b/x/g",)),
        (
            "SELECT * FROM cj:x FROM <urn:y> WHERE { ?s ?p ?o }",
            ("https://w3id.org/crimjust/ontology#x", "urn:y"),
            (),
        ),
        ("SELECT * WHERE { ?s ?p 'FROM <urn:z>' }", (), ()),
    ],
)
def test_dataset_clauses_come_from_the_parse(
    query: str, graphs: tuple[str, ...], named: tuple[str, ...]
) -> None:
    checked = check_query(query)
    assert (checked.from_graphs, checked.from_named) == (graphs, named)


# -- the second layer, on its own ---------------------------------------------------------------------------


def offline_thread(job: Callable[[], object]) -> BaseException | None:
    failure: list[BaseException] = []

    def run() -> None:
        deny_network()
        try:
            job()
        except BaseException as exc:
            failure.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(30)
    return failure[0] if failure else None


def test_query_threads_cannot_open_sockets_even_past_the_check(listener: Listener) -> None:
    query = spelled("SELECT * WHERE { SERVICE <{target}> { ?s ?p ?o } }", listener)
    failure = offline_thread(lambda: list(ox.Store().query(query)))  # type: ignore[arg-type]
    assert isinstance(failure, OSError) and "denied" in str(failure).lower()
    assert settle(listener) == 0
    unguarded(query)  # control: the same query, in a thread with the network, does connect
    assert settle(listener) >= 1


def test_api_queries_run_in_an_offline_thread(listener: Listener) -> None:
    query = spelled("SELECT * WHERE { SERVICE <{target}> { ?s ?p ?o } }", listener)
    with pytest.raises(OSError, match="denied"):
        run_offline(lambda: list(ox.Store().query(query)))  # type: ignore[arg-type]
    assert settle(listener) == 0


def test_the_filter_is_per_thread(listener: Listener) -> None:
    """The server's own sockets, in other threads, keep working while query threads are offline."""
    import socket

    assert offline_thread(lambda: socket.socket().close()) is not None
    with socket.create_connection(("127.0.0.1", listener.port), timeout=5):
        pass
    assert settle(listener) == 1


def test_serve_answers_lookups_on_an_event_loop_without_the_network(store_path: Path, tmp_path: Path) -> None:
    """Lookups run on each worker's event loop (bounded.py): that thread is under the filter too, and still
    accepts and answers connections."""
    server = start_server(store_path, tmp_path / "serve.log", "--workers", "1")
    try:
        for _ in range(3):  # new connections, accepted by the filtered thread
            status, _, body = server.get("SELECT ?label WHERE { ?p rdfs:label ?label } LIMIT 1")
            assert status == 200 and b"label" in body
        (worker,) = worker_processes(server)
        # The process's own status line is its main thread's: the event loop (query threads have their own).
        assert "Seccomp:\t2" in Path(f"/proc/{worker}/status").read_text()
    finally:
        stop_server(server)


# -- nesting ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", list(DEEP))
def test_deep_nesting_is_refused_with_one_line(shape: str, store_path: Path, tmp_path: Path) -> None:
    query_file = tmp_path / "deep.rq"
    query_file.write_text(DEEP[shape], encoding="utf-8")
    assert_one_line_error(cli("query", "--store", store_path, "-f", query_file), "nests", str(MAX_DEPTH))


def test_nesting_up_to_the_limit_runs(store: Store) -> None:
    depth = MAX_DEPTH - 2
    parens = "SELECT ?d WHERE { ?d a cj:Document FILTER" + "(" * depth + "true" + ")" * depth + " }"
    braces = "SELECT ?d WHERE " + "{" * depth + " ?d a cj:Document " + "}" * depth
    for query in (parens, braces):
        rows = crimjust_graph.query(query, store)
        assert isinstance(rows, crimjust_graph.Rows) and len(rows) == 1


# Flat but long: Oxigraph recurses along these chains too (10,000 UNIONs or || terms crash it).
LONG = {
    "unions": "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 10_000) + " }",
    "or-terms": "SELECT * WHERE { ?s ?p ?o FILTER(" + " || ".join(["?o"] * 10_000) + ") }",
    "objects": "SELECT * WHERE { ?s ?p " + ", ".join(["?o"] * 10_000) + " }",
}


@pytest.mark.parametrize("shape", list(LONG))
def test_long_chains_are_refused_with_one_line(shape: str, store_path: Path, tmp_path: Path) -> None:
    query_file = tmp_path / "long.rq"
    query_file.write_text(LONG[shape], encoding="utf-8")
    assert_one_line_error(cli("query", "--store", store_path, "-f", query_file), "parts, over the")


def test_a_long_values_table_is_data_not_structure(store: Store) -> None:
    rows = " ".join(f"<urn:x:{i}>" for i in range(30_000))
    answer = crimjust_graph.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?x {{ {rows} }} }}", store)
    assert isinstance(answer, crimjust_graph.Rows) and answer.rows == [[30_000]]


def test_deep_or_long_queries_do_not_crash_the_endpoint(store_path: Path, tmp_path: Path) -> None:
    server: Server = start_server(store_path, tmp_path / "serve.log", "--workers", "1", "--timeout", "300")
    try:
        for query, reason in [*((q, "nests") for q in DEEP.values()), *((q, "parts") for q in LONG.values())]:
            status, _, body = server.request(
                "POST", "/sparql", query.encode(), {"Content-Type": "application/sparql-query"}, timeout=300
            )
            assert status == 400 and reason in one_line(body)
        assert server.get("ASK { ?s ?p ?o }")[0] == 200
    finally:
        stop_server(server)
