"""Safe query execution: query text -> checked query -> results in the formats users ask for."""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any
from urllib.parse import urljoin

import pyoxigraph as ox
from pyparsing import ParseResults

from crimjust_graph import resources
from crimjust_graph.bounded import MAX_TEXT, read_lookup
from crimjust_graph.errors import QueryError
from crimjust_graph.store import SYSTEM_GRAPHS, QueryResult
from crimjust_graph.store import QueryableStore as QueryableStore
from crimjust_graph.vocab import ID, PREFIXES

# Refusals, by what the parse found: SERVICE reaches the network; LOAD fetches; updates change the store.
_SERVICE = "SERVICE is not allowed: queries never reach the network"
_LOAD = "LOAD is not allowed: queries never fetch documents"
_UPDATE = "this is an update (INSERT, DELETE, LOAD, CLEAR, DROP...): the store is read-only here"

# Bracket depth refused before parsing: both parsers recurse per level, and a deep enough query overflows
# the stack (a crash, not an error). Real queries nest a handful of levels.
MAX_DEPTH = 64
# Parse-tree nodes allowed: Oxigraph also recurses along long flat chains (thousands of UNIONs, || terms or
# triple patterns overflow its stack), so their length is bounded too. A named query has at most ~1,000.
MAX_NODES = 20_000
_DATA_BLOCKS = frozenset({"InlineData", "ValuesClause"})  # VALUES: terms only
# rdflib's grammar takes about 40 Python frames per bracket: MAX_DEPTH levels need over 1,000.
sys.setrecursionlimit(max(sys.getrecursionlimit(), 60 * MAX_DEPTH + 1000))
# A SPARQL codepoint escape, which the grammar expands everywhere before parsing (SPARQL 1.1 §19.2).
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

RESULT_FORMATS: dict[str, ox.QueryResultsFormat] = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
    "rdfxml": ox.RdfFormat.RDF_XML,
}


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the safety scan, with the dataset its FROM / FROM NAMED clauses ask for."""

    text: str
    from_graphs: tuple[str, ...]
    from_named: tuple[str, ...]
    limit: int | None = None  # the outermost LIMIT: a SELECT never answers more rows than this
    lookup: bool = False  # one triple pattern (bounded.py): its work ends with its rows


@dataclass(frozen=True)
class NamedQuery:
    """A shipped competency query: `query --name NAME [--param VAR=ENTITY ...]`."""

    name: str
    title: str
    text: str
    params: dict[str, str] = field(default_factory=dict)  # variable -> what it narrows the answer to

    def bindings(self, given: Mapping[str, str], store: QueryableStore) -> dict[str, str]:
        """The given parameters as variable -> entity IRI, or a QueryError naming the bad one."""
        out = {}
        for var, value in given.items():
            if var not in self.params:
                takes = ", ".join(self.params) or "no parameters"
                raise QueryError(self.name, f"no parameter {var!r}: this query takes {takes}")
            out[var] = resolve_entity(store, value, self.name)
        return out


def resolve_entity(store: QueryableStore, value: str, query: str = "") -> str:
    """The IRI of an entity in the store, from its IRI, 'kind/slug', 'kind:slug', name, other name or acronym.

    An entity the store does not hold is an error that offers the closest names, never an empty answer.
    """
    text = value.strip().removeprefix("<").removesuffix(">")
    short = text.replace(":", "/", 1) if _PREFIXED_ENTITY.fullmatch(text) else text
    if _SHORT_IRI.fullmatch(short):
        text = ID_NAMESPACE + short
    if _FULL_IRI.fullmatch(text):
        if _ask(store, f"ASK {{ {ox.NamedNode(text)} rdfs:label ?name }}"):
            return text
        within = text.rsplit("/", 1)[0] + "/"  # a programme's IRI: the nearest programmes
        raise QueryError(query, f"{value!r} is not in the store{_closest(store, _slug_words(text), within)}")
    found = _named(store, text)
    if len(found) == 1:
        return found[0]
    if found:
        listed = ", ".join(sorted(iri.removeprefix(ID_NAMESPACE) for iri in found)[:5])
        raise QueryError(query, f"{value!r} names {len(found)} entities ({listed}): give one as kind/slug")
    raise QueryError(query, f"no entity is called {value!r}{_closest(store, text)}")


_NAMES = """SELECT DISTINCT ?entity ?name WHERE {
  VALUES ?property { rdfs:label skos:altLabel cj:acronym } ?entity ?property ?name ; rdfs:label ?label
}"""


def _named(store: QueryableStore, name: str) -> list[str]:
    """Entities whose label, other name or acronym is this name: exact first, then ignoring case."""
    exact = store.query(
        f"SELECT DISTINCT ?entity WHERE {{ VALUES ?property {{ rdfs:label skos:altLabel cj:acronym }} "
        f"?entity ?property {ox.Literal(name)} ; rdfs:label ?label }}"
    )
    found = [str(row["entity"].value) for row in exact]  # type: ignore[union-attr]
    if found:
        return found
    folded = name.casefold()
    rows = store.query(_NAMES)
    return sorted(
        {str(r["entity"].value) for r in rows if str(r["name"].value).casefold() == folded}  # type: ignore[union-attr]
    )


def _closest(store: QueryableStore, text: str, within: str = "") -> str:
    """'; did you mean ...' with the nearest names in the store (of entities whose IRI starts with `within`,
    compared without case), or nothing when none is near."""
    names: dict[str, str] = {}
    rows = store.query(_NAMES)
    assert isinstance(rows, ox.QuerySolutions)
    for row in rows:
        if str(row["entity"].value).startswith(within):
            name = str(row["name"].value)
            names.setdefault(name.casefold(), name)
    near = difflib.get_close_matches(text.casefold(), sorted(names), n=3, cutoff=0.6)
    return f"; did you mean {', '.join(repr(names[n]) for n in near)}?" if near else ""


def _slug_words(iri: str) -> str:
    return iri.rsplit("/", 1)[-1].replace("-", " ")


def _ask(store: QueryableStore, sparql: str) -> bool:
    return bool(store.query(sparql))


ID_NAMESPACE = str(ID)
_SHORT_IRI = re.compile(r"[a-z]+/[A-Za-z0-9._~%-]+")
_PREFIXED_ENTITY = re.compile(r"(?:programme|partner|event|region|country|city):[A-Za-z0-9._~%-]+")
_FULL_IRI = re.compile(r"(?:https?|urn):[^\s<>\"{}|\\^`]+")


# Query texts up to this size have their check remembered (clients repeat queries); longer ones are checked
# each time, so that 512 remembered texts cannot hold up to a megabyte each.
REMEMBERED_CHECK = 8 << 10


def check_query(sparql: str) -> CheckedQuery:
    """`_check_query`, remembered for texts up to REMEMBERED_CHECK characters."""
    return _remembered_check(sparql) if len(sparql) <= REMEMBERED_CHECK else _check_query(sparql)


def check_lookup(sparql: str) -> CheckedQuery | None:
    """The check of a one-triple-pattern query (bounded.py), None for any other: cheap whatever the text
    (bounded.MAX_TEXT characters are read at most), so `serve` calls it before deciding where a query runs."""
    return _remembered_lookup(sparql) if len(sparql) <= MAX_TEXT else None


def _check_lookup(sparql: str) -> CheckedQuery | None:
    shape = read_lookup(sparql)
    return None if shape is None else CheckedQuery(sparql, (), (), shape.limit, lookup=True)


_remembered_lookup = lru_cache(maxsize=512)(_check_lookup)


def _check_query(sparql: str) -> CheckedQuery:
    """Refuse SERVICE, LOAD and updates, read FROM / FROM NAMED: decided on a full parse, not a scan.

    A one-triple-pattern query is read by bounded.py's strict grammar instead, a parse of a language so
    small that it holds none of them by construction (about 1 ms less for each new text).
    """
    if (lookup := check_lookup(sparql)) is not None:
        return lookup
    return parsed_check(sparql)


def parsed_check(sparql: str) -> CheckedQuery:
    """`_check_query` on rdflib's full parse, whatever the query's shape.

    The text is first put in the one form that every SPARQL parser reads alike (codepoint escapes expanded,
    line ends as LF), parsed with rdflib's SPARQL 1.1 grammar, and the checked text is what runs: Oxigraph
    never reads a spelling that the check read differently. Query threads also cannot open sockets
    (sandbox.py), so a parser disagreement that slipped through would still fetch nothing.
    """
    if not sparql.strip():
        raise QueryError(sparql, "the query is empty")
    text = canonical_text(sparql)
    depth = _bracket_depth(text)
    if depth > MAX_DEPTH:
        raise QueryError(sparql, f"the query nests {depth} brackets deep; at most {MAX_DEPTH} are allowed")
    tree = _parser().submit(_parse, sparql, text).result()
    size, rules = _walk(tree)
    if "ServiceGraphPattern" in rules:
        raise QueryError(sparql, _SERVICE)
    if size > MAX_NODES:
        raise QueryError(
            sparql,
            f"the query has {size} parts, over the {MAX_NODES} allowed: split it, or list values in VALUES",
        )
    prologue, body = tree[0], tree[1]
    prefixes = dict(PREFIXES)
    base: str | None = None
    for decl in prologue:
        if decl.name == "Base":
            base = _join(base, str(decl["iri"]))
        elif decl.name == "PrefixDecl":
            prefixes[_field(decl, "prefix", "")] = _join(base, str(decl["iri"]))
    from_graphs: list[str] = []
    from_named: list[str] = []
    for clause in _field(body, "datasetClause", []):
        named = "named" in clause
        iri = _graph_iri(sparql, clause["named" if named else "default"], prefixes, base)
        (from_named if named else from_graphs).append(iri)
    clauses = _field(body, "limitoffset", None)
    limit = int(clauses["limit"]) if clauses is not None and "limit" in clauses else None
    return CheckedQuery(text, tuple(from_graphs), tuple(from_named), limit)


_remembered_check = lru_cache(maxsize=512)(_check_query)


def canonical_text(sparql: str) -> str:
    """The query in the form all parsers agree on: `\\u` escapes expanded (until none is left), CR LF and
    lone CR as LF (Oxigraph ends a comment at either, rdflib only at LF)."""
    text = sparql
    for _ in range(8):  # each round undoes one layer of escaping (backslash-u005C, u0053 -> S)
        expanded = _CODEPOINT.sub(_codepoint, text)
        if expanded == text:
            break
        text = expanded
    else:
        raise QueryError(sparql, "the query nests codepoint escapes (\\u...) too deeply")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _codepoint(match: re.Match[str]) -> str:
    code = int(match[1] or match[2], 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise QueryError(match.string, f"{match[0]!r} is not a character the query may contain")
    return chr(code)


def _bracket_depth(text: str) -> int:
    """How deep brackets nest, counted over the raw text (a bound: brackets in strings count too)."""
    depth = deepest = 0
    for char in text:
        if char in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "})]":
            depth -= 1
    return deepest


@cache
def _parser() -> ThreadPoolExecutor:
    """The parse runs in a thread of its own. pyparsing backtracks by raising exceptions, which stay in
    reference cycles with their frames until the garbage collector runs; parsed in the caller's thread, those
    frames would keep the caller's frames, and the query results in them, alive too, to be freed later by
    whichever thread collects, and pyoxigraph's results must be freed by the thread that made them."""
    return ThreadPoolExecutor(1, thread_name_prefix="sparql-parse")


def _parse(sparql: str, text: str) -> Any:
    """rdflib's parse tree of a query; an update or a syntax error becomes a QueryError."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        return parseQuery(text)
    except ParseException as exc:
        found = _first_line(exc).split("  (at char", 1)[0]  # the position is said once, as line:column
        problem = f"syntax error at {exc.lineno}:{exc.col}: {found}"
    except RecursionError:
        problem = "the query nests too deeply to parse"
    try:
        update = parseUpdate(text)
    except (ParseException, RecursionError):
        raise QueryError(sparql, problem) from None
    if "Load" in _walk(update)[1]:
        raise QueryError(sparql, _LOAD)
    raise QueryError(sparql, _UPDATE)


def _walk(tree: Any) -> tuple[int, set[str]]:
    """The number of nodes in a parse tree and the names of the grammar rules it holds (no recursion)."""
    size = 0
    rules: set[str] = set()
    stack = [tree]
    while stack:
        node = stack.pop()
        size += 1
        name = getattr(node, "name", None)
        if isinstance(name, str):
            rules.add(name)
            if name in _DATA_BLOCKS:
                continue  # a VALUES table is flat data: its rows cost no depth, however many
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list | tuple | ParseResults):
            stack.extend(node)
    return size, rules


def _field(node: Any, key: str, default: Any) -> Any:
    """A parse node's field; rdflib's own `CompValue.get` returns the key's name when it is missing."""
    return dict.get(node, key, default)


def _graph_iri(sparql: str, term: Any, prefixes: dict[str, str], base: str | None) -> str:
    """The IRI a dataset clause names: an IRI (resolved against BASE) or a prefixed name."""
    if getattr(term, "name", None) == "pname":
        prefix = _field(term, "prefix", "")
        if prefix not in prefixes:
            raise QueryError(sparql, f"FROM uses the undeclared prefix {prefix!r}:")
        return prefixes[prefix] + _PN_LOCAL_ESCAPE.sub(r"\1", _field(term, "localname", ""))
    return _join(base, str(term))


_PN_LOCAL_ESCAPE = re.compile(r"\\([_~.\-!$&'()*+,;=/?#@%])")


def _join(base: str | None, iri: str) -> str:
    return urljoin(base, iri) if base else iri


def run_query(
    store: QueryableStore,
    sparql: str,
    *,
    default_graphs: Iterable[str] | None = None,
    named_graphs: Iterable[str] | None = None,
    bindings: Mapping[str, str] | None = None,
) -> QueryResult:
    """Check and run a query; dataset clauses pick among graphs in the store, never fetch (docs/design.md §2).

    `bindings` (variable -> IRI) narrows the answer to those entities: the engine starts from them, so a
    question about one programme or one triple does not cost what listing every one does.
    """
    checked = check_query(sparql)
    sparql, bindings = place_bindings(checked.text, bindings or {})
    defaults = list(default_graphs) if default_graphs is not None else None
    nameds = list(named_graphs) if named_graphs is not None else None
    if defaults is None and nameds is None and (checked.from_graphs or checked.from_named):
        # The query's own FROM / FROM NAMED, passed as the protocol's dataset too (the same dataset): a store
        # then tells "names a dataset" from "reads the merge" without parsing, whatever its engine.
        defaults, nameds = list(checked.from_graphs), list(checked.from_named)
    asked = [*checked.from_graphs, *checked.from_named, *(defaults or []), *(nameds or [])]
    if asked:
        known = store.graphs()
        missing = sorted(set(asked) - known - SYSTEM_GRAPHS)
        if missing:
            raise QueryError(
                sparql, f"graph <{missing[0]}> is not in the store (dataset IRIs are never fetched)"
            )
    try:
        if defaults is not None or nameds is not None:
            # The protocol's default-graph-uri / named-graph-uri override the query's own clauses.
            return store.query(
                sparql,
                default_graphs=defaults if defaults is not None else [],
                named_graphs=nameds if nameds is not None else [],
                bindings=bindings,
            )
        # No dataset named: the merged default graph.
        return store.query(sparql, bindings=bindings)
    except SyntaxError as exc:
        raise QueryError(sparql, f"syntax error: {_first_line(exc)}") from None
    except (OSError, RuntimeError, ValueError) as exc:
        raise QueryError(sparql, _first_line(exc)) from None


_MARKER = re.compile(r"^([ \t]*)# bind: (\w+)[ \t]*$", re.MULTILINE)
_VARIABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def show_bindings(named: NamedQuery) -> str:
    """The query as the query page shows it: each marker says how to narrow the answer by hand."""

    def hint(match: re.Match[str]) -> str:
        indent, var = match.groups()
        about = named.params.get(var, var)
        return f"{indent}# VALUES ?{var} {{ <{ID_NAMESPACE}kind/slug> }}  # uncomment for {about}"

    return _MARKER.sub(hint, named.text)


def place_bindings(sparql: str, bindings: Mapping[str, str]) -> tuple[str, dict[str, str]]:
    """Put each binding where the query marks it ('# bind: var' -> 'VALUES ?var { <iri> }').

    A named query marks the spot from which its engine should start, inside the subquery that groups by the
    variable, so one entity's answer costs what that entity's facts cost. Bindings with no marker are
    returned, for the store to substitute. IRIs are written by pyoxigraph, which refuses malformed ones.
    """
    if not bindings:
        return sparql, {}
    for var in bindings:  # a variable's name goes into the query text: nothing but a name may
        if not _VARIABLE.fullmatch(var):
            raise QueryError(sparql, f"{var!r} is no variable name (letters, digits and _ only)")
    placed: set[str] = set()

    def values(match: re.Match[str]) -> str:
        indent, var = match.groups()
        if var not in bindings:
            return match.group()
        placed.add(var)
        try:
            return f"{indent}VALUES ?{var} {{ {ox.NamedNode(bindings[var])} }}"
        except ValueError as exc:
            raise QueryError(sparql, f"{bindings[var]!r} is no IRI: {_first_line(exc)}") from None

    text = _MARKER.sub(values, sparql)
    left = {k: v for k, v in bindings.items() if k not in placed}
    head = re.split(r"\bWHERE\b|\{", text, maxsplit=1, flags=re.IGNORECASE)[0]
    for var in left:  # substituted or joined at the end, a variable the answer does not show narrows nothing
        if not re.search(rf"[?$]{re.escape(var)}\b|\bSELECT\s+(DISTINCT\s+|REDUCED\s+)?\*", head, re.I):
            raise QueryError(
                sparql, f"?{var} is not in the SELECT clause: only variables it returns can be bound"
            )
    return text, left


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def serialize(result: QueryResult, fmt: str) -> bytes:
    """Machine formats, raw: SPARQL JSON/XML/CSV/TSV for SELECT and ASK, RDF for CONSTRUCT/DESCRIBE."""
    if isinstance(result, ox.QueryTriples):
        rdf_format = GRAPH_FORMATS.get(fmt, ox.RdfFormat.TURTLE if fmt == "table" else None)
        if rdf_format is None:
            raise QueryError(
                "", f"format {fmt!r} does not fit a CONSTRUCT/DESCRIBE query; use turtle or ntriples"
            )
        out = ox.serialize(result, None, rdf_format, prefixes=PREFIXES)
        return out if isinstance(out, bytes) else b""
    results_format = RESULT_FORMATS.get(fmt)
    if results_format is None:
        raise QueryError("", f"format {fmt!r} does not fit a SELECT/ASK query; use json, xml, csv or tsv")
    out = result.serialize(None, results_format)
    return out if isinstance(out, bytes) else b""


def to_rows(result: ox.QuerySolutions) -> tuple[list[str], list[list[str | int | float | bool | None]]]:
    """SELECT results as column names and rows of plain Python values (for tables and DataFrames)."""
    columns = [v.value for v in result.variables]
    rows = [[_python(solution[c]) for c in columns] for solution in result]
    return columns, rows


_NUMERIC = {
    "http://www.w3.org/2001/XMLSchema#integer": int,
    "http://www.w3.org/2001/XMLSchema#decimal": float,
    "http://www.w3.org/2001/XMLSchema#double": float,
}


def _python(term: object) -> str | int | float | bool | None:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        convert = _NUMERIC.get(term.datatype.value)
        if convert is not None:
            try:
                number: int | float = convert(term.value)
            except ValueError:
                return str(term.value)
            return number
        if term.datatype.value == "http://www.w3.org/2001/XMLSchema#boolean":
            return term.value == "true"
        return str(term.value)
    if isinstance(term, ox.NamedNode | ox.BlankNode):
        return str(term.value)
    return str(term)


@cache
def named_queries() -> dict[str, NamedQuery]:
    """The shipped competency queries, by file stem; the first `# title:` line describes each."""
    found = {}
    for path in sorted(resources.queries_dir().glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        title = next(
            (line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("# title:")),
            path.stem,
        )
        params = {}  # '# param: programme: the programme whose timeline is wanted'
        for line in text.splitlines():
            if line.startswith("# param:") and line.count(":") >= 2:
                var, _, about = line.split(":", 1)[1].partition(":")
                params[var.strip()] = about.strip()
        found[path.stem] = NamedQuery(path.stem, title, text, params)
    return found


def named_query(name: str) -> NamedQuery:
    queries = named_queries()
    if name not in queries:
        raise QueryError(name, f"no named query {name!r}; `crimjust-graph query --list` shows them")
    return queries[name]


def prepare(
    store: QueryableStore, sparql: str, params: Mapping[str, str] | None
) -> tuple[str, dict[str, str]]:
    """Query text and bindings, as every door (CLI, Python, page) reads them: `sparql` is query text or a
    named query's name; `params` (variable -> entity by name, acronym, kind/slug or IRI) become IRIs.

    A named query takes only the parameters it declares; a query of one's own may bind any variable it
    returns. An entity the store does not hold is an error, never an empty answer.
    """
    named = named_queries().get(sparql)
    if named is not None:
        return named.text, named.bindings(params or {}, store)
    return sparql, {var: resolve_entity(store, value, sparql) for var, value in (params or {}).items()}


@dataclass(frozen=True)
class Rows:
    """SELECT results for Python users: column names and rows of plain values."""

    columns: list[str]
    rows: list[list[str | int | float | bool | None]]

    def to_dataframe(self) -> object:
        """A pandas DataFrame (pandas is optional: `pip install pandas`)."""
        import pandas as pd  # type: ignore[import-untyped,unused-ignore]

        return pd.DataFrame(self.rows, columns=self.columns)

    def __len__(self) -> int:
        return len(self.rows)


def to_python(result: QueryResult) -> Rows | bool | list[tuple[str, str, str]]:
    """SELECT -> Rows, ASK -> bool, CONSTRUCT/DESCRIBE -> (subject, predicate, object) strings."""
    if isinstance(result, ox.QuerySolutions):
        return Rows(*to_rows(result))
    if isinstance(result, ox.QueryBoolean):
        return bool(result)
    return [(str(t.subject), str(t.predicate), str(t.object)) for t in result]
