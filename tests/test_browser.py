"""Pages in real headless chromium, from file:// with the network blocked: draw, tooltip, search, safety."""

from __future__ import annotations

import base64
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from conftest import CHROMIUM, FLAGS, ROOT, cli  # noqa: F401  (others import them from here)
from crimjust_graph.views import VIEWS
from test_page import HOSTILE, LONG, graph

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "tests" / "artifacts"
NOTEBOOK = (960, 640)  # a page shown inline in a notebook cell
SENTINEL = "window.__pwned"


@dataclass
class Opened:
    page: Any
    requests: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)

    def errors(self) -> list[tuple[str, str]]:
        return [(kind, text) for kind, text in self.console if kind in ("error", "pageerror")]


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    """Open a file:// page in a fresh context where every non-file request is recorded and aborted."""
    contexts: list[Any] = []

    def _open(path: Path, size: tuple[int, int] = (1400, 900)) -> Opened:
        width, height = size
        context = browser.new_context(viewport={"width": width, "height": height}, accept_downloads=True)
        contexts.append(context)
        context.route(
            "**/*",
            lambda route: route.continue_() if route.request.url.startswith("file://") else route.abort(),
        )
        page = context.new_page()
        opened = Opened(page)
        page.on("request", lambda request: opened.requests.append(request.url))
        page.on("console", lambda message: opened.console.append((message.type, message.text)))
        page.on("pageerror", lambda error: opened.console.append(("pageerror", str(error))))
        page.goto(path.as_uri())
        # Selectors, not wait_for_function: the page's CSP forbids eval, which wait_for_function uses.
        page.wait_for_selector("body[data-settled]", state="attached", timeout=60_000)
        return opened

    yield _open
    for context in contexts:
        context.close()


def shot(opened: Opened, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    opened.page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("sample") / "store"
    assert cli("ingest", "--store", store, ROOT / "data").code == 0
    return store


@pytest.fixture(scope="module")
def sample_page(sample_store: Path) -> Path:
    """`render` on the sample corpus, through the real console script."""
    out = sample_store.parent / "page.html"
    run = cli("render", "--store", sample_store, "-o", out)
    assert run.code == 0, run.stderr
    assert "wrote" in run.stdout and "MB" in run.stdout
    return out


def _canvas_ink(page: Any) -> int:
    """Pixels on the graph canvas that are not blank."""
    return int(
        page.evaluate(
            """() => {
            const c = document.querySelector('#graph canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let ink = 0;
            for (let i = 0; i < d.length; i += 4) if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240)) ink++;
            return ink;
        }"""
        )
    )


def _hover(opened: Opened, label: str) -> Any:
    """Bring the node with this label into view, point at it, and return the tooltip."""
    page = opened.page
    index = page.evaluate(
        "(label) => window.cjPage.data.nodes.findIndex((n) => n.l === label)",
        label,
    )
    assert index >= 0, label
    if not page.evaluate("(i) => window.cjPage.network.body.data.nodes.get(i) !== null", index):
        _show_all(opened)  # shown one click away: bring every kind in
    spot = page.evaluate(
        """(i) => {
        const net = window.cjPage.network;
        net.focus(i, {scale: 1.5, animation: false});
        const p = net.canvasToDOM(net.getPosition(i));
        const box = document.getElementById('graph').getBoundingClientRect();
        return {x: box.left + p.x, y: box.top + p.y};
    }""",
        index,
    )
    page.mouse.move(spot["x"] - 40, spot["y"] - 40)
    page.mouse.move(spot["x"], spot["y"], steps=4)
    tooltip = page.locator("#tooltip")
    tooltip.wait_for(state="visible", timeout=5000)
    return tooltip


def _show_all(opened: Opened) -> None:
    page = opened.page
    total = page.evaluate("() => window.cjPage.data.nodes.length")
    page.click("#reset")
    page.locator("#count", has_text=f"Showing {total} of {total} nodes").wait_for()
    page.wait_for_selector("body[data-settled]", state="attached")


LAYOUT = """() => {
    const net = window.cjPage.network, frame = document.getElementById('graph');
    const ids = net.body.nodeIndices;
    const f = frame.getBoundingClientRect(), g = document.getElementById('legend').getBoundingClientRect();
    const legend = [g.left - f.left, g.top - f.top, g.right - f.left, g.bottom - f.top];
    return {width: frame.clientWidth, height: frame.clientHeight, legend: legend, nodes: ids.map((i) => {
        const node = net.body.nodes[i], label = node.labelModule.size, box = net.getBoundingBox(i);
        const a = net.canvasToDOM({x: box.left, y: box.top});
        const b = net.canvasToDOM({x: box.right, y: box.bottom});
        return {id: i, label: [label.left, label.top, label.left + label.width, label.top + label.height],
                dom: [a.x, a.y, b.x, b.y]};
    })};
}"""


REDRAWN = """() => new Promise((done) => {
    const net = window.cjPage.network;
    net.once('afterDrawing', () => done(true));
    net.redraw();
})"""


def _layout(opened: Opened) -> dict[str, Any]:
    # vis-network moves a label's box only when it draws that node; a node it last skipped (out of view before
    # the fit) keeps a box at (0, 0) though the canvas shows it in place. One more frame reads what is shown.
    opened.page.evaluate(REDRAWN)
    layout: dict[str, Any] = opened.page.evaluate(LAYOUT)
    return layout


def _overlapping_labels(layout: dict[str, Any]) -> list[tuple[int, int]]:
    boxes = [(n["id"], n["label"]) for n in layout["nodes"]]
    return [
        (i, j)
        for k, (i, a) in enumerate(boxes)
        for j, b in boxes[k + 1 :]
        if min(a[2], b[2]) - max(a[0], b[0]) > 0.5 and min(a[3], b[3]) - max(a[1], b[1]) > 0.5
    ]


def _outside(layout: dict[str, Any]) -> list[int]:
    """Nodes (with their labels) not wholly inside the frame, or under the legend."""
    w, h, legend = layout["width"], layout["height"], layout["legend"]
    return [
        n["id"]
        for n in layout["nodes"]
        if n["dom"][0] < -1
        or n["dom"][1] < -1
        or n["dom"][2] > w + 1
        or n["dom"][3] > h + 1
        or (n["dom"][0] < legend[2] and n["dom"][3] > legend[1])
    ]


def test_sample_page_draws_offline_with_legend_and_caption(sample_page: Path, open_page: Any) -> None:
    opened = open_page(sample_page)
    page = opened.page
    assert page.locator("#graph canvas").count() == 1
    assert _canvas_ink(page) > 2000
    assert page.locator("#legend").is_visible()
    assert page.locator("#legend").inner_text().splitlines()[:2] == ["Programme", "Partner"]
    caption = page.locator("#caption")
    assert caption.is_visible() and "drawn from 18 documents" in caption.inner_text()
    assert page.locator("#table tbody tr").count() >= 3  # the table view: one row per programme
    shot(opened, "sample-page")
    assert [url for url in opened.requests if not url.startswith("file://")] == []
    assert opened.errors() == []


def test_tooltip_shows_the_evidence_sentence(sample_page: Path, open_page: Any) -> None:
    opened = open_page(sample_page)
    event = opened.page.evaluate(
        """() => { const d = window.cjPage.data;
        const n = d.nodes.find((n) => d.kinds[n.k].key === 'event' && n.ev.length);
        return {label: n.l, quote: d.strings[n.ev[0][0]], title: d.strings[n.ev[0][1]]}; }"""
    )
    tooltip = _hover(opened, event["label"])
    text = tooltip.inner_text()
    assert event["quote"] in text and event["title"] in text
    shot(opened, "sample-tooltip")
    assert opened.errors() == []


def test_search_finds_a_node_by_acronym_and_filters_hide_kinds(sample_page: Path, open_page: Any) -> None:
    opened = open_page(sample_page)
    page = opened.page
    page.fill("#search", "aircop")
    page.locator("#results li").first.wait_for()
    page.press("#search", "Enter")
    page.locator("#details .name", has_text="AIRCOP").wait_for()
    selected = page.evaluate("() => window.cjPage.network.getSelectedNodes()")
    assert len(selected) == 1
    label = page.evaluate("(i) => window.cjPage.data.nodes[i].l", selected[0])
    assert "AIRCOP" in label or "Airport Communication" in label
    assert label in page.locator("#details").inner_text()
    shot(opened, "sample-search")
    total = page.evaluate("() => window.cjPage.data.nodes.length")
    _show_all(opened)
    page.locator("input.kind").nth(2).uncheck()  # events
    shown = int(page.locator("#count").inner_text().split()[1])
    assert 0 < shown < total
    page.click("#reset")
    page.locator("#count", has_text=f"Showing {total} of").wait_for()
    assert opened.errors() == []


def test_csv_download_holds_the_table(sample_page: Path, open_page: Any) -> None:
    opened = open_page(sample_page)
    with opened.page.expect_download() as info:
        opened.page.click("#csv")
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0] == [
        "programme",
        "implemented by",
        "funded by",
        "partners",
        "covers",
        "events",
        "event places",
    ]
    assert len(rows) == opened.page.locator("#table tbody tr").count() + 1
    assert opened.errors() == []


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A document whose title and sentences carry markup, quotes, emoji and right-to-left text."""
    work = tmp_path_factory.mktemp("hostile")
    doc = work / "hostile.txt"
    doc.write_text(
        f"{HOSTILE[0]} {HOSTILE[1]} \"Quoted\" & 'single' 🚓 مرحبا href=javascript:alert(1)\n\n"
        "From 3 to 5 March 2019 the Airport Communication Programme (AIRCOP) held a training course "
        f"{HOSTILE[0]} in Dakar, Senegal, with the {HOSTILE[1]} unit.\n"
        "The course was organised by UNODC and funded by the European Union "
        f"{HOSTILE[2]} 🚓 \"quoted\" 'single' مرحبا.\nINTERPOL took part in the training.\n",
        encoding="utf-8",
    )
    store = work / "store"
    assert cli("ingest", "--store", store, doc).code == 0
    return store


def test_hostile_document_is_shown_as_text_and_never_runs(
    hostile_store: Path, open_page: Any, tmp_path: Path
) -> None:
    out = tmp_path / "hostile.html"
    run = cli("render", "--store", hostile_store, "-o", out, "--title", HOSTILE[0] + HOSTILE[1])
    assert run.code == 0, run.stderr
    opened = open_page(out)
    page = opened.page
    assert page.locator("h1").inner_text() == HOSTILE[0] + HOSTILE[1]
    tooltip = _hover(opened, "AIRCOP training course")
    text = tooltip.inner_text()
    assert HOSTILE[0] in text  # the sentence shows the markup literally
    assert "<script>window.__pwned=1</script> <img" in text  # and the document title too
    assert tooltip.locator("img, script, a").count() == 0
    shot(opened, "hostile-document")
    assert page.evaluate(f"() => typeof {SENTINEL}") == "undefined"
    assert [url for url in opened.requests if not url.startswith("file://")] == []
    assert opened.errors() == []


@pytest.mark.parametrize("size", [(1400, 900), NOTEBOOK])
@pytest.mark.parametrize("view", list(VIEWS))
def test_hostile_document_stays_text_in_every_view(
    hostile_store: Path, open_page: Any, tmp_path: Path, view: str, size: tuple[int, int]
) -> None:
    """Every view of the hostile document, at both sizes: its markup is shown, never run or fetched,
    in the title, the tooltips of every line and node, the side panel and the table."""
    out = tmp_path / f"hostile-{view}.html"
    run = cli("render", "--store", hostile_store, "-o", out, "--view", view, "--title", HOSTILE[0])
    assert run.code == 0, run.stderr
    opened = open_page(out, size)
    page = opened.page
    assert page.locator("h1").inner_text() == HOSTILE[0]
    texts = page.evaluate(
        """() => { const p = window.cjPage;
        return p.edges.get().map((e) => p.edgeText(e.id)); }"""
    )
    # Views this one document gives nothing to (no programme-partner fact; see the timeline's caption)
    # are drawn empty; the others quote its sentences, markup and all, as text.
    if texts:
        assert any(HOSTILE[0] in text or HOSTILE[2] in text for text in texts), view
        index = page.evaluate("() => window.cjPage.shownNodes()[0]")
        page.evaluate("(i) => window.cjPage.choose(i)", index)  # its details in the side panel
        page.locator("#details .name").first.wait_for()
    else:
        assert page.evaluate("() => window.cjPage.data.nodes.length") == 0, view
    assert page.locator("#details img, #details script, #details a, #table img, #table script").count() == 0
    assert page.locator("img, script[src], iframe, object, embed").count() == 0
    assert page.evaluate(f"() => typeof {SENTINEL}") == "undefined"
    assert [url for url in opened.requests if not url.startswith("file://")] == []
    assert opened.errors() == []


def test_hostile_names_in_a_graph_are_shown_as_text(open_page: Any, tmp_path: Path) -> None:
    from crimjust_graph.page import write_page

    out = tmp_path / "names.html"
    write_page(graph(), out, title=HOSTILE[3], caption=HOSTILE[1])
    opened = open_page(out)
    page = opened.page
    assert page.locator("h1").inner_text() == HOSTILE[3]
    assert page.locator("#caption").inner_text() == HOSTILE[1]
    tooltip = _hover(opened, f"{HOSTILE[1]} partner")
    assert f"{HOSTILE[1]} said so." in tooltip.inner_text()
    page.mouse.move(1, 1)
    tooltip = _hover(opened, f"{LONG} event")
    assert LONG in tooltip.inner_text()  # the whole 10 KB name, as text
    page.select_option("#programme", index=1)  # options built from hostile names stay text
    assert page.locator("#programme option").nth(1).inner_text().endswith("programme")
    with page.expect_download() as info:
        page.click("#csv")
    cells = [
        c for row in csv.reader(io.StringIO(Path(info.value.path()).read_text("utf-8-sig"))) for c in row
    ]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]  # no spreadsheet formulas
    shot(opened, "hostile-names")
    assert page.evaluate(f"() => typeof {SENTINEL}") == "undefined"
    assert page.locator("img, script[src], iframe, object").count() == 0
    assert opened.errors() == []


def test_timeline_view_lays_dates_out_top_to_bottom(sample_store: Path, open_page: Any) -> None:
    out = sample_store.parent / "timeline.html"
    assert cli("render", "--store", sample_store, "--view", "timeline", "-o", out).code == 0
    opened = open_page(out)
    page = opened.page
    drawn = page.evaluate(
        """() => {
        const d = window.cjPage.data, net = window.cjPage.network;
        const kinds = d.kinds.map((k) => k.key);
        const at = (i) => net.getPosition(i);
        return {axis: d.axis, nodes: d.nodes.map((n, i) => ({kind: kinds[n.k], date: n.t0, label: n.l,
                                                            x: at(i).x, y: at(i).y}))};
    }"""
    )
    events = [n for n in drawn["nodes"] if n["kind"] == "event"]
    assert len(events) >= 3 and len(events) < len(drawn["nodes"])
    assert [a["l"] for a in drawn["axis"]] == sorted({n["date"] for n in events})  # one band per date
    bands = {a["l"]: (a["y0"], a["y1"]) for a in drawn["axis"]}
    for event in events:  # each event in its date's band, and bands go down as time goes on
        top, bottom = bands[event["date"]]
        assert top < event["y"] < bottom
    tops = [a["y0"] for a in drawn["axis"]]
    assert tops == sorted(tops)
    assert _canvas_ink(page) > 1000 and not opened.errors()
    shot(opened, "timeline")


def _render(store: Path, name: str, *args: str) -> Path:
    out = store.parent / f"{name}.html"
    run = cli("render", "--store", store, "-o", out, *args)
    assert run.code == 0, run.stderr
    return out


def test_programme_partner_edges_point_from_programme_to_partner_and_say_why(
    sample_store: Path, open_page: Any
) -> None:
    """The issue's example: hovering a line reads "SEACOP -> funded by -> European Union" with its quote."""
    opened = open_page(_render(sample_store, "who-runs-what", "--view", "programme-partner"))
    page = opened.page
    drawn = page.evaluate(
        """() => { const p = window.cjPage, d = p.data;
        return p.edges.get().map((e) => ({from: d.nodes[e.from].l, to: d.nodes[e.to].l, arrows: e.arrows,
            text: p.edgeText(e.id), facts: d.edges[e.id].facts.map((f) => [d.nodes[f[0]].l, f[2],
            d.nodes[f[1]].l, d.strings[f[5]], d.strings[f[6]]])})); }"""
    )
    assert drawn
    for edge in drawn:
        assert edge["arrows"] == "to"
        for subject, words, obj, quote, title in edge["facts"]:
            assert (subject, obj) == (edge["from"], edge["to"])
            assert f"{subject} \u2192 {words} \u2192 {obj}" in edge["text"]
            assert quote and quote in edge["text"] and title in edge["text"]
    seacop = next(e for e in drawn if (e["from"], e["to"]) == ("SEACOP", "European Union"))
    # Point at the middle of that line: the real tooltip says it the right way round.
    spot = page.evaluate(
        """(pair) => { const p = window.cjPage, net = p.network, d = p.data;
        const id = p.edges.get().find((e) => d.nodes[e.from].l === pair[0] && d.nodes[e.to].l === pair[1]).id;
        net.fit({nodes: [p.edges.get(id).from, p.edges.get(id).to], animation: false});
        const m = net.canvasToDOM(net.body.edges[id].edgeType.getPoint(0.5));
        const box = document.getElementById('graph').getBoundingClientRect();
        return {x: box.left + m.x, y: box.top + m.y}; }""",
        [seacop["from"], seacop["to"]],
    )
    page.mouse.move(spot["x"] - 30, spot["y"] - 30)
    page.mouse.move(spot["x"], spot["y"], steps=4)
    page.locator("#tooltip").wait_for(state="visible", timeout=5000)
    assert "SEACOP \u2192 funded by \u2192 European Union" in page.locator("#tooltip").inner_text()
    shot(opened, "programme-partner-edge")
    assert opened.errors() == []


def test_filtered_page_says_what_it_shows(sample_store: Path, open_page: Any) -> None:
    out = _render(sample_store, "aircop-2019", "--programme", "aircop", "--since", "2019")
    opened = open_page(out)
    page = opened.page
    assert page.locator("h1").inner_text().endswith("\u2014 programme AIRCOP, since 2019")
    assert page.title() == page.locator("h1").inner_text()
    assert page.locator("#programme option:checked").inner_text() == "AIRCOP"
    assert page.locator("#from option:checked").inner_text() == "2019"
    assert page.locator("#region option:checked").inner_text() == "all"
    total = page.evaluate("() => window.cjPage.data.nodes.length")
    assert page.locator("#count").inner_text() == f"Showing {total} of {total} nodes"  # the preset keeps all
    facts = page.evaluate(
        """() => { const d = window.cjPage.data, kinds = d.kinds.map((k) => k.key);
        const events = d.nodes.filter((n) => kinds[n.k] === 'event');
        return {edges: d.edges.length, events: events.length, last: events.map((n) => n.t1 || n.t0)}; }"""
    )
    caption = page.locator("#caption").inner_text()
    events = f"{facts['events']} event" + ("s" if facts["events"] != 1 else "")
    assert f"{events}, " in caption and f"{facts['edges']} links" in caption
    assert "drawn from 18 documents" not in caption
    latest = caption.rsplit("the latest date shown is ", 1)[1].rstrip(".")
    assert latest >= max(facts["last"])
    shot(opened, "filtered-aircop-2019")
    assert opened.errors() == []


@pytest.mark.parametrize("size", [(1400, 900), NOTEBOOK])
@pytest.mark.parametrize("view", ["full", "timeline"])
def test_first_draw_has_no_overlapping_labels_and_everything_in_the_frame(
    sample_store: Path, open_page: Any, view: str, size: tuple[int, int]
) -> None:
    opened = open_page(_render(sample_store, f"first-{view}", "--view", view), size)
    layout = _layout(opened)
    assert len(layout["nodes"]) >= 20
    assert all(n["label"][2] - n["label"][0] > 10 for n in layout["nodes"])  # every label was measured
    assert _overlapping_labels(layout) == []
    assert _outside(layout) == []
    shot(opened, f"first-{view}-{size[0]}")
    assert opened.errors() == []


def test_full_view_opens_on_programmes_and_partners_and_expands_a_node(
    sample_store: Path, open_page: Any
) -> None:
    opened = open_page(_render(sample_store, "first-full", "--view", "full"))
    page = opened.page
    kinds = page.evaluate(
        "() => { const d = window.cjPage.data; return window.cjPage.network.body.nodeIndices"
        ".map((i) => d.kinds[d.nodes[i].k].key); }"
    )
    assert set(kinds) == {"programme", "partner"}
    assert page.locator("input.kind:checked").count() == 2
    aircop = page.evaluate("() => window.cjPage.data.nodes.findIndex((n) => n.l === 'AIRCOP')")
    page.evaluate("(i) => window.cjPage.choose(i)", aircop)
    page.locator("#details button.expand").click()
    page.wait_for_selector("body[data-settled]", state="attached")
    shown = page.evaluate("() => window.cjPage.network.body.nodeIndices")
    links = page.evaluate(
        "(i) => window.cjPage.data.edges.filter((e) => e.f === i || e.t === i)"
        ".map((e) => (e.f === i ? e.t : e.f))",
        aircop,
    )
    assert set(links) <= set(shown)
    layout = _layout(opened)
    assert _outside(layout) == [] and _overlapping_labels(layout) == []
    shot(opened, "expanded-aircop")
    assert opened.errors() == []


@pytest.mark.parametrize("size", [(1400, 900), NOTEBOOK])
@pytest.mark.parametrize("view", list(VIEWS))
def test_every_view_opens_in_the_frame_with_lines_from_subject_to_object(
    sample_store: Path, open_page: Any, view: str, size: tuple[int, int]
) -> None:
    """Every registered view, at both sizes: all it shows inside the frame, each drawn line an arrow
    from the subject of its facts to their object (co-participation, being symmetric, has no arrows)."""
    opened = open_page(_render(sample_store, f"open-{view}", "--view", view), size)
    layout = _layout(opened)
    assert layout["nodes"] and _outside(layout) == []
    drawn = opened.page.evaluate(
        """() => { const p = window.cjPage, d = p.data, name = (i) => d.nodes[i].l;
        return p.shownEdges().map((id) => { const e = p.edges.get(id), facts = d.edges[id].facts;
            return {from: e.from, to: e.to, arrows: e.arrows || null, text: p.edgeText(id),
                    facts: facts.map((f) => [f[0], f[1]]),
                    said: facts.map((f) => [name(f[0]), f[2], name(f[1])].join(' \u2192 '))}; }); }"""
    )
    assert drawn, view
    directed = view != "co-participation"
    for edge in drawn:
        assert edge["arrows"] == ("to" if directed else None)
        for (subject, obj), sentence in zip(edge["facts"], edge["said"], strict=True):
            assert [subject, obj] == [edge["from"], edge["to"]]
            if directed:
                assert sentence in edge["text"]  # the tooltip reads it subject -> predicate -> object
    shot(opened, f"open-{view}-{size[0]}")
    assert opened.errors() == []


@pytest.mark.parametrize("size", [(1400, 900), NOTEBOOK])
@pytest.mark.parametrize("view", list(VIEWS))
def test_every_filter_refits_and_drops_what_it_hides_from_the_side_panel(
    sample_store: Path, open_page: Any, view: str, size: tuple[int, int]
) -> None:
    opened = open_page(_render(sample_store, f"refit-{view}", "--view", view), size)
    page = opened.page
    _show_all(opened)
    page.evaluate("() => window.cjPage.choose(window.cjPage.data.nodes.findIndex((n) => n.l === 'COPOLAD'))")
    page.locator("#details .name", has_text="COPOLAD").wait_for()
    for control, option in (("#programme", "CRIMJUST"), ("#from", "2019"), ("#region", "West Africa")):
        page.select_option(control, label=option)
        page.wait_for_selector("body[data-settled]", state="attached")
        layout = _layout(opened)
        assert layout["nodes"], (view, control)
        assert _outside(layout) == [], (view, control)
    assert "COPOLAD" not in page.locator("#details").inner_text()  # filtered out, so no longer described
    shot(opened, f"refit-{view}-{size[0]}")
    assert opened.errors() == []


def test_search_ranks_exact_acronyms_and_organisations_first(sample_page: Path, open_page: Any) -> None:
    opened = open_page(sample_page)
    page = opened.page
    page.fill("#search", "unodc")
    page.locator("#results li").first.wait_for()
    first = page.locator("#results li").first.inner_text()
    assert first.startswith("United Nations Office on Drugs and Crime"), first
    page.press("#search", "Enter")
    page.locator("#details .name", has_text="United Nations Office on Drugs and Crime").wait_for()
    chosen = page.evaluate("() => window.cjPage.network.getSelectedNodes()")
    near = page.evaluate(
        "(i) => [i, ...window.cjPage.data.edges.filter((e) => e.f === i || e.t === i)"
        ".map((e) => (e.f === i ? e.t : e.f))]",
        chosen[0],
    )
    layout = _layout(opened)
    assert not set(_outside(layout)) & set(near)  # the found node and its links are in the frame
    assert "United Nations Office on Drugs and Crime" in page.locator("#details").inner_text()
    assert opened.errors() == []


def test_table_columns_mean_one_thing_and_sort(sample_page: Path, open_page: Any) -> None:
    opened = open_page(sample_page)
    page = opened.page
    heads = page.locator("#table thead th").all_inner_texts()
    assert [h.rstrip(" \u25b2\u25bc") for h in heads] == [
        "Programme",
        "Implemented by",
        "Funded by",
        "Partners",
        "Covers",
        "Events",
        "Event places",
    ]
    table = [r.split("\t") for r in page.locator("#table tbody tr").all_inner_texts()]
    aircop = next(r for r in table if r[0] == "AIRCOP")
    assert "Dakar" in aircop[6] and "Dakar" not in aircop[4] and "World" not in aircop[4]
    names = [r[0] for r in table]
    assert names == sorted(names, key=str.casefold)
    page.locator("#table thead th button", has_text="Events").click()
    page.locator("#table thead th button", has_text="Events").click()  # most events first
    counts = page.evaluate(
        "() => Array.from(document.querySelectorAll('#table tbody tr td:nth-child(6)'), "
        "(td) => td.textContent ? td.textContent.split(', ').length : 0)"
    )
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1]
    widths = page.evaluate(
        "() => Array.from(document.querySelectorAll('#table tbody td'), "
        "(td) => td.getBoundingClientRect().width)"
    )
    assert min(widths) >= 8 * 12 - 1  # at least 8em of 12 px text: words are not broken apart
    shot(opened, "table-sorted")
    assert opened.errors() == []


def test_programme_tooltip_gives_its_own_facts(sample_page: Path, open_page: Any) -> None:
    opened = open_page(sample_page)
    text = _hover(opened, "AIRCOP").inner_text()
    for line in ("Implemented by", "Funded by", "Covers", "Event places", "dated events: "):
        assert line in text, line
    events = re.search(r"Events \((\d+)\)", text)  # how many depends on the extractor: at least one
    assert events is not None and int(events[1]) >= 1, text
    assert opened.errors() == []


def test_save_picture_downloads_the_graph_with_title_and_caption(sample_store: Path, open_page: Any) -> None:
    opened = open_page(_render(sample_store, "picture", "--programme", "CRIMJUST"))
    page = opened.page
    with page.expect_download() as info:
        page.click("#png")
    download = info.value
    assert download.suggested_filename == "graph.png"
    picture = Path(download.path()).read_bytes()
    assert picture[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(picture[16:20], "big"), int.from_bytes(picture[20:24], "big")
    canvas = page.evaluate(
        "() => { const c = document.querySelector('#graph canvas'); return [c.width, c.height]; }"
    )
    assert width == canvas[0] and height > canvas[1]  # the graph, with the title and caption above it
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "saved-picture.png").write_bytes(picture)
    assert [url for url in opened.requests if not url.startswith("file://")] == []
    assert opened.errors() == []


SVG = "{http://www.w3.org/2000/svg}"
DRAWN = """() => { const p = window.cjPage, net = p.network, d = p.data;
    const frame = document.getElementById('graph');
    const at = (i) => ({x: net.body.nodes[i].x, y: net.body.nodes[i].y});  // exact: getPosition rounds
    return {scale: net.getScale(), origin: net.canvasToDOM({x: 0, y: 0}),
        title: document.querySelector('h1').textContent,
        size: [frame.clientWidth, frame.clientHeight], directed: d.directed,
        kinds: p.shownNodes().map((i) => d.kinds[d.nodes[i].k].name).filter((k, j, a) => a.indexOf(k) === j),
        nodes: p.shownNodes().map((i) => ({...at(i), s: d.nodes[i].s, label: p.canvasLabel(i),
            colour: d.kinds[d.nodes[i].k].color})),
        edges: p.shownEdges().map((id) => {
            const e = p.edges.get(id);
            return {from: at(e.from), to: at(e.to)}; }),
        box: [frame.getBoundingClientRect().left, frame.getBoundingClientRect().top]};
}"""
# Share of one picture's ink that the other has within 2 px (both as PNG data URLs), in a blank page.
INK_SHARED = """async ([a, b]) => {
    const pixels = async (url) => {
        const img = new Image(); img.src = url; await img.decode();
        const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
        const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
        const d = ctx.getImageData(0, 0, c.width, c.height).data, ink = new Uint8Array(c.width * c.height);
        for (let i = 0; i < ink.length; i++) ink[i] = Math.min(d[4 * i], d[4 * i + 1], d[4 * i + 2]) < 200;
        return {w: c.width, h: c.height, ink}; };
    const [p, q] = [await pixels(a), await pixels(b)];
    const near = (m, x, y) => {
        for (let v = Math.max(0, y - 2); v <= Math.min(m.h - 1, y + 2); v++)
            for (let u = Math.max(0, x - 2); u <= Math.min(m.w - 1, x + 2); u++)
                if (m.ink[v * m.w + u]) return true;
        return false; };
    const share = (m, n) => { let all = 0, hit = 0;
        for (let y = 0; y < m.h; y++) for (let x = 0; x < m.w; x++)
            if (m.ink[y * m.w + x]) { all++; if (near(n, x, y)) hit++; }
        return all ? hit / all : 0; };
    return [share(p, q), share(q, p), p.w, p.h, q.w, q.h]; }"""


def _points(element: Any) -> list[tuple[float, float]]:
    """A shape's corner points (circle: its bounding box corners)."""
    if element.tag == f"{SVG}circle":
        x, y, r = (float(element.get(a)) for a in ("cx", "cy", "r"))
        return [(x - r, y - r), (x + r, y + r)]
    if element.tag == f"{SVG}rect":
        x, y, w, h = (float(element.get(a)) for a in ("x", "y", "width", "height"))
        return [(x, y), (x + w, y + h)]
    return [tuple(float(v) for v in p.split(",")) for p in element.get("points").split()]  # type: ignore[misc]


@pytest.mark.parametrize("view", ["full", "timeline", "programme-partner"])
def test_save_svg_draws_what_the_canvas_shows(
    sample_store: Path, open_page: Any, browser: Any, view: str, tmp_path: Path
) -> None:
    """The SVG is drawn from vis-network's own positions: each node, label and line where the canvas has
    it, and the two pictures share their ink."""
    from xml.etree import ElementTree

    opened = open_page(_render(sample_store, f"svg-{view}", "--view", view))
    page = opened.page
    drawn = page.evaluate(DRAWN)
    with page.expect_download() as info:
        page.click("#svg")
    assert info.value.suggested_filename == "graph.svg"
    text = Path(info.value.path()).read_text(encoding="utf-8")
    root = ElementTree.fromstring(text)  # our own file; ElementTree fetches nothing
    assert root.tag == f"{SVG}svg" and float(root.get("width") or 0) == drawn["size"][0]
    head = float(root.get("height") or 0) - drawn["size"][1]
    assert head > 30  # title and caption above the graph
    assert root.find(f"{SVG}text").text == drawn["title"]  # type: ignore[union-attr]
    # Nothing that could run, fetch or link: shapes and text only.
    tags = {e.tag.removeprefix(SVG) for e in root.iter()}
    assert tags <= {"svg", "rect", "text", "tspan", "defs", "clipPath", "g", "path", "polygon", "circle"}
    assert not [a for e in root.iter() for a in e.attrib if "href" in a or a.lower().startswith("on")]
    view_group = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "view")
    matrix = [float(v) for v in (view_group.get("transform") or "")[7:-1].split()]
    assert matrix[0] == pytest.approx(drawn["scale"], rel=1e-4) and matrix[1:3] == [0, 0]
    assert matrix[4:] == pytest.approx([drawn["origin"]["x"], drawn["origin"]["y"]], abs=0.01)
    nodes = [g for g in view_group.iter(f"{SVG}g") if g.get("class") == "node"]
    assert len(nodes) == len(drawn["nodes"]) >= 5
    for group, node in zip(nodes, drawn["nodes"], strict=True):
        mark = group[0]
        assert mark.get("fill") == node["colour"]
        xs, ys = zip(*_points(mark), strict=True)
        assert min(xs) < node["x"] < max(xs) and min(ys) < node["y"] < max(ys)
        assert (min(xs) + max(xs)) / 2 == pytest.approx(node["x"], abs=0.05)
        assert (min(ys) + max(ys)) / 2 == pytest.approx(node["y"], abs=0.35 * node["s"])
        label = group.find(f"{SVG}text")
        assert label is not None and "\n".join(t.text or "" for t in label) == node["label"]
    edges = [g for g in view_group.iter(f"{SVG}g") if g.get("class") == "edge"]
    assert len(edges) == len(drawn["edges"]) >= 3
    for group, edge in zip(edges, drawn["edges"], strict=True):
        steps = (group[0].get("d") or "")[1:].split("L")
        (x0, y0), (x1, y1) = (tuple(map(float, s.split())) for s in (steps[0], steps[-1]))
        assert (x0, y0) == pytest.approx((edge["from"]["x"], edge["from"]["y"]), abs=0.01)
        assert (x1, y1) == pytest.approx((edge["to"]["x"], edge["to"]["y"]), abs=0.01)
        assert len(group) == (2 if drawn["directed"] else 1)  # the arrowhead
    legend = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "legend")
    assert [t.text for t in legend.iter(f"{SVG}text")] == drawn["kinds"]
    # Faithful: the canvas and the SVG, drawn by the same browser, put their ink in the same places.
    width, height = drawn["size"]
    left, top = drawn["box"]
    canvas_png = page.screenshot(clip={"x": left, "y": top, "width": width, "height": height})
    svg_file = tmp_path / "graph.svg"
    svg_file.write_text(text, encoding="utf-8")
    context = browser.new_context(viewport={"width": width, "height": int(head) + height})
    try:
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
        tab = context.new_page()
        tab.goto(svg_file.as_uri())
        svg_png = tab.screenshot(clip={"x": 0, "y": head, "width": width, "height": height})
        blank = context.new_page()
        urls = ["data:image/png;base64," + base64.b64encode(b).decode() for b in (canvas_png, svg_png)]
        canvas_in_svg, svg_in_canvas, *sizes = blank.evaluate(INK_SHARED, urls)
    finally:
        context.close()
    assert sizes[:2] == sizes[2:]
    assert canvas_in_svg > 0.9 and svg_in_canvas > 0.9, (canvas_in_svg, svg_in_canvas)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / f"saved-{view}.svg").write_text(text, encoding="utf-8")
    assert opened.errors() == []


def test_saved_svg_keeps_hostile_text_as_text(hostile_store: Path, open_page: Any, tmp_path: Path) -> None:
    from xml.etree import ElementTree

    out = tmp_path / "hostile.html"
    assert cli("render", "--store", hostile_store, "-o", out, "--title", HOSTILE[0] + HOSTILE[1]).code == 0
    opened = open_page(out)
    with opened.page.expect_download() as info:
        opened.page.click("#svg")
    text = Path(info.value.path()).read_text(encoding="utf-8")
    assert "<script" not in text and "<img" not in text  # escaped by the serializer
    root = ElementTree.fromstring(text)
    assert root.find(f"{SVG}text").text == HOSTILE[0] + HOSTILE[1]  # type: ignore[union-attr]
    assert not [
        e for e in root.iter() if e.tag.removeprefix(SVG) in ("script", "image", "foreignObject", "a")
    ]
    assert opened.page.evaluate(f"() => typeof {SENTINEL}") == "undefined"
    assert opened.errors() == []
