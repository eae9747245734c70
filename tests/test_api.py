"""The Python API as the README shows it, and installation into an empty environment."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from conftest import ROOT, cli, shared
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


CURATION = """drop = ["programme/aircop fundedBy partner/european-union"]
[correct]
"programme/aircop implementedBy partner/interpol" = "programme/aircop hasPartner partner/interpol"
"""
ASK_FUNDED = "ASK { programme:aircop cj:fundedBy partner:european-union }"
ASK_PARTNER = "ASK { programme:aircop cj:hasPartner partner:interpol }"


def _graphs(nquads: Path) -> dict[str, Graph]:
    dataset = Dataset()
    dataset.parse(nquads, format="nquads")
    return {str(g.identifier): g for g in dataset.graphs() if len(g)}


def test_the_api_and_the_cli_build_isomorphic_stores_with_a_curation_file(tmp_path: Path) -> None:
    """The curation file beside the store applies through both doors, and nothing else differs."""
    files = [
        ROOT / "data" / "2019-02-aircop-santo-domingo-jaitf.txt",
        ROOT / "data" / "2019-04-crimjust-accra-integrity-workshop.txt",
    ]
    plain = open_store(tmp_path / "plain" / "store", writable=True)
    assert ingest(files, plain).ok
    assert query(ASK_FUNDED, plain) is True and query(ASK_PARTNER, plain) is False  # what curation changes
    dumps = {}
    for door in ("api", "cli"):
        (tmp_path / door).mkdir()
        (tmp_path / door / "crimjust-curation.toml").write_text(CURATION, encoding="utf-8")
        dumps[door] = tmp_path / door / "graph.nq"
    run = cli("ingest", "--store", tmp_path / "cli" / "store", "--workers", "1", *files)
    assert run.code == 0, run.stderr
    assert (
        cli("export", "--store", tmp_path / "cli" / "store", "--format", "nquads", "-o", dumps["cli"]).code
        == 0
    )
    store = open_store(tmp_path / "api" / "store", writable=True)
    report = ingest(files, store, workers=1)
    assert report.ok and report.new == 2
    assert query(ASK_FUNDED, store) is False and query(ASK_PARTNER, store) is True
    with dumps["api"].open("wb") as handle:
        store.dump(handle, "nquads")
    api, by_cli = _graphs(dumps["api"]), _graphs(dumps["cli"])
    assert len(api) >= 3 and api.keys() == by_cli.keys()
    for name, graph in api.items():
        assert isomorphic(graph, by_cli[name]), name


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
