"""The view registry: every registered view renders through `render` and through the server's /page, the
same bytes from both, with the registry's layout and physics; a new view is one entry."""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from conftest import ROOT, cli
from crimjust_graph.page import render_page
from crimjust_graph.views import VIEWS, View, draw
from test_page_edges import page_data
from test_server import Server, start_server, stop_server


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("views") / "store"
    assert cli("ingest", "--store", store, ROOT / "data").code == 0
    return store


@pytest.fixture(scope="module")
def server(store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    running = start_server(store, tmp_path_factory.mktemp("log") / "serve.log", "--timeout", "120")
    yield running
    stop_server(running)


def _page(server: Server, **params: str) -> tuple[int, bytes]:
    status, _, body = server.request("GET", "/page?" + urllib.parse.urlencode(params), timeout=180)
    return status, body


@pytest.mark.parametrize("name", list(VIEWS))
def test_every_registered_view_renders_from_the_cli_and_from_page(
    name: str, store: Path, server: Server, tmp_path: Path
) -> None:
    out = tmp_path / f"{name}.html"
    run = cli("render", "--store", store, "--view", name, "-o", out)
    assert run.code == 0, run.stderr
    written = out.read_bytes()
    data = page_data(written.decode("utf-8"))
    assert data["view"] == name and data["nodes"] and data["edges"]
    view = VIEWS[name]
    assert bool(data["axis"]) is (view.layout == "time")  # date bands only on a time layout
    if not view.physics:
        assert data["physics"] is False
    assert (view.title or "Crime-prevention programmes") in written.decode("utf-8").split("<h1>")[1]
    status, served = _page(server, view=name)
    assert status == 200
    assert served == written  # the server draws the very page `render` writes


def test_page_takes_the_filters_render_takes(store: Path, server: Server, tmp_path: Path) -> None:
    out = tmp_path / "seacop.html"
    args = (
        "--view",
        "programme-partner",
        "--programme",
        "seacop",
        "--kind",
        "programme",
        "--kind",
        "partner",
    )
    assert cli("render", "--store", store, "-o", out, *args).code == 0
    status, served = server.request(
        "GET", "/page?view=programme-partner&programme=seacop&kind=partner&kind=programme", timeout=180
    )[:3:2]
    assert status == 200 and served == out.read_bytes()
    assert "programme SEACOP" in out.read_text(encoding="utf-8").split("<h1>")[1].split("</h1>")[0]


@pytest.mark.parametrize(
    ("query", "needles"),
    [
        ({"view": "nosuch"}, ("unknown view 'nosuch'", "programme-partner (who implements", "timeline (")),
        ({"programme": "AIRCUP"}, ("--programme 'AIRCUP' matches nothing", "AIRCOP")),
        ({"since": "2090"}, ("--since 2090 matches nothing",)),
        ({"since": "soon"}, ("'soon' is not a year",)),
        ({"since": "9" * 5000}, ("is not a year",)),
        ({"kind": "person"}, ("unknown kind 'person'", "programme")),
        ({"colour": "red"}, ("not 'colour'",)),
    ],
)
def test_page_refuses_what_render_refuses_in_one_line(
    server: Server, query: dict[str, str], needles: tuple[str, ...]
) -> None:
    status, body = _page(server, **query)
    text = body.decode("utf-8")
    assert status == 400 and text.endswith("\n") and text.count("\n") == 1, text
    for needle in needles:
        assert needle in text, text


def test_a_new_view_is_one_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Registering a View is all it takes: draw() projects, filters and stamps how the page draws it."""
    graph = nx.MultiDiGraph()
    for i in range(3):
        graph.add_node(f"p{i}", kind="programme", label=f"P{i}", programmes=[f"P{i}"], years=[2020])
        graph.add_node(f"e{i}", kind="event", label=f"E{i}", first_date="2020-01-0{i + 1}", years=[2020])
        graph.add_edge(f"e{i}", f"p{i}", key="organisedBy", label="organised by")

    def programmes_only(source: nx.MultiDiGraph) -> nx.MultiDiGraph:
        kept = [n for n, kind in source.nodes(data="kind") if kind == "programme"]
        return nx.MultiDiGraph(source.subgraph(kept))

    monkeypatch.setitem(
        VIEWS,
        "programmes",
        View("programmes", programmes_only, "programmes alone", "programmes", physics=False),
    )
    drawn, heading = draw(graph, "programmes", programme="p1")
    assert heading == "Crime-prevention programmes: programmes" and list(drawn) == ["p1"]
    data: dict[str, Any] = page_data(render_page(drawn, title=heading))
    assert data["view"] == "programmes" and data["physics"] is False and data["focus"] == []
