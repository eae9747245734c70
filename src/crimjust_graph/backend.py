"""Backends: quads held somewhere (embedded Oxigraph, a SPARQL 1.1 server) -> the operations a store needs.

A backend knows graphs and quads only: query, update, bulk-load, list graphs, dump. What a document is, where
the merged default graph lives and when a graph counts as complete is the document store's (store.py), the
same text on every backend; what differs between servers is the engine profile's (engines.py).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import IO, Protocol, TypeAlias

import pyoxigraph as ox

from crimjust_graph.engines import Engine
from crimjust_graph.vocab import PREFIXES

QueryResult: TypeAlias = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples


_DECLARED = re.compile(r"(?i)\bPREFIX\s+([A-Za-z][\w.-]*)?:")
# Texts up to this size have their default prefixes remembered (clients repeat queries); a cache of long
# texts would hold megabytes for nothing.
_REMEMBERED_TEXT = 8 << 10


def default_prefixes(sparql: str) -> Mapping[str, str]:
    """The default prefixes (vocab.PREFIXES) that a query may use without declaring them itself.

    Passing all sixteen costs a one-triple lookup about a fifth of its time in the engine; a prefix
    whose `name:` is nowhere in the text cannot be used by it, so it is left out.
    """
    return _remembered_prefixes(sparql) if len(sparql) <= _REMEMBERED_TEXT else _prefixes_named(sparql)


def _prefixes_named(sparql: str) -> Mapping[str, str]:
    declared = {m or "" for m in _DECLARED.findall(sparql)}
    return {p: iri for p, iri in PREFIXES.items() if f"{p}:" in sparql and p not in declared}


_remembered_prefixes = functools.lru_cache(maxsize=512)(_prefixes_named)


def literal(text: str) -> str:
    """A string as a SPARQL literal, escaped."""
    return str(ox.Literal(text))


@dataclass(frozen=True)
class GraphSelection:
    """Named graphs picked by IRI and by IRI prefix, less `leave_out`: as a Python test or a SPARQL FILTER."""

    names: frozenset[str] = frozenset()
    prefix: str = ""
    leave_out: frozenset[str] = frozenset()

    def __contains__(self, graph: object) -> bool:
        return (
            isinstance(graph, str)
            and (graph in self.names or bool(self.prefix and graph.startswith(self.prefix)))
            and graph not in self.leave_out
        )

    def sparql(self, variable: str) -> str:
        """FILTER text that holds when `?variable` is a selected graph."""
        tests = []
        if self.names:
            tests.append(f"?{variable} IN ({', '.join(f'<{g}>' for g in sorted(self.names))})")
        if self.prefix:
            tests.append(f"STRSTARTS(STR(?{variable}), {literal(self.prefix)})")
        test = f"({' || '.join(tests) or 'false'})"
        if self.leave_out:
            test += f" && ?{variable} NOT IN ({', '.join(f'<{g}>' for g in sorted(self.leave_out))})"
        return f"FILTER({test})"


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


class Backend(QueryableStore, Protocol):
    """Where the quads are. `query` is a user's query: without a dataset it reads the default graph the
    engine profile names (the merge) and every graph of the store; `read` is the store's own query, which
    names its graphs itself (`GRAPH <iri>`, `GRAPH ?g` over every graph) and gets no dataset added."""

    engine: Engine
    writable: bool
    location: str  # how a message names it: "store PATH" or "SPARQL endpoint URL"

    def read(self, sparql: str) -> QueryResult: ...

    def update(self, sparql: str) -> None:
        """Run SPARQL Update text as one transaction."""

    def bulk_load(self, graphs: Sequence[tuple[str | None, str]]) -> None:
        """Add N-Triples text to graphs (None: the default graph) fast; not atomic, so callers mark
        completion afterwards."""

    def dump(self, out: IO[bytes], rdf_format: ox.RdfFormat, graphs: GraphSelection) -> None:
        """Write the quads of the selected named graphs in a dataset format."""

    def flush(self) -> None:
        """Write what the backend holds in memory to disk, where that applies."""
