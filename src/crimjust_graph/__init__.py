"""crimjust-graph: news about crime-prevention programmes -> RDF knowledge graph -> SPARQL and pages."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from crimjust_graph import store as _store
from crimjust_graph.extract.curation import Curation, curation_for
from crimjust_graph.pipeline import MAX_MEMORY, TIME_LIMIT, IngestReport, system_graphs
from crimjust_graph.pipeline import ingest as _ingest
from crimjust_graph.sandbox import run_offline
from crimjust_graph.sparql import Rows, prepare, run_query, to_python
from crimjust_graph.store import Store
from crimjust_graph.validate import ValidationReport
from crimjust_graph.validate import validate as _validate

if TYPE_CHECKING:
    import networkx as nx

__version__ = "0.1.0"
__all__ = [
    "Curation",
    "IngestReport",
    "Rows",
    "Store",
    "ValidationReport",
    "ingest",
    "open_store",
    "query",
    "render_page",
    "to_networkx",
    "validate",
]


def open_store(
    path: Path | str | None = None,
    *,
    writable: bool = False,
    endpoint: str | None = None,
    update_endpoint: str | None = None,
) -> Store:
    """Open the store on disk (read-only by default, many processes at once) or a SPARQL 1.1 endpoint.

    A writable open loads the shipped ontology, shapes and reference data when they are missing or changed.
    """
    return _store.open_store(
        path,
        writable=writable,
        endpoint=endpoint,
        update_endpoint=update_endpoint,
        system=system_graphs() if writable else None,
    )


def ingest(
    paths: Iterable[Path | str],
    store: Store | None = None,
    *,
    curation: Path | str | Curation | None = None,
    workers: int | None = None,
    time_limit: float | None = TIME_LIMIT,
    max_memory: int | None = MAX_MEMORY,
    progress: Callable[[Path], None] | None = None,
) -> IngestReport:
    """Ingest files or folders into `store` (default: the writable default store), as `ingest` does.

    `curation` is a curation file (or a read `Curation`); by default the `crimjust-curation.toml` beside
    or in the store folder applies when there is one. `workers` extraction processes (default: up to 4);
    each document may take `time_limit` seconds and `max_memory` bytes beyond the worker's own to read and
    extract (None or 0: no limit).
    """
    db = store if store is not None else open_store(writable=True)
    return _ingest(
        paths,
        db,
        workers=workers,
        progress=progress,
        curation=curation_for(curation, db.path),
        time_limit=time_limit or None,
        max_memory=max_memory or None,
    )


def query(
    sparql: str,
    store: Store | None = None,
    *,
    default_graphs: Iterable[str] | None = None,
    named_graphs: Iterable[str] | None = None,
    params: Mapping[str, str] | None = None,
) -> Rows | bool | list[tuple[str, str, str]]:
    """Run a checked SPARQL query: Rows for SELECT (`.to_dataframe()`), bool for ASK, triples otherwise.

    `sparql` is query text or the name of a competency query (`query --list`); `params` binds variables
    to entities by name, acronym, kind/slug or IRI: `query("evidence", params={"subject": "AIRCOP"})`.
    """
    db = store if store is not None else open_store()

    def answer() -> Rows | bool | list[tuple[str, str, str]]:
        text, bindings = prepare(db, sparql, params)
        result = run_query(
            db, text, default_graphs=default_graphs, named_graphs=named_graphs, bindings=bindings
        )
        return to_python(result)

    # A local store runs the query in this process: in a thread that cannot open sockets (sandbox.py).
    return run_offline(answer) if db.path is not None else answer()


def validate(store: Store | None = None) -> ValidationReport:
    """SHACL-validate everything ingested (document and reference graphs)."""
    return _validate((store if store is not None else open_store()).data_graph())


def to_networkx(store: Store | None = None) -> nx.MultiDiGraph:
    """The graph of programmes, partners, events and regions as a networkx MultiDiGraph."""
    from crimjust_graph.network import to_networkx as _to_networkx

    return _to_networkx(store if store is not None else open_store())


def render_page(graph: nx.MultiDiGraph, *, title: str = "crimjust-graph", caption: str | None = None) -> str:
    """A self-contained, offline HTML page (a string) showing a graph from `to_networkx`."""
    from crimjust_graph.page import render_page as _render_page

    return _render_page(graph, title=title, caption=caption)
