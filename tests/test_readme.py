"""Docs checked by tests: the README's Python examples run, and every command is in it with help text."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer

from conftest import ROOT, cli
from crimjust_graph import open_store
from crimjust_graph.cli import app
from crimjust_graph.extract.curation import SECTIONS, read_curation
from crimjust_graph.store import RDF_FORMATS
from test_remote_store import oxigraph_server
from test_server import start_server, stop_server

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


def _section(title: str) -> str:
    text = README.read_text("utf-8")
    return text.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def test_curation_is_documented_key_by_key_and_its_example_reads(tmp_path: Path) -> None:
    section = _section("Curation")
    for key in SECTIONS:
        assert re.search(rf"^\| `\[?{key}\]?` \|", section, re.MULTILINE), (
            f"curation key {key} is not in the table"
        )
    example = re.findall(r"^```toml\n(.*?)^```", section, re.DOTALL | re.MULTILINE)
    assert len(example) == 1
    curation = read_curation(_write(tmp_path / "c.toml", example[0]))
    assert curation.drop and curation.drop_relations and curation.split and curation.merge
    assert curation.retype and curation.correct
    for key in SECTIONS:  # each key is in the example file
        assert re.search(rf"^\[?{key}\]?\b", example[0], re.MULTILINE), key


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_example_servers_use_ports_of_their_own() -> None:
    readme = README.read_text("utf-8")
    ours = re.findall(r"crimjust-graph serve .*--port (\d+)", readme)
    oxigraph = re.findall(r"oxigraph serve .*--bind [\d.]+:(\d+)", readme)
    assert ours and oxigraph and not set(ours) & set(oxigraph), (ours, oxigraph)
    assert f"127.0.0.1:{oxigraph[0]}" in EXAMPLE_SERVER  # the examples talk to the oxigraph they start


def test_every_export_format_is_in_the_command_list() -> None:
    commands = re.search(r"^```\n(crimjust-graph ingest .*?)^```", README.read_text("utf-8"), re.S | re.M)
    assert commands
    exports = [line for line in commands[1].splitlines() if line.startswith("crimjust-graph export")]
    for fmt in (*RDF_FORMATS, "graphml", "gexf", "json"):
        assert any(re.search(rf"\b{fmt}\b", line) for line in exports), f"export --format {fmt}"


def test_health_answers_what_the_readme_says(tmp_path: Path) -> None:
    said = re.search(r"`/health`\s+answers JSON \(`(\{.*?\})`", README.read_text("utf-8"))
    assert said, "the README no longer says what /health answers"
    promised = json.loads(said[1].replace(", ...", ""))
    store = tmp_path / "store"
    open_store(store, writable=True).flush()
    server = start_server(store, tmp_path / "serve.log", "--workers", "1")
    try:
        status, headers, body = server.request("GET", "/health")
    finally:
        stop_server(server)
    assert status == 200 and headers["content-type"] == "application/json"
    assert promised.items() <= json.loads(body).items()


@pytest.mark.slow
def test_make_demo_is_short_and_ends_saying_where_to_look(tmp_path: Path) -> None:
    """`make demo` with the installed package (not a new venv), writing into a folder of the test's own."""
    bin_dir = Path(sys.executable).parent
    out = tmp_path / "out"
    done = subprocess.run(
        [
            "make",
            "-s",
            "-C",
            str(ROOT),
            "-o",
            f"{bin_dir}/crimjust-graph",
            "demo",
            f"OUT={out}",
            f"BIN={bin_dir}",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = (done.stdout + done.stderr).splitlines()
    assert len(lines) < 120, len(lines)
    tail = "\n".join(done.stdout.splitlines()[-6:])
    assert f"{out}/graph.html" in tail and f"{out}/store" in tail and (out / "graph.html").is_file()
    first = re.search(r"a first query\s+(.+)", tail)
    assert first, tail
    run = subprocess.run(shlex.split(first[1]), capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0 and "AIRCOP" in run.stdout, run.stderr


def test_code_points_to_the_design_kept_in_the_repository() -> None:
    """Comments cite docs/design.md by section, and each section they cite is there."""
    design = (ROOT / "docs" / "design.md").read_text("utf-8")
    sections = set(re.findall(r"^## (\d+)\. ", design, re.MULTILINE))
    cited: set[str] = set()
    for folder in ("src", "tests", "benchmarks"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in {".py", ".md"} or "work" in path.relative_to(ROOT).parts:
                continue
            text = path.read_text("utf-8")
            assert not re.search(r"\bDESIGN §", text), f"{path} cites a design file outside the repository"
            cited |= set(re.findall(r"docs/design\.md §(\d+)", text))
    assert len(cited) >= 4 and cited <= sections, cited - sections
