"""`render --png`: the page's picture drawn by real headless chromium, through the real console script."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, assert_one_line_error, cli

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("picture") / "store"
    assert cli("ingest", "--store", store, ROOT / "data").code == 0
    return store


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_render_png_writes_the_picture_beside_the_page(sample_store: Path, tmp_path: Path) -> None:
    page, png = tmp_path / "who.html", tmp_path / "pictures" / "who.png"
    run = cli("render", "--store", sample_store, "-o", page, "--view", "programme-partner", "--png", png)
    assert run.code == 0, run.stderr
    assert f"wrote {png}" in run.stdout and page.exists()
    width, height = _png_size(png.read_bytes())
    assert width >= 800 and height >= 700  # the graph pane at 1400x900, with the title and caption above
    assert sorted(p.name for p in png.parent.iterdir()) == ["who.png"]  # written atomically, nothing else


def test_render_png_without_a_browser_is_one_line(sample_store: Path, tmp_path: Path) -> None:
    page, png = tmp_path / "page.html", tmp_path / "page.png"
    run = cli(
        "render", "--store", sample_store, "-o", page, "--png", png,
        env={"CRIMJUST_CHROMIUM": str(tmp_path / "no-such-chromium")},
    )  # fmt: skip
    assert_one_line_error(run, str(page), "no-such-chromium is missing")
    assert page.exists() and not png.exists()  # the page itself was written


def test_screenshot_points_at_a_node_and_shows_its_tooltip(sample_store: Path, tmp_path: Path) -> None:
    """What `make screenshots` draws the README's picture with: the window, pointing at AIRCOP."""
    from crimjust_graph.picture import PictureError, write_screenshot

    page, plain, pointing = tmp_path / "page.html", tmp_path / "plain.png", tmp_path / "pointing.png"
    assert cli("render", "--store", sample_store, "-o", page).code == 0
    write_screenshot(page, plain)
    size = write_screenshot(page, pointing, width=1200, height=800, point_at="AIRCOP")
    assert size == pointing.stat().st_size and _png_size(pointing.read_bytes()) == (1200, 800)
    assert _png_size(plain.read_bytes()) == (1400, 900)
    with pytest.raises(PictureError, match="no node labelled 'NOSUCH' is shown"):
        write_screenshot(page, tmp_path / "never.png", point_at="NOSUCH")
    assert not (tmp_path / "never.png").exists()
