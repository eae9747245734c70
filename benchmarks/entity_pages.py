"""Benchmark: entity pages (entity_pages.answer) for hubs, typical entities and documents of generated stores.

The work a `serve` worker does for GET /id/{kind}/{slug}, without HTTP: the describing query, the view and
the HTML or the RDF. Stores are built once under benchmarks/work/entity-pages/ (or pass --store).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from generate import cached_corpus
from report import publish

from crimjust_graph import open_store
from crimjust_graph.entity_pages import Request, answer, read_request
from crimjust_graph.pipeline import ingest
from crimjust_graph.sparql import run_query, to_python
from crimjust_graph.store import QueryableStore
from crimjust_graph.vocab import ID

HERE = Path(__file__).resolve().parent
WORK = HERE / "work" / "entity-pages"
FORMATS = ("text/html", "text/turtle", "application/ld+json")
BY_EVIDENCE = """SELECT ?e (COUNT(?ev) AS ?n) WHERE { ?ev cj:mentions|rdf:subject|rdf:object ?e }
GROUP BY ?e ORDER BY DESC(?n) ?e"""


def _store(docs: int) -> Path:
    corpus = cached_corpus(docs, WORK)
    path = WORK / f"store-{docs}"
    if not (path / "CURRENT").is_file():
        ingest([corpus], open_store(path, writable=True))
    return path


def _rows(store: QueryableStore, sparql: str) -> list[list[str | int | float | bool | None]]:
    result = to_python(run_query(store, sparql))
    assert not isinstance(result, bool | list)
    return result.rows


def _time(store: QueryableStore, iri: str, accept: str, repeat: int) -> tuple[float, int]:
    """Median seconds and body size of one page."""
    path = "/id/" + iri.removeprefix(str(ID))
    request = read_request(path, path.encode(), b"", accept)
    assert isinstance(request, Request), request
    times = []
    size = 0
    for _ in range(repeat):
        start = time.perf_counter()
        response = answer(store, request)
        times.append(time.perf_counter() - start)
        assert response.status == 200, response.body
        size = len(response.body)
    return statistics.median(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=int, default=2000, help="generated documents (default 2000)")
    parser.add_argument("--store", type=Path, help="an existing store to use instead")
    parser.add_argument("--repeat", type=int, default=3, help="runs per page; the median is reported")
    args = parser.parse_args()
    path = args.store or _store(args.docs)
    store = open_store(path)
    triples = _rows(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0][0]
    documents_in = _rows(store, "SELECT (COUNT(*) AS ?n) WHERE { ?d a cj:Document }")[0][0]
    ranked = _rows(store, BY_EVIDENCE)
    middle = len(ranked) // 2
    picks = [("hub", row) for row in ranked[:3]] + [("typical", row) for row in ranked[middle : middle + 3]]
    documents = _rows(store, "SELECT ?d WHERE { ?d a cj:Document } ORDER BY ?d LIMIT 2")
    picks += [("document", [row[0], "-"]) for row in documents]
    lines = [
        "# Entity pages",
        "",
        f"`python benchmarks/entity_pages.py {' '.join(sys.argv[1:])}`".replace(" `", "`"),
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, Python {platform.python_version()}, "
        f"a store of {documents_in:,} generated documents, {triples:,} triples in its default graph; "
        f"median of {args.repeat} runs.",
        "",
        "| page | sentences | " + " | ".join(FORMATS) + " |",
        "|---|---|" + "---|" * len(FORMATS),
    ]
    for role, (iri, count) in picks:
        cells = []
        for accept in FORMATS:
            seconds, size = _time(store, str(iri), accept, args.repeat)
            cells.append(f"{seconds:.2f} s, {size // 1024:,} KB")
        name = str(iri).removeprefix(str(ID))
        lines.append(f"| {role}: {name} | {count} | " + " | ".join(cells) + " |")
    publish("entity-pages.md", lines)


if __name__ == "__main__":
    main()
