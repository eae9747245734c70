"""Store invariants through the Python API on real files: idempotent re-ingest, atomic replace."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset, URIRef
from rdflib.compare import isomorphic

from crimjust_graph.pipeline import ingest
from crimjust_graph.store import SYSTEM_GRAPHS, LocalStore, Outcome, open_store

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


def _dataset(store: LocalStore) -> Dataset:
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
