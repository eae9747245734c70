"""ingest(): wires the stages together: paths -> Document -> Extraction -> Graph -> store."""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox
from rdflib import DCTERMS

from crimjust_graph.documents import find_documents, read_document
from crimjust_graph.errors import InputError
from crimjust_graph.extract import extract
from crimjust_graph.extract.curation import Curation, apply_curation, unsure_merges
from crimjust_graph.mapping import document_triples, to_ntriples
from crimjust_graph.model import Document
from crimjust_graph.store import GraphText, Outcome, Store
from crimjust_graph.vocab import document_iri

# Below this many files a worker pool costs more to start than it saves.
_PARALLEL_FROM = 64
_BATCH = 256
# Documents written to the store together: new ones share one bulk load, then the store is flushed.
_WRITE_EVERY = 100


@dataclass
class IngestReport:
    """What one ingest run did; `failed` lists each bad input with its reason."""

    new: int = 0
    unchanged: int = 0
    replaced: int = 0
    entities: int = 0
    relations: int = 0
    failed: list[InputError] = field(default_factory=list)
    review: list[str] = field(default_factory=list)  # merges the extractor was unsure of, for curation

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class _Prepared:
    """A document's graph as text: cheap to send back from a worker process, quick for the store to load."""

    graph: GraphText
    entities: int
    relations: int
    review: tuple[str, ...] = ()


def prepare(document: Document, curation: Curation | None = None) -> _Prepared:
    """Extract and map one document; runs in worker processes, so it touches no store."""
    extraction = apply_curation(extract(document), curation)
    iri = document_iri(document.id)
    source = ox.Triple(ox.NamedNode(iri), _SOURCE, ox.Literal(document.source))
    triples = [t for t in document_triples(extraction) if t != source]  # the store adds it, last
    if curation:  # which curation made this graph: a changed file re-extracts it (see _changed_documents)
        marker = ox.NamedNode(f"urn:crimjust:curation:{curation.digest}")
        triples.append(ox.Triple(ox.NamedNode(iri), _CONFORMS_TO, marker))
    review = tuple(f"{document.source}: {line}" for line in unsure_merges(extraction))
    graph = GraphText(str(iri), document.source, to_ntriples(triples))
    return _Prepared(graph, len(extraction.entities), len(extraction.relations), review)


_SOURCE = ox.NamedNode(str(DCTERMS.source))
_CONFORMS_TO = ox.NamedNode(str(DCTERMS.conformsTo))


def _prepare_or_fail(document: Document, curation: Curation | None = None) -> _Prepared | InputError:
    """A bug the extractor hits on one document fails that document, not the whole run."""
    try:
        return prepare(document, curation)
    except Exception as exc:
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        return InputError(document.source, f"extraction failed ({type(exc).__name__}: {reason})")


def _curation_id(curation: Curation | None) -> str | None:
    return f"urn:crimjust:curation:{curation.digest}" if curation else None


def ingest(
    paths: Iterable[Path | str],
    store: Store,
    *,
    workers: int | None = None,
    progress: Callable[[Path], None] | None = None,
    curation: Curation | None = None,
) -> IngestReport:
    """Ingest files and folders; a bad file is reported and skipped, every good one still lands.

    `curation` (the user's merges, splits, drops and kinds) applies to every document; documents stored
    under another curation are extracted again even when their text is unchanged.
    """
    files, errors = find_documents(Path(p) for p in paths)
    report = IngestReport(failed=list(errors))
    stale: set[str] = set()
    todo = _changed_documents(files, store, report, progress, curation, stale)
    prepared = _succeeded(_prepare_all(todo, workers, curation), report)
    while batch := list(itertools.islice(prepared, _WRITE_EVERY)):
        # Same text under another curation: rebuild its graph (still one transaction).
        graphs = [replace(p.graph, force=p.graph.iri in stale) for p in batch]
        for one, outcome in zip(batch, store.replace_texts(graphs), strict=True):
            report.review += one.review
            if outcome is Outcome.NEW:
                report.new += 1
            elif outcome is Outcome.REPLACED:
                report.replaced += 1
            else:
                report.unchanged += 1
            report.entities += one.entities
            report.relations += one.relations
        store.flush()  # Oxigraph keeps written data in memory until flushed: this keeps memory flat
    return report


def _succeeded(results: Iterable[_Prepared | InputError], report: IngestReport) -> Iterator[_Prepared]:
    """The documents extraction worked for; the others go to the report's failures."""
    for result in results:
        if isinstance(result, InputError):
            report.failed.append(result)
        else:
            yield result


def _changed_documents(
    files: list[Path],
    store: Store,
    report: IngestReport,
    progress: Callable[[Path], None] | None,
    curation: Curation | None,
    stale: set[str],
) -> Iterator[Document]:
    """Read each file; skip extraction entirely when this exact text from this source is stored."""
    for path in files:
        if progress is not None:
            progress(path)
        try:
            document = read_document(path)
        except InputError as exc:
            report.failed.append(exc)
            continue
        iri = str(document_iri(document.id))
        if not store.has_document(iri, document.source):
            yield document
        elif _stored_curation(store, iri) != _curation_id(curation):
            stale.add(iri)
            yield document
        else:
            report.unchanged += 1


def _stored_curation(store: Store, iri: str) -> str | None:
    sparql = f"SELECT ?c WHERE {{ GRAPH <{iri}> {{ <{iri}> dcterms:conformsTo ?c }} }}"
    for row in store.query(sparql):  # type: ignore[union-attr]
        return str(row[0].value)
    return None


def _prepare_all(
    documents: Iterator[Document], workers: int | None, curation: Curation | None = None
) -> Iterator[_Prepared | InputError]:
    count = workers if workers is not None else min(os.cpu_count() or 1, 4)
    work = functools.partial(_prepare_or_fail, curation=curation)
    if count <= 1:
        yield from map(work, documents)
        return
    first = list(itertools.islice(documents, _PARALLEL_FROM))
    if len(first) < _PARALLEL_FROM:
        yield from map(work, first)
        return
    # Bounded batches keep memory flat however large the corpus is.
    with ProcessPoolExecutor(max_workers=count) as pool:
        pending = itertools.chain(first, documents)
        while batch := list(itertools.islice(pending, _BATCH)):
            yield from pool.map(work, batch, chunksize=8)
