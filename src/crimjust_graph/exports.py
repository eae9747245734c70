"""networkx graph -> GraphML, GEXF or node-link JSON files for Gephi, Cytoscape and networkx users."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

from crimjust_graph.files import write_atomically

FORMATS = ("graphml", "gexf", "json")

# Characters XML 1.0 cannot hold, plus the other control characters (tab and newline stay): the GraphML
# and GEXF writers produce unreadable files or fail on them (docs/design.md §5).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def clean_text(text: str) -> str:
    """Drop control and XML-invalid characters, keep everything else (escaping is the writer's job)."""
    return _UNSAFE.sub("", text)


def _clean(value: Any, *, flat: bool) -> Any:
    """A value every writer accepts: lists joined with '; ' when `flat`, dicts as JSON text when flat."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict):
        cleaned = {clean_text(str(k)): _clean(v, flat=False) for k, v in value.items() if v is not None}
        return json.dumps(cleaned, ensure_ascii=False, sort_keys=True) if flat else cleaned
    if isinstance(value, list | tuple | set | frozenset):
        items = [_clean(v, flat=flat) for v in value if v is not None]
        return "; ".join(str(item) for item in items) if flat else items
    return clean_text(str(value))


def _attributes(data: dict[Any, Any], *, flat: bool) -> dict[str, Any]:
    return {clean_text(str(k)): _clean(v, flat=flat) for k, v in data.items() if v is not None}


def clean_graph(graph: nx.Graph, *, flat: bool) -> nx.Graph:
    """A copy with str node ids and attributes the writers accept; `flat` for GraphML and GEXF."""
    result = graph.__class__()
    result.graph.update(_attributes(graph.graph, flat=flat))
    result.add_nodes_from(
        (clean_text(str(n)), _attributes(data, flat=flat)) for n, data in graph.nodes(data=True)
    )
    if graph.is_multigraph():
        result.add_edges_from(
            (clean_text(str(u)), clean_text(str(v)), clean_text(str(k)), _attributes(data, flat=flat))
            for u, v, k, data in graph.edges(keys=True, data=True)
        )
    else:
        result.add_edges_from(
            (clean_text(str(u)), clean_text(str(v)), _attributes(data, flat=flat))
            for u, v, data in graph.edges(data=True)
        )
    return result


def _graphml(graph: nx.Graph) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(clean_graph(graph, flat=True), buffer)
    return buffer.getvalue()


def _gexf(graph: nx.Graph) -> bytes:
    buffer = io.BytesIO()
    nx.write_gexf(clean_graph(graph, flat=True), buffer)
    return buffer.getvalue()


def _json(graph: nx.Graph) -> bytes:
    data = nx.node_link_data(clean_graph(graph, flat=False), edges="edges")
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


_WRITERS: dict[str, Callable[[nx.Graph], bytes]] = {"graphml": _graphml, "gexf": _gexf, "json": _json}


def graph_bytes(graph: nx.Graph, fmt: str) -> bytes:
    """The graph serialised in one of FORMATS (for stdout or HTTP); ValueError for another format."""
    writer = _WRITERS.get(fmt)
    if writer is None:
        raise ValueError(f"unknown graph format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return writer(graph)


def write_graph(graph: nx.Graph, path: Path, fmt: str) -> None:
    """Write the graph to `path`; written beside it and renamed, so a failure never leaves half a file."""
    data = graph_bytes(graph, fmt)
    write_atomically(path, lambda handle: handle.write(data))
