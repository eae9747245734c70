"""Dataset -> networkx: the attribute contract the page relies on, on a real store built from data/."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from crimjust_graph import Store, open_store
from crimjust_graph.mapping import to_graph
from crimjust_graph.model import Document, Entity, Evidence, Extraction, Kind, Predicate, Relation, Span
from crimjust_graph.network import EDGE_LABELS, INVERSE_LABELS, to_networkx
from crimjust_graph.pipeline import ingest
from crimjust_graph.sparql import run_query, to_python
from crimjust_graph.views import (
    VIEWS,
    NoMatch,
    co_participation,
    filter_graph,
    programme_partner,
    programme_region,
    timeline,
)

ROOT = Path(__file__).resolve().parents[1]
ID = "https://w3id.org/crimjust/id/"
CRIMJUST = ID + "programme/crimjust"
UNODC = ID + "partner/united-nations-office-on-drugs-and-crime"
AIRCOP = ID + "programme/aircop"
DAKAR = ID + "city/dakar"
KINDS = {"programme", "partner", "event", "region", "country", "city"}
NODE_TYPES: dict[str, Any] = {
    "kind": str,
    "label": str,
    "aliases": list,
    "degree": int,
    "first_date": (str, type(None)),
    "last_date": (str, type(None)),
    "documents": int,
    "document_titles": list,
    "evidence": list,
    "programmes": list,
    "regions": list,
    "years": list,
    "document_ids": list,
    "summary": dict,
}
EDGE_TYPES: dict[str, Any] = {
    "predicate": str,
    "label": str,
    "evidence_count": int,
    "documents": int,
    "quote": str,
    "title": str,
    "document_ids": list,
}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    path = tmp_path_factory.mktemp("network") / "store"
    writer = open_store(path, writable=True)
    report = ingest([ROOT / "data"], writer)
    assert report.ok and report.new == 18
    del writer
    return open_store(path)


@pytest.fixture(scope="module")
def graph(store: Store) -> nx.MultiDiGraph:
    return to_networkx(store)


def _count(store: Store, sparql: str) -> int:
    rows = to_python(run_query(store, sparql))
    assert not isinstance(rows, bool | list)
    return int(str(rows.rows[0][0]))


def test_every_node_and_edge_carries_the_contract(graph: nx.MultiDiGraph) -> None:
    assert isinstance(graph, nx.MultiDiGraph)
    assert graph.graph["documents"] == 18
    assert graph.graph["title"] == "crimjust-graph"
    assert graph.graph["latest"] == "2019-11"  # data/2019-11-aircop-...: dated by its file name (issue 11)
    for node, data in graph.nodes(data=True):
        assert isinstance(node, str) and node.startswith(ID)
        for name, kind in NODE_TYPES.items():
            assert isinstance(data[name], kind), (node, name, data[name])
        assert data["kind"] in KINDS and node.startswith(f"{ID}{data['kind']}/")
        assert data["label"]
        assert data["aliases"] == sorted(data["aliases"]) and data["label"] not in data["aliases"]
        assert data["degree"] == graph.in_degree(node) + graph.out_degree(node)
        assert data["documents"] >= 1, "only entities that documents mention"
        assert data["document_titles"] == sorted(data["document_titles"])
        assert 1 <= len(data["document_titles"]) <= min(10, data["documents"])
        assert 1 <= len(data["evidence"]) <= 3
        keys = [(e["title"], e["quote"]) for e in data["evidence"]]
        assert keys == sorted(keys)
        assert all(set(e) == {"quote", "title", "source"} for e in data["evidence"])
        assert data["years"] == sorted(data["years"])
        assert all(isinstance(y, int) for y in data["years"])
        if data["kind"] == "programme":
            assert data["label"] in data["programmes"]
        if data["first_date"] is not None:
            assert data["last_date"] is not None and data["first_date"] <= data["last_date"]
    for u, v, key, data in graph.edges(keys=True, data=True):
        for name, kind in EDGE_TYPES.items():
            assert isinstance(data[name], kind), (u, v, key, name)
        assert key == data["predicate"] and data["label"] == EDGE_LABELS[key]
        assert data["inverse"] == INVERSE_LABELS[key] and data["inverse"] != data["label"]
        if key != "inRegion":
            assert data["documents"] >= 1 and data["evidence_count"] >= 1 and data["quote"]


def test_crimjust_is_implemented_by_unodc_with_evidence(graph: nx.MultiDiGraph, store: Store) -> None:
    crimjust = graph.nodes[CRIMJUST]
    assert crimjust["kind"] == "programme" and crimjust["label"] == "CRIMJUST"
    assert crimjust["programmes"] == ["CRIMJUST", "EU Cocaine Route Programme"]
    assert all(e["title"] and e["source"].endswith((".txt", ".md", ".html")) for e in crimjust["evidence"])
    assert "CRIMJUST convenes investigators and prosecutors in Panama City" in crimjust["document_titles"]
    unodc = graph.nodes[UNODC]
    assert unodc["kind"] == "partner" and "UNODC" in unodc["aliases"]
    assert "CRIMJUST" in unodc["programmes"]
    edge = graph.edges[CRIMJUST, UNODC, "implementedBy"]
    assert edge["label"] == "implemented by" and "implemented by" in edge["quote"]
    stated = _count(
        store,
        "SELECT (COUNT(DISTINCT ?g) AS ?n) "
        f"WHERE {{ GRAPH ?g {{ <{CRIMJUST}> cj:implementedBy <{UNODC}> }} }}",
    )
    assert edge["documents"] == stated >= 2
    assert edge["evidence_count"] >= edge["documents"]
    assert unodc["documents"] == _count(
        store,
        f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?g a cj:Document . <{UNODC}> a ?t }} }}",
    )


def test_events_carry_dates_and_others_their_span(graph: nx.MultiDiGraph) -> None:
    aircop = graph.nodes[AIRCOP]
    events = [graph.nodes[n] for n in nx.all_neighbors(graph, AIRCOP) if graph.nodes[n]["kind"] == "event"]
    dated = [e for e in events if e["first_date"]]
    assert dated, "AIRCOP has dated events in data/"
    assert aircop["first_date"] == min(e["first_date"] for e in dated)
    assert aircop["last_date"] == max(e["last_date"] for e in dated)
    assert aircop["years"] == sorted({int(e["first_date"][:4]) for e in dated})
    dakar_training = [n for n in graph.predecessors(DAKAR) if graph.nodes[n]["kind"] == "event"]
    assert dakar_training and graph.nodes[dakar_training[0]]["first_date"] == "2019-03-03"
    # Regions: the place itself and what contains it; partners and programmes via their events.
    assert {"Dakar", "Senegal", "West Africa"} <= set(graph.nodes[DAKAR]["regions"])
    assert {"Dakar", "Senegal"} <= set(aircop["regions"])


def test_only_places_the_documents_mention(graph: nx.MultiDiGraph, store: Store) -> None:
    reference_places = _count(
        store,
        "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { GRAPH <https://w3id.org/crimjust/graph/reference> "
        "{ ?p a ?t } }",
    )
    places = [n for n, d in graph.nodes(data=True) if d["kind"] in {"region", "country", "city"}]
    assert 0 < len(places) < reference_places / 10
    containment = [(u, v) for u, v, k in graph.edges(keys=True) if k == "inRegion"]
    assert (DAKAR, ID + "country/senegal") in containment


def _snapshot(graph: nx.Graph) -> tuple[list[Any], list[Any], dict[str, Any]]:
    edges = graph.edges(keys=True, data=True) if graph.is_multigraph() else graph.edges(data=True)
    return list(graph.nodes(data=True)), list(edges), dict(graph.graph)


def test_two_builds_are_equal_and_sorted(graph: nx.MultiDiGraph, store: Store) -> None:
    again = to_networkx(store)
    assert _snapshot(again) == _snapshot(graph)
    assert list(graph.nodes) == sorted(graph.nodes)
    assert list(graph.edges(keys=True)) == sorted(graph.edges(keys=True))
    for view in VIEWS.values():
        assert _snapshot(view.project(graph)) == _snapshot(view.project(again))


def test_views_copy_node_attributes(graph: nx.MultiDiGraph) -> None:
    assert VIEWS["full"].project(graph) is graph
    assert set(VIEWS) == {"full", "programme-partner", "co-participation", "programme-region", "timeline"}
    for name, view in VIEWS.items():
        if name == "full":
            continue
        projected = view.project(graph)
        assert projected.number_of_nodes() > 0 and projected.number_of_edges() > 0, name
        for node, data in projected.nodes(data=True):
            for key, value in graph.nodes[node].items():
                assert data[key] == value
            assert data["aliases"] is not graph.nodes[node]["aliases"], "copied, not shared"


def test_programme_partner_keeps_each_role_as_stated(graph: nx.MultiDiGraph, store: Store) -> None:
    view = programme_partner(graph)
    assert isinstance(view, nx.MultiDiGraph)
    assert view.number_of_edges() > 0
    for programme, partner, key, data in view.edges(keys=True, data=True):
        assert graph.nodes[programme]["kind"] == "programme" and graph.nodes[partner]["kind"] == "partner"
        assert data == {**graph.edges[programme, partner, key], "weight": data["weight"]}
        stated = _count(
            store,
            "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { "
            f"<{programme}> cj:{key} <{partner}> }} }}",
        )
        assert data["weight"] == stated, (programme, key, partner)
    assert view.edges[CRIMJUST, UNODC, "implementedBy"]["label"] == "implemented by"
    assert not view.has_edge(UNODC, CRIMJUST)


def test_co_participation_counts_shared_events(graph: nx.MultiDiGraph) -> None:
    view = co_participation(graph)
    took_part: dict[str, set[str]] = {}
    for event, actor, key in graph.edges(keys=True):
        if key in {"organisedBy", "hasParticipant"} and graph.nodes[actor]["kind"] in {
            "programme",
            "partner",
        }:
            took_part.setdefault(actor, set()).add(event)
    assert view.number_of_edges() > 0
    for u, v, data in view.edges(data=True):
        shared = took_part[u] & took_part[v]
        assert data["weight"] == len(shared) == len(data["events"])
        assert data["events"] == sorted(graph.nodes[e]["label"] for e in shared)
    assert all(graph.nodes[n]["kind"] in {"programme", "partner"} for n in view)


def test_programme_region_keeps_coverage_and_event_places_apart(graph: nx.MultiDiGraph) -> None:
    view = programme_region(graph)
    assert view.is_directed()
    assert view.edges[AIRCOP, DAKAR, "hasEventsIn"]["events"]
    covered = [
        (u, v)
        for u, v, k in graph.edges(keys=True)
        if k == "coversRegion" and graph.nodes[u]["kind"] == "programme"
    ]
    assert covered
    for u, v in covered:
        assert view.edges[u, v, "coversRegion"]["label"] == "covers region"
    for u, v, key, data in view.edges(keys=True, data=True):
        assert graph.nodes[u]["kind"] == "programme"
        assert graph.nodes[v]["kind"] in {"region", "country", "city"}
        assert key in {"coversRegion", "hasEventsIn"}
        if key == "hasEventsIn":
            assert data["weight"] == len(data["events"]) >= 1 and data["quote"] and data["title"]


def test_timeline_orders_events_by_date(graph: nx.MultiDiGraph) -> None:
    view = timeline(graph)
    assert isinstance(view, nx.MultiDiGraph)
    events = sorted((d["order"], d["first_date"]) for _, d in view.nodes(data=True) if d["kind"] == "event")
    assert [o for o, _ in events] == list(range(len(events)))
    assert [d for _, d in events] == sorted(d for _, d in events)
    assert all(view.nodes[n]["first_date"] for n in view if view.nodes[n]["kind"] == "event")
    for event, actor, key in view.edges(keys=True):
        assert key in {"organisedBy", "hasParticipant"}
        assert view.nodes[actor]["order"] <= view.nodes[event]["order"]
    assert list(view.nodes) == sorted(view.nodes, key=lambda n: (view.nodes[n]["order"], n))


def test_filter_graph(graph: nx.MultiDiGraph) -> None:
    only = filter_graph(graph, kinds={"programme", "partner"})
    assert isinstance(only, nx.MultiDiGraph)
    assert {d["kind"] for _, d in only.nodes(data=True)} == {"programme", "partner"}
    assert only.has_edge(CRIMJUST, UNODC, key="implementedBy")
    assert all(only.has_node(u) and only.has_node(v) for u, v in only.edges())

    crimjust = filter_graph(graph, programme="crimJUST")
    assert CRIMJUST in crimjust and UNODC in crimjust and AIRCOP not in crimjust
    assert all("CRIMJUST" in d["programmes"] for _, d in crimjust.nodes(data=True))

    senegal = filter_graph(graph, region="senegal", kinds={"event"})
    assert senegal.number_of_nodes() >= 1
    assert all("Senegal" in d["regions"] for _, d in senegal.nodes(data=True))

    recent = filter_graph(graph, since=2019)
    assert recent.number_of_nodes() > 0
    assert all(max(d["years"]) >= 2019 for _, d in recent.nodes(data=True))
    assert recent.graph["filters"] == {"since": 2019}
    by_alias = filter_graph(graph, programme="Airport Communication Project")
    assert by_alias.graph["filters"] == {"programme": "AIRCOP"} and AIRCOP in by_alias

    view = programme_partner(graph)
    small = filter_graph(view, programme="CRIMJUST")
    assert type(small) is nx.MultiDiGraph and small.has_edge(CRIMJUST, UNODC)
    assert filter_graph(graph) is not graph and _snapshot(filter_graph(graph)) == _snapshot(graph)


@pytest.mark.parametrize(
    ("filters", "says"),
    [
        ({"programme": "AIRCOPP"}, "--programme 'AIRCOPP' matches nothing in the full view; closest: AIRCOP"),
        ({"region": "West Afrika"}, "--region 'West Afrika' matches nothing in the full view; closest: "),
        ({"since": 2100}, "--since 2100 matches nothing in the full view; its latest year is 2019"),
        ({"kinds": {"nosuch"}}, "--kind nosuch matches nothing in the full view; it has city, country, "),
        (
            {"programme": "COPOLAD", "region": "Senegal"},
            "the filters --programme COPOLAD --region Senegal match",
        ),
    ],
)
def test_a_filter_that_matches_nothing_says_so(graph: nx.MultiDiGraph, filters: Any, says: str) -> None:
    with pytest.raises(NoMatch) as raised:
        filter_graph(graph, **filters)
    assert str(raised.value).startswith(says)
    assert "\n" not in str(raised.value)


HOSTILE = {
    "script": "<script>alert('x')</script> Programme",
    "quotes": "\"Quoted\" & 'single' Partner",
    "emoji": "Police 🚓 Unit 👮",
    "rtl": "الشرطة الوطنية ‮evil",
    "control": "Tab\tand\x01bell\x07 Agency",
}


def test_hostile_labels_survive_unchanged(tmp_path: Path) -> None:
    text = " ".join(HOSTILE.values()) + " met in Dakar."
    doc = Document(
        source=str(tmp_path / "hostile.txt"),
        title='<b>Title</b> & "quotes" 🚓 ‮',
        text=text,
        sentences=(Span(0, len(text), text),),
        issued="2020-01-02",
    )
    evidence = Evidence(0, len(text), text)
    programme = Entity(Kind.PROGRAMME, "hostile-programme", HOSTILE["script"], evidence=(evidence,))
    partners = [
        Entity(Kind.PARTNER, f"hostile-{name}", label, aliases=(label + " alias",), evidence=(evidence,))
        for name, label in HOSTILE.items()
        if name != "script"
    ]
    event = Entity(
        Kind.EVENT, "hostile-meeting", "Meeting <img src=x>", start="2020-01-02", evidence=(evidence,)
    )
    relations = [Relation(programme.key, Predicate.IMPLEMENTED_BY, p.key, evidence) for p in partners]
    relations.append(Relation(event.key, Predicate.ORGANISED_BY, programme.key, evidence))
    store = open_store(tmp_path / "store", writable=True)
    store.replace_document(to_graph(Extraction(doc, (programme, *partners, event), tuple(relations))))

    graph = to_networkx(store)
    labels = {d["label"] for _, d in graph.nodes(data=True)}
    assert set(HOSTILE.values()) <= labels
    for _, data in graph.nodes(data=True):
        assert data["document_titles"] == [doc.title]
        assert data["evidence"] == [{"quote": text, "title": doc.title, "source": doc.source}]
        if data["kind"] == "partner":
            assert data["aliases"] == [data["label"] + " alias"]
            assert data["programmes"] == [HOSTILE["script"]]
    edge = graph.edges[ID + "programme/hostile-programme", ID + "partner/hostile-control", "implementedBy"]
    assert edge["quote"] == text
    assert graph.graph["latest"] == "2020-01-02"
    assert set(HOSTILE.values()) <= {d["label"] for _, d in programme_partner(graph).nodes(data=True)}
    assert filter_graph(graph, programme=HOSTILE["script"].upper()).number_of_nodes() == len(graph)


def test_a_programme_summary_keeps_covered_regions_and_event_places_apart(
    graph: nx.MultiDiGraph, store: Store
) -> None:
    summary = graph.nodes[AIRCOP]["summary"]
    assert list(summary) == ["implemented by", "funded by", "partners", "covers", "events", "event places"]
    covered = to_python(
        run_query(
            store,
            f"SELECT DISTINCT ?l WHERE {{ GRAPH ?g {{ <{AIRCOP}> cj:coversRegion ?r }} ?r rdfs:label ?l }}",
        )
    )
    assert not isinstance(covered, bool | list)
    assert summary["covers"] == sorted({str(r[0]) for r in covered.rows}, key=str.casefold)
    assert "Dakar" in summary["event places"] and "Dakar" not in summary["covers"]
    assert (
        "World" not in summary["covers"] and "Europe" not in summary["event places"]
    )  # no containing regions
    assert "United Nations Office on Drugs and Crime" in summary["implemented by"]
    assert summary["funded by"] == ["European Union"]
    assert all(graph.nodes[n]["summary"] == {} for n in graph if graph.nodes[n]["kind"] != "programme")
