"""Docs checked by tests: the README's Python examples run, and every command is in it with help text."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
import typer

from conftest import ROOT, cli
from crimjust_graph.cli import app
from test_remote_store import oxigraph_server

README = ROOT / "README.md"
EXAMPLE_SERVER = "http://127.0.0.1:7879"


def _python_blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", README.read_text("utf-8"), re.DOTALL | re.MULTILINE)


def _commands() -> dict[str, Any]:
    """The registered commands (typer vendors its own click: compare by duck type, not by class)."""
    return dict(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_readme_python_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ```python block, in order and in one namespace, from a folder holding the sample data."""
    blocks = _python_blocks()
    assert len(blocks) >= 4
    (tmp_path / "data").symlink_to(ROOT / "data")
    (tmp_path / "out").mkdir()
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "readme"}
    with oxigraph_server(tmp_path / "server") as url:
        for number, block in enumerate(blocks, 1):
            code = compile(block.replace(EXAMPLE_SERVER, url), f"README.md python block {number}", "exec")
            exec(code, namespace)
    assert (tmp_path / "out" / "page.html").stat().st_size > 10_000
    assert not os.environ.get("CRIMJUST_STORE") or (tmp_path / "out" / "store").is_dir()


def test_every_command_is_in_the_readme_with_help_text() -> None:
    readme = README.read_text("utf-8")
    commands = _commands()
    assert {"ingest", "documents", "remove", "query", "validate", "export"} <= commands.keys()
    for name, command in commands.items():
        if command.hidden:
            continue
        assert f"crimjust-graph {name}" in readme, f"`{name}` is not in README.md"
        assert command.help and command.help.strip(), f"`{name}` has no help text"
        for param in command.params:
            if param.param_type_name == "option" and not getattr(param, "hidden", False):
                assert param.help, f"`{name} {param.opts[0]}` has no help text"


def test_remote_options_are_documented() -> None:
    readme = README.read_text("utf-8")
    for needle in (
        "--endpoint",
        "--update-endpoint",
        "## Remote stores",
        "## Python API",
    ):
        assert needle in readme
    for name in ("ingest", "documents", "remove", "query", "validate", "export", "render"):
        if name in _commands():
            options = {o for p in _commands()[name].params for o in p.opts}
            assert {"--endpoint", "--update-endpoint"} <= options, name


def test_help_through_the_real_entry_point() -> None:
    run = cli("query", "--help")
    assert run.code == 0 and "--endpoint" in run.stdout and "named competency" in run.stdout
