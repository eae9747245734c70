"""Remote store: the same store operations over the SPARQL 1.1 Protocol (Oxigraph, Fuseki, GraphDB, ...)."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from typing import IO

import pyoxigraph as ox
from rdflib import Dataset, Graph

from crimjust_graph import store as shared
from crimjust_graph.errors import QueryError, StoreError
from crimjust_graph.store import RDF_FORMATS, DocumentInfo, Outcome, QueryResult
from crimjust_graph.vocab import PREFIXES

# A graph IRI that names no graph: the protocol's way to ask for an empty default graph.
EMPTY_GRAPH = "urn:x-crimjust:empty"
_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9"
_PROLOGUE = " ".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items()) + "\n"
_ALL_QUADS = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


class RemoteStore:
    """A SPARQL 1.1 query endpoint (and update endpoint) used like the store on disk.

    The update text is the local store's, so the server's default graph holds the same merge of the
    document and reference graphs (store.py) and queries go to it as they are, on any SPARQL 1.1 server.
    """

    def __init__(
        self,
        endpoint: str,
        update_endpoint: str | None = None,
        *,
        writable: bool = False,
        timeout: float = 60.0,
    ) -> None:
        for url in (endpoint, update_endpoint):
            if url is not None and urllib.parse.urlsplit(url).scheme not in ("http", "https"):
                raise StoreError(f"SPARQL endpoint {url!r} is not an http(s) URL")
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or endpoint
        self.writable = writable
        self.timeout = timeout
        if writable:
            shared.sync_system_graphs(self)
        else:
            self.query("ASK {}")  # fail now, with one line, when the server is not there

    # -- reading -------------------------------------------------------------------------------

    def query(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        bindings: dict[str, str] | None = None,
    ) -> QueryResult:
        """Send a query (callers check it first, in sparql.py) and parse the answer with pyoxigraph.

        `bindings` become a trailing VALUES clause, which any SPARQL 1.1 server understands.
        """
        if bindings:
            names = " ".join(f"?{k}" for k in bindings)
            terms = " ".join(str(ox.NamedNode(v)) for v in bindings.values())
            sparql = f"{sparql}\nVALUES ({names}) {{ ({terms}) }}"
        fields = [("query", _PROLOGUE + sparql)]
        if default_graphs is not None or named_graphs is not None:
            # No default-graph-uri at all would mean "the server's default graph", not an empty one.
            fields += [("default-graph-uri", g) for g in (default_graphs or [EMPTY_GRAPH])]
            fields += [("named-graph-uri", g) for g in (named_graphs or [])]
        content_type, body = self._post(self.endpoint, fields, sparql)
        try:
            if "sparql-results+json" in content_type or "application/json" in content_type:
                return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
            if "sparql-results+xml" in content_type:
                return ox.parse_query_results(body, ox.QueryResultsFormat.XML)
            rdf_format = ox.RdfFormat.from_media_type(content_type.split(";")[0].strip())
            if rdf_format is None:
                raise QueryError(sparql, f"{self.endpoint} answered with unexpected type {content_type!r}")
            graph = ox.Store()
            graph.load(body, rdf_format)
            return graph.query("CONSTRUCT WHERE { ?s ?p ?o }")
        except (SyntaxError, ValueError) as exc:
            raise QueryError(sparql, f"{self.endpoint} sent an answer that does not parse: {exc}") from None

    def graphs(self) -> set[str]:
        result = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")
        assert isinstance(result, ox.QuerySolutions)
        return {row["g"].value for row in result if isinstance(row["g"], ox.NamedNode)}

    def has_document(self, iri: str, source: str) -> bool:
        """True when this exact text from this source is already in (the cheap idempotency check)."""
        return shared.has_document(self, iri, source)

    def sources(self, source: str) -> list[str]:
        """Named graphs that hold documents read from `source`."""
        return shared.sources(self, source)

    def documents(self) -> list[DocumentInfo]:
        return shared.documents(self)

    def dump(self, out: IO[bytes], fmt: str) -> None:
        """Write the dataset (trig, nquads) or the union of its graphs (turtle, ntriples)."""
        rdf_format = RDF_FORMATS[fmt]
        if not rdf_format.supports_datasets:
            triples = self.query(shared.ALL_TRIPLES)
            assert isinstance(triples, ox.QueryTriples)
            ox.serialize(triples, out, rdf_format, prefixes=PREFIXES)
            return
        rows = self.query(_ALL_QUADS)
        assert isinstance(rows, ox.QuerySolutions)
        quads = [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows]
        ox.serialize(quads, out, rdf_format, prefixes=PREFIXES)

    def data_graph(self) -> Graph:
        """Document and reference graphs as one rdflib Graph (for SHACL), without ontology and shapes."""
        return shared.data_graph(self)

    def dataset(self) -> Dataset:
        """An rdflib Dataset over the endpoint (rdflib's SPARQLUpdateStore); the server's default graph."""
        from rdflib.plugins.stores.sparqlstore import SPARQLStore, SPARQLUpdateStore

        if self.writable:
            return Dataset(store=SPARQLUpdateStore(self.endpoint, self.update_endpoint))
        return Dataset(store=SPARQLStore(self.endpoint))

    # -- writing -------------------------------------------------------------------------------

    def replace_document(self, graph: Graph, *, force: bool = False) -> Outcome:
        """Put one document's graph in place of what its source held before: one update request."""
        return self.replace_text(*shared.identify(graph), shared.to_triples(graph), force=force)

    def replace_text(self, iri: str, source: str, triples: str, *, force: bool = False) -> Outcome:
        """`replace_document` for a graph already written as text (by a worker process)."""
        self._require_writable()
        return shared.replace_text(self, iri, source, triples, force=force)

    def replace_texts(self, graphs: Sequence[shared.GraphText]) -> list[Outcome]:
        """`replace_text` for many graphs: one update request each."""
        self._require_writable()
        return shared.replace_texts(self, graphs)

    def remove(self, source: str) -> bool:
        """Drop what `source` contributed; False when nothing was ingested from it."""
        self._require_writable()
        return shared.remove(self, source)

    def flush(self) -> None:
        """Nothing to do: the server commits each update request."""

    def _update(self, sparql: str) -> None:
        self._post(self.update_endpoint, [("update", _PROLOGUE + sparql)], sparql, update=True)

    def _write(self, ops: list[str], iri: str, triples: str) -> None:
        """Run `ops` and add a graph in one update request (the server applies it as one transaction)."""
        self._update(" ;\n".join([*ops, *shared.insert_ops(iri, triples)]))

    def _add_new(self, graphs: list[shared.GraphText]) -> None:
        """No bulk path in the protocol: each new graph, with its source, in its own update request."""
        for graph in graphs:
            self._write([], graph.iri, f"{graph.triples}\n{shared.source_triple(graph.iri, graph.source)}")

    def _require_writable(self) -> None:
        if not self.writable:
            raise StoreError(f"SPARQL endpoint {self.endpoint} was opened read-only")

    def _post(
        self, url: str, fields: list[tuple[str, str]], sparql: str, *, update: bool = False
    ) -> tuple[str, bytes]:
        """POST a form (the protocol's portable way to send long requests); errors become one line."""
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked in __init__)
            url,
            data=urllib.parse.urlencode(fields).encode("utf-8"),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": _ACCEPT},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as exc:
            detail = _first_line(exc.read().decode("utf-8", "replace")) or exc.reason
            if update:
                raise StoreError(
                    f"SPARQL endpoint {url} refused the update (HTTP {exc.code}): {detail}"
                ) from None
            raise QueryError(sparql, f"{url} refused it (HTTP {exc.code}): {detail}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise StoreError(f"cannot reach SPARQL endpoint {url}: {reason}") from None


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0][:300] if lines else ""
