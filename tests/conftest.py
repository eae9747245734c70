"""Shared test helpers: the real CLI as a subprocess, the shared folder, small document files."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CLI = Path(sys.executable).with_name("crimjust-graph")


def shared(*parts: str) -> Path:
    """A path under ../shared (the seed items, gold corpora and W3C manifest kept beside the checkout).

    A clone on its own has no ../shared: the tests that need it skip, with one line saying so. CI has it and
    sets CI=true, and there a missing file fails the test, so nothing is skipped where it can run.
    """
    path = SHARED.joinpath(*parts)
    if not path.exists():
        reason = f"{path} is missing: this test needs ../shared beside the project checkout"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def cli(
    *args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120
) -> Run:
    """Run the installed console script, as a user would."""
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    done = subprocess.run(
        [str(CLI), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=full_env,
        timeout=timeout,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def assert_one_line_error(run: Run, *needles: str) -> None:
    """Exit 1, exactly one line on stderr naming what was wrong, and no traceback."""
    assert run.code == 1, (run.code, run.stdout, run.stderr)
    assert "Traceback" not in run.stderr
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, run.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


NEWS = """UNODC trains port officers in Dakar

From 3 to 5 March 2019 the Airport Communication Programme (AIRCOP) held a training course in Dakar, Senegal.
The course was organised by UNODC and funded by the European Union. INTERPOL took part in the training.
"""


@pytest.fixture
def news_file(tmp_path: Path) -> Path:
    path = tmp_path / "docs" / "news.txt"
    path.parent.mkdir()
    path.write_text(NEWS, encoding="utf-8")
    return path


def unordered_concat(row: list[object]) -> tuple[str, ...]:
    """A result row with GROUP_CONCAT cells as sorted lists: their order is up to the engine."""
    cells = []
    for value in row:
        text = str(value)
        for separator in (" | ", "; ", ", "):
            if separator in text:
                text = separator.join(sorted(text.split(separator)))
                break
        cells.append(text)
    return tuple(cells)


# Debian's chromium, driven by playwright (its own browser download fails here).
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
