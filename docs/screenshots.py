"""Regenerate the README's pictures (docs/*.png) from the sample data: `make screenshots`.

Each picture is drawn by headless chromium from a page `render` writes, so the pictures show what the code
draws today; run it after a change to the pages and commit the PNGs.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from crimjust_graph.picture import write_screenshot

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
CLI = Path(sys.executable).with_name("crimjust-graph")  # this environment's console script


def _cli(*args: str | Path) -> None:
    subprocess.run([CLI, *args], check=True, stdout=subprocess.DEVNULL)  # noqa: S603 (our own command)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store, page = Path(tmp) / "store", Path(tmp) / "page.html"
        _cli("ingest", "--store", store, ROOT / "data")
        _cli("render", "--store", store, "-o", page)
        write_screenshot(page, DOCS / "demo-page.png", point_at="AIRCOP")  # the window, pointing at AIRCOP
        for view, name in (("programme-partner", "who-runs-what"), ("timeline", "timeline")):
            _cli("render", "--store", store, "-o", page, "--view", view, "--png", DOCS / f"{name}.png")
    for picture in sorted(DOCS.glob("*.png")):
        print(f"{picture.relative_to(ROOT)}: {picture.stat().st_size / 1024:.0f} KB")  # noqa: T201


if __name__ == "__main__":
    main()
