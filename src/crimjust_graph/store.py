"""Document store: document graphs -> a backend's named graphs; replace one document's graph atomically.

The default graph is kept as the RDF merge of the document and reference graphs, updated in the same
transaction as each document. Oxigraph's own union (`use_default_graph_as_union`) repeats a triple once
per graph that holds it, so "?p a cj:Programme" answered once per document mentioning it; and servers
disagree on what their default graph is. A stored merge is exact, fast and the same on every server.
The text here is the same for every backend (backend.py); the engine profile (engines.py) says where
the merge lives.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from crimjust_graph.backend import Backend, GraphSelection, QueryResult, literal
from crimjust_graph.backend import QueryableStore as QueryableStore
from crimjust_graph.embedded import EmbeddedBackend
from crimjust_graph.embedded import files_stamp as files_stamp
from crimjust_graph.errors import StoreError
from crimjust_graph.remote import SparqlBackend
from crimjust_graph.vocab import ONTOLOGY_GRAPH, PREFIXES, REFERENCE_GRAPH, SHAPES_GRAPH, document_iri

__all__ = ["QueryResult", "QueryableStore", "files_stamp"]

DEFAULT_STORE = "crimjust-store"
DOCUMENT_GRAPHS = str(document_iri(""))
SYSTEM_GRAPHS = frozenset({str(ONTOLOGY_GRAPH), str(SHAPES_GRAPH), str(REFERENCE_GRAPH)})
# Graphs of the store's own making; any other graph on a shared server is not ours.
OURS = GraphSelection(names=frozenset(SYSTEM_GRAPHS), prefix=DOCUMENT_GRAPHS)
# What the merge holds: documents and reference facts (the ontology and shapes have their graphs).
MERGED = GraphSelection(names=frozenset({str(REFERENCE_GRAPH)}), prefix=DOCUMENT_GRAPHS)

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
    graph is complete (see `Store.replace_texts`).
    """

    iri: str
    source: str
    triples: str
    force: bool = False  # rebuild even when this text from this source is stored (a new curation file)


@dataclass(frozen=True)
class SystemGraphs:
    """The ontology, shapes and reference graphs, handed in by whoever opens a store to write.

    `version` changes whenever what they are built from changes; `build` runs only when the store holds
    another version, so an open that finds them current costs one query.
    """

    version: str
    build: Callable[[], Mapping[str, Graph]]


def default_store_path() -> Path:
    """`CRIMJUST_STORE` when set, else ./crimjust-store (docs/design.md §4)."""
    return Path(os.environ.get("CRIMJUST_STORE") or DEFAULT_STORE)


def to_triples(graph: Graph) -> str:
    """A graph's triples as text that SPARQL and TriG both read: terms written with full IRIs."""
    return "\n".join(f"{s.n3()} {p.n3()} {o.n3()} ." for s, p, o in graph)


def source_triple(iri: str, source: str) -> str:
    return f"<{iri}> <{DCTERMS.source}> {literal(source)} ."


class Store:
    """Documents over a backend: one named graph per document, listed once its `dcterms:source` is in.

    A writable open brings the system graphs up to date (when given) and drops what an interrupted bulk
    load left, so the next run repairs the last.
    """

    def __init__(self, backend: Backend, system: SystemGraphs | None = None) -> None:
        self.backend = backend
        self.writable = backend.writable
        self.engine = backend.engine
        if self.writable:
            try:
                if system is not None:
                    self._sync_system_graphs(system)
                self.drop_incomplete()
            except OSError as exc:  # a full disk, say: the store is as it was, so say so in one line
                raise StoreError(f"cannot write {backend.location}: {str(exc).splitlines()[0]}") from None

    @property
    def path(self) -> Path | None:
        """The store's folder when it is on disk; None for a SPARQL endpoint."""
        return self.backend.path if isinstance(self.backend, EmbeddedBackend) else None

    # -- reading -------------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        bindings: dict[str, str] | None = None,
    ) -> QueryResult:
        """Run a query; callers check it first (sparql.py).

        Without `default_graphs` the default graph is the stored merge of all documents and reference facts.
        `bindings` (variable -> IRI) are substituted into the query, subqueries included, before it runs.
        """
        return self.backend.query(
            sparql, default_graphs=default_graphs, named_graphs=named_graphs, bindings=bindings
        )

    def graphs(self) -> set[str]:
        return self.backend.graphs()

    def has_document(self, iri: str, source: str) -> bool:
        """True when this exact text from this source is already in (the cheap idempotency check)."""
        return self._exists(iri, f"<{iri}> dcterms:source ?source FILTER(?source = {literal(source)})")

    def sources(self, source: str) -> list[str]:
        """Named graphs that hold documents read from `source`."""
        result = self._select(f"SELECT ?g WHERE {{ GRAPH ?g {{ ?g dcterms:source {literal(source)} }} }}")
        return sorted(row["g"].value for row in result)

    def documents(self) -> list[DocumentInfo]:
        """Every ingested document with its counts."""
        infos = []
        for row in self._select(_DOCUMENTS):
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

    def incomplete_graphs(self) -> set[str]:
        """Document graphs without their `dcterms:source` mark: left by a bulk load that did not finish.

        Writers drop them on their next open (`drop_incomplete`); until then read paths leave them out.
        """
        marked = {row["g"].value for row in self._select(_MARKED_GRAPHS)}
        return {g for g in self.graphs() if g.startswith(DOCUMENT_GRAPHS)} - marked

    def dump(self, out: IO[bytes], fmt: str) -> None:
        """Write our named graphs (trig, nquads) or their merge (turtle, ntriples); other graphs stay out.

        Graphs a killed bulk load left without their mark are not documents yet: they are left out.
        """
        rdf_format = RDF_FORMATS[fmt]
        left_out = frozenset(self.incomplete_graphs())
        if rdf_format.supports_datasets:
            # The default graph is derived (the merge), so only the named graphs are the dataset.
            self.backend.dump(out, rdf_format, GraphSelection(OURS.names, OURS.prefix, left_out))
        else:
            ox.serialize(self._merged_triples(left_out), out, rdf_format, prefixes=PREFIXES)

    def data_graph(self) -> Graph:
        """Document and reference graphs as one rdflib Graph (for SHACL), without ontology and shapes.

        Graphs not marked complete (a bulk load that was killed) are left out, as `documents` leaves them out.
        """
        buffer = io.BytesIO()
        triples = self._merged_triples(frozenset(self.incomplete_graphs()))
        ox.serialize(triples, buffer, ox.RdfFormat.N_TRIPLES)
        graph = Graph()
        graph.parse(data=buffer.getvalue().decode("utf-8"), format="nt")
        return graph

    def _merged_triples(self, leave_out: frozenset[str]) -> Iterator[ox.Triple]:
        """The document and reference graphs as one, without `leave_out`: read as rows, not as a CONSTRUCT,
        because a server that cuts an answer short (Virtuoso's ResultSetMaxRows) flags only result rows."""
        if leave_out:
            kept = GraphSelection(MERGED.names, MERGED.prefix, leave_out)
            where = f"SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {kept.sparql('g')} }}"
        else:  # the stored merge holds exactly these, each once
            where = f"SELECT ?s ?p ?o WHERE {{ {self.engine.in_merge('?s ?p ?o')} }}"
        return (ox.Triple(row["s"], row["p"], row["o"]) for row in self._select(where))

    def _select(self, sparql: str) -> ox.QuerySolutions:
        rows = self.backend.read(sparql)
        assert isinstance(rows, ox.QuerySolutions)
        return rows

    def _exists(self, graph: str, pattern: str) -> bool:
        """True when `pattern` (with at least one variable) has a match in `graph`.

        A SELECT, not ASK, and never a pattern of constants only: Virtuoso 7.2.5 answers those true for a
        graph outside the query's dataset (measured), and the store's own reads there name no dataset.
        """
        rows = self._select(f"SELECT * WHERE {{ GRAPH <{graph}> {{ {pattern} }} }} LIMIT 1")
        return any(True for _ in rows)

    def _held(self, iri: str) -> bool:
        return self._exists(iri, "?s ?p ?o")

    def _graph_sources(self, iri: str) -> list[str]:
        result = self._select(f"SELECT ?s WHERE {{ GRAPH <{iri}> {{ <{iri}> dcterms:source ?s }} }}")
        return sorted(str(row["s"].value) for row in result)

    # -- writing -------------------------------------------------------------------------------

    def replace_document(self, graph: Graph, *, force: bool = False) -> Outcome:
        """Put one document's graph in place of what its source held before, in one transaction."""
        iri = str(graph.identifier)
        source = str(graph.value(URIRef(iri), DCTERMS.source))
        return self.replace_text(iri, source, to_triples(graph), force=force)

    def replace_text(self, iri: str, source: str, triples: str, *, force: bool = False) -> Outcome:
        """One transaction puts a document's graph (N-Triples text) in place of what its source held before.

        `force` rebuilds the graph even when the same text is stored (the extraction changed, e.g. under a
        new curation file), keeping every source the text was read from.
        """
        self._require_writable()
        existing = self.sources(source)
        if existing == [iri] and not force:
            return Outcome.UNCHANGED
        engine = self.engine
        ops = [self._detach(source, old) for old in existing if old != iri]
        held = self._held(iri)
        if held and not force:
            # The same text is already in from another file: record this source on it too.
            triple = source_triple(iri, source)
            ops.append(f"INSERT DATA {{ {engine.in_merge(triple)} GRAPH <{iri}> {{ {triple} }} }}")
        else:
            # Every source the graph is read from (this one, and others kept when rebuilding it).
            kept = {source, *(self._graph_sources(iri) if held else [])}
            triples = "\n".join([triples, *(source_triple(iri, s) for s in sorted(kept))])
            if held:
                ops += [self._unmerge(iri), f"DROP SILENT GRAPH <{iri}>"]
            ops += [*engine.insert_data(iri, triples), f"ADD <{iri}> TO {engine.merge_target}"]
        self.backend.update(" ;\n".join(ops))
        return Outcome.REPLACED if existing else Outcome.NEW

    def replace_texts(self, graphs: Sequence[GraphText]) -> list[Outcome]:
        """`replace_text` for each graph in order; new ones go in together through the bulk path."""
        self._require_writable()
        known = self._stored(graphs)
        seen_sources: set[str] = set()
        seen_graphs: set[str] = set()
        outcomes: list[Outcome] = []
        new: list[GraphText] = []
        for graph in graphs:
            if any(g.iri == graph.iri for g in new):  # the same text twice: the first must be in first
                self._add_new(new)
                new = []
            if graph.source in seen_sources or graph.iri in seen_graphs:
                # An earlier graph of this batch wrote this source or graph: what `known` says may be old.
                stored = bool(self.sources(graph.source) or self._held(graph.iri))
            else:
                stored = graph.source in known or graph.iri in known
            seen_sources.add(graph.source)
            seen_graphs.add(graph.iri)
            if graph.force or stored:
                outcomes.append(self.replace_text(graph.iri, graph.source, graph.triples, force=graph.force))
            else:
                new.append(graph)
                outcomes.append(Outcome.NEW)
        if new:
            self._add_new(new)
        return outcomes

    def _stored(self, graphs: Sequence[GraphText]) -> set[str]:
        """Of these graphs' sources and IRIs, those the store holds: one query for a batch, not two a graph.

        Only a graph whose source and IRI are both absent here is new; the others go through `replace_text`,
        which looks again for itself. A graph is found by a triple about its document (`?g ?p ?o`): every
        stored graph has one, its mark, since graphs without their mark are dropped at a writable open; and
        that pattern is an index lookup everywhere, where "any triple in ?g" had Virtuoso scan (0.14 s
        against 0.005 s for a batch of 100 at 2,000 documents, growing with the store).
        """
        if not graphs:
            return set()
        sources = " ".join(literal(g.source) for g in graphs)
        iris = " ".join(f"<{g.iri}>" for g in graphs)
        rows = self._select(
            "SELECT DISTINCT ?g ?source WHERE { "
            f"{{ VALUES ?source {{ {sources} }} GRAPH ?g {{ ?g dcterms:source ?source }} }} UNION "
            f"{{ VALUES ?g {{ {iris} }} GRAPH ?g {{ ?g ?p ?o }} }} }}"
        )
        found: set[str] = set()
        for row in rows:
            found.add(row["g"].value)
            if row["source"] is not None:
                found.add(row["source"].value)
        return found

    def _add_new(self, graphs: list[GraphText]) -> None:
        """Bulk-load new graphs and their copies in the merge, then mark them complete in one transaction.

        The bulk path is not atomic. So each graph's `dcterms:source` goes in last: until then the graphs are
        not listed as documents, and if the process dies before it, `drop_incomplete` removes them on the
        next writable open and the next ingest loads them again.
        """
        merged = "\n".join(g.triples for g in graphs)
        self.backend.bulk_load([*((g.iri, g.triples) for g in graphs), (self.engine.merged_graph, merged)])
        marks = [source_triple(g.iri, g.source) for g in graphs]
        named_marks = " ".join(f"GRAPH <{g.iri}> {{ {m} }}" for g, m in zip(graphs, marks, strict=True))
        self.backend.update(f"INSERT DATA {{ {self.engine.in_merge(' '.join(marks))} {named_marks} }}")

    def remove(self, source: str) -> bool:
        """Drop what `source` contributed in one update; False when nothing was ingested from it."""
        self._require_writable()
        existing = self.sources(source)
        if existing:
            self.backend.update(" ;\n".join(self._detach(source, g) for g in existing))
        return bool(existing)

    def drop_incomplete(self) -> list[str]:
        """Remove document graphs that have no `dcterms:source`: a bulk load that did not finish.

        Only graphs named like documents are looked at; any other graph put in the store is left alone.
        """
        incomplete = sorted(self.incomplete_graphs())
        if incomplete:
            ops = [f"{self._unmerge(g)} ;\nDROP SILENT GRAPH <{g}>" for g in incomplete]
            self.backend.update(" ;\n".join(ops))
        return incomplete

    def flush(self) -> None:
        self.backend.flush()

    def _sync_system_graphs(self, system: SystemGraphs) -> None:
        """Load ontology, shapes and reference data when missing or built from something else."""
        reference = str(REFERENCE_GRAPH)
        current = f"<{reference}> dcterms:identifier ?v FILTER(?v = {literal(system.version)})"
        if self._exists(reference, current):
            return
        engine = self.engine
        ops = [self._unmerge(reference)]
        for name, graph in system.build().items():
            text = to_triples(graph)
            if name == reference:
                text += f"\n<{reference}> <{DCTERMS.identifier}> {Literal(system.version).n3()} ."
            ops.append(f"DROP SILENT GRAPH <{name}>")
            ops += engine.insert_data(name, text)
        # The merge holds documents and reference facts, not the ontology and shapes (they have their graphs);
        # rebuilding it here also brings a store written by an older release up to date.
        ops.append(
            f"INSERT {{ {engine.in_merge('?s ?p ?o')} }} "
            f"WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {MERGED.sparql('g')} }}"
        )
        self.backend.update(" ;\n".join(ops))

    def _detach(self, source: str, graph: str) -> str:
        """Update text: remove `source` from a document graph; when no source is left, drop the graph."""
        triple = f"<{graph}> dcterms:source {literal(source)}"
        orphan = f"FILTER NOT EXISTS {{ GRAPH <{graph}> {{ <{graph}> dcterms:source ?other }} }}"
        return (
            f"DELETE DATA {{ {self.engine.in_merge(triple + ' .')} GRAPH <{graph}> {{ {triple} }} }} ;\n"
            f"{self._unmerge(graph, orphan)} ;\n"
            f"DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} {orphan} }}"
        )

    def _unmerge(self, graph: str, condition: str = "") -> str:
        """Update text: take a graph's triples out of the merge unless another graph has them."""
        others = ", ".join(f"<{g}>" for g in (graph, *self.engine.hidden))
        return (
            f"DELETE {{ {self.engine.in_merge('?s ?p ?o')} }} "
            f"WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} {condition} "
            f"FILTER NOT EXISTS {{ GRAPH ?h {{ ?s ?p ?o }} FILTER(?h NOT IN ({others})) }} }}"
        )

    def _require_writable(self) -> None:
        if not self.writable:
            raise StoreError(f"{self.backend.location} was opened read-only")


def open_store(
    path: Path | str | None = None,
    *,
    writable: bool = False,
    endpoint: str | None = None,
    update_endpoint: str | None = None,
    system: SystemGraphs | None = None,
) -> Store:
    """Open the store on disk (read-only by default, many processes at once) or a SPARQL 1.1 endpoint.

    A writable open keeps `system` (ontology, shapes, reference data) in step, so it needs them:
    `crimjust_graph.open_store` hands in the shipped ones.
    """
    if writable and system is None:
        raise ValueError("a writable open needs the system graphs: use crimjust_graph.open_store")
    backend: Backend
    if endpoint is not None:
        if path is not None:
            raise StoreError("give a store folder or a SPARQL endpoint, not both")
        backend = SparqlBackend(endpoint, update_endpoint, writable=writable)
    elif update_endpoint is not None:
        raise StoreError("--update-endpoint needs --endpoint (the query endpoint) too")
    else:
        backend = EmbeddedBackend(Path(path) if path is not None else default_store_path(), writable=writable)
    return Store(backend, system)


_MARKED_GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g dcterms:source ?source } }"

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
