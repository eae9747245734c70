"""Pages in real headless chromium, from file:// with the network blocked: draw, tooltip, search, safety."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, cli
from test_page import HOSTILE, LONG, graph

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "tests" / "artifacts"
SENTINEL = "window.__pwned"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (`make browser`, or "
            "`apt-get update && apt-get install -y chromium`); playwright cannot download browsers here"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield chromium
        chromium.close()


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

    def _open(path: Path) -> Opened:
        context = browser.new_context(viewport={"width": 1400, "height": 900}, accept_downloads=True)
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
    selected = page.evaluate("() => window.cjPage.network.getSelectedNodes()")
    assert len(selected) == 1
    label = page.evaluate("(i) => window.cjPage.data.nodes[i].l", selected[0])
    assert "AIRCOP" in label or "Airport Communication" in label
    assert label in page.locator("#details").inner_text()
    shot(opened, "sample-search")
    total = page.evaluate("() => window.cjPage.data.nodes.length")
    assert page.locator("#count").inner_text() == f"Showing {total} of {total} nodes"
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
    assert rows[0] == ["programme", "partners", "regions", "events"]
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


def test_timeline_view_lays_events_out_along_time(sample_store: Path, open_page: Any) -> None:
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
    actors = [n for n in drawn["nodes"] if n["kind"] != "event"]
    assert len(events) >= 3 and actors
    by_date = sorted(events, key=lambda n: n["date"])
    assert [n["x"] for n in by_date] == sorted(n["x"] for n in events)  # later is further right
    assert len({n["x"] for n in events}) == len({n["date"] for n in events})  # one column per date
    assert all(n["y"] < 0 for n in events) and all(n["y"] > 0 for n in actors)  # events above the axis
    assert [a["l"] for a in drawn["axis"]] == sorted({n["date"] for n in events})
    assert [a["x"] for a in drawn["axis"]] == sorted({n["x"] for n in events})
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
        const a = net.canvasToDOM(net.getPosition(p.edges.get(id).from));
        const b = net.canvasToDOM(net.getPosition(p.edges.get(id).to));
        const box = document.getElementById('graph').getBoundingClientRect();
        return {x: box.left + (a.x + b.x) / 2, y: box.top + (a.y + b.y) / 2}; }""",
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
