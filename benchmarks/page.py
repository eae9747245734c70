"""Benchmark: page layout + write and first draw in headless chromium, on generated graphs of 1k-20k nodes."""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import networkx as nx
from report import write_results

from crimjust_graph.page import write_page

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ID = "https://w3id.org/crimjust/id/"
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
SHARES = {"programme": 0.02, "partner": 0.15, "event": 0.6, "region": 0.01, "country": 0.08, "city": 0.14}
_TEXT = "the programme held a regional meeting on maritime drug trafficking with port control units customs "
_TEXT += "officers prosecutors and judges from partner countries to share intelligence and cases"
WORDS = _TEXT.split()


def synthetic(size: int, seed: int = 1) -> nx.MultiDiGraph[str]:
    """A graph shaped like the real one (events tie programmes, partners, places); contract attrs."""
    rng = random.Random(seed)
    graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(documents=size // 3, latest="2024-12-01", title="synthetic")
    ids: dict[str, list[str]] = {}
    for kind, share in SHARES.items():
        count = max(2, round(size * share))
        ids[kind] = [f"{ID}{kind}/{kind}-{i}" for i in range(count)]
        for i, node in enumerate(ids[kind]):
            label = f"{kind.title()} {i} " + " ".join(rng.sample(WORDS, 2))
            year = rng.randint(2015, 2024)
            graph.add_node(
                node,
                kind=kind,
                label=label,
                aliases=[f"{kind[:3].upper()}{i}"],
                degree=0,
                first_date=f"{year}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}" if kind == "event" else None,
                last_date=None,
                documents=rng.randint(1, 5),
                document_titles=[f"News item {rng.randint(1, 9999)}"],
                evidence=[
                    {
                        "quote": _sentence(rng, label),
                        "title": f"News item {rng.randint(1, 9999)}",
                        "source": "x",
                    }
                    for _ in range(rng.randint(1, 3))
                ],
                programmes=[],
                regions=[],
                years=[year],
            )

    def link(a: str, b: str, predicate: str, words: str) -> None:
        graph.add_edge(
            a,
            b,
            key=predicate,
            predicate=predicate,
            label=words,
            evidence_count=rng.randint(1, 4),
            documents=1,
            quote=_sentence(rng, words),
        )

    # Popularity is skewed, as in the news: a few programmes and partners appear everywhere.
    def pick(kind: str) -> str:
        pool = ids[kind]
        return pool[
            min(int(rng.paretovariate(1.2)) - 1, len(pool) - 1)
            if rng.random() < 0.5
            else rng.randrange(len(pool))
        ]

    for event in ids["event"]:
        programme = pick("programme")
        link(event, programme, "hasParticipant", "participant")
        for _ in range(rng.randint(1, 3)):
            link(event, pick("partner"), rng.choice(["organisedBy", "hasParticipant"]), "organised by")
        city = pick("city")
        link(event, city, "heldIn", "held in")
        graph.nodes[programme]["regions"].append(graph.nodes[city]["label"])
        graph.nodes[event]["programmes"].append(graph.nodes[programme]["label"])
    for programme in ids["programme"]:
        for _ in range(rng.randint(1, 3)):
            link(programme, pick("partner"), "implementedBy", "implemented by")
        link(programme, pick("region"), "coversRegion", "covers")
    for city in ids["city"]:
        link(city, pick("country"), "inRegion", "in")
    for country in ids["country"]:
        link(country, pick("region"), "inRegion", "in")
    for partner in ids["partner"]:
        if rng.random() < 0.5:
            link(partner, pick("country"), "basedIn", "based in")
    for node in graph.nodes:
        attrs = graph.nodes[node]
        attrs["degree"] = graph.degree(node)
        attrs["regions"] = sorted(set(attrs["regions"]))
    return graph


def _sentence(rng: random.Random, about: str) -> str:
    return f"{about.capitalize()} " + " ".join(rng.choices(WORDS, k=22)) + "."


def first_draw(path: Path, shot: Path | None = None) -> tuple[float, float, float]:
    """(ms from navigation start to vis-network's first afterDrawing, wall seconds, seconds from a click
    on "Show all" to every node drawn and fitted) in headless chromium. A big full view opens on
    programmes and partners only, so the last figure is the one that draws every node."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        context.route(
            "**/*",
            lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort(),
        )
        page = context.new_page()
        start = time.perf_counter()
        page.goto(path.as_uri(), wait_until="commit")
        page.wait_for_selector("body[data-drawn]", state="attached", timeout=120_000)
        wall = time.perf_counter() - start
        drawn = float(page.evaluate("window.__cjFirstDraw"))
        page.wait_for_selector("body[data-settled]", state="attached", timeout=120_000)
        total = page.evaluate("window.cjPage.data.nodes.length")
        start = time.perf_counter()
        page.click("#reset")
        page.locator("#count", has_text=f"Showing {total} of {total} nodes").wait_for(timeout=120_000)
        page.wait_for_selector("body[data-settled]", state="attached", timeout=120_000)
        page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
        everything = time.perf_counter() - start
        if shot is not None:
            page.screenshot(path=str(shot))
        browser.close()
    return drawn, wall, everything


def demo_screenshot(out: Path) -> None:
    """docs/demo-page.png: `render` on the sample data as it opens, pointing at a programme's facts."""
    import subprocess

    from playwright.sync_api import sync_playwright

    work = HERE / "work" / "demo"
    cli = Path(sys.executable).with_name("crimjust-graph")
    subprocess.run([cli, "ingest", "--store", work / "store", ROOT / "data"], check=True)
    subprocess.run([cli, "render", "--store", work / "store", "-o", work / "page.html"], check=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 860})
        page.goto((work / "page.html").as_uri())
        page.wait_for_selector("body[data-settled]", state="attached")
        spot = page.evaluate(
            """() => { const d = window.cjPage.data, net = window.cjPage.network;
            const i = d.nodes.findIndex((n) => n.l === 'AIRCOP');
            net.moveTo({scale: 0.9, position: net.getPosition(i), animation: false});
            const p = net.canvasToDOM(net.getPosition(i));
            const box = document.getElementById('graph').getBoundingClientRect();
            return {x: box.left + p.x, y: box.top + p.y}; }"""
        )
        page.mouse.move(spot["x"] - 30, spot["y"] - 30)
        page.mouse.move(spot["x"], spot["y"], steps=3)
        page.wait_for_selector("#tooltip:not([hidden])")
        page.screenshot(path=str(out))
        browser.close()
    print(f"wrote {out}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,5000,20000")
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--demo-shot", action="store_true", help="only write docs/demo-page.png")
    args = parser.parse_args()
    if args.demo_shot:
        demo_screenshot(ROOT / "docs" / "demo-page.png")
        return
    work = HERE / "work" / "page"
    work.mkdir(parents=True, exist_ok=True)
    rows: list[dict[str, Any]] = []
    for size in (int(s) for s in args.sizes.split(",")):
        graph = synthetic(size)
        start = time.perf_counter()
        info = write_page(graph, work / f"page-{size}.html", title=f"Synthetic graph, {size} nodes")
        written = time.perf_counter() - start
        drawn, wall, everything = (
            (0.0, 0.0, 0.0) if args.no_browser else first_draw(info.path, work / f"page-{size}.png")
        )
        rows.append(
            {
                "size": size,
                "edges": info.edges,
                "mb": info.bytes / 1e6,
                "write": written,
                "draw": drawn,
                "wall": wall,
                "all": everything,
            }
        )
        print(rows[-1], flush=True)
    lines = [
        f"# Page benchmark {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Command: `.venv/bin/python benchmarks/page.py --sizes {args.sizes}`; {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}, Debian chromium headless.",
        "",
        "Layout + write: `page.write_page` (layout in Python, physics off above 300 nodes). First draw: "
        "ms from navigation start to vis-network's first `afterDrawing` event (`window.__cjFirstDraw`), "
        "the page opened from a file:// URL with every other request aborted. The full view opens on "
        'programmes and partners; show all: seconds from a click on "Show all" until every node is drawn '
        "and fitted.",
        "",
        "| nodes | edges drawn | page MB | layout + write s | first draw s | show all s "
        "| target (write / draw) |",
        "|---:|---:|---:|---:|---:|---:|---|",
    ]
    targets = {5000: "< 10 s / < 5 s", 20000: "< 60 s / < 15 s"}
    for r in rows:
        lines.append(
            f"| {r['size']:,} | {r['edges']:,} | {r['mb']:.1f} | {r['write']:.2f} | {r['draw'] / 1000:.2f} | "
            f"{r['all']:.2f} | {targets.get(r['size'], '')} |"
        )
    print(f"wrote {write_results('page.md', lines)}", file=sys.stderr)


if __name__ == "__main__":
    main()
