"""ingest(): wires the stages together: paths -> Document -> Extraction -> Graph -> store."""

from __future__ import annotations

import functools
import itertools
import multiprocessing
import os
import sys
import time
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox
from pebble import ProcessExpired, ProcessPool
from rdflib import DCTERMS

from crimjust_graph.documents import document_from_text, find_documents, read_document, source_of
from crimjust_graph.errors import InputError, InputWarning, StoreError, printable
from crimjust_graph.extract import extract
from crimjust_graph.extract.curation import Curation, apply_curation, unsure_merges
from crimjust_graph.mapping import document_triples, to_ntriples
from crimjust_graph.model import Document
from crimjust_graph.store import GraphText, Outcome, Store
from crimjust_graph.vocab import document_iri

# Documents written to the store together: new ones share one bulk load, then the store is flushed.
_WRITE_EVERY = 100
# Seconds one document may take to be read and extracted; past it the document fails, the run goes on.
TIME_LIMIT = 300.0


@dataclass
class IngestReport:
    """What one ingest run did; `failed` lists each bad input with its reason."""

    new: int = 0
    unchanged: int = 0
    replaced: int = 0
    entities: int = 0
    relations: int = 0
    failed: list[InputError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # documents read, but not quite as written
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


@dataclass(frozen=True)
class _Read:
    """One file read in a worker: the document or why not, its warnings, and the seconds it took."""

    path: Path
    document: Document | InputError
    warnings: tuple[str, ...] = ()
    seconds: float = 0.0


def _read(path: Path) -> _Read:
    """Read one file; runs in a worker process, so a parser stuck in C code can be stopped."""
    start = time.monotonic()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        try:
            document: Document | InputError = read_document(path)
        except InputError as exc:
            document = exc
        except Exception as exc:  # a parser bug or MemoryError fails this file, not the run
            document = InputError(_source(path), f"cannot read ({_describe(exc)})")
    notes = tuple(str(w.message) for w in caught if issubclass(w.category, InputWarning))
    return _Read(path, document, notes, time.monotonic() - start)


def _source(path: Path) -> str:
    try:
        return source_of(path)
    except InputError:
        return str(path.absolute())


def _describe(exc: BaseException) -> str:
    reason = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {reason}" if reason else type(exc).__name__


def ingest(
    paths: Iterable[Path | str],
    store: Store,
    *,
    workers: int | None = None,
    progress: Callable[[Path], None] | None = None,
    curation: Curation | None = None,
    time_limit: float | None = TIME_LIMIT,
) -> IngestReport:
    """Ingest files and folders; a bad file is reported and skipped, every good one still lands.

    `curation` (the user's merges, splits, drops and kinds) applies to every document; documents stored
    under another curation are extracted again even when their text is unchanged. Each document gets
    `time_limit` seconds to be read and extracted (None: no limit); one that takes longer is stopped and
    reported as failed.
    """
    files, errors = find_documents(Path(p) for p in paths)
    report = IngestReport(failed=list(errors))
    if not files:
        return report
    count = max(1, min(workers if workers is not None else min(os.cpu_count() or 1, 4), len(files)))
    with _Workers(count, time_limit) as pool:
        stale: set[str] = set()
        reads = _succeeded(pool.read(files), report, progress)
        todo = _changed_documents(reads, store, report, curation, stale)
        prepared = _succeeded(pool.prepare(todo, curation), report)
        while batch := list(itertools.islice(prepared, _WRITE_EVERY)):
            _write(batch, store, report, stale)
    return report


def _write(batch: list[_Prepared], store: Store, report: IngestReport, stale: set[str]) -> None:
    """Store one batch in one transaction and flush it; a full disk stops the run with one line."""
    # Same text under another curation: rebuild its graph (still one transaction).
    graphs = [replace(p.graph, force=p.graph.iri in stale) for p in batch]
    try:
        outcomes = store.replace_texts(graphs)
        store.flush()  # Oxigraph keeps written data in memory until flushed: this keeps memory flat
    except OSError as exc:
        done = report.new + report.replaced
        raise StoreError(
            f"cannot write to the store ({_describe(exc)}); this run stored {done} documents, "
            f"{printable(batch[0].graph.source)} and those after it were not: free space, ingest again"
        ) from None
    for one, outcome in zip(batch, outcomes, strict=True):
        report.review += one.review
        if outcome is Outcome.NEW:
            report.new += 1
        elif outcome is Outcome.REPLACED:
            report.replaced += 1
        else:
            report.unchanged += 1
        report.entities += one.entities
        report.relations += one.relations


T = TypeVar("T")


def _succeeded(
    results: Iterable[T | InputError],
    report: IngestReport,
    progress: Callable[[Path], None] | None = None,
) -> Iterator[T]:
    """The items that worked; the others go to the report's failures."""
    for result in results:
        if isinstance(result, _Read):
            report.warnings += result.warnings
            if progress is not None:
                progress(result.path)
        if isinstance(result, InputError):
            report.failed.append(result)
        else:
            yield result


def _changed_documents(
    reads: Iterator[_Read],
    store: Store,
    report: IngestReport,
    curation: Curation | None,
    stale: set[str],
) -> Iterator[tuple[Document, float]]:
    """Documents to extract, with the seconds their reading took; skips this exact text from this source
    when it is stored already."""
    for read in reads:
        document = read.document
        if isinstance(document, InputError):
            report.failed.append(document)
            continue
        iri = str(document_iri(document.id))
        if not store.has_document(iri, document.source):
            yield document, read.seconds
        elif _stored_curation(store, iri) != _curation_id(curation):
            stale.add(iri)
            yield document, read.seconds
        else:
            report.unchanged += 1


def _stored_curation(store: Store, iri: str) -> str | None:
    sparql = f"SELECT ?c WHERE {{ GRAPH <{iri}> {{ <{iri}> dcterms:conformsTo ?c }} }}"
    for row in store.query(sparql):  # type: ignore[union-attr]
        return str(row[0].value)
    return None


_WARM_UP = "Warm-up\n\nUNODC and INTERPOL held a workshop in Dakar, Senegal, from 3 to 5 March 2019."


@functools.cache
def _warm_up() -> None:
    """Load the extractor's reference data in this process, once, so forked workers start with it
    rather than each loading its own copy (a third of a second per worker)."""
    extract(document_from_text(_WARM_UP, "urn:crimjust:warm-up"))


class _Workers:
    """Worker processes that read and extract documents, in order, each document within the time limit.

    A document over its limit is stopped by killing its worker (a parser can be stuck in C code, where
    no signal reaches it); the pool starts a fresh worker and the run goes on. Workers are forked, so
    they start at once with everything the parent has loaded.
    """

    def __init__(self, count: int, time_limit: float | None) -> None:
        self.count, self.time_limit = count, time_limit
        methods = multiprocessing.get_all_start_methods()
        fork = sys.platform == "linux" and "fork" in methods
        if fork:
            _warm_up()
        self.pool = ProcessPool(count, context=multiprocessing.get_context("fork" if fork else None))

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is not None:
            self.pool.stop()  # type: ignore[no-untyped-call]  # an error or Ctrl-C: do not wait for the documents still in the workers
        else:
            self.pool.close()  # type: ignore[no-untyped-call]
        self.pool.join()

    def read(self, paths: Iterable[Path]) -> Iterator[_Read | InputError]:
        """Each file read, in order: a `_Read`, or an InputError when reading was stopped."""
        window: deque[tuple[Path, Future[_Read]]] = deque()
        for path in itertools.chain(paths, [None]):
            if path is not None:
                window.append((path, self.pool.schedule(_read, (path,), timeout=self.time_limit)))
            while window and (path is None or len(window) > 2 * self.count):
                first, future = window.popleft()
                answer = self._answer(future)
                yield InputError(_source(first), answer) if isinstance(answer, str) else answer

    def prepare(
        self, documents: Iterable[tuple[Document, float]], curation: Curation | None
    ) -> Iterator[_Prepared | InputError]:
        """Each document extracted and mapped, in order, within what is left of its time limit."""
        window: deque[tuple[str, Future[_Prepared | InputError]]] = deque()
        for item in itertools.chain(documents, [None]):
            if item is not None:
                document, spent = item
                left = None if self.time_limit is None else max(1.0, self.time_limit - spent)
                task = self.pool.schedule(_prepare_or_fail, (document, curation), timeout=left)
                window.append((document.source, task))
            while window and (item is None or len(window) > 2 * self.count):
                source, future = window.popleft()
                answer = self._answer(future)
                yield InputError(source, answer) if isinstance(answer, str) else answer

    def _answer(self, future: Future[T]) -> T | str:
        """The worker's answer, or the one-line reason why there is none."""
        try:
            return future.result()
        except TimeoutError:
            return (
                f"stopped after {self.time_limit:g} s, the time limit for reading and extracting one "
                "document (--time-limit)"
            )
        except ProcessExpired as exc:
            return f"stopped: its worker process died ({exc}, exit code {exc.exitcode})"
        except Exception as exc:  # an answer that cannot be sent back, say
            return f"failed ({_describe(exc)})"
