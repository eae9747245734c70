"""Picture stage: a written page -> PNG, drawn by headless chromium as a reader would see it.

`write_picture` saves the page's own "Save PNG" output (graph as laid out, title, caption, legend), so the
command line and the button give the same image; `write_screenshot` saves the whole window, optionally
pointing at a node so its tooltip shows (the README's pictures, `make screenshots`). playwright drives
Debian's chromium; both are optional: without them only these fail, with a line saying what to install.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from crimjust_graph.errors import CrimjustError
from crimjust_graph.files import write_atomically

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
# Where the node labelled `label` is drawn, in the window's pixels (null when it is not shown).
_SPOT = """(label) => {
    const p = window.cjPage, net = p.network, i = p.data.nodes.findIndex((n) => n.l === label);
    if (i < 0 || !p.shownNodes().includes(i)) return null;
    const at = net.canvasToDOM({x: net.body.nodes[i].x, y: net.body.nodes[i].y});
    const box = document.getElementById('graph').getBoundingClientRect();
    return {x: box.left + at.x, y: box.top + at.y};
}"""


class PictureError(CrimjustError):
    """The picture could not be drawn: names the page and the reason."""

    def __init__(self, page: Path, reason: str) -> None:
        super().__init__(f"{page}: cannot draw its picture: {reason}")


def chromium() -> Path:
    """The browser to draw with: $CRIMJUST_CHROMIUM, else Debian's."""
    return Path(os.environ.get("CRIMJUST_CHROMIUM", "/usr/bin/chromium"))


@contextmanager
def _opened(page: Path, width: int, height: int) -> Iterator[Any]:
    """The page drawn and settled in a headless chromium tab that may open file:// only."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        raise PictureError(page, "needs playwright (pip install 'playwright>=1.45')") from None
    browser_path = chromium()
    if not browser_path.exists():
        raise PictureError(
            page, f"{browser_path} is missing (apt-get install chromium, or set CRIMJUST_CHROMIUM)"
        )
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(browser_path), args=FLAGS)
            try:
                context = browser.new_context(
                    viewport={"width": width, "height": height}, accept_downloads=True
                )
                context.route(
                    "**/*",
                    lambda route: (
                        route.continue_() if route.request.url.startswith("file:") else route.abort()
                    ),
                )
                tab = context.new_page()
                tab.goto(Path(page).resolve().as_uri())
                tab.wait_for_selector("body[data-settled]", state="attached", timeout=120_000)
                yield tab
            finally:
                browser.close()
    except Error as exc:
        raise PictureError(page, str(exc).splitlines()[0]) from None


def write_picture(page: Path, out: Path, *, width: int = 1400, height: int = 900) -> int:
    """Open `page` in headless chromium, save its picture ("Save PNG") to `out` atomically, and return
    the PNG's size in bytes."""
    with _opened(page, width, height) as tab:
        with tab.expect_download(timeout=60_000) as download:
            tab.click("#png")
        data = Path(download.value.path()).read_bytes()  # before the browser goes, and its downloads
    write_atomically(Path(out), lambda handle: handle.write(data))
    return len(data)


def write_screenshot(
    page: Path, out: Path, *, width: int = 1400, height: int = 900, point_at: str | None = None
) -> int:
    """The whole window as a reader sees `page` open, pointing at the node labelled `point_at` (its
    tooltip shown) when given; written to `out` atomically. Returns the PNG's size in bytes."""
    with _opened(page, width, height) as tab:
        if point_at is not None:
            spot = tab.evaluate(_SPOT, point_at)
            if spot is None:
                raise PictureError(page, f"no node labelled {point_at!r} is shown when it opens")
            tab.mouse.move(spot["x"] - 40, spot["y"] - 40)
            tab.mouse.move(spot["x"], spot["y"], steps=4)
            tab.locator("#tooltip").wait_for(state="visible", timeout=10_000)
        data: bytes = tab.screenshot()
    write_atomically(Path(out), lambda handle: handle.write(data))
    return len(data)
