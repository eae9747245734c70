"""One-triple-pattern queries, recognised by a strict grammar: checked without a parse, answered inline.

`SELECT ?label WHERE { <iri> rdfs:label ?label }` is the commonest query a client sends, and the cheapest:
Oxigraph answers it with one scan of one index, row by row, so its work stops when its rows stop. Two costs
dwarf that work: rdflib's full parse in `sparql.check_query` (about 1 ms for every new text) and, in `serve`,
the hop to a query thread and back (about 50 µs, twice what the query costs).

This module reads the few texts of that one shape, and nothing else: a prologue (BASE, PREFIX), then
SELECT with plain variables or `*`, or ASK, an optional WHERE, braces around one triple pattern of plain
terms, and an optional LIMIT. No DISTINCT, OFFSET, ORDER BY, FILTER, path, blank node, comment, escape or
long string: a text with any of them is not read here and takes the full parse. Within that language every
token is spelled one way only, so Oxigraph cannot read a text that passed here differently: such a text has
no SERVICE, no FROM and no update in it, by construction. A variable that appears twice in the pattern is
refused too (`?x ?p ?x` makes Oxigraph scan every triple to answer few rows).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The pieces of the grammar. A name must not run on into a character that would lengthen it in SPARQL
# (`ex:a:b` is one name there): each ends with a look-ahead that refuses such a text instead.
_IRI = r"<[^<>\"{}|^`\\\x00-\x20]*>"
_LOCAL = r"(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?)?"  # never ends with a dot, as in SPARQL
_PNAME = rf"(?:[A-Za-z][A-Za-z0-9_-]*)?:{_LOCAL}(?![A-Za-z0-9_:%\\-])"
_DATATYPE = rf"\^\^(?:{_IRI}|[A-Za-z][A-Za-z0-9_-]*:[A-Za-z0-9_]+(?![A-Za-z0-9_:%\\.-]))"
_STRING = r"(?:\"[^\"\\\r\n]+\"|'[^'\\\r\n]+')"  # never empty: three quotes start a long string
_NUMBER = r"[+-]?[0-9]+(?:\.[0-9]+)?(?![A-Za-z0-9_.])"
# Token kinds, tried in this order at each position (a prefixed name before a keyword: `a:b` is a name).
_TOKENS = re.compile(
    rf"(?P<space>[ \t\r\n]+)|(?P<iri>{_IRI})|(?P<pname>{_PNAME})|(?P<var>[?$][A-Za-z0-9_]+)"
    rf"|(?P<literal>{_STRING}(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|{_DATATYPE})?|{_NUMBER})"
    r"|(?P<word>[A-Za-z]+(?![A-Za-z0-9_:-]))|(?P<mark>[{}.*])"
)
# Longer texts are not read here: a lookup with its prefixes is a few hundred characters, and `serve` reads
# each new text on its event loop.
MAX_TEXT = 2 << 10
_KEYWORDS = frozenset({"base", "prefix", "select", "ask", "where", "limit"})
_TERMS = frozenset({"iri", "pname", "var", "literal"})


@dataclass(frozen=True)
class Lookup:
    """A query of the one shape this module reads: `limit` is its LIMIT, None when it has none."""

    limit: int | None


def read_lookup(text: str) -> Lookup | None:
    """The query's shape when it is one triple pattern in the strict grammar above; None for anything else."""
    tokens = _tokens(text) if len(text) <= MAX_TEXT else None
    if tokens is None:
        return None
    position = 0

    def take(kind: str, value: str | None = None) -> str | None:
        nonlocal position
        if position < len(tokens) and tokens[position][0] == kind and value in (None, tokens[position][1]):
            position += 1
            return tokens[position - 1][1]
        return None

    while True:  # the prologue
        if take("word", "base"):
            if not take("iri"):
                return None
        elif take("word", "prefix"):
            name = take("pname")
            if name is None or not name.endswith(":") or not take("iri"):
                return None
        else:
            break
    if take("word", "select"):
        if not take("mark", "*"):
            if not take("var"):
                return None
            while take("var"):
                pass
    elif not take("word", "ask"):
        return None
    take("word", "where")
    if not take("mark", "{"):
        return None
    pattern = tokens[position : position + 3]
    position += 3
    take("mark", ".")
    if not take("mark", "}") or not _one_pattern(pattern):
        return None
    limit = None
    if take("word", "limit"):
        count = take("literal")
        if count is None or not count.isdigit():
            return None
        limit = int(count)
    return Lookup(limit) if position == len(tokens) else None


def _tokens(text: str) -> list[tuple[str, str]] | None:
    """The text as (kind, value) tokens without the spaces, keywords in lower case; None if any character
    is not part of a token of this grammar."""
    tokens: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKENS.match(text, position)
        if match is None:
            return None
        kind = match.lastgroup
        assert kind is not None
        value = match.group()
        position = match.end()
        if kind == "space":
            continue
        if kind == "word":
            value = value.lower() if value.lower() in _KEYWORDS else value
            if value not in _KEYWORDS and value != "a":
                return None
        tokens.append((kind, value))
    return tokens


def _one_pattern(pattern: list[tuple[str, str]]) -> bool:
    """Subject, predicate and object of plain terms; `a` only as the predicate; no variable twice."""
    if len(pattern) != 3:
        return False
    (s_kind, _), (p_kind, p_value), (o_kind, _) = pattern
    if s_kind not in _TERMS - {"literal"} or o_kind not in _TERMS:
        return False
    if not (p_kind in ("iri", "pname", "var") or (p_kind, p_value) == ("word", "a")):
        return False
    names = [value[1:] for kind, value in pattern if kind == "var"]
    return len(names) == len(set(names))
