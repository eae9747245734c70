"""`crimjust-graph serve` as a real process on a free loopback port: statuses, formats, limits, safety."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import CLI, NEWS, cli

SELECT = "SELECT ?label WHERE { ?p a cj:Programme ; rdfs:label ?label } ORDER BY ?label"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TIMEOUT = 2.0


@dataclass
class Server:
    url: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30,
    ) -> tuple[int, dict[str, str], bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            conn.close()

    def get(self, query: str, accept: str | None = None, **params: str) -> tuple[int, dict[str, str], bytes]:
        qs = urllib.parse.urlencode({"query": query, **params})
        return self.request("GET", f"/sparql?{qs}", headers={"Accept": accept} if accept else {})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(store: Path, log: Path, *args: str, preexec_fn: Callable[[], None] | None = None) -> Server:
    """The real CLI in a process of its own; ready once /health answers."""
    port = free_port()
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(CLI), "serve", "--store", str(store), "--port", str(port), *args],
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_COLOR": "1"},
            preexec_fn=preexec_fn,
        )
    server = Server(f"http://127.0.0.1:{port}", port, process, log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve exited with {process.returncode}: {log.read_text()}")
        try:
            if server.request("GET", "/health", timeout=2)[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    stop_server(server)
    pytest.fail(f"serve did not answer /health within 60 s: {log.read_text()}")


def stop_server(server: Server) -> None:
    """Stopped by its PID; its worker processes go with it."""
    server.process.send_signal(signal.SIGTERM)
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:

    folder = tmp_path_factory.mktemp("serve")
    docs = folder / "docs"
    docs.mkdir()
    (docs / "news.txt").write_text(NEWS, encoding="utf-8")
    run = cli("ingest", "--store", folder / "store", docs)
    assert run.code == 0, run.stderr
    return folder / "store"


@pytest.fixture(scope="module")
def server(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    log = tmp_path_factory.mktemp("log") / "serve.log"
    running = start_server(store, log, "--timeout", str(TIMEOUT), "--workers", "2", "--max-rows", "500")
    yield running
    stop_server(running)


def one_line(body: bytes) -> str:
    text = body.decode("utf-8")
    assert text.endswith("\n") and text.count("\n") == 1, text
    assert "Traceback" not in text
    return text.strip()


def labels(body: bytes) -> list[str]:
    return [b["label"]["value"] for b in json.loads(body)["results"]["bindings"]]


def test_health_and_log_line(server: Server) -> None:
    status, headers, body = server.request("GET", "/health")
    assert status == 200 and headers["content-type"] == "application/json"
    assert json.loads(body)["status"] == "ok"
    server.get(SELECT)
    time.sleep(0.3)
    lines = [line for line in server.log.read_text().splitlines() if '"GET /sparql" 200' in line]
    assert lines and lines[-1].split()[-3] == "ms", lines  # ... 200 select 1.2 ms 345 B


def test_every_request_has_one_access_line_that_cannot_be_forged(server: Server) -> None:
    assert server.request("GET", "/static/app.css")[0] == 200
    server.request("GET", "/id/programme/aircop")
    forged = "/id/x%0A127.0.0.1%20%22GET%20/sparql%22%20200%20select"  # a line break and quotes, decoded
    assert server.request("GET", forged)[0] == 404
    time.sleep(0.3)  # access lines are written together every 0.1 s
    lines = server.log.read_text().splitlines()
    assert any('"GET /static/app.css" 200' in line for line in lines)
    assert any('"GET /id/programme/aircop"' in line for line in lines)
    shown = [line for line in lines if '"GET /id/x' in line]
    assert len(shown) == 1 and '/id/x\\n127.0.0.1 \\x22GET /sparql\\x22 200 select" 404' in shown[0], shown
    assert not any(line.startswith("127.0.0.1") for line in lines)


def test_get_post_form_and_direct_agree(server: Server) -> None:
    status, headers, got = server.get(SELECT)
    assert status == 200 and headers["content-type"] == "application/sparql-results+json"
    assert "AIRCOP" in labels(got)
    form = urllib.parse.urlencode({"query": SELECT}).encode()
    posted = server.request("POST", "/sparql", form, {"Content-Type": "application/x-www-form-urlencoded"})
    direct = server.request("POST", "/sparql", SELECT.encode(), {"Content-Type": "application/sparql-query"})
    assert posted[0] == direct[0] == 200
    assert labels(posted[2]) == labels(direct[2]) == labels(got)


@pytest.mark.parametrize(
    ("accept", "media", "needle"),
    [
        ("application/sparql-results+json", "application/sparql-results+json", b'"bindings"'),
        ("application/sparql-results+xml", "application/sparql-results+xml", b"<sparql"),
        ("text/csv", "text/csv; charset=utf-8", b"label\r\n"),
        ("text/tab-separated-values", "text/tab-separated-values; charset=utf-8", b"?label\n"),
        ("text/html;q=0.9, text/csv;q=0.5, */*;q=0.1", "text/csv; charset=utf-8", b"label\r\n"),
    ],
)
def test_select_content_negotiation(server: Server, accept: str, media: str, needle: bytes) -> None:
    status, headers, body = server.get(SELECT, accept)
    assert status == 200 and headers["content-type"] == media and needle in body
    assert headers["vary"] == "Accept"


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (None, "text/turtle; charset=utf-8"),
        ("text/turtle", "text/turtle; charset=utf-8"),
        ("application/n-triples", "application/n-triples"),
        ("application/ld+json", "application/ld+json"),
    ],
)
def test_construct_content_negotiation(server: Server, accept: str | None, media: str) -> None:
    status, headers, body = server.get("CONSTRUCT WHERE { ?p a cj:Programme }", accept)
    assert status == 200 and headers["content-type"] == media
    assert b"programme" in body


def test_ask_and_unacceptable_types(server: Server) -> None:
    status, _, body = server.get("ASK { ?p a cj:Programme }", "application/sparql-results+xml")
    assert status == 200 and b"<boolean>true</boolean>" in body
    status, _, body = server.get(SELECT, "application/x-nothing-we-write")
    assert status == 406 and "Accept" in one_line(body)
    status, _, body = server.get(SELECT, "text/turtle")
    assert status == 406 and "SPARQL JSON, XML, CSV or TSV" in one_line(body)


def test_malformed_query_gets_400_with_the_parser_message(server: Server) -> None:
    status, headers, body = server.get("SELECT ?x WHERE { ?x ?p ")
    assert status == 400 and headers["content-type"].startswith("text/plain")
    assert one_line(body).startswith("syntax error")
    status, _, body = server.request("GET", "/sparql")
    assert status == 400 and "query" in one_line(body)


def test_wrong_and_missing_content_type_get_415(server: Server) -> None:
    for headers in (
        {"Content-Type": "text/plain"},
        {},
        {"Content-Type": "application/sparql-query; charset=UTF-16"},
    ):
        status, _, body = server.request("POST", "/sparql", SELECT.encode(), headers)
        assert status == 415, headers
        one_line(body)


def test_repeated_requests_get_the_same_answers(server: Server) -> None:
    """The reading of small requests is remembered per worker: a repeat must not change a refusal or an
    answer, nor let a request borrow another's Host (the base for relative IRIs)."""
    for _ in range(6):  # both workers, several times
        assert server.request("POST", "/sparql", SELECT.encode(), {"Content-Type": "text/plain"})[0] == 415
        status, headers, _ = server.request("PUT", "/sparql", b"")
        assert status == 405 and "GET" in headers["allow"]
        assert server.request("GET", "/sparql?update=CLEAR%20ALL")[0] == 403
        status, _, body = server.get(SELECT, "application/sparql-results+json")
        assert status == 200 and "AIRCOP" in labels(body)
        for host in ("127.0.0.1", "localhost:9"):
            query = urllib.parse.urlencode({"query": "SELECT ?x WHERE { BIND(<rel> AS ?x) }"})
            status, _, body = server.request("GET", f"/sparql?{query}", headers={"Host": host})
            assert status == 200, body
            iri = json.loads(body)["results"]["bindings"][0]["x"]["value"]
            assert iri == f"http://{host}/rel", iri


def test_put_and_delete_get_405(server: Server) -> None:
    for method in ("PUT", "DELETE", "PATCH"):
        status, headers, body = server.request(method, "/sparql", b"")
        assert status == 405 and "GET" in headers["allow"]
        one_line(body)


def test_updates_are_refused(server: Server) -> None:
    before = labels(server.get(SELECT)[2])
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    attempts = [
        ("POST", "/sparql", b"update=CLEAR+ALL", form),
        ("POST", "/sparql", b"CLEAR ALL", {"Content-Type": "application/sparql-update"}),
        ("GET", "/sparql?update=CLEAR%20ALL", None, {}),
    ]
    for method, path, body, headers in attempts:
        status, _, text = server.request(method, path, body, headers)
        assert status == 403 and "read-only" in one_line(text)
    status, _, text = server.get("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert status == 400 and "read-only" in one_line(text)
    assert labels(server.get(SELECT)[2]) == before


class Listener:
    """A socket on a free port that records any connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()


def test_service_and_remote_dataset_are_refused_without_connecting(server: Server) -> None:
    listener = Listener()
    target = f"http://127.0.0.1:{listener.port}/sparql"
    try:
        for query in (
            f"SELECT * WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
            f"select * where {{ service silent <{target}> {{ ?s ?p ?o }} }}",
        ):
            status, _, body = server.get(query)
            assert status == 400 and "SERVICE" in one_line(body)
        status, _, body = server.get(f"SELECT * FROM <{target}> WHERE {{ ?s ?p ?o }}")
        assert status == 400 and "not in the store" in one_line(body)
        status, _, body = server.get("SELECT * WHERE { ?s ?p ?o }", **{"default-graph-uri": target})
        assert status == 400 and "not in the store" in one_line(body)
        time.sleep(0.5)
        assert listener.connections == 0
    finally:
        listener.close()


def test_oversized_requests(server: Server) -> None:
    big = b"query=" + b"x" * (1 << 20)
    status, _, body = server.request(
        "POST", "/sparql", big, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 413 and "over" in one_line(body)
    status, _, body = server.request("GET", "/sparql?query=" + "x" * (20 << 10))
    assert status == 414
    one_line(body)


def test_row_limit(server: Server) -> None:
    status, _, body = server.get("SELECT * WHERE { ?s ?p ?o }")
    assert status == 400 and "over 500 rows" in one_line(body) and "LIMIT" in one_line(body)
    status, _, body = server.get("SELECT * WHERE { ?s ?p ?o } LIMIT 500", "text/csv")
    assert status == 200 and body.count(b"\n") >= 500


def test_heavy_query_times_out_while_others_are_answered(server: Server) -> None:
    workers = worker_processes(server)
    assert len(workers) == 2
    outcome: dict[str, object] = {}

    def heavy() -> None:
        start = time.monotonic()
        outcome["status"], _, outcome["body"] = server.get(HEAVY)
        outcome["seconds"] = time.monotonic() - start

    thread = threading.Thread(target=heavy)
    thread.start()
    time.sleep(0.3)
    quick = []
    while thread.is_alive():
        start = time.monotonic()
        status, _, _ = server.get(SELECT)
        assert status == 200
        quick.append(time.monotonic() - start)
        time.sleep(0.05)
    thread.join()
    assert outcome["status"] == 503, outcome
    assert "time limit" in one_line(outcome["body"])  # type: ignore[arg-type]
    assert float(outcome["seconds"]) < TIMEOUT + 3  # type: ignore[arg-type]
    assert quick and max(quick) < 1.0, quick
    # The process that ran it exits (nothing else stops a running query) and a new one takes its place.
    deadline = time.monotonic() + 30
    while not (workers - worker_processes(server) and len(worker_processes(server)) == 2):
        assert time.monotonic() < deadline, (workers, worker_processes(server), server.log.read_text())
        time.sleep(0.2)
    assert "ran past the 2 s time limit" in server.log.read_text()
    assert server.get(SELECT)[0] == 200


def worker_processes(server: Server) -> set[int]:
    """The serve process's worker processes (spawned by multiprocessing), from /proc."""
    pid = server.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    found = set()
    for child in children:
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue  # gone meanwhile
        if b"spawn_main" in command:
            found.add(int(child))
    return found


def test_no_cors_by_default(server: Server) -> None:
    _, headers, _ = server.request(
        "GET", "/sparql?query=ASK%7B%7D", headers={"Origin": "http://evil.example"}
    )
    assert "access-control-allow-origin" not in headers


def test_cors_when_an_origin_is_allowed(store: Path, tmp_path: Path) -> None:
    running = start_server(store, tmp_path / "serve.log", "--allow-origin", "http://app.example")
    try:
        _, headers, _ = running.request(
            "GET", "/sparql?query=ASK%7B%7D", headers={"Origin": "http://app.example"}
        )
        assert headers["access-control-allow-origin"] == "http://app.example"
        status, headers, _ = running.request(
            "OPTIONS",
            "/sparql",
            headers={"Origin": "http://app.example", "Access-Control-Request-Method": "POST"},
        )
        assert status == 204 and "POST" in headers["access-control-allow-methods"]
        _, headers, _ = running.request(
            "GET", "/sparql?query=ASK%7B%7D", headers={"Origin": "http://other.example"}
        )
        assert "access-control-allow-origin" not in headers
    finally:
        stop_server(running)


def test_query_cli_works_on_the_same_store_while_serving(server: Server, store: Path) -> None:
    run = cli("query", "--store", store, "--format", "csv", SELECT)
    assert run.code == 0, run.stderr
    assert "AIRCOP" in run.stdout


def test_query_page_assets_and_named_queries(server: Server) -> None:
    status, headers, body = server.request("GET", "/")
    assert status == 200 and b'src="/static/app.js"' in body
    assert "script-src 'self'" in headers["content-security-policy"]
    assert b"http" not in body.replace(b"http-equiv", b"")  # nothing fetched from elsewhere
    status, headers, body = server.request("GET", "/static/app.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert b"innerHTML" not in body
    status, _, body = server.request("GET", "/queries")
    listed = {q["name"]: q for q in json.loads(body)}
    assert status == 200 and "programmes" in listed
    timeline = listed["programme-timeline"]  # the page shows how to narrow it to one programme
    assert set(timeline["params"]) == {"programme"} and "# bind:" not in timeline["text"]
    for programme, expected in (("aircop", True), ("crimjust", False)):  # one is in the store, one is not
        narrowed = timeline["text"].replace(
            "# VALUES ?programme { <https://w3id.org/crimjust/id/kind/slug> }",
            f"VALUES ?programme {{ <https://w3id.org/crimjust/id/programme/{programme}> }}",
        )
        status, _, body = server.request("GET", "/sparql?" + urllib.parse.urlencode({"query": narrowed}))
        rows = json.loads(body)["results"]["bindings"]
        assert status == 200 and bool(rows) is expected, programme
        assert all(r["programme"]["value"].endswith(f"/programme/{programme}") for r in rows)
    assert json.loads(server.request("GET", "/prefixes")[2])["cj"].startswith("https://w3id.org/crimjust/")
    assert server.request("GET", "/static/../server.py")[0] == 404
    status, _, body = server.request("GET", "/page", timeout=120)
    assert status == 200 and b"Crime-prevention programmes" in body


@pytest.mark.slow
def test_200_concurrent_clients_for_10_seconds(server: Server) -> None:
    clients, seconds = 200, 10.0
    sent = [0] * clients
    answered = [0] * clients
    failures: list[str] = []
    path = "/sparql?" + urllib.parse.urlencode({"query": SELECT})
    stop_at = time.monotonic() + seconds
    start = threading.Barrier(clients)

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        start.wait()
        try:
            while time.monotonic() < stop_at:
                sent[index] += 1
                conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
                response = conn.getresponse()
                body = response.read()
                if response.status != 200 or "AIRCOP" not in labels(body):
                    failures.append(f"{response.status} {body[:80]!r}")
                answered[index] += 1
        except (OSError, http.client.HTTPException) as exc:
            failures.append(f"client {index}: {exc!r}")
        finally:
            conn.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures[:5]
    assert sum(sent) == sum(answered) and min(answered) > 0


def test_serve_answers_with_what_was_ingested_while_it_runs(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "news.txt").write_text(NEWS, encoding="utf-8")
    assert cli("ingest", "--store", tmp_path / "store", docs).code == 0
    running = start_server(tmp_path / "store", tmp_path / "serve.log", "--workers", "2")
    try:
        ask = "ASK { ?p rdfs:label 'SEACOP' }"

        def seacop_known() -> bool:
            status, _, body = running.get(ask, "application/sparql-results+json")
            assert status == 200, (status, body)
            return bool(json.loads(body)["boolean"])

        assert not seacop_known()
        later = "SEACOP in Lisbon\n\nSEACOP held a workshop in Lisbon, Portugal on 5 June 2019.\n"
        (docs / "later.txt").write_text(later, encoding="utf-8")
        run = cli("ingest", "--store", tmp_path / "store", docs)
        assert run.code == 0, run.stderr  # a writer may open the store while serve reads it
        for _ in range(6):  # every worker, not just one of them
            assert seacop_known(), running.log.read_text()
    finally:
        stop_server(running)
