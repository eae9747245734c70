"""One-triple-pattern queries, recognised by a strict grammar: checked without a parse, answered inline.

`SELECT ?label WHERE { <iri> rdfs:label ?label }` is the commonest query a client sends, and the cheapest:
Oxigraph answers it with one scan of one index, row by row, so its work stops when its rows stop. Two costs
dwarf that work: rdflib's full parse in `sparql.check_query` (about 1 ms for every new text) and, in `serve`,
the hop to a query thread and back (a worker spent 127 µs of CPU per lookup with it, 110 µs without).

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
# Token kinds, tried in this order after any spaces (a prefixed name before a keyword: `a:b` is a name).
_TOKENS = re.compile(
    rf"[ \t\r\n]*(?:(?P<iri>{_IRI})|(?P<pname>{_PNAME})|(?P<var>[?$][A-Za-z0-9_]+)"
    rf"|(?P<literal>{_STRING}(?:@[A-Za-z]+(?:-[A-Za-z0-9]+)*|{_DATATYPE})?|{_NUMBER})"
    r"|(?P<word>[A-Za-z]+(?![A-Za-z0-9_:-]))|(?P<mark>[{}.*])|(?P<other>.))",
    re.DOTALL,
)
# Longer texts are not read here: a lookup with its prefixes is a few hundred characters, and `serve` reads
# each new text on its event loop.
MAX_TEXT = 2 << 10
# Each token as one letter, and the query as the word they spell: IRI, prefixed Name (n: a bare `ex:`),
# Variable, Literal, Digits, keywords in capitals (BASE, PREFIX, SELECT, ASK, WHERE, LIMIT as T), `a`, and
# the marks themselves; any other character (the `other` token) has no letter, and the text is not read.
_KINDS = {"iri": "I", "var": "V"}
_KEYWORDS = {"base": "B", "prefix": "P", "select": "S", "ask": "A", "where": "W", "limit": "T"}
_SHAPE = re.compile(r"(?:BI|PnI)*(?:S(?:\*|V+)|A)W?\{[INnV][INnVa][INnVLD]\.?\}(?:TD)?")


@dataclass(frozen=True)
class Lookup:
    """A query of the one shape this module reads: `limit` is its LIMIT, None when it has none."""

    limit: int | None


def read_lookup(text: str) -> Lookup | None:
    """The query's shape when it is one triple pattern in the strict grammar above; None for anything else."""
    if len(text) > MAX_TEXT:
        return None
    found = _TOKENS.finditer(text.rstrip(" \t\r\n"))
    tokens = [(match.lastgroup, match.group(match.lastgroup or 0)) for match in found]
    letters = []
    for kind, value in tokens:
        if kind == "word":
            # Keywords in any case; `a` only in lower case, as SPARQL reads it.
            letter = "a" if value == "a" else _KEYWORDS.get(value.lower())
        elif kind == "pname":
            letter = "n" if value.endswith(":") else "N"
        elif kind == "literal":
            letter = "D" if value.isdigit() else "L"
        else:
            letter = _KINDS.get(kind or "") or (value if kind == "mark" else None)
        if letter is None:
            return None
        letters.append(letter)
    word = "".join(letters)
    if not _SHAPE.fullmatch(word):
        return None
    start = word.index("{") + 1
    names = [value[1:] for _, value in tokens[start : start + 3] if value[0] in "?$"]
    if len(names) != len(set(names)):
        return None  # `?x ?p ?x`: Oxigraph scans every triple to answer few rows
    return Lookup(int(tokens[-1][1]) if word.endswith("TD") else None)
