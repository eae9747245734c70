"""page.py without a browser: escaping of hostile text, byte-identical output, no external resources, size."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crimjust_graph.layout import ROW_WIDTH, along_time, layout
from crimjust_graph.page import describe, render_page, write_page

ID = "https://w3id.org/crimjust/id/"
HOSTILE = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    '<a href="javascript:window.__pwned=1">click me</a>',
    "</script><script>window.__pwned=1</script>",
    "<!-- <script>",
    "\"double\" 'single' `back` & &amp; \\ backslash",
    "🚓 emoji 👮🏽‍♀️",
    "مرحبا بالعالم \u202eright-to-left override",
    '=HYPERLINK("http://evil.example")',
    "line\nbreak\u2028separator\x00nul\x1bescape",
    "lone \ud800 surrogate",
    "{{ template }} ${js} %s",
]
LONG = "A" * 5000 + "<script>window.__pwned=1</script>" + "Z" * 5000  # a 10 KB name


def graph(*, reverse: bool = False, hostile: bool = True) -> nx.MultiDiGraph[str]:
    """A small graph with exactly the attributes of network.py's contract."""
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph(documents=3, latest="2019-03-05", title="t")
    names = [*HOSTILE, LONG] if hostile else ["Plain"]
    nodes: list[tuple[str, dict[str, Any]]] = []
    for i, kind in enumerate(["programme", "partner", "event", "region", "country", "city"]):
        for j, name in enumerate(names):
            nodes.append(
                (
                    f"{ID}{kind}/n{i}-{j}",
                    {
                        "kind": kind,
                        "label": f"{name} {kind}",
                        "aliases": [name, "ALIAS"],
                        "degree": 0,
                        "first_date": "2019-03-03" if kind == "event" else None,
                        "last_date": "2019-03-05" if kind == "event" else None,
                        "documents": 2,
                        "document_titles": [name],
                        "evidence": [{"quote": f"{name} said so.", "title": name, "source": "/x.txt"}] * 4,
                        "programmes": [f"{name} programme"],
                        "regions": [f"{name} region"],
                        "years": [2019],
                    },
                )
            )
    g.add_nodes_from(reversed(nodes) if reverse else nodes)
    ids = [n for n, _ in nodes]
    edges = [
        (ids[k], ids[k + len(names)], "implementedBy", {"quote": names[k % len(names)]})
        for k in range(len(ids) - len(names))
    ]
    for u, v, key, extra in reversed(edges) if reverse else edges:
        g.add_edge(
            u,
            v,
            key=key,
            predicate=key,
            label=f"implemented by {extra['quote']}",
            evidence_count=2,
            documents=1,
            quote=extra["quote"],
        )
    for n in g:
        g.nodes[n]["degree"] = g.degree(n)
    return g


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text of each <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.title = ""
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in = tag

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts.append(data)
        elif self._in == "title":
            self.title += data


def parse(text: str) -> Tags:
    parser = Tags()
    parser.feed(text)
    return parser


def page_data(text: str) -> dict[str, Any]:
    match = re.search(r'<script type="application/json" id="cj-data">(.*?)</script>', text, re.S)
    assert match is not None
    data: dict[str, Any] = json.loads(match.group(1))
    return data


@pytest.fixture(scope="module")
def hostile_page() -> str:
    return render_page(graph(), title=HOSTILE[0] + HOSTILE[1], caption=HOSTILE[2])


def test_hostile_strings_never_become_markup(hostile_page: str) -> None:
    tags = parse(hostile_page)
    allowed = {
        "html", "head", "meta", "title", "link", "style", "body", "header", "h1", "h2", "p", "form", "div",
        "label", "input", "ul", "li", "fieldset", "legend", "select", "option", "button", "span", "main",
        "section", "aside", "table", "thead", "tbody", "tr", "th", "noscript", "script", "svg", "path",
        "circle", "rect",
    }  # fmt: skip
    assert {tag for tag, _ in tags.tags} <= allowed
    assert not [a for _, attrs in tags.tags for a in attrs if a.startswith("on")]
    # The data block, vis-network, the page's script and its pictures' script: nothing else.
    assert sum(1 for tag, _ in tags.tags if tag == "script") == 4
    assert hostile_page.lower().count("</script") == 4
    assert "<img" not in hostile_page and "<a " not in hostile_page and "<!--" not in hostile_page
    assert tags.title == HOSTILE[0] + HOSTILE[1]  # shown as text, exactly
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in hostile_page  # the escaped heading


def test_every_document_string_survives_as_data(hostile_page: str) -> None:
    data = page_data(hostile_page)
    labels = {n["l"] for n in data["nodes"]}
    assert f"{LONG} partner" in labels  # the 10 KB name, whole
    assert f"{HOSTILE[1]} event" in labels
    assert "\"double\" 'single' `back` & &amp; \\ backslash region" in labels
    assert "🚓 emoji 👮🏽‍♀️ city" in labels
    assert "مرحبا بالعالم \u202eright-to-left override country" in labels
    assert "lone ? surrogate programme" in labels  # a lone surrogate cannot be encoded: replaced
    assert "line\nbreak\u2028separatornulescape programme" in labels  # control characters dropped
    assert f"{HOSTILE[0]} said so." in data["strings"]
    assert HOSTILE[0] in data["programmes"][0] or any(HOSTILE[0] in p for p in data["programmes"])
    node = next(n for n in data["nodes"] if n["l"] == f"{HOSTILE[0]} programme")
    assert len(node["ev"]) == 3  # at most three evidence sentences
    assert [data["strings"][i] for i in node["ev"][0]] == [f"{HOSTILE[0]} said so.", HOSTILE[0]]


def test_same_graph_same_bytes() -> None:
    first = render_page(graph(), title="T")
    assert render_page(graph(), title="T") == first
    assert render_page(graph(reverse=True), title="T") == first  # input order does not matter


def test_no_external_resources(hostile_page: str) -> None:
    tags = parse(hostile_page)
    for _, attrs in tags.tags:
        for name in ("src", "href", "action", "srcset", "poster", "data"):
            value = attrs.get(name)
            assert value is None or value.startswith("data:"), (name, value)
    # No stylesheet import or url() that could fetch, whatever the scheme.
    css = "".join(re.findall(r"<style>(.*?)</style>", hostile_page, re.S))
    assert "@import" not in css and "url(" not in css
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", hostile_page, re.I)


def test_content_security_policy_allows_only_our_scripts(hostile_page: str) -> None:
    import base64
    import hashlib

    tags = parse(hostile_page)
    csp = next(
        a["content"] for t, a in tags.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    assert csp is not None and "default-src 'none'" in csp and "unsafe-inline'; img" in csp
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "unsafe" not in script_src
    executable = [s for s in re.findall(r"<script>(.*?)</script>", hostile_page, re.S)]
    assert len(executable) == 3  # vis-network, page.js, picture.js (the data block has a type)
    for script in executable:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src


def test_write_page_writes_only_its_file_and_warns_when_too_big(tmp_path: Path) -> None:
    out = tmp_path / "sub" / "page.html"
    info = write_page(graph(hostile=False), out, title="Small", max_bytes=1000)
    assert [p.name for p in tmp_path.rglob("*")] == ["sub", "page.html"]
    assert info.bytes == out.stat().st_size and info.nodes == 6 and info.edges == 5
    assert info.too_big and info.warning is not None and "too big to send by e-mail" in info.warning
    ok = write_page(graph(hostile=False), out, title="Small")
    assert not ok.too_big and ok.warning is None
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["page.html", "sub"]


def test_caption_says_what_was_drawn_from_what() -> None:
    text = describe(graph(hostile=False))
    assert text == (
        "1 programme, 1 partner, 1 event, 1 region, 1 country, 1 city, and 5 links between them, "
        "drawn from 3 documents; the latest date shown is 2019-03-05."
    )
    page = render_page(graph(hostile=False), title="T")
    assert f'<p id="caption">{text}</p>' in page


def test_undirected_views_and_empty_graphs_render() -> None:
    g: nx.Graph[str] = nx.Graph(documents=1, latest=None)
    g.add_node("a", kind="programme", label="A", aliases=[], degree=1, years=[2018])
    g.add_node("b", kind="partner", label="B", aliases=[], degree=1)
    g.add_edge("a", "b", weight=3, label="implemented by")
    data = page_data(render_page(g, title="T"))
    assert data["directed"] is False and data["edges"][0]["facts"][0][2] == "implemented by"
    assert data["table"] == [0] and data["nodes"][0]["pf"] == [[]] * 6  # a programme with no summary
    assert page_data(render_page(nx.MultiDiGraph(), title=""))["nodes"] == []


def test_big_graphs_are_laid_out_in_python_without_overlaps() -> None:
    import random

    rng = random.Random(3)
    n = 3000
    adjacency: list[list[int]] = [[] for _ in range(n)]
    for v in range(1, n):
        for u in {rng.randrange(max(1, v // 10)) for _ in range(rng.randint(1, 2))} | set():
            adjacency[u].append(v)
            adjacency[v].append(u)
    adjacency[n - 1], adjacency[n - 2] = [], []  # isolated nodes are packed too
    for v in range(n - 3):
        adjacency[v] = [u for u in adjacency[v] if u < n - 2]
    sizes = [10.0 + len(a) for a in adjacency]
    positions = layout(adjacency, sizes)
    assert len(positions) == n and positions == layout(adjacency, sizes)
    assert len(set(positions)) == n  # two nodes on one spot hang vis-network's Barnes-Hut tree


@settings(max_examples=60, deadline=None)
@given(st.text())
def test_any_text_round_trips_through_the_page(text: str) -> None:
    g: nx.MultiDiGraph[str] = nx.MultiDiGraph()
    g.add_node("x", kind="partner", label=text, aliases=[text], evidence=[{"quote": text, "title": text}])
    page = render_page(g, title=text, caption=text)
    assert page.lower().count("</script") == 4 and "<!--" not in page  # our four script elements
    data = page_data(page)
    clean = "".join(c for c in text.encode("utf-8", "replace").decode() if c >= " " or c in "\t\n").strip()
    assert data["nodes"][0]["l"] in (clean, "x")
    assert parse(page).title == (clean or "Knowledge graph")


def test_render_command_filters_and_warns_when_too_big(
    tmp_path: Path, news_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from conftest import assert_one_line_error, cli
    from crimjust_graph import page
    from crimjust_graph.cli import app

    store = tmp_path / "store"
    assert cli("ingest", "--store", store, news_file).code == 0
    runner = CliRunner()
    out = tmp_path / "out" / "page.html"
    done = runner.invoke(app, ["render", "--store", str(store), "-o", str(out), "--kind", "partner"])
    assert done.exit_code == 0, done.output
    assert f"wrote {out}" in done.stdout and "MB" in done.stdout
    data = page_data(out.read_text("utf-8"))
    assert {data["kinds"][n["k"]]["key"] for n in data["nodes"]} == {"partner"}
    monkeypatch.setattr(page, "MAX_BYTES", 1000)
    done = runner.invoke(app, ["render", "--store", str(store), "-o", str(out)])
    assert done.exit_code == 0
    assert "too big to send by e-mail" in done.stderr and "--view programme-partner" in done.stderr
    for flag, value in (("--since", "2030"), ("--programme", "NOSUCH"), ("--region", "Atlantis")):
        run = cli("render", "--store", store, "-o", out, flag, value)
        assert_one_line_error(run, f"{flag} ", "matches nothing")
    for bad in (["--view", "nope"], ["--kind", "nope"]):
        assert runner.invoke(app, ["render", "--store", str(store), "-o", str(out), *bad]).exit_code == 2


def test_timeline_bands_go_down_in_date_order_and_never_overlap_two_nodes() -> None:
    rows = [0, 0, 1, 2, 2, 0, 0, 2, *[3] * 30]
    sizes = [12.0, 30.0, 12.0, 12.0, 48.0, 12.0, 12.0, 12.0, *[14.0] * 30]
    widths = [80.0, 200.0, 60.0, 90.0, 40.0, 300.0, 120.0, 70.0, *[150.0] * 30]
    lines = [1, 2, 1, 1, 1, 3, 1, 1, *[2] * 30]
    pos, bands = along_time(rows, sizes, widths, lines)
    assert len(bands) == 4 and all(top < bottom for top, bottom in bands)
    assert all(bands[k][1] <= bands[k + 1][0] + 1e-9 for k in range(3))  # bands follow each other downward
    boxes = []
    for (x, y), row, size, width, n in zip(pos, rows, sizes, widths, lines, strict=True):
        top, bottom = bands[row]
        half = max(width, 2 * size) / 2
        box = (x - half, y - size, x + half, y + size + 4 + 18 * n)
        assert top <= box[1] and box[3] <= bottom and box[0] >= 0 and box[2] <= ROW_WIDTH + 1e-9
        boxes.append(box)
    for i, a in enumerate(boxes):
        for b in boxes[:i]:
            assert min(a[2], b[2]) <= max(a[0], b[0]) or min(a[3], b[3]) <= max(a[1], b[1]), (a, b)


def test_only_a_crowded_view_with_a_focus_not_narrowed_by_kind_opens_focused() -> None:
    from crimjust_graph.views import VIEWS, filter_graph

    big = graph(hostile=False)
    for i in range(50):
        big.add_node(f"{ID}partner/extra-{i}", **{**big.nodes[f"{ID}partner/n1-0"], "label": f"Extra {i}"})
    assert page_data(render_page(big, title="T"))["focus"] == ["programme", "partner"]  # drawn as full
    big.graph.update(VIEWS["full"].drawing())
    assert page_data(render_page(big, title="T"))["focus"] == ["programme", "partner"]
    assert page_data(render_page(graph(hostile=False), title="T"))["focus"] == []  # small enough
    by_kind = filter_graph(big, kinds={"partner", "event"})
    assert page_data(render_page(by_kind, title="T"))["focus"] == []  # the reader chose the kinds
    big.graph.update(VIEWS["timeline"].drawing())
    assert page_data(render_page(big, title="T"))["focus"] == []
