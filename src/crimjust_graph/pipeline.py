"""ingest(): wires the stages together: paths -> Document -> Extraction -> Graph -> store."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from crimjust_graph.documents import find_documents, read_document
from crimjust_graph.errors import InputError
from crimjust_graph.extract import extract
from crimjust_graph.mapping import to_graph
from crimjust_graph.model import Document
from crimjust_graph.store import Outcome, Store
from crimjust_graph.vocab import document_iri

# Below this many files a worker pool costs more to start than it saves.
_PARALLEL_FROM = 64
_BATCH = 256


@dataclass
class IngestReport:
    """What one ingest run did; `failed` lists each bad input with its reason."""

    new: int = 0
    unchanged: int = 0
    replaced: int = 0
    entities: int = 0
    relations: int = 0
    failed: list[InputError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True)
class _Prepared:
    graph: Graph
    entities: int
    relations: int


def prepare(document: Document) -> _Prepared:
    """Extract and map one document; runs in worker processes, so it touches no store."""
    extraction = extract(document)
    return _Prepared(to_graph(extraction), len(extraction.entities), len(extraction.relations))


def ingest(
    paths: Iterable[Path | str],
    store: Store,
    *,
    workers: int | None = None,
    progress: Callable[[Path], None] | None = None,
) -> IngestReport:
    """Ingest files and folders; a bad file is reported and skipped, every good one still lands."""
    files, errors = find_documents(Path(p) for p in paths)
    report = IngestReport(failed=list(errors))
    todo = _changed_documents(files, store, report, progress)
    for prepared in _prepare_all(todo, workers):
        outcome = store.replace_document(prepared.graph)
        if outcome is Outcome.NEW:
            report.new += 1
        elif outcome is Outcome.REPLACED:
            report.replaced += 1
        else:
            report.unchanged += 1
        report.entities += prepared.entities
        report.relations += prepared.relations
    store.flush()
    return report


def _changed_documents(
    files: list[Path], store: Store, report: IngestReport, progress: Callable[[Path], None] | None
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
        if store.has_document(str(document_iri(document.id)), document.source):
            report.unchanged += 1
        else:
            yield document


def _prepare_all(documents: Iterator[Document], workers: int | None) -> Iterator[_Prepared]:
    count = workers if workers is not None else min(os.cpu_count() or 1, 4)
    if count <= 1:
        yield from map(prepare, documents)
        return
    first = list(itertools.islice(documents, _PARALLEL_FROM))
    if len(first) < _PARALLEL_FROM:
        yield from map(prepare, first)
        return
    # Bounded batches keep memory flat however large the corpus is.
    with ProcessPoolExecutor(max_workers=count) as pool:
        pending = itertools.chain(first, documents)
        while batch := list(itertools.islice(pending, _BATCH)):
            yield from pool.map(prepare, batch, chunksize=8)
