"""Store invariants through the Python API on real files: idempotent re-ingest, atomic replace."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, URIRef
from rdflib.compare import isomorphic

from crimjust_graph import Store, open_store, pipeline
from crimjust_graph.documents import read_document
from crimjust_graph.extract import extract
from crimjust_graph.mapping import to_graph
from crimjust_graph.model import Document, Extraction
from crimjust_graph.pipeline import ingest
from crimjust_graph.store import SYSTEM_GRAPHS, Outcome
from crimjust_graph.vocab import ID, ONTOLOGY_GRAPH, SHAPES_GRAPH

NAMES = ["UNODC", "INTERPOL", "AIRCOP", "SEACOP", "CRIMJUST", "Europol", "the European Union", "WCO"]
PLACES = ["Dakar, Senegal", "Lisbon", "Panama City, Panama", "Vienna", "Accra, Ghana", "Brussels"]
SENTENCES = st.one_of(
    st.builds(
        "{} held a workshop in {} on {} May 2019.".format,
        st.sampled_from(NAMES),
        st.sampled_from(PLACES),
        st.integers(1, 28),
    ),
    st.builds("{} is implemented by {} and funded by {}.".format, *(st.sampled_from(NAMES),) * 3),
    st.builds("{} took part in the {} meeting.".format, st.sampled_from(NAMES), st.sampled_from(NAMES)),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=80),
)
DOCUMENTS = st.lists(SENTENCES, min_size=1, max_size=8).map(
    lambda xs: "A news item\n\n" + " ".join(xs) + "\n"
)


def _dataset(store: Store) -> Dataset:
    """The document graphs (system graphs are the same in every store and slow to compare)."""
    buffer = io.BytesIO()
    store.dump(buffer, "nquads")
    dataset = Dataset()
    dataset.parse(data=buffer.getvalue().decode("utf-8"), format="nquads")
    for name in SYSTEM_GRAPHS:
        dataset.remove_graph(URIRef(name))
    return dataset


def _same(a: Dataset, b: Dataset) -> bool:
    graphs_a = {g.identifier: g for g in a.graphs()}
    graphs_b = {g.identifier: g for g in b.graphs()}
    return graphs_a.keys() == graphs_b.keys() and all(isomorphic(graphs_a[k], graphs_b[k]) for k in graphs_a)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DOCUMENTS)
def test_ingesting_twice_changes_nothing(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        doc = Path(tmp) / "doc.txt"
        doc.write_text(text, encoding="utf-8")
        store = open_store(Path(tmp) / "store", writable=True)
        first = ingest([doc], store)
        once = _dataset(store)
        second = ingest([doc], store)
        assert first.new == 1 and second.unchanged == 1 and second.new == 0
        assert _same(once, _dataset(store))


def test_replace_is_one_step_and_remove_restores(tmp_path: Path) -> None:
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    a.write_text("AIRCOP in Dakar\n\nAIRCOP held a training in Dakar, Senegal on 4 May 2019.\n", "utf-8")
    b.write_text("SEACOP in Lisbon\n\nSEACOP held a workshop in Lisbon, Portugal on 5 June 2019.\n", "utf-8")
    store = open_store(tmp_path / "store", writable=True)
    ingest([b], store)
    only_b = _dataset(store)
    ingest([a], store)
    a.write_text("AIRCOP in Lomé\n\nAIRCOP held a training in Lomé, Togo on 6 May 2019.\n", "utf-8")
    report = ingest([a], store)
    assert report.replaced == 1
    assert len(store.documents()) == 2
    assert store.remove(str(a.resolve()))
    assert _same(only_b, _dataset(store))
    assert not store.remove(str(a.resolve()))


def test_identical_text_from_two_files(tmp_path: Path) -> None:
    text = "Europol meets\n\nEuropol held a meeting in The Hague on 2 July 2019.\n"
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    one.write_text(text, "utf-8")
    two.write_text(text, "utf-8")
    store = open_store(tmp_path / "store", writable=True)
    assert ingest([one, two], store).new == 2
    assert {d.source for d in store.documents()} == {str(one.resolve()), str(two.resolve())}
    store.remove(str(one.resolve()))
    assert [d.source for d in store.documents()] == [str(two.resolve())]


def test_reopening_keeps_documents(tmp_path: Path) -> None:
    doc = tmp_path / "d.txt"
    doc.write_text("CRIMJUST in Accra\n\nCRIMJUST held a workshop in Accra, Ghana.\n", "utf-8")
    store = open_store(tmp_path / "store", writable=True)
    ingest([doc], store)
    del store
    reader = open_store(tmp_path / "store")
    assert [d.source for d in reader.documents()] == [str(doc.resolve())]
    assert reader.has_document(reader.documents()[0].iri, str(doc.resolve()))
    assert Outcome.NEW.value == "new"


def _default_graph(store: Store) -> set[tuple[str, str, str]]:
    result = store.query("SELECT ?s ?p ?o WHERE { ?s ?p ?o }")
    return {(str(r["s"]), str(r["p"]), str(r["o"])) for r in result}  # type: ignore[union-attr]


def _merge_of_named_graphs(store: Store) -> set[tuple[str, str, str]]:
    query = (
        "SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(?g NOT IN (<{ONTOLOGY_GRAPH}>, <{SHAPES_GRAPH}>)) }}"
    )
    return {(str(r["s"]), str(r["p"]), str(r["o"])) for r in store.query(query)}  # type: ignore[union-attr]


def test_default_graph_is_the_merge_through_replace_and_remove(tmp_path: Path) -> None:
    """Each triple once, however many documents state it; what a removed document alone said is gone."""
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("AIRCOP in Dakar\n\nAIRCOP held a training in Dakar, Senegal on 4 May 2019.\n", "utf-8")
    b.write_text("AIRCOP in Lomé\n\nAIRCOP held a workshop in Lomé, Togo on 9 June 2019.\n", "utf-8")
    store = open_store(tmp_path / "store", writable=True)
    ingest([a, b], store)
    labels = store.query("SELECT ?l WHERE { ?p a cj:Programme ; rdfs:label ?l }")
    assert [r["l"].value for r in labels] == ["AIRCOP"]  # type: ignore[union-attr]
    assert _default_graph(store) == _merge_of_named_graphs(store)
    b.write_text("SEACOP in Lisbon\n\nSEACOP held a workshop in Lisbon, Portugal on 5 June 2019.\n", "utf-8")
    ingest([b], store)
    assert _default_graph(store) == _merge_of_named_graphs(store)
    assert not any("Lomé" in o for _, _, o in _default_graph(store) if "quote" in _)
    store.remove(str(b.resolve()))
    store.remove(str(a.resolve()))
    merged = _default_graph(store)
    assert merged == _merge_of_named_graphs(store)
    assert not any(p.endswith("#quote") for _, p, _ in merged)


def test_forced_replace_rebuilds_the_same_text_in_one_step(tmp_path: Path) -> None:
    text = "Europol meets\n\nEuropol held a meeting in The Hague on 2 July 2019.\n"
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    one.write_text(text, "utf-8")
    two.write_text(text, "utf-8")
    store = open_store(tmp_path / "store", writable=True)
    ingest([one, two], store)
    graph = to_graph(extract(read_document(one)))
    marker = (URIRef("urn:x:a"), URIRef("urn:x:b"), URIRef("urn:x:c"))
    graph.add(marker)
    assert store.replace_document(graph) is Outcome.UNCHANGED
    assert store.replace_document(graph, force=True) is Outcome.REPLACED
    assert {d.source for d in store.documents()} == {str(one.resolve()), str(two.resolve())}
    assert bool(store.query("ASK { <urn:x:a> <urn:x:b> <urn:x:c> }"))
    assert _default_graph(store) == _merge_of_named_graphs(store)


def test_an_extractor_bug_fails_one_document_not_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text("SEACOP in Lisbon\n\nSEACOP held a workshop in Lisbon, Portugal.\n", "utf-8")
    bad.write_text("Trigger\n\nThis text makes the extractor fail.\n", "utf-8")
    real = pipeline.extract

    def flaky(document: Document) -> Extraction:
        if "makes the extractor fail" in document.text:
            raise ValueError("boom")
        return real(document)

    monkeypatch.setattr(pipeline, "extract", flaky)
    store = open_store(tmp_path / "store", writable=True)
    report = ingest([good, bad], store, workers=1)
    assert report.new == 1
    assert [str(e) for e in report.failed] == [f"{bad.resolve()}: extraction failed (ValueError: boom)"]


_DIE_DURING_BULK = """
import os, sys
from crimjust_graph.pipeline import ingest
from crimjust_graph import open_store

store_path, step, *files = sys.argv[1:]


class Dying:
    '''The real backend, except that the process dies at one step of writing a batch of new documents.'''

    def __init__(self, inner):
        self.inner = inner

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def bulk_load(self, graphs):
        named = [(name, text) for name, text in graphs if name is not None]
        merge = [(name, text) for name, text in graphs if name is None]
        assert named and merge
        if step == "named":  # half the named graphs' triples are in
            self.inner.bulk_load([(name, half(text)) for name, text in named])
        elif step == "merge":  # named graphs in, half their merge copies
            self.inner.bulk_load([*named, *((name, half(text)) for name, text in merge)])
        else:
            return self.inner.bulk_load(graphs)
        self.inner.flush()
        os._exit(3)

    def update(self, sparql):
        if step == "marks":  # everything in but the marks that say the documents are complete
            self.inner.flush()
            os._exit(3)
        return self.inner.update(sparql)


def half(text):
    lines = text.splitlines()
    return chr(10).join(lines[: len(lines) // 2])


store = open_store(store_path, writable=True)
store.backend = Dying(store.backend)
ingest(files, store, workers=1)
"""


@pytest.mark.parametrize("step", ["named", "merge", "marks"])
def test_a_process_killed_during_a_bulk_load_leaves_no_trace(tmp_path: Path, step: str) -> None:
    """New documents are bulk-loaded (not atomic): the next writable open drops what a crash left."""
    import subprocess
    import sys

    data = sorted((Path(__file__).resolve().parents[1] / "data").glob("2019-0*"))
    first, rest = data[:2], data[2:]
    store = open_store(tmp_path / "store", writable=True)
    ingest(first, store, workers=1)
    before, merged_before = _dataset(store), _default_graph(store)
    del store
    died = subprocess.run(
        [sys.executable, "-c", _DIE_DURING_BULK, str(tmp_path / "store"), step, *map(str, rest)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert died.returncode == 3, died.stderr

    store = open_store(tmp_path / "store", writable=True)  # repairs
    assert sorted(d.source for d in store.documents()) == [str(p.resolve()) for p in first]
    assert _same(before, _dataset(store))
    assert _default_graph(store) == merged_before
    report = ingest(data, store, workers=1)
    assert (report.new, report.unchanged) == (len(rest), len(first))

    clean = open_store(tmp_path / "clean", writable=True)
    ingest(data, clean, workers=1)
    assert _same(_dataset(clean), _dataset(store))
    assert _default_graph(store) == _default_graph(clean) == _merge_of_named_graphs(store)


def test_repair_on_open_leaves_graphs_that_are_not_documents_alone(tmp_path: Path) -> None:
    import pyoxigraph as ox

    raw = ox.Store(str(tmp_path / "store"))
    mine = ox.Quad(ox.NamedNode("urn:x:a"), ox.NamedNode("urn:x:b"), ox.Literal("c"), ox.NamedNode("urn:x:g"))
    unfinished = ox.Quad(mine.subject, mine.predicate, mine.object, ox.NamedNode(f"{ID}document/0123"))
    raw.extend([mine, unfinished])
    raw.flush()
    del raw
    store = open_store(tmp_path / "store", writable=True)
    assert "urn:x:g" in store.graphs()
    assert f"{ID}document/0123" not in store.graphs()


def test_a_reader_follows_what_another_process_writes(tmp_path: Path) -> None:
    """A read-only open kept across an ingest by another process answers, with the new document.

    Without reopening, pyoxigraph's old read-only open waited forever once the writer had compacted
    away its files; the query runs in a thread so that this test fails instead of hanging.
    """
    import subprocess
    import sys
    import threading

    data = sorted((Path(__file__).resolve().parents[1] / "data").glob("2019-0*"))
    ingest(data[:1], open_store(tmp_path / "store", writable=True), workers=1)
    reader = open_store(tmp_path / "store")
    assert len(reader.documents()) == 1
    code = "import sys; from crimjust_graph import ingest, open_store; " + (
        "ingest(sys.argv[2:], open_store(sys.argv[1], writable=True))"
    )
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "store"), *map(str, data)], check=True)
    found: list[int] = []
    thread = threading.Thread(target=lambda: found.append(len(reader.documents())), daemon=True)
    thread.start()
    thread.join(30)
    assert found == [len(data)]


def test_store_modules_import_one_way() -> None:
    """store.py sits on the backends and is handed its reference data; no backend imports the store."""
    import ast

    import crimjust_graph

    package = Path(crimjust_graph.__file__).parent

    def imports(name: str) -> set[str]:
        tree = ast.parse((package / f"{name}.py").read_text("utf-8"))
        found = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        nodes = [node for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
        found |= {f"{node.module}.{a.name}" for node in nodes for a in node.names}
        return found | {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}

    store = imports("store")
    assert {"crimjust_graph.embedded", "crimjust_graph.remote", "crimjust_graph.backend"} <= store
    assert not any(m.startswith(("crimjust_graph.extract", "crimjust_graph.mapping")) for m in store)
    for backend in ("backend", "embedded", "remote", "engines"):
        assert not any(m.startswith("crimjust_graph.store") for m in imports(backend)), backend


def test_a_query_gets_the_default_prefixes_it_names_and_its_own_win(tmp_path: Path) -> None:
    """Only the default prefixes a query's text names are passed to the engine; a query's own declaration of
    a default prefix name reads its own namespace."""
    from crimjust_graph.backend import default_prefixes
    from crimjust_graph.vocab import PREFIXES

    assert default_prefixes("SELECT ?p WHERE { ?p a cj:Programme }") == {"cj": PREFIXES["cj"]}
    assert default_prefixes("PREFIX cj: <urn:mine#> SELECT ?p WHERE { ?p a cj:Programme }") == {}
    assert default_prefixes("SELECT * WHERE { ?s ?p ?o }") == {}
    data = sorted((Path(__file__).resolve().parents[1] / "data").glob("2019-0*"))
    ingest(data[:1], open_store(tmp_path / "store", writable=True), workers=1)
    reader = open_store(tmp_path / "store")
    defaults = reader.query("SELECT (COUNT(*) AS ?n) WHERE { ?p a cj:Programme }")
    assert next(iter(defaults))["n"].value != "0"
    own = reader.query("PREFIX cj: <urn:mine#> SELECT (COUNT(*) AS ?n) WHERE { ?p a cj:Programme }")
    assert next(iter(own))["n"].value == "0"


def test_a_reader_sees_a_write_once_its_look_interval_has_passed(tmp_path: Path) -> None:
    """A read-only open looks at the folder at most every LOOK_EVERY seconds, and always after that."""
    import time

    from crimjust_graph.embedded import LOOK_EVERY

    data = sorted((Path(__file__).resolve().parents[1] / "data").glob("2019-0*"))
    writer = open_store(tmp_path / "store", writable=True)
    ingest(data[:1], writer, workers=1)
    reader = open_store(tmp_path / "store")
    assert len(reader.documents()) == 1
    ingest(data[1:2], writer, workers=1)
    writer.flush()
    time.sleep(LOOK_EVERY * 2)
    assert len(reader.documents()) == 2
