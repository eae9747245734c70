"""What the query page needs besides /sparql: store -> the words its editor completes; name -> bound query.

Both run in the server's query threads, like any query; the server keeps the vocabulary until the store
changes, so the page's completion costs three scans per ingest, not one per visitor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import pyoxigraph as ox

from crimjust_graph.errors import QueryError
from crimjust_graph.sparql import named_query, place_bindings, show_bindings
from crimjust_graph.store import QueryableStore
from crimjust_graph.vocab import ID, PREFIXES

MAX_ENTITIES = 50_000  # names sent for completion; a store far past the sample's 1,600 is cut here

_CLASSES = "SELECT DISTINCT ?class WHERE { ?thing a ?class } ORDER BY ?class"
_PREDICATES = "SELECT DISTINCT ?predicate WHERE { ?s ?predicate ?o } ORDER BY ?predicate"
# Every entity's names, and each document's title as its name: completion offers them, and the result
# table shows an entity or document IRI as its name.
_NAMES = f"""SELECT ?thing ?property ?name WHERE {{
  VALUES ?property {{ rdfs:label skos:altLabel cj:acronym dcterms:title }}
  ?thing ?property ?name .
  FILTER (isIRI(?thing) && STRSTARTS(STR(?thing), "{ID}"))
}}"""


def vocabulary(store: QueryableStore) -> dict[str, Any]:
    """Prefixes, classes and predicates in use, and entities as [iri, name, [other names]], sorted by name."""
    classes = [str(row["class"].value) for row in _select(store, _CLASSES)]
    predicates = [str(row["predicate"].value) for row in _select(store, _PREDICATES)]
    names: dict[str, str] = {}
    others: dict[str, set[str]] = {}
    for row in _select(store, _NAMES):
        iri, prop, name = str(row["thing"].value), str(row["property"].value), str(row["name"].value)
        if prop.endswith(("#label", "/title")):
            # one name per thing: the smallest label, so that the choice does not depend on store order
            if iri not in names or name < names[iri]:
                names[iri] = name
        else:
            others.setdefault(iri, set()).add(name)
    entities = sorted(
        ([iri, name, sorted(others.get(iri, set()) - {name})] for iri, name in names.items()),
        key=lambda entity: (str(entity[1]).casefold(), str(entity[0])),
    )
    return {
        "prefixes": PREFIXES,
        "classes": classes,
        "predicates": predicates,
        "entities": entities[:MAX_ENTITIES],
    }


def bound_query(store: QueryableStore, name: str, given: Mapping[str, str]) -> dict[str, Any]:
    """The named query's text with each given parameter (a name, kind/slug or IRI) bound by VALUES.

    Names resolve as `query --param` resolves them, so an unknown or ambiguous one is a QueryError with the
    closest names; each value goes where the query's '# bind:' line marks it, and the other lines keep
    their hint, as /queries shows them.
    """
    named = named_query(name)
    bindings = named.bindings({var: value for var, value in given.items() if value.strip()}, store)
    text, left = place_bindings(named.text, bindings)
    if left:  # the page runs the text alone, so a parameter must have its place in it
        raise QueryError(name, f"?{next(iter(left))} has no '# bind:' line in the query: use `query --param`")
    return {"name": named.name, "text": show_bindings(replace(named, text=text)), "bindings": bindings}


def _select(store: QueryableStore, sparql: str) -> ox.QuerySolutions:
    result = store.query(sparql)
    if not isinstance(result, ox.QuerySolutions):
        raise QueryError(sparql, "expected a table of solutions")
    return result
