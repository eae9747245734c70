"""W3C SPARQL 1.1 Protocol tests (tests/w3c/sparql11-protocol/manifest.ttl, W3C licence) against `serve`.

34 tests in the manifest. The 20 query tests apply (13 query_*, 7 bad_query_*) and all 20 pass.
The 14 update tests do not apply: the endpoint is read-only.
- The 7 bad_update_* tests expect a 4xx and get one (403 "updates are refused", or 415 for an
  unsupported media type), so they pass as written.
- The 7 update_* tests expect an update to succeed. We assert instead that each is refused with
  403 and a one-line reason and that the store is left unchanged (the follow-up ASK is false).
The tests that name `data0.rdf` give no data for it; a server that never fetches dataset IRIs
(docs/design.md §2) must hold the graph, so the store has an empty named graph with that IRI. data1-3.nt
are loaded into the named graphs their `ut:graphData` labels give.
Results: benchmarks/results/w3c-protocol.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, Graph, Namespace
from rdflib.collection import Collection
from rdflib.term import Node

from conftest import ROOT
from test_server import Server, start_server, stop_server

MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = "http://www.w3.org/2011/http-statusCodes#StatusCode"
DATA = "http://kasei.us/2009/09/sparql/data/"
BOOLEAN_TYPES = ("application/sparql-results+json", "application/sparql-results+xml")
TABULAR_TYPES = (*BOOLEAN_TYPES, "text/csv", "text/tab-separated-values")
RDF_TYPES = ("text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json")


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: tuple[str, ...]  # "2xx", "4xx", ...
    boolean: bool | None
    fmt: str | None


@dataclass(frozen=True)
class Case:
    name: str
    title: str
    requests: tuple[Request, ...]

    @property
    def is_update(self) -> bool:
        return "update" in self.name


def _manifest() -> Path:
    return ROOT / "tests" / "w3c" / "sparql11-protocol" / "manifest.ttl"


def load_cases(manifest: Path) -> list[Case]:
    """Every mf:ProtocolTest in manifest order, turned into plain HTTP requests."""
    graph = Graph().parse(manifest, format="turtle")
    root = next(graph.subjects(RDF.type, MF.Manifest))
    cases = []
    for entry in Collection(graph, graph.value(root, MF.entries)):
        action = graph.value(entry, MF.action)
        requests = tuple(
            _request(graph, node) for node in Collection(graph, graph.value(action, HT.requests))
        )
        name = str(entry).rsplit("#", 1)[1]
        cases.append(Case(name, str(graph.value(entry, MF.name)), requests))
    return cases


def _request(graph: Graph, node: Node) -> Request:
    headers = {}
    header_list = graph.value(node, HT.headers)
    if header_list is not None:
        for header in Collection(graph, header_list):
            headers[str(graph.value(header, HT.fieldName))] = str(graph.value(header, HT.fieldValue))
    body = None
    body_node = graph.value(node, HT.body)
    if body_node is not None:
        encoding = str(graph.value(body_node, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(body_node, CNT.chars)).encode(encoding)
    response = graph.value(node, HT.resp)
    statuses = tuple(
        sorted(str(s).removeprefix(HTS).lower() for s in graph.objects(response, MF.expectedStatus))
    )
    boolean = graph.value(response, MF.expectedBoolean)
    fmt = graph.value(response, MF.expectedFormat)
    return Request(
        method=str(graph.value(node, HT.methodName)),
        path=str(graph.value(node, HT.absolutePath)),
        headers=headers,
        body=body,
        statuses=statuses,
        boolean=None if boolean is None else bool(boolean.toPython()),
        fmt=None if fmt is None else str(fmt),
    )


def build_store(folder: Path, manifest: Path) -> Path:
    """data1-3.nt in the named graphs the manifest labels them with, plus an empty data0.rdf graph."""
    graph = Graph().parse(manifest, format="turtle")
    store = ox.Store(str(folder))
    loaded = set()
    for data in graph.objects(None, UT.graphData):
        file, iri = graph.value(data, UT.graph), str(graph.value(data, RDFS.label))
        if iri in loaded:
            continue
        loaded.add(iri)
        path = manifest.parent / str(file).rsplit("/", 1)[1]
        store.load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(iri))
    assert len(loaded) == 3, loaded
    store.add_graph(ox.NamedNode(f"{DATA}data0.rdf"))
    store.flush()
    del store
    return folder


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return load_cases(_manifest())


@pytest.fixture(scope="module")
def w3c_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("w3c")
    store = build_store(folder / "store", _manifest())
    running = start_server(store, folder / "serve.log", "--timeout", "10")
    yield running
    stop_server(running)


def check(server: Server, request: Request) -> str | None:
    """None when the response is what the manifest expects, else what went wrong."""
    status, headers, body = server.request(request.method, request.path, request.body, request.headers)
    if f"{status // 100}xx" not in request.statuses:
        return f"status {status} not in {request.statuses}: {body[:200]!r}"
    media = headers.get("content-type", "").split(";")[0].strip()
    if request.fmt == "boolean" and media not in BOOLEAN_TYPES:
        return f"boolean result as {media}"
    if request.fmt == "tabular" and media not in TABULAR_TYPES:
        return f"tabular result as {media}"
    if request.fmt == "RDF" and media not in RDF_TYPES:
        return f"RDF result as {media}"
    if request.boolean is not None:
        got = json.loads(body)["boolean"] if media == BOOLEAN_TYPES[0] else b"<boolean>true</boolean>" in body
        if got is not request.boolean:
            return f"boolean {got}, expected {request.boolean}"
    if status >= 400:
        text = body.decode("utf-8")
        if text.count("\n") != 1 or not text.endswith("\n"):
            return f"error reason is not one line: {text!r}"
    return None


def run_all(server: Server, cases: list[Case]) -> dict[str, str | None]:
    outcome = {}
    for case in cases:
        if case.is_update and not case.name.startswith("bad_"):
            outcome[case.name] = check_refused(server, case)
        else:
            problems = [check(server, request) for request in case.requests]
            outcome[case.name] = next((p for p in problems if p), None)
    return outcome


def check_refused(server: Server, case: Case) -> str | None:
    """An update test on a read-only endpoint: the update is refused, the store left as it was."""
    update, *follow_ups = case.requests
    status, _, body = server.request(update.method, update.path, update.body, update.headers)
    if status != 403 or b"read-only" not in body or body.count(b"\n") != 1:
        return f"update answered {status} {body[:120]!r}"
    for request in follow_ups:
        status, _, body = server.request(request.method, request.path, request.body, request.headers)
        if status != 200 or json.loads(body)["boolean"] is not False:
            return f"the store changed: {status} {body[:120]!r}"
    return None


def test_manifest_shape(cases: list[Case]) -> None:
    assert len(cases) == 34
    assert sum(not c.is_update for c in cases) == 20


def test_w3c_query_tests_pass(w3c_server: Server, cases: list[Case]) -> None:
    outcome = run_all(w3c_server, [c for c in cases if not c.is_update])
    failed = {name: why for name, why in outcome.items() if why}
    assert not failed, failed
    assert len(outcome) == 20


def test_w3c_update_tests_are_refused(w3c_server: Server, cases: list[Case]) -> None:
    outcome = run_all(w3c_server, [c for c in cases if c.is_update])
    failed = {name: why for name, why in outcome.items() if why}
    assert not failed, failed
    assert len(outcome) == 14
