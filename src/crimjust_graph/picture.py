"""Picture stage: a written page -> PNG, drawn by headless chromium as a reader would see it.

The picture is the page's own "Save picture" output (graph as laid out, title, caption, legend), so the
command line and the button give the same image. playwright drives Debian's chromium; both are optional:
without them only `render --png` fails, with a line saying what to install.
"""

from __future__ import annotations

import os
from pathlib import Path

from crimjust_graph.errors import CrimjustError
from crimjust_graph.files import write_atomically

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]


class PictureError(CrimjustError):
    """The picture could not be drawn: names the page and the reason."""

    def __init__(self, page: Path, reason: str) -> None:
        super().__init__(f"{page}: cannot draw its picture: {reason}")


def chromium() -> Path:
    """The browser to draw with: $CRIMJUST_CHROMIUM, else Debian's."""
    return Path(os.environ.get("CRIMJUST_CHROMIUM", "/usr/bin/chromium"))


def write_picture(page: Path, out: Path, *, width: int = 1400, height: int = 900) -> int:
    """Open `page` in headless chromium (every request but file:// refused), save its picture to `out`
    atomically, and return the PNG's size in bytes."""
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
                with tab.expect_download(timeout=60_000) as download:
                    tab.click("#png")
                data = Path(download.value.path()).read_bytes()
            finally:
                browser.close()
    except Error as exc:
        raise PictureError(page, str(exc).splitlines()[0]) from None
    write_atomically(Path(out), lambda handle: handle.write(data))
    return len(data)
