"""One-triple-pattern queries (bounded.py): what the strict grammar reads, that rdflib and Oxigraph read those
texts the same way, and how the endpoint's inline answer hands larger results on (protocol.answer_inline)."""

from __future__ import annotations

import contextlib
import json
from typing import Any

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rdflib.plugins.sparql import prepareQuery

from conftest import ROOT
from crimjust_graph import Store, ingest, open_store
from crimjust_graph import protocol as protocol_module
from crimjust_graph.bounded import MAX_TEXT, Lookup, read_lookup
from crimjust_graph.errors import QueryError
from crimjust_graph.protocol import Operation, answer, answer_inline
from crimjust_graph.sparql import check_query, parsed_check
from crimjust_graph.vocab import PREFIXES

RDFS = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
READ: dict[str, tuple[str, int | None]] = {
    "lookup": (
        RDFS + "SELECT ?label WHERE { <https://w3id.org/crimjust/id/programme/aircop> rdfs:label ?l }",
        None,
    ),
    "ask": ("ASK { ?p a cj:Programme }", None),
    "star, dot, limit": ("SELECT * { ?s ?p ?o . } LIMIT 10", 10),
    "base, lower case, $": ("base <http://example.org/>\nselect $s where { $s <p> 'x'@en-GB } limit 0", 0),
    "typed literal": ('SELECT ?s ?y { ?s cj:year "2019"^^xsd:gYear }', None),
    "number": ("SELECT ?s WHERE{?s cj:count 12}", None),
    "dotted local name": ("PREFIX ex: <http://example.org/> SELECT ?o { ex:a.b ex:c.d ?o. }", None),
}
NOT_READ = {
    "two patterns": "SELECT * { ?s ?p ?o . ?o ?q ?r }",
    "property list": "SELECT * { ?s ?p ?o ; ?q ?r }",
    "object list": "SELECT * { ?s ?p ?o , ?r }",
    "distinct": "SELECT DISTINCT ?p { ?s ?p ?o }",
    "offset": "SELECT * { ?s ?p ?o } LIMIT 5 OFFSET 100000",
    "order": "SELECT * { ?s ?p ?o } ORDER BY ?o",
    "filter": "SELECT * { ?s ?p ?o FILTER(?o = 1) }",
    "optional": "SELECT * { OPTIONAL { ?s ?p ?o } }",
    "from": "SELECT * FROM <http://example.org/g> { ?s ?p ?o }",
    "graph": "SELECT * { GRAPH ?g { ?s ?p ?o } }",
    "service": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "path": "SELECT * { ?s rdfs:label/rdfs:label ?o }",
    "inverse path": "SELECT * { ?s ^rdfs:label ?o }",
    "blank node": "SELECT * { _:b ?p ?o }",
    "anonymous node": "SELECT * { [] ?p ?o }",
    "repeated variable": "SELECT * { ?x ?p ?x }",
    "repeated in both spellings": "SELECT * { ?x ?p $x }",
    "comment": "SELECT * { ?s ?p ?o } # a note",
    "comment ended by CR": "SELECT * WHERE { #x\rSERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "codepoint escape": "SELECT * { ?s ?p '\\u0041' }",
    "escaped local name": "PREFIX ex: <http://example.org/> SELECT * { ?s ?p ex:a\\' }",
    "long string": "SELECT * { ''' } SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } ''' }",
    "empty string": "SELECT * { ?s ?p '' }",
    "colon in a local name": "SELECT * { ex:a:b ?o }",
    "keyword run on": "SELECT * { ?s a1 }",
    "capital A": "SELECT * { ?s A cj:Programme }",
    "literal subject": "SELECT * { 'x' ?p ?o }",
    "literal predicate": "SELECT * { ?s 'x' ?o }",
    "expression": "SELECT (STR(?o) AS ?t) { ?s ?p ?o }",
    "values": "SELECT * { ?s ?p ?o } VALUES ?s { <http://example.org/a> }",
    "construct": "CONSTRUCT WHERE { ?s ?p ?o }",
    "update": "INSERT DATA { <http://a> <http://b> <http://c> }",
    "triple term": "SELECT * { << ?a ?b ?c >> ?p ?o }",
    "non-ASCII name": "SELECT * { ?s ?p ex:café }",
    "too long": "SELECT * { ?s ?p ?o }" + " " * MAX_TEXT,
}


@pytest.mark.parametrize(("text", "limit"), READ.values(), ids=READ.keys())
def test_lookups_are_read_and_checked_without_a_parse(text: str, limit: int | None) -> None:
    assert read_lookup(text) == Lookup(limit)
    checked = check_query(text)
    assert checked.lookup and checked.limit == limit and checked.from_graphs == checked.from_named == ()
    _agrees(text, limit)


@pytest.mark.parametrize("text", NOT_READ.values(), ids=NOT_READ.keys())
def test_every_other_shape_takes_the_full_parse(text: str) -> None:
    assert read_lookup(text) is None
    with contextlib.suppress(QueryError):  # refused by the full parse: SERVICE, updates, syntax errors
        assert not check_query(text).lookup


def _agrees(text: str, limit: int | None, *, runs: bool = True) -> None:
    """rdflib's full check reads the same dataset and LIMIT, its algebra is one triple pattern and nothing
    else, and Oxigraph runs the text; with `runs` False, both may instead refuse it (an undeclared prefix)."""
    try:
        algebra = prepareQuery(text, initNs=PREFIXES).algebra
    except Exception:
        if runs:
            raise
        with pytest.raises(SyntaxError):
            ox.Store().query(text, prefixes=PREFIXES)
        return
    full = parsed_check(text)
    assert (full.from_graphs, full.from_named, full.limit) == ((), (), limit)
    names = _algebra_names(algebra)
    assert names <= {"SelectQuery", "AskQuery", "Project", "BGP", "Slice", "ToMultiSet"}, names
    ox.Store().query(text, prefixes=PREFIXES)


def _algebra_names(node: Any) -> set[str]:
    names: set[str] = set()
    if getattr(node, "name", None) == "BGP":
        assert len(node["triples"]) == 1, node["triples"]
        names.add("BGP")
        return names
    if getattr(node, "name", None) == "Slice":
        assert node.get("start", 0) == 0, "an OFFSET"
    if isinstance(node, dict):
        if isinstance(getattr(node, "name", None), str):
            names.add(node.name)
        for value in node.values():
            names |= _algebra_names(value)
    elif isinstance(node, list | tuple):
        for value in node:
            names |= _algebra_names(value)
    return names


# Terms a lookup is made of, and pieces that have broken token scans before (comments, escapes, quotes,
# names that run on): texts made of them at random, some read as lookups and most not; every one that is
# read as one must be read the same way by the full parse and by Oxigraph.
_SUBJECTS = ["?s", "$s", "ex:a", "ex:", "<http://example.org/x>", "rdfs:label"]
_PREDICATES = ["a", "?p", "rdfs:label", "<http://example.org/p>"]
_OBJECTS = ["?o", "$o", "'x'", '"y"@en', '"1"^^xsd:int', "1", "1.5", "ex:b", "?s"]
_TRICKY = [
    *["A", ":b", ".", "'", "''", "'''", '"', "#", "\r", "\n", " ", "\\u0041", "\\", "é", "1e5", "_:b"],
    *["[]", " SERVICE <http://127.0.0.1:9/> { ?a ?b ?c }", " FROM <http://example.org/g>", "/", "^"],
    *[";", ",", "<<", ">>", " OFFSET 9", " DISTINCT", "}", "{", "%41", ":", "-", "@", "^^"],
]


@st.composite
def _slot(draw: st.DrawFn, terms: list[str]) -> str:
    """A term, followed one time in three by a tricky piece."""
    term = draw(st.sampled_from(terms))
    return term + draw(st.sampled_from(_TRICKY)) if draw(st.integers(0, 2)) == 0 else term


@st.composite
def _texts(draw: st.DrawFn) -> str:
    """A lookup's skeleton with a term in each slot, some of them followed by a tricky piece."""
    prologue = "PREFIX ex: <http://example.org/>" + draw(st.sampled_from(["\n", " BASE <http://ex.org/> "]))
    head = draw(_slot(["?s", "*", "?o ?s", "$o"]))
    pattern = [draw(_slot(terms)) for terms in (_SUBJECTS, _PREDICATES, _OBJECTS)]
    end = draw(_slot(["", " LIMIT 3"]))
    return f"{prologue}SELECT {head} WHERE {{ {' '.join(pattern)} }}{end}"


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_texts())
def test_whatever_is_read_as_a_lookup_is_read_alike_by_rdflib_and_oxigraph(text: str) -> None:
    shape = read_lookup(text)
    event("read as a lookup" if shape is not None else "not read")
    if shape is not None:
        _agrees(text, shape.limit, runs=False)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    opened = open_store(tmp_path_factory.mktemp("bounded") / "store", writable=True)
    assert ingest([ROOT / "data" / "2019-02-aircop-santo-domingo-jaitf.txt"], opened).ok
    return opened


ALL = "SELECT * WHERE { ?s ?p ?o }"
JSON = "application/sparql-results+json"


def _rows(body: bytes) -> int:
    return len(json.loads(body)["results"]["bindings"])


def test_a_small_lookup_is_answered_inline(store: Store) -> None:
    inline = answer_inline(store, Operation(ALL + " LIMIT 7"), JSON, 10_000, 1 << 28)
    assert inline is not None and inline.status == 200 and _rows(inline.body) == 7
    two = "SELECT * WHERE { ?s ?p ?o . ?o ?q ?r } LIMIT 7"
    assert answer_inline(store, Operation(two), JSON, 10_000) is None
    dataset = Operation(ALL + " LIMIT 7", default_graphs=())  # the protocol's dataset: not inline
    assert answer_inline(store, dataset, JSON, 10_000) is None


def test_past_the_inline_caps_a_lookup_is_handed_on_whole(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = answer(store, Operation(ALL), JSON, 100_000, 1 << 28)
    assert everything.status == 200 and _rows(everything.body) > protocol_module.INLINE_ROWS
    assert answer_inline(store, Operation(ALL), JSON, 100_000, 1 << 28) is None
    monkeypatch.setattr(protocol_module, "INLINE_BYTES", 300)
    assert answer_inline(store, Operation(ALL + " LIMIT 5"), JSON, 100_000, 1 << 28) is None
    whole = answer(store, Operation(ALL + " LIMIT 5"), JSON, 100_000, 1 << 28)
    assert whole.status == 200 and _rows(whole.body) == 5


def test_the_servers_own_limits_still_answer_400_inline(store: Store) -> None:
    rows = answer_inline(store, Operation(ALL), JSON, 5, 1 << 28)
    assert rows is not None and rows.status == 400
    assert rows.body.decode().strip() == "the result has over 5 rows, this server's limit: add LIMIT"
    size = answer_inline(store, Operation(ALL + " LIMIT 5"), JSON, 10_000, 200)
    assert size is not None and size.status == 400 and b"this server's limit" in size.body
