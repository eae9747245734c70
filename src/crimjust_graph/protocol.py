"""SPARQL 1.1 Protocol rules, free of HTTP frameworks: request parts -> Operation; result -> Answer."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import IO, cast
from urllib.parse import parse_qsl

import pyoxigraph as ox

from crimjust_graph import sparql
from crimjust_graph.errors import QueryError
from crimjust_graph.store import QueryResult
from crimjust_graph.vocab import PREFIXES

# Media type -> our format name, in the order we prefer them when the client has no preference.
RESULT_TYPES: dict[str, str] = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
GRAPH_TYPES: dict[str, str] = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/x-turtle": "turtle",
    "text/plain": "ntriples",
}
BOOLEAN_FORMATS = frozenset({"json", "xml"})
MEDIA_TYPE = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
_FORM = "application/x-www-form-urlencoded"
_DIRECT = "application/sparql-query"
_UPDATE = "application/sparql-update"
_POSITION = re.compile(r"\bat (\d+):")
READ_ONLY = "updates are refused: this endpoint is read-only"


class ProtocolError(Exception):
    """A request the protocol says to refuse: an HTTP status and a one-line reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Operation:
    """One query request: the query text and the protocol's dataset, when given."""

    query: str
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    base: str | None = None  # relative IRIs in the query resolve against the endpoint's URL


@dataclass(frozen=True)
class Answer:
    """What a worker sends back: status, media type, body; `kind` is for the log line."""

    status: int
    media_type: str
    body: bytes
    kind: str = ""


def parse_request(method: str, query_string: str, content_type: str | None, body: bytes) -> Operation:
    """GET ?query=, POST form or POST direct, as the protocol defines them; anything else is refused."""
    url_params = _params(query_string, "the URL")
    if method == "GET":
        return _operation(url_params, None)
    if method != "POST":
        raise ProtocolError(405, f"{method} is not allowed here: use GET or POST")
    media, charset = _content_type(content_type)
    if media == _FORM:
        return _operation(url_params + _params(_utf8(body), "the form body"), None)
    if media == _DIRECT:
        if charset not in (None, "utf-8", "utf8"):
            raise ProtocolError(415, f"charset {charset} is not supported: send the query as UTF-8")
        return _operation(url_params, _utf8(body))
    if media == _UPDATE:
        raise ProtocolError(403, READ_ONLY)
    if media is None:
        raise ProtocolError(415, f"POST needs Content-Type {_FORM} or {_DIRECT}")
    raise ProtocolError(415, f"Content-Type {media} is not supported: use {_FORM} or {_DIRECT}")


def _content_type(header: str | None) -> tuple[str | None, str | None]:
    if not header or not header.strip():
        return None, None
    media, *params = (part.strip() for part in header.split(";"))
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.lower(), charset


def _utf8(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, "the request body is not valid UTF-8") from None


def _params(text: str, where: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(text, keep_blank_values=True, strict_parsing=False, errors="strict")
    except UnicodeDecodeError:
        raise ProtocolError(400, f"{where} is not valid UTF-8 once percent-decoded") from None


def _operation(params: list[tuple[str, str]], direct: str | None) -> Operation:
    names = [name for name, _ in params]
    if "update" in names or "using-graph-uri" in names or "using-named-graph-uri" in names:
        raise ProtocolError(403, READ_ONLY)
    queries = [value for name, value in params if name == "query"]
    if direct is not None:
        if queries:
            raise ProtocolError(400, "a direct POST carries the query in its body, not also as ?query=")
        queries = [direct]
    if not queries:
        raise ProtocolError(400, "missing the query parameter: send ?query=SPARQL")
    if len(queries) > 1:
        raise ProtocolError(400, "more than one query parameter: send exactly one query")
    defaults = tuple(value for name, value in params if name == "default-graph-uri")
    nameds = tuple(value for name, value in params if name == "named-graph-uri")
    given = bool(defaults or nameds)
    return Operation(queries[0], defaults if given else None, nameds if given else None)


def media_ranges(accept: str) -> list[tuple[str, float]]:
    """An Accept header's media ranges with their q-values (clamped to 0..1), in the header's order."""
    ranges = []
    for item in accept.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        q = 1.0
        for param in params:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        if media:
            ranges.append((media.lower(), q))
    return ranges


def _accepted(accept: str | None) -> list[tuple[str, float]]:
    """Media ranges with their q-values, best first; an absent header accepts anything."""
    if not accept or not accept.strip():
        return [("*/*", 1.0)]
    return sorted(media_ranges(accept), key=lambda item: -item[1])  # stable: header order on a tie


def _pick(accept: str | None, offered: dict[str, str], allowed: frozenset[str] | None) -> str | None:
    for media, q in _accepted(accept):
        if q <= 0:
            continue
        for name, fmt in offered.items():
            if allowed is not None and fmt not in allowed:
                continue
            if media in ("*/*", name) or (media.endswith("/*") and name.startswith(media[:-1])):
                return fmt
    return None


# What each kind of answer can be written as: media types offered, and the formats allowed among them.
_OFFERS: dict[str, tuple[dict[str, str], frozenset[str] | None]] = {
    "any": ({**RESULT_TYPES, **GRAPH_TYPES}, None),
    "graph": (GRAPH_TYPES, None),
    "boolean": (RESULT_TYPES, BOOLEAN_FORMATS),
    "select": (RESULT_TYPES, None),
}
# Accept headers up to this length have their choice remembered: clients send the same few headers.
_REMEMBERED_ACCEPT = 512


def _choose(accept: str | None, offer: str) -> str | None:
    """The format for an Accept header and a kind of answer (`_OFFERS`), None when none fits."""
    if accept is not None and len(accept) > _REMEMBERED_ACCEPT:
        return _pick(accept, *_OFFERS[offer])
    return _remembered_choice(accept, offer)


@lru_cache(maxsize=256)
def _remembered_choice(accept: str | None, offer: str) -> str | None:
    return _pick(accept, *_OFFERS[offer])


def acceptable(accept: str | None) -> bool:
    """Cheap check before running anything: does the client accept any format we can write?"""
    return _choose(accept, "any") is not None


def negotiate(accept: str | None, result: QueryResult) -> str:
    """The format to answer in, from the Accept header and the query form; 406 when none fits."""
    if isinstance(result, ox.QueryTriples):
        fmt = _choose(accept, "graph")
        wanted = "Turtle, N-Triples, JSON-LD or RDF/XML"
    elif isinstance(result, ox.QueryBoolean):
        fmt = _choose(accept, "boolean")
        wanted = "SPARQL JSON or XML results"
    else:
        fmt = _choose(accept, "select")
        wanted = "SPARQL JSON, XML, CSV or TSV results"
    if fmt is None:
        raise ProtocolError(
            406, f"cannot answer in any type the Accept header lists; this query gives {wanted}"
        )
    return fmt


def answer(
    store: sparql.QueryableStore,
    op: Operation,
    accept: str | None,
    max_rows: int | None,
    max_bytes: int | None = None,
) -> Answer:
    """Run one operation and serialize it, stopping as soon as the result passes a limit."""
    try:
        return _answer(store, op, accept, max_rows, max_bytes)
    except _PastLimit as exc:
        return error(400, exc.reason)


# What a lookup answered inline may hold: past it, the lookup is handed to a query thread and answered
# there from the start (the rows read so far, at most a millisecond's work, are dropped).
INLINE_ROWS = 256
INLINE_BYTES = 256 << 10


def answer_inline(
    store: sparql.QueryableStore,
    op: Operation,
    accept: str | None,
    max_rows: int | None,
    max_bytes: int | None = None,
) -> Answer | None:
    """The answer to a one-triple-pattern query (bounded.py), when it is small; None for any other query.

    Such a query is one index scan that stops with its rows, so read here, with its rows and bytes capped
    at INLINE_ROWS and INLINE_BYTES, it is bounded work that can run where it arrived, without a time limit
    and without the hop to a query thread. A larger answer comes back None, to be answered in a thread.
    """
    if op.default_graphs is not None or op.named_graphs is not None:
        return None
    if sparql.check_lookup(_text(op)) is None:
        return None
    rows = INLINE_ROWS if max_rows is None else min(max_rows, INLINE_ROWS)
    size = INLINE_BYTES if max_bytes is None else min(max_bytes, INLINE_BYTES)
    try:
        return _answer(store, op, accept, rows, size)
    except _PastLimit as exc:
        if (rows == max_rows) if exc.rows else (size == max_bytes):
            return error(400, exc.reason)  # the server's own limit, not an inline cap
        return None


def _text(op: Operation) -> str:
    """The query as it runs: a leading BASE sets the default base; a BASE in the query itself still wins."""
    return f"BASE <{op.base}>\n{op.query}" if op.base else op.query


def _answer(
    store: sparql.QueryableStore,
    op: Operation,
    accept: str | None,
    max_rows: int | None,
    max_bytes: int | None,
) -> Answer:
    """The answer; _PastLimit when the result passes `max_rows` or `max_bytes`."""
    text = _text(op)
    try:
        result = sparql.run_query(store, text, default_graphs=op.default_graphs, named_graphs=op.named_graphs)
        fmt = negotiate(accept, result)
        # Remembered from run_query's check (a longer text would be parsed again: it keeps the counting).
        limit = sparql.check_query(text).limit if len(text) <= sparql.REMEMBERED_CHECK else None
        if isinstance(result, ox.QuerySolutions) and limit is not None and limit <= (max_rows or 0):
            max_rows = None  # its own LIMIT keeps this SELECT within max_rows: no need to count rows
        body = _bounded(result, fmt, max_rows, max_bytes)
    except QueryError as exc:
        reason = (
            _POSITION.sub(lambda m: f"at {int(m[1]) - 1}:", exc.reason, count=1) if op.base else exc.reason
        )
        return error(400, reason)
    except _PastLimit:
        raise
    except ProtocolError as exc:
        return error(exc.status, exc.reason)
    kind = "ask" if isinstance(result, ox.QueryBoolean) else "graph" if fmt in GRAPH_FORMATS else "select"
    return Answer(200, MEDIA_TYPE[fmt], body, kind)


GRAPH_FORMATS = frozenset(sparql.GRAPH_FORMATS)


class _OverLimit(Exception):
    """Raised inside a serializer to stop it: the result has passed a limit."""


class _Sink:
    """A file for Oxigraph's serializers that counts lines and bytes as they are written, and stops them.

    Nothing is held past the limit: the serializer is interrupted at the first write that passes it, so a
    result of billions of rows costs what `max_rows` of them cost.
    """

    def __init__(self, max_lines: int | None, max_bytes: int | None) -> None:
        self.max_lines = max_lines
        self.max_bytes = max_bytes
        self.lines = 0
        self.size = 0
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        self.lines += chunk.count(b"\n")
        self.size += len(chunk)
        if self.max_lines is not None and self.lines > self.max_lines:
            raise _OverLimit
        if self.max_bytes is not None and self.size > self.max_bytes:
            raise _OverLimit
        self.parts.append(chunk)
        return len(chunk)

    def flush(self) -> None:
        """Nothing to flush: the parts are joined once the serializer is done."""

    def value(self) -> bytes:
        return b"".join(self.parts)


def _bounded(result: QueryResult, fmt: str, max_rows: int | None, max_bytes: int | None) -> bytes:
    """The result serialized in `fmt`, or a 400 as soon as it has over `max_rows` rows or `max_bytes` bytes.

    Rows are counted exactly while they are written: SELECT results go through TSV, which writes one line
    per row (line breaks in values are escaped), and are written again in `fmt` from that text only once
    they fit; graph results are counted triple by triple on their way to the serializer.
    """
    if isinstance(result, ox.QueryBoolean):
        return sparql.serialize(result, fmt)
    if isinstance(result, ox.QueryTriples):
        counted = _Counted(result, max_rows)
        sink = _Sink(None, max_bytes)
        try:
            ox.serialize(counted, cast(IO[bytes], sink), sparql.GRAPH_FORMATS[fmt], prefixes=PREFIXES)
        except _OverLimit:
            raise _too_big(max_bytes, "triples") from None
        if counted.over:
            raise _too_many(max_rows, "triples")
        return sink.value()
    sink = _Sink(max_rows + 1 if max_rows is not None else None, max_bytes)  # + 1: the header line
    try:
        result.serialize(
            cast(IO[bytes], sink), ox.QueryResultsFormat.TSV if max_rows is not None else RESULTS[fmt]
        )
    except _OverLimit:
        if max_rows is not None and sink.lines > max_rows + 1:
            raise _too_many(max_rows, "rows") from None
        raise _too_big(max_bytes, "rows") from None
    if max_rows is None or fmt == "tsv":
        return sink.value()
    rows = ox.parse_query_results(sink.value(), ox.QueryResultsFormat.TSV)
    assert isinstance(rows, ox.QuerySolutions)
    out = rows.serialize(None, RESULTS[fmt])
    return out if isinstance(out, bytes) else b""


RESULTS = sparql.RESULT_FORMATS


class _Counted:
    """The triples of a graph result, ending after `limit` + 1 of them with `over` set."""

    def __init__(self, triples: ox.QueryTriples, limit: int | None) -> None:
        self.triples = triples
        self.limit = limit
        self.over = False

    def __iter__(self) -> Iterator[ox.Triple]:
        for count, triple in enumerate(self.triples, 1):
            if self.limit is not None and count > self.limit:
                self.over = True
                return
            yield triple


class _PastLimit(ProtocolError):
    """The result has passed the rows (`rows`) or the bytes it may have: a 400 when that is the server's
    limit."""

    def __init__(self, reason: str, *, rows: bool) -> None:
        super().__init__(400, reason)
        self.rows = rows


def _too_many(max_rows: int | None, noun: str) -> _PastLimit:
    return _PastLimit(f"the result has over {max_rows} {noun}, this server's limit: add LIMIT", rows=True)


def _too_big(max_bytes: int | None, noun: str) -> _PastLimit:
    size = f"{(max_bytes or 0) / (1 << 20):g} MB"
    reason = f"the result is over {size}, this server's limit: add LIMIT or ask for fewer or shorter {noun}"
    return _PastLimit(reason, rows=False)


def error(status: int, reason: str) -> Answer:
    """A one-line plain-text reason."""
    return Answer(status, "text/plain; charset=utf-8", (" ".join(reason.split()) + "\n").encode())
