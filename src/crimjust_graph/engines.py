"""SPARQL server -> its engine profile: where the merged default graph lives and how queries read it.

Servers disagree on what a query that names no dataset reads. Oxigraph (and Fuseki, GraphDB) have a plain
default graph: the store keeps the merge of the document and reference graphs there, updated with
`ADD ... TO DEFAULT` and plain `DELETE`, and queries go as they are. Virtuoso has none: without a dataset
a query reads every graph at once, with a triple once per graph holding it (its own system graphs too),
and an update without `GRAPH` is refused. There the merge is a named graph, and a query that names no
dataset is sent with Virtuoso's pragmas naming that graph as its default graph and the store's graphs as
its named graphs. The profile is chosen once, at open, from the server's `Server` header.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, replace
from email.message import Message

from crimjust_graph.errors import StoreError

# Where Virtuoso keeps the merge.
MERGED_GRAPH = "https://w3id.org/crimjust/graph/merged"
# A graph IRI that names no graph: the protocol's way to ask for an empty default graph (or named set).
EMPTY_GRAPH = "urn:x-crimjust:empty"

JSON_RESULTS = "application/sparql-results+json, application/n-triples;q=0.9"
XML_RESULTS = "application/sparql-results+xml, application/n-triples;q=0.9"


@dataclass(frozen=True)
class Engine:
    """What the store needs to know about one kind of SPARQL server."""

    name: str
    merged_graph: str | None  # None: the server's plain default graph holds the merge
    accept: str  # the result formats it writes correctly
    graphs_query: str  # lists its named graphs
    system_graphs: tuple[str, ...] = ()  # the server's own graphs, left out of the named graphs
    bulk_path: str | None = None  # its Graph Store Protocol address, relative to the update endpoint

    def read_merge(self, sparql: str, named: Iterable[str]) -> str:
        """Pragmas for a query naming no dataset: the merge as its default graph, `named` as its named graphs.

        Only for an engine without a plain default graph (Virtuoso). There a dataset that gives a default
        graph and no named graphs lets `GRAPH ?g` range over every graph but finds nothing in `GRAPH <iri>`
        (and counts one solution for it), so the named graphs are listed: every graph of the store, and any
        IRI the query names after GRAPH (absent ones then match nothing, as they should).
        """
        if self.merged_graph is None:
            return ""
        pragmas = [f"DEFINE input:default-graph-uri <{self.merged_graph}>"]
        if _MENTIONS_GRAPH.search(sparql):  # else no named graph can be read: leave the list out
            listed = {*named, *_GRAPH_IRI.findall(sparql)} or {EMPTY_GRAPH}
            pragmas += [f"DEFINE input:named-graph-uri <{g}>" for g in sorted(listed)]
        return " ".join(pragmas) + "\n"

    def clean(self, body: bytes) -> bytes:
        """XML results as a SPARQL results parser takes them.

        Virtuoso writes blank nodes as `nodeID://b1`, and an ASK answer as a table of one column,
        `__ASK_RETVAL`, with one row for true and none for false.
        """
        if self.name != "virtuoso":
            return body
        if _VIRTUOSO_ASK in body:
            answer = b"true" if b"<result>" in body else b"false"
            return (
                b'<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/><boolean>%s</boolean></sparql>'
                % (answer)
            )
        return _VIRTUOSO_BNODE.sub(rb"\1", body)

    def check(self, headers: Message, url: str) -> None:
        """Refuse an answer the server cut short; Virtuoso says so only in headers, with status 200."""
        cut = headers.get("X-SPARQL-MaxRows")
        if cut:
            raise StoreError(
                f"{url} cut the answer at {cut} rows (its ResultSetMaxRows): raise ResultSetMaxRows in the "
                "[SPARQL] section of virtuoso.ini past the largest answer, or narrow the query"
            )
        state = headers.get("X-SQL-State")
        if state:
            message = headers.get("X-SQL-Message", "")
            raise StoreError(f"{url} returned an incomplete answer ({state}: {message.strip()})")

    def graph_store(self, update_endpoint: str) -> str | None:
        """The server's Graph Store HTTP Protocol address (the bulk path), when it has one."""
        if self.bulk_path is None:
            return None
        path = self.bulk_path
        if self.name == "virtuoso" and update_endpoint.rstrip("/").endswith("-auth"):
            path += "-auth"  # the authenticated twin, as /sparql-auth is of /sparql
        return urllib.parse.urljoin(update_endpoint, path)

    def in_merge(self, pattern: str) -> str:
        """An update template or pattern on the merged default graph."""
        return pattern if self.merged_graph is None else f"GRAPH <{self.merged_graph}> {{ {pattern} }}"

    @property
    def merge_target(self) -> str:
        """The merged default graph as `ADD ... TO` names it."""
        return "DEFAULT" if self.merged_graph is None else f"<{self.merged_graph}>"

    @property
    def hidden(self) -> tuple[str, ...]:
        """Graphs of the store's own making that `GRAPH ?h` in an update also sees."""
        return () if self.merged_graph is None else (self.merged_graph,)

    def insert_data(self, graph: str | None, triples: str) -> list[str]:
        """Update operations that add `triples` (N-Triples lines) to `graph` (None: the merge).

        Virtuoso refuses blank nodes in INSERT DATA and compiles each request to SQL of bounded size, so
        there the triples go in slices, and a graph with blank nodes as one INSERT ... WHERE {}.
        """
        target = self.in_merge if graph is None else (lambda text: f"GRAPH <{graph}> {{ {text} }}")
        if self.name != "virtuoso":
            return [f"INSERT DATA {{ {target(chr(10) + triples + chr(10))} }}"]
        lines = triples.splitlines()
        if any(_BLANK.search(line) for line in lines):
            return [f"INSERT {{ {target(chr(10) + triples + chr(10))} }} WHERE {{}}"]
        step = VIRTUOSO_SLICE
        return [
            f"INSERT DATA {{ {target(chr(10) + chr(10).join(lines[i : i + step]) + chr(10))} }}"
            for i in range(0, len(lines), step)
        ]


# Triples per INSERT DATA operation on Virtuoso (measured: 4,000 pass, 8,000 are refused).
VIRTUOSO_SLICE = 1000
_BLANK = re.compile(r"(?:^|\s)_:")
_MENTIONS_GRAPH = re.compile(r"\bGRAPH\b", re.IGNORECASE)
_GRAPH_IRI = re.compile(r"\bGRAPH\s*<([^<>\"{}|^`\\\s]*)>", re.IGNORECASE)
_VIRTUOSO_BNODE = re.compile(rb"(<bnode>)nodeID://")
_VIRTUOSO_ASK = b'<variable name="__ASK_RETVAL"/>'

EMBEDDED = Engine(
    name="embedded", merged_graph=None, accept="", graphs_query="SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"
)

GENERIC = Engine(
    name="sparql",
    merged_graph=None,
    accept=JSON_RESULTS,
    graphs_query="SELECT DISTINCT ?g WHERE { GRAPH ?g { } }",
)
OXIGRAPH = Engine(
    name="oxigraph",
    merged_graph=None,
    accept=JSON_RESULTS,
    graphs_query="SELECT DISTINCT ?g WHERE { GRAPH ?g { } }",
    bulk_path="store?no_transaction",  # its bulk loader: faster, not atomic (the store marks completion last)
)
VIRTUOSO = Engine(
    name="virtuoso",
    merged_graph=MERGED_GRAPH,
    # Its JSON writes booleans as "1"; its XML is right.
    accept=XML_RESULTS,
    # `GRAPH ?g { }` answers one empty row there; DISTINCT took minutes over 2,000 graphs, GROUP BY 50 ms.
    graphs_query="SELECT ?g WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    system_graphs=("http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#"),
    bulk_path="sparql-graph-crud",
)


def detect(server: str) -> Engine:
    """The profile for a server, from its HTTP `Server` header; plain SPARQL 1.1 when it is not known."""
    lowered = server.lower()
    if lowered.startswith("virtuoso"):
        return VIRTUOSO
    if lowered.startswith("oxigraph"):
        return OXIGRAPH
    return GENERIC


def with_system_graphs(engine: Engine, graphs: set[str]) -> Engine:
    """The profile with more of the server's own graphs to hide (found at open: they vary by set-up)."""
    return replace(engine, system_graphs=tuple(sorted({*engine.system_graphs, *graphs})))


# Virtuoso describes its endpoint in a graph named after its host: the graph that holds an sd:Service.
SERVICE_GRAPHS = (
    "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a <http://www.w3.org/ns/sparql-service-description#Service> } }"
)


def virtuoso_setup(user: str = "crimjust") -> str:
    """The isql commands a Virtuoso administrator runs once (README, *Remote stores*)."""
    return f"DB.DBA.USER_CREATE('{user}', 'PASSWORD'); GRANT SPARQL_UPDATE TO \"{user}\";"


def virtuoso_ini(folder: str, sql_port: int, http_port: int, *, buffers: int = 20_000) -> str:
    """A `virtuoso.ini` for a server on loopback whose files are all in `folder` (the tests and benchmarks
    start one); `buffers` of 8 kB pages (Virtuoso's guide: about 2/3 of the memory it may take)."""
    return f"""[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {folder}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {buffers * 3 // 4}
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 10000000
MaxQueryExecutionTime = 600
"""
