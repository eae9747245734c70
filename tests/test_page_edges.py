"""Every edge of every view, as `render` writes it from the sample store, against the store's own triples.

The page's data says, for each drawn line, which node is the subject and which the object of each fact,
the predicate's words, and the evidence (quote and document title). This test asks the store, in SPARQL of
its own, whether each such sentence is true, so a view that swaps subject and object cannot pass.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, cli
from crimjust_graph.sparql import run_query, to_python
from crimjust_graph.store import open_store

# The oracle: words on the page -> the predicate they must stand for (written here, not imported).
WORDS = {
    "implemented by": "implementedBy",
    "funded by": "fundedBy",
    "has partner": "hasPartner",
    "part of": "partOf",
    "covers region": "coversRegion",
    "organised by": "organisedBy",
    "has participant": "hasParticipant",
    "held in": "heldIn",
    "based in": "basedIn",
    "in region": "inRegion",
}
CJ = "https://w3id.org/crimjust/ontology#"
PREFIXES = f"""PREFIX cj: <{CJ}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
VIEWS = ["full", "programme-partner", "co-participation", "programme-region", "timeline"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("edges") / "store"
    assert cli("ingest", "--store", store, ROOT / "data").code == 0
    return store


def _select(store: Path, sparql: str) -> list[tuple[str, ...]]:
    result = to_python(run_query(open_store(store), PREFIXES + sparql))
    assert not isinstance(result, bool | list)
    return [tuple("" if v is None else str(v) for v in row) for row in result.rows]


def page_data(html: str) -> dict[str, Any]:
    """The JSON block a page draws from."""
    found = re.search(r'<script type="application/json" id="cj-data">(.*?)</script>', html, re.DOTALL)
    assert found is not None
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def _render(store: Path, view: str, tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / f"{view}.html"
    run = cli("render", "--store", store, "--view", view, "-o", out)
    assert run.code == 0, run.stderr
    return page_data(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def truth(sample: Path) -> dict[str, Any]:
    """What the store says, by labels: stated triples, their evidence, and the two derived relations."""
    stated = {
        (s, p.removeprefix(CJ), o)
        for s, p, o in _select(
            sample,
            "SELECT ?sl ?p ?ol WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?p), STR(cj:))) "
            "GRAPH ?a { ?s rdfs:label ?sl } GRAPH ?b { ?o rdfs:label ?ol } }",
        )
    }
    evidence = {
        (s, p.removeprefix(CJ), o, quote, title)
        for s, p, o, quote, title in _select(
            sample,
            "SELECT ?sl ?p ?ol ?quote ?title WHERE { GRAPH ?g { ?ev rdf:subject ?s ; rdf:predicate ?p ; "
            "rdf:object ?o ; cj:quote ?quote . ?g dcterms:title ?title } "
            "GRAPH ?a { ?s rdfs:label ?sl } GRAPH ?b { ?o rdfs:label ?ol } }",
        )
    }
    # A programme "has events in" a place: an event it organised, joined or funded was held there.
    held = _select(
        sample,
        "SELECT DISTINCT ?pl ?placel ?e WHERE { GRAPH ?g { ?e cj:heldIn ?place } "
        "GRAPH ?h { ?e ?role ?p . VALUES ?role { cj:organisedBy cj:hasParticipant cj:fundedBy } } "
        "GRAPH ?i { ?p a cj:Programme ; rdfs:label ?pl } GRAPH ?j { ?place rdfs:label ?placel } }",
    )
    events_in: dict[tuple[str, str], set[str]] = defaultdict(set)
    for programme, place, event in held:
        events_in[(programme, place)].add(event)
    # Two actors "met at" the events that both organised or took part in.
    roles = _select(
        sample,
        "SELECT DISTINCT ?e ?al WHERE { GRAPH ?g { ?e ?role ?a . VALUES ?role { cj:organisedBy "
        "cj:hasParticipant } } GRAPH ?h { ?a rdfs:label ?al } GRAPH ?i { ?e a cj:Event } }",
    )
    actors: dict[str, set[str]] = defaultdict(set)
    for event, actor in roles:
        actors[event].add(actor)
    met: dict[frozenset[str], set[str]] = defaultdict(set)
    for event, names in actors.items():
        for a in names:
            for b in names - {a}:
                met[frozenset((a, b))].add(event)
    return {"stated": stated, "evidence": evidence, "events_in": events_in, "met": met}


def _check_fact(data: dict[str, Any], fact: list[Any], truth: dict[str, Any]) -> None:
    nodes, strings = data["nodes"], data["strings"]
    subject, obj, words = nodes[fact[0]]["l"], nodes[fact[1]]["l"], fact[2]
    quote, title = strings[fact[5]], strings[fact[6]]
    sentence = f"{subject} | {words} | {obj}"
    if words.startswith("has events in"):
        events = truth["events_in"].get((subject, obj), set())
        assert events, sentence
        assert words == f"has events in ({len(events)} event{'s' * (len(events) != 1)})", sentence
        held = {(q, t) for s, p, o, q, t in truth["evidence"] if p == "heldIn" and o == obj}
        assert (quote, title) in held, sentence
        return
    if words.startswith("met at"):
        events = truth["met"].get(frozenset((subject, obj)), set())
        assert words == f"met at {len(events)} shared event{'s' * (len(events) != 1)}", sentence
        said = {(q, t) for s, p, o, q, t in truth["evidence"] if o in (subject, obj)}
        assert (quote, title) in said, sentence
        return
    predicate = WORDS[words]
    assert (subject, predicate, obj) in truth["stated"], sentence
    if fact[4]:  # stated by documents: the quote is evidence for this very triple, from that document
        assert quote and title, sentence
        assert (subject, predicate, obj, quote, title) in truth["evidence"], sentence
    else:
        assert not quote, sentence  # reference data (place containment) has no sentence to show


@pytest.mark.parametrize("view", VIEWS)
def test_every_edge_reads_subject_predicate_object_with_its_evidence(
    sample: Path, truth: dict[str, Any], view: str, tmp_path: Path
) -> None:
    data = _render(sample, view, tmp_path)
    assert data["edges"], view
    assert data["directed"] is (view != "co-participation")
    checked = 0
    for edge in data["edges"]:
        for fact in edge["facts"]:
            if data["directed"]:  # the drawn arrow runs from the subject to the object
                assert (fact[0], fact[1]) == (edge["f"], edge["t"])
            _check_fact(data, fact, truth)
            checked += 1
    assert checked >= len(data["edges"])


def test_partners_are_the_objects_of_programme_roles(sample: Path, tmp_path: Path) -> None:
    """The issue's example: the European Union funds SEACOP, never the other way round."""
    data = _render(sample, "programme-partner", tmp_path)
    nodes = data["nodes"]
    kinds = [k["key"] for k in data["kinds"]]
    read = {(nodes[f[0]]["l"], f[2], nodes[f[1]]["l"]) for e in data["edges"] for f in e["facts"]}
    assert ("SEACOP", "funded by", "European Union") in read
    assert ("European Union", "funded by", "SEACOP") not in read
    for edge in data["edges"]:
        assert kinds[nodes[edge["f"]]["k"]] == "programme" and kinds[nodes[edge["t"]]["k"]] == "partner"
