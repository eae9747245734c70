"""The same commands on three backends: the embedded store, `oxigraph serve` and Virtuoso 7, all real.

Each server runs as a real process on free loopback ports; data/ goes in through the CLI, and every answer is
compared with the embedded store's: the dataset (isomorphic graphs), named and ad-hoc queries (equal rows),
`documents`, `validate`, `export` and `render`. Virtuoso is Debian's `virtuoso-opensource` (.ci/run installs
it); its update endpoint takes a user and password, given in the environment only.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from conftest import CLI, ROOT, Run, assert_one_line_error, cli, unordered_concat
from crimjust_graph import ingest, open_store, query
from crimjust_graph.backend import Backend, GraphSelection
from crimjust_graph.embedded import EmbeddedBackend
from crimjust_graph.engines import MERGED_GRAPH, virtuoso_ini, virtuoso_setup
from crimjust_graph.errors import StoreError
from crimjust_graph.remote import PASSWORD_VARIABLE, USER_VARIABLE
from crimjust_graph.sparql import named_queries, run_query, to_rows
from crimjust_graph.store import DOCUMENT_GRAPHS, SYSTEM_GRAPHS, Store
from test_remote_store import _free_port, _graphs, _same_graph, oxigraph_server

DATA = ROOT / "data"
VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")


@dataclass(frozen=True)
class Server:
    """A running server as the commands see it: options, and the environment holding its credentials."""

    name: str
    endpoint: str
    update_endpoint: str
    env: dict[str, str]

    @property
    def options(self) -> list[str]:
        return ["--endpoint", self.endpoint, "--update-endpoint", self.update_endpoint]

    def cli(self, *args: str | Path, read_only: bool = False) -> Run:
        options = self.options[:2] if read_only else self.options
        return cli(*args, *options, env=self.env, timeout=600)

    def open(self, *, writable: bool = False) -> Store:
        with _environment(self.env):
            return open_store(endpoint=self.endpoint, update_endpoint=self.update_endpoint, writable=writable)


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _need_virtuoso() -> tuple[str, str]:
    """virtuoso-t and isql-vt, or a skip (a failure under CI, which installs them)."""
    if VIRTUOSO is None or ISQL is None:
        reason = "virtuoso-t is not installed: apt-get install virtuoso-opensource (.ci/run does)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)
    return VIRTUOSO, ISQL


@contextlib.contextmanager
def virtuoso_server(folder: Path, password: str) -> Iterator[Server]:
    """Virtuoso on free 127.0.0.1 ports, set up as README says; stopped by its PID.

    Anonymous /sparql reads; /sparql-auth takes updates from the user `crimjust` (Digest authentication).
    """
    binary, isql = _need_virtuoso()
    sql, http = _free_port(), _free_port()
    (folder / "virtuoso.ini").write_text(virtuoso_ini(str(folder), sql, http), "utf-8")
    process = subprocess.Popen(
        [binary, "-f", "-c", str(folder / "virtuoso.ini")],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{http}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                pytest.fail(f"virtuoso-t exited with {process.returncode}: see {folder}/virtuoso.log")
            try:
                with urllib.request.urlopen(base + "/sparql?query=ASK%7B%7D", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("virtuoso-t did not answer within 120 s")
                time.sleep(0.3)
        setup = virtuoso_setup().replace("PASSWORD", password)
        done = subprocess.run(
            [isql, f"127.0.0.1:{sql}", "dba", "dba", f"exec={setup}"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.returncode == 0 and "Error" not in done.stdout + done.stderr, done.stdout + done.stderr
        env = {USER_VARIABLE: "crimjust", PASSWORD_VARIABLE: password}
        yield Server("virtuoso", f"{base}/sparql", f"{base}/sparql-auth", env)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def password() -> str:
    return "pw-" + secrets.token_hex(12)


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, password: str
) -> Iterator[Server]:
    """Each server, with data/ ingested through the CLI (the path users take)."""
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "oxigraph":
        context: contextlib.AbstractContextManager[Server] = _oxigraph(folder)
    else:
        context = virtuoso_server(folder, password)
    with context as running:
        run = running.cli("ingest", DATA)
        assert run.code == 0, run.stderr
        assert " 0 failed" in run.stdout, run.stdout
        assert password not in run.stdout + run.stderr
        yield running


@contextlib.contextmanager
def _oxigraph(folder: Path) -> Iterator[Server]:
    with oxigraph_server(folder) as url:
        yield Server("oxigraph", f"{url}/query", f"{url}/update", {})


@pytest.fixture(scope="module")
def local(tmp_path_factory: pytest.TempPathFactory) -> Store:
    store = open_store(tmp_path_factory.mktemp("local") / "store", writable=True)
    assert store.path is not None
    assert ingest([DATA], store).ok
    return store


@pytest.fixture(scope="module")
def remote(server: Server) -> Store:
    return server.open()


def test_the_dataset_is_isomorphic_to_the_embedded_one(local: Store, remote: Store) -> None:
    ours, theirs = _graphs(local), _graphs(remote)
    assert ours.keys() == theirs.keys()
    assert set(SYSTEM_GRAPHS) <= ours.keys() and MERGED_GRAPH not in theirs
    assert len(ours) >= len(SYSTEM_GRAPHS) + 15
    for name in ours:
        assert _same_graph(ours[name], theirs[name]), name


def test_the_merged_default_graph_is_the_same(local: Store, remote: Store, tmp_path: Path) -> None:
    """What a query without FROM reads: each triple once, documents and reference facts, nothing else."""
    for store, name in ((local, "local.nt"), (remote, "remote.nt")):
        with (tmp_path / name).open("wb") as out:
            store.dump(out, "ntriples")
    ours = Graph().parse(tmp_path / "local.nt", format="nt")
    theirs = Graph().parse(tmp_path / "remote.nt", format="nt")
    assert len(ours) > 10_000
    assert set(ours) == set(theirs)


def _same_rows(rows: list[list[object]]) -> list[tuple[str, ...]]:
    """Rows to compare across engines: GROUP_CONCAT cells as sets, and "" for an unbound cell.

    The differences between engines that comparing leaves in (README, Remote stores): a GROUP_CONCAT over
    no values is unbound in Oxigraph (an error in the aggregate) and "" in Virtuoso; a boolean the query
    computes is true/false in Oxigraph and 1/0 in Virtuoso.
    """
    return sorted(unordered_concat([_cell(cell) for cell in row]) for row in rows)


def _cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    return value


# Named queries Virtuoso 7.2.5 answers wrongly: it drops a few rows of this nested query (1-3 of 424 on data/,
# varying from run to run), though each of its parts alone answers as Oxigraph does (README, Remote stores).
VIRTUOSO_WRONG = {"programmes-in-country"}


def test_every_named_query_answers_the_same(local: Store, server: Server, remote: Store) -> None:
    for name, named in named_queries().items():
        columns, rows = to_rows(run_query(local, named.text))
        remote_columns, remote_rows = to_rows(run_query(remote, named.text))
        assert columns == remote_columns, name
        if server.name == "virtuoso" and name in VIRTUOSO_WRONG:
            # Still a check: every (country, programme) pair it gives is right, and few are missing.
            pairs = {tuple(map(str, row[:4])) for row in rows}
            remote_pairs = {tuple(map(str, row[:4])) for row in remote_rows}
            assert remote_pairs <= pairs and len(remote_pairs) >= 0.95 * len(pairs), name
            continue
        assert len(rows) == len(remote_rows), name
        assert _same_rows(rows) == _same_rows(remote_rows), name


AD_HOC = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a cj:Programme }",
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?g a cj:Document } }",
    "SELECT ?label (COUNT(?e) AS ?n) WHERE { ?p a cj:Programme ; rdfs:label ?label . ?e ?r ?p } "
    "GROUP BY ?label ORDER BY ?label",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    "ASK { GRAPH ?g { ?s a cj:Programme } }",
    "ASK { ?s a owl:Class }",  # the ontology is not in the merge
    "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/crimjust/graph/ontology> WHERE { ?s ?p ?o }",
    "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/crimjust/graph/reference> "
    "WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT (COUNT(*) AS ?n) FROM NAMED <https://w3id.org/crimjust/graph/shapes> "
    "WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
]


@pytest.mark.parametrize("sparql", AD_HOC)
def test_ad_hoc_queries_and_counts_answer_the_same(local: Store, remote: Store, sparql: str) -> None:
    assert query(sparql, local) == query(sparql, remote)


def test_a_dataset_given_beside_the_query_is_the_same(local: Store, remote: Store) -> None:
    document = sorted(local.graphs() - SYSTEM_GRAPHS)[0]
    count = "SELECT (COUNT(*) AS ?n) WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }"
    for kwargs in ({"default_graphs": [document]}, {"named_graphs": [document]}):
        ours, theirs = query(count, local, **kwargs), query(count, remote, **kwargs)
        assert ours == theirs and ours != query(count, local), kwargs


def test_the_commands_answer_the_same(local: Store, server: Server, tmp_path: Path) -> None:
    again = server.cli("ingest", DATA)
    assert again.code == 0 and " 0 new" in again.stdout and " 0 replaced" in again.stdout, again.stdout

    listed = server.cli("documents", "--format", "json", read_only=True)
    assert listed.code == 0, listed.stderr
    assert json.loads(listed.stdout) == [info.__dict__ for info in local.documents()]

    asked = server.cli("query", "--name", "programmes", "--format", "csv", read_only=True)
    here = cli("query", "--store", local.path, "--name", "programmes", "--format", "csv")
    assert asked.code == 0 and here.code == 0, asked.stderr
    assert _csv_rows(asked.stdout) == _csv_rows(here.stdout)

    checked = server.cli("validate", read_only=True)
    assert checked.code == 0, checked.stdout + checked.stderr

    exported = server.cli("export", "--format", "nquads", "-o", tmp_path / "remote.nq", read_only=True)
    assert exported.code == 0, exported.stderr
    assert (tmp_path / "remote.nq").stat().st_size > 100_000

    rendered = server.cli("render", "-o", tmp_path / "page.html", read_only=True)
    assert rendered.code == 0, rendered.stderr
    assert (tmp_path / "page.html").read_text("utf-8").lstrip().lower().startswith("<!doctype html>")

    refused = server.cli("query", "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }")
    assert_one_line_error(refused, "SERVICE")
    remote_from = server.cli("query", "SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }")
    assert_one_line_error(remote_from, "not in the store")


def _csv_rows(text: str) -> list[tuple[str, ...]]:
    return sorted(unordered_concat(row) for row in csv.reader(io.StringIO(text)))


def test_remove_and_reingest(server: Server, tmp_path: Path) -> None:
    """Replace and remove leave the merge as it was: a triple goes only when no other graph states it."""
    store = server.open(writable=True)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = query(count, store)
    doc = tmp_path / "news.txt"
    doc.write_text("AIRCOP in Dakar\n\nAIRCOP held a training in Dakar, Senegal on 4 May 2019.\n", "utf-8")
    assert server.cli("ingest", doc).code == 0
    doc.write_text("AIRCOP in Lomé\n\nAIRCOP held a training in Lomé, Togo on 6 May 2019.\n", "utf-8")
    replaced = server.cli("ingest", doc)
    assert replaced.code == 0 and "1 replaced" in replaced.stdout, replaced.stdout
    [graph] = store.sources(str(doc.resolve()))
    assert query(f"ASK {{ GRAPH <{graph}> {{ ?e cj:heldIn ?place . ?place rdfs:label 'Lomé' }} }}", store)
    assert query(count, store) != before
    assert server.cli("remove", doc).code == 0
    assert store.sources(str(doc.resolve())) == []
    assert query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}", store).rows == [[0]]
    assert query(count, store) == before
    assert_one_line_error(server.cli("remove", doc), "no document from this source")


@pytest.mark.parametrize("server", ["virtuoso"], indirect=True)
def test_credentials_stay_out_of_ps_and_output(server: Server, password: str, tmp_path: Path) -> None:
    """The password reaches the server from the environment only: not the command line, not the output."""
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in sorted(p.name for p in DATA.iterdir())[:6]:
        (docs / f"copy-{name}").write_bytes((DATA / name).read_bytes().replace(b"\n\n", b"\n\n\n", 1))
    process = subprocess.Popen(
        [str(CLI), "ingest", *server.options, str(docs)],
        env={**os.environ, **server.env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    seen = []
    while process.poll() is None:
        seen.append(subprocess.run(["ps", "-eww", "-o", "args"], capture_output=True, text=True).stdout)
        seen.append(Path(f"/proc/{process.pid}/cmdline").read_bytes().decode(errors="replace"))
        time.sleep(0.05)
    out, err = process.communicate()
    assert process.returncode == 0, err
    assert len(seen) >= 2 and any("ingest" in text for text in seen)
    assert not any(password in text for text in seen)
    assert password not in out + err

    fresh = tmp_path / "fresh.txt"  # something to write, so the server asks for the login
    fresh.write_text("AIRCOP in Accra\n\nAIRCOP met in Accra, Ghana on 9 May 2021.\n", "utf-8")
    wrong = cli("ingest", *server.options, fresh, env={**server.env, PASSWORD_VARIABLE: password + "x"})
    assert_one_line_error(wrong, "needs a user and password")
    assert password not in wrong.stdout + wrong.stderr
    in_url = server.update_endpoint.replace("http://", f"http://crimjust:{password}@")
    refused = cli("ingest", "--endpoint", server.endpoint, "--update-endpoint", in_url, fresh)
    assert_one_line_error(refused, "never in the URL")
    assert password not in refused.stderr


@pytest.mark.parametrize("server", ["virtuoso"], indirect=True)
def test_credentials_from_netrc(server: Server, password: str, tmp_path: Path) -> None:
    doc = tmp_path / "note.txt"
    doc.write_text("SEACOP in Lisbon\n\nSEACOP met in Lisbon, Portugal on 2 June 2020.\n", "utf-8")
    home = tmp_path / "home"
    home.mkdir()
    netrc = home / ".netrc"
    netrc.write_text(f"machine 127.0.0.1 login crimjust password {password}\n", "utf-8")
    netrc.chmod(0o600)
    bare = {k: v for k, v in os.environ.items() if k not in (USER_VARIABLE, PASSWORD_VARIABLE)}
    run = subprocess.run(
        [str(CLI), "ingest", *server.options, str(doc)],
        env={**bare, "HOME": str(home)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "1 new" in run.stdout and password not in run.stdout + run.stderr
    netrc.unlink()
    without = subprocess.run(
        [str(CLI), "remove", *server.options, str(doc)],
        env={**bare, "HOME": str(home), "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert without.returncode == 1 and f"${USER_VARIABLE}" in without.stderr, without.stderr
    assert server.cli("remove", doc).code == 0


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Store]:
    """A generated corpus of 300 documents and the embedded store that took it in one run (shared by the
    servers' kill tests)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate  # type: ignore[import-not-found]

    folder = tmp_path_factory.mktemp("generated")
    corpus = folder / "corpus"
    generate(300, corpus, seed=14)
    once = open_store(folder / "once", writable=True)
    assert ingest([corpus], once).ok
    return corpus, once


def test_a_killed_bulk_ingest_is_repaired_by_the_next(server: Server, generated: tuple[Path, Store]) -> None:
    """Kill -9 an ingest while batches go in through the bulk path; the next run leaves what one run does."""
    corpus, once = generated
    process = subprocess.Popen(
        [str(CLI), "ingest", *server.options, str(corpus)],
        env={**os.environ, **server.env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    watcher = server.open()
    caught_incomplete = False
    deadline = time.monotonic() + 300
    while process.poll() is None and time.monotonic() < deadline:
        incomplete = watcher.incomplete_graphs()
        listed = len(watcher.documents())
        if incomplete or listed >= 100:
            caught_incomplete = bool(incomplete)
            process.kill()
            break
        time.sleep(0.02)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the ingest ended before it could be killed"
    # Listed documents are whole: each has its source mark and its document node.
    for info in watcher.documents():
        assert info.entities > 0, info
    again = server.cli("ingest", corpus)
    assert again.code == 0 and " 0 failed" in again.stdout, again.stdout + again.stderr
    assert watcher.incomplete_graphs() == set()
    sources = {info.source for info in watcher.documents()}
    assert {str(p.resolve()) for p in corpus.iterdir()} <= sources
    # Against a store that took the corpus in one uninterrupted run: the same graphs.
    ours, theirs = _graphs(once), _graphs(watcher)
    mine = {g for g in ours if g.startswith(DOCUMENT_GRAPHS)}
    assert mine <= theirs.keys()
    for name in mine:
        assert _same_graph(ours[name], theirs[name]), name
    print(f"{server.name}: killed with incomplete graphs in the server: {caught_incomplete}")


# -- the backend interface: each backend passes the same contract ----------------------------------

CONTRACT = "urn:x-crimjust-contract:"


def _contract(backend: Backend) -> None:
    """What the document store relies on from a backend: load, list, read, update, dump and query."""
    first, second = f"{CONTRACT}graph/1", f"{CONTRACT}graph/2"
    one = f'<{CONTRACT}a> <{CONTRACT}p> "x" .\n<{CONTRACT}a> <{CONTRACT}p> <{CONTRACT}b> .'
    two = f'<{CONTRACT}b> <{CONTRACT}p> "y" .\n<{CONTRACT}a> <{CONTRACT}p> "x" .'
    merge = backend.engine.merged_graph
    try:
        backend.bulk_load([(first, one), (second, two), (merge, f"{one}\n{two}")])
        backend.flush()
        assert {first, second} <= backend.graphs()
        assert merge is None or merge not in backend.graphs()  # the merge is no graph of the user's

        def select(sparql: str) -> set[tuple[str, ...]]:
            rows = backend.read(sparql)
            assert isinstance(rows, ox.QuerySolutions)
            return {tuple(str(row[v]) for v in rows.variables) for row in rows}

        in_first = select(f"SELECT ?s ?o WHERE {{ GRAPH <{first}> {{ ?s ?p ?o }} }}")
        assert in_first == {(f"<{CONTRACT}a>", '"x"'), (f"<{CONTRACT}a>", f"<{CONTRACT}b>")}
        ours = f'FILTER(STRSTARTS(STR(?g), "{CONTRACT}"))'
        graphs = select(f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {ours} }} GROUP BY ?g")
        assert {(g, n.split('"')[1]) for g, n in graphs} == {(f"<{first}>", "2"), (f"<{second}>", "2")}

        # A user's query without a dataset reads the merge: each triple once, though two graphs hold one.
        count = f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), '{CONTRACT}')) }}"
        merged = backend.query(count)
        assert isinstance(merged, ox.QuerySolutions)
        assert [int(row["n"].value) for row in merged] == [3]
        # ... and the dataset it is given, when it is given one; bindings narrow it.
        given = backend.query(count, default_graphs=[second])
        assert isinstance(given, ox.QuerySolutions) and [int(r["n"].value) for r in given] == [2]
        bound = backend.query(
            f"SELECT ?s ?o WHERE {{ GRAPH ?g {{ ?s <{CONTRACT}p> ?o }} }}",
            named_graphs=[first],
            bindings={"s": f"{CONTRACT}a"},
        )
        assert isinstance(bound, ox.QuerySolutions) and len(list(bound)) == 2

        # An update goes in whole; one that does not parse changes nothing and says so.
        backend.update(f"INSERT DATA {{ GRAPH <{first}> {{ <{CONTRACT}c> <{CONTRACT}p> 'z' }} }}")
        assert len(select(f"SELECT ?s WHERE {{ GRAPH <{first}> {{ ?s ?p ?o }} }}")) == 2
        with pytest.raises((StoreError, SyntaxError, OSError)):
            backend.update(f"DROP GRAPH <{first}> ;\nINSERT DATA {{ this is not SPARQL }}")
        assert f"<{CONTRACT}c>" in {
            s for (s,) in select(f"SELECT ?s WHERE {{ GRAPH <{first}> {{ ?s ?p ?o }} }}")
        }

        # A dump writes exactly the graphs it is asked for.
        out = io.BytesIO()
        backend.dump(out, ox.RdfFormat.N_QUADS, GraphSelection(names=frozenset({second})))
        dumped = {
            (str(q.subject), str(q.object), str(q.graph_name))
            for q in ox.parse(out.getvalue(), ox.RdfFormat.N_QUADS)
        }
        assert dumped == {(f"<{CONTRACT}b>", '"y"', f"<{second}>"), (f"<{CONTRACT}a>", '"x"', f"<{second}>")}
    finally:
        clear = f"FILTER(STRSTARTS(STR(?s), '{CONTRACT}'))"
        backend.update(
            f"DROP SILENT GRAPH <{first}> ;\nDROP SILENT GRAPH <{second}> ;\n"
            f"DELETE {{ {backend.engine.in_merge('?s ?p ?o')} }} "
            f"WHERE {{ {backend.engine.in_merge('?s ?p ?o')} {clear} }}"
        )
    assert not {first, second} & backend.graphs()


def test_the_embedded_backend_keeps_the_contract(tmp_path: Path) -> None:
    _contract(EmbeddedBackend(tmp_path / "store", writable=True))


def test_each_server_backend_keeps_the_contract(server: Server) -> None:
    """Last in this module: it leaves the server as it found it, but runs after the comparisons."""
    _contract(server.open(writable=True).backend)
