"""Remote backend: a SPARQL 1.1 query (and update) endpoint -> the backend operations over HTTP.

Oxigraph's server, Virtuoso, Fuseki, ...: what differs between them is in the engine profile (engines.py),
chosen once at open. A user and password come from the environment or ~/.netrc, never from a URL.
"""

from __future__ import annotations

import netrc
import os
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from email.message import Message
from typing import IO

import pyoxigraph as ox

from crimjust_graph import engines
from crimjust_graph.backend import GraphSelection, QueryResult
from crimjust_graph.errors import QueryError, StoreError
from crimjust_graph.vocab import PREFIXES

EMPTY_GRAPH = engines.EMPTY_GRAPH
# Where a server that needs a user and password finds them (or in ~/.netrc, by host): never on the
# command line, where `ps` shows them to every user of the machine.
USER_VARIABLE = "CRIMJUST_ENDPOINT_USER"
PASSWORD_VARIABLE = "CRIMJUST_ENDPOINT_PASSWORD"  # noqa: S105 (the variable's name, not a password)
# Requests a bulk load has in flight at once, on a server that takes one graph per request (Virtuoso).
LOAD_CONNECTIONS = 3
_Passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm
_PROLOGUE = " ".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items()) + "\n"


class SparqlBackend:
    """A SPARQL 1.1 query endpoint (and update endpoint) holding the store's quads.

    On an engine without a plain default graph (Virtuoso) the merge is a named graph, which queries that
    name no dataset read as their default graph (engines.py).
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
            if url is not None:
                _check_url(url)
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or endpoint
        self.writable = writable
        self.location = f"SPARQL endpoint {endpoint}"
        self.timeout = timeout
        self._passwords = _passwords([self.endpoint, self.update_endpoint])
        self._openers = threading.local()  # one opener per thread: Digest login state is not shared
        self.engine = engines.GENERIC
        # One request tells which server this is (and fails now, with one line, when it is not there).
        headers, _ = self._post(self.endpoint, [("query", "ASK {}")], "ASK {}")
        self.engine = engines.detect(headers.get("Server", ""))
        if self.engine.merged_graph is not None:
            found = self._query(engines.SERVICE_GRAPHS)
            assert isinstance(found, ox.QuerySolutions)
            self.engine = engines.with_system_graphs(self.engine, {row["g"].value for row in found})

    def query(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        bindings: dict[str, str] | None = None,
    ) -> QueryResult:
        """Send a query (callers check it first, in sparql.py) and parse the answer with pyoxigraph.

        `bindings` become a trailing VALUES clause, which any SPARQL 1.1 server understands. Without
        `default_graphs` and `named_graphs` the query reads the merged default graph (engines.py).
        """
        if bindings:
            names = " ".join(f"?{k}" for k in bindings)
            terms = " ".join(str(ox.NamedNode(v)) for v in bindings.values())
            sparql = f"{sparql}\nVALUES ({names}) {{ ({terms}) }}"
        pragmas = ""
        if default_graphs is None and named_graphs is None and self.engine.merged_graph is not None:
            pragmas = self.engine.read_merge(sparql, named=self.graphs() if _mentions_graph(sparql) else ())
        return self._query(sparql, default_graphs, named_graphs, pragmas=pragmas)

    def read(self, sparql: str) -> QueryResult:
        """The store's own queries, which name graphs only by our IRIs (store.py).

        On Virtuoso they go without the named-graph list that `query` sends (one listing request less each):
        its plain `GRAPH ?g` ranges over every graph, which for these queries is the same.
        """
        if self.engine.merged_graph is None:
            return self._query(sparql)
        pragmas = "" if _mentions_graph(sparql) else self.engine.read_merge(sparql, named=())
        return self._query(sparql, pragmas=pragmas)

    def graphs(self) -> set[str]:
        """The named graphs, without the merge and the server's own graphs (engines.py)."""
        result = self._query(self.engine.graphs_query)
        assert isinstance(result, ox.QuerySolutions)
        hidden = {*self.engine.hidden, *self.engine.system_graphs}
        return {row["g"].value for row in result if isinstance(row["g"], ox.NamedNode)} - hidden

    def update(self, sparql: str) -> None:
        """One update request, which the server applies as one transaction."""
        self._post(self.update_endpoint, [("update", _PROLOGUE + sparql)], sparql, update=True)

    def bulk_load(self, graphs: Sequence[tuple[str | None, str]]) -> None:
        """Add triples in few requests: through the Graph Store HTTP Protocol when the server has it
        (Oxigraph: one TriG request; Virtuoso: one request per graph), else as one update request."""
        store_url = self.engine.graph_store(self.update_endpoint)
        if store_url is None:
            self.update(" ;\n".join(op for name, triples in graphs for op in self._insert(name, triples)))
        elif self.engine.merged_graph is None:  # the server takes a dataset: the whole batch is one TriG file
            trig = "".join(t + "\n" if name is None else f"<{name}> {{\n{t}\n}}\n" for name, t in graphs)
            self._send(store_url, trig, "application/trig")
        else:
            if any(name is None for name, _ in graphs):
                raise StoreError(f"{self.location} has no plain default graph to load into")
            # One request per graph, LOAD_CONNECTIONS at a time: the server parses one request on one
            # thread, and a batch's 100 graphs cost it ~2 s of CPU; with several in flight it uses the cores
            # the extracting workers leave idle (benchmarks/results/remote-ingest-2000.md, runs 5-8).
            # Largest first, so the merge's long request does not come last. All are in, or one raised.
            ordered = sorted(graphs, key=lambda graph: -len(graph[1]))
            urls = [f"{store_url}?graph-uri={urllib.parse.quote(str(name))}" for name, _ in ordered]
            with ThreadPoolExecutor(LOAD_CONNECTIONS, thread_name_prefix="bulk-load") as pool:
                for _ in pool.map(self._send, urls, [triples for _, triples in ordered]):
                    pass  # the first failure is raised here, as its one-line StoreError

    def dump(self, out: IO[bytes], rdf_format: ox.RdfFormat, graphs: GraphSelection) -> None:
        """Our named graphs, read as rows (a server cuts rows short visibly, see engines.Engine.check)."""
        rows = self.read(f"SELECT ?s ?p ?o ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {graphs.sparql('g')} }}")
        assert isinstance(rows, ox.QuerySolutions)
        quads = (ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows)
        ox.serialize(quads, out, rdf_format, prefixes=PREFIXES)

    def flush(self) -> None:
        """Nothing to do: the server commits each request."""

    def _insert(self, graph: str | None, triples: str) -> list[str]:
        if graph is None or graph == self.engine.merged_graph:
            return self.engine.insert_data(None, triples)
        return self.engine.insert_data(graph, triples)

    def _query(
        self,
        sparql: str,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        *,
        pragmas: str = "",
    ) -> QueryResult:
        """Send a query as it is, with the protocol's dataset when one is given."""
        fields = [("query", pragmas + _PROLOGUE + sparql)]
        if default_graphs is not None or named_graphs is not None:
            # No default-graph-uri at all would mean "the server's default graph", not an empty one; no
            # named-graph-uri, on Virtuoso, every graph.
            fields += [("default-graph-uri", g) for g in (default_graphs or [EMPTY_GRAPH])]
            fields += [("named-graph-uri", g) for g in (named_graphs or [EMPTY_GRAPH])]
        headers, body = self._post(self.endpoint, fields, sparql)
        content_type = headers.get("Content-Type", "")
        try:
            if "sparql-results+json" in content_type or "application/json" in content_type:
                return ox.parse_query_results(body, ox.QueryResultsFormat.JSON)
            if "sparql-results+xml" in content_type:
                return ox.parse_query_results(self.engine.clean(body), ox.QueryResultsFormat.XML)
            rdf_format = ox.RdfFormat.from_media_type(content_type.split(";")[0].strip())
            if rdf_format is None:
                raise QueryError(sparql, f"{self.endpoint} answered with unexpected type {content_type!r}")
            graph = ox.Store()
            graph.load(body, rdf_format)
            return graph.query("CONSTRUCT WHERE { ?s ?p ?o }")
        except (SyntaxError, ValueError) as exc:
            raise QueryError(sparql, f"{self.endpoint} sent an answer that does not parse: {exc}") from None

    def _opener(self) -> urllib.request.OpenerDirector:
        opener: urllib.request.OpenerDirector | None = getattr(self._openers, "opener", None)
        if opener is None:
            opener = self._openers.opener = _opener(self._passwords)
        return opener

    def _send(self, url: str, data: str, media_type: str = "application/n-triples") -> None:
        """POST RDF to the Graph Store HTTP Protocol (adds to what the graph holds)."""
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked in __init__)
            url, data=data.encode("utf-8"), headers={"Content-Type": media_type}, method="POST"
        )
        self._open(request, url, "", update=True)

    def _post(
        self, url: str, fields: list[tuple[str, str]], sparql: str, *, update: bool = False
    ) -> tuple[Message, bytes]:
        """POST a form (the protocol's portable way to send long requests); errors become one line."""
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked in __init__)
            url,
            data=urllib.parse.urlencode(fields).encode("utf-8"),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": self.engine.accept},
            method="POST",
        )
        return self._open(request, url, sparql, update=update)

    def _open(
        self, request: urllib.request.Request, url: str, sparql: str, *, update: bool
    ) -> tuple[Message, bytes]:
        try:
            with self._opener().open(request, timeout=self.timeout) as response:
                headers, body = response.headers, response.read()
        except urllib.error.HTTPError as exc:
            detail = _first_line(exc.read().decode("utf-8", "replace")) or exc.reason
            if exc.code == 401:
                detail = (
                    f"it needs a user and password: set ${USER_VARIABLE} and ${PASSWORD_VARIABLE}, "
                    "or add the host to ~/.netrc"
                )
            if update:
                raise StoreError(
                    f"SPARQL endpoint {url} refused the update (HTTP {exc.code}): {detail}"
                ) from None
            raise QueryError(sparql, f"{url} refused it (HTTP {exc.code}): {detail}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise StoreError(f"cannot reach SPARQL endpoint {url}: {reason}") from None
        except ValueError as exc:  # urllib's answer to a challenge it cannot meet
            raise StoreError(
                f"SPARQL endpoint {url} asks for a login this client cannot give: {exc}"
            ) from None
        self.engine.check(headers, url)
        return headers, body


def _mentions_graph(sparql: str) -> bool:
    return "graph" in sparql.lower()


def _check_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise StoreError(f"SPARQL endpoint {_redacted(url)!r} is not an http(s) URL")
    if parts.username is not None or parts.password is not None:
        raise StoreError(
            f"SPARQL endpoint {_redacted(url)!r} has a user name in it: give the user and password in "
            f"${USER_VARIABLE} and ${PASSWORD_VARIABLE} or in ~/.netrc, never in the URL"
        )


def _redacted(url: str) -> str:
    """The URL without what precedes '@' in its authority: a password never reaches a message."""
    parts = urllib.parse.urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))


def credentials(url: str) -> tuple[str, str] | None:
    """The user and password for a server: from the environment, else from ~/.netrc by host."""
    user, password = os.environ.get(USER_VARIABLE), os.environ.get(PASSWORD_VARIABLE)
    if user and password is not None:
        return user, password
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        entry = netrc.netrc().authenticators(host)
    except FileNotFoundError:
        return None
    except (netrc.NetrcParseError, OSError) as exc:
        raise StoreError(f"cannot read ~/.netrc: {getattr(exc, 'msg', exc)}") from None
    if entry is None or not entry[0]:
        return None
    return entry[0], entry[2] or ""


def _passwords(urls: list[str]) -> _Passwords | None:
    """The credentials for these servers, read once (at open); None when there are none."""
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    found_any = False
    for url in urls:
        found = credentials(url)
        if found is not None:  # for the whole server: its Graph Store Protocol address too
            parts = urllib.parse.urlsplit(url)
            passwords.add_password(None, f"{parts.scheme}://{parts.netloc}/", *found)
            found_any = True
    return passwords if found_any else None


def _opener(passwords: _Passwords | None) -> urllib.request.OpenerDirector:
    """An opener that answers a server's Digest or Basic challenge with the credentials, if there are any.

    Without credentials it has no login handlers, so a server that asks for one gets its 401 back as an error.
    """
    if passwords is None:
        return urllib.request.build_opener()
    return urllib.request.build_opener(
        urllib.request.HTTPDigestAuthHandler(passwords), urllib.request.HTTPBasicAuthHandler(passwords)
    )


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return lines[0][:300] if lines else ""
