"""The Python API as the README shows it, and installation into an empty environment."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, shared
from crimjust_graph import Rows, ingest, open_store, query, validate


def test_readme_python_example(tmp_path: Path) -> None:
    store = open_store(tmp_path / "store", writable=True)
    report = ingest([ROOT / "data"], store)
    assert report.ok and report.new >= 15
    rows = query("SELECT ?label WHERE { ?p a cj:Programme ; rdfs:label ?label } ORDER BY ?label", store)
    assert isinstance(rows, Rows) and "CRIMJUST" in [r[0] for r in rows.rows]
    assert query("ASK { ?e a cj:Event }", store) is True
    assert validate(store).conforms
    timeline = query("programme-timeline", store, params={"programme": "programme/crimjust"})
    assert isinstance(timeline, Rows) and len(timeline.rows) >= 2
    assert {r[0] for r in timeline.rows} == {"https://w3id.org/crimjust/id/programme/crimjust"}
    own = "SELECT ?p ?label WHERE { ?p rdfs:label ?label }"
    labels = query(own, store, params={"p": "programme/crimjust"})
    assert isinstance(labels, Rows) and [r[1] for r in labels.rows] == ["CRIMJUST"]


def test_wheel_ships_ontology_and_reference_data(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)], check=True
    )
    names = zipfile.ZipFile(next(tmp_path.glob("*.whl"))).namelist()
    for needed in (
        "crimjust_graph/ontology/crimjust.ttl",
        "crimjust_graph/ontology/shapes.ttl",
        "crimjust_graph/py.typed",
        "crimjust_graph/queries/programmes.rq",
    ):
        assert needed in names
    assert any(n.startswith("crimjust_graph/reference/") for n in names)


@pytest.mark.slow
def test_editable_install_into_empty_venv(tmp_path: Path) -> None:
    seed = shared("seeds", "000_06067837a20e0bbf.txt")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    pip = env_dir / "bin" / "pip"
    subprocess.run([str(pip), "install", "-q", "-e", str(ROOT)], check=True, timeout=600)
    exe = env_dir / "bin" / "crimjust-graph"
    store = tmp_path / "store"
    done = subprocess.run(
        [str(exe), "ingest", "--store", str(store), str(seed)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    listed = subprocess.run(
        [str(exe), "query", "--list"], capture_output=True, text=True, cwd=tmp_path, check=True
    )
    assert "programmes" in listed.stdout
    checked = subprocess.run(
        [str(exe), "validate", "--store", str(store)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout
