"""Golden cases: each folder in tests/cases holds an input and the facts its named graph must contain."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, URIRef
from rdflib.namespace import PROV

from conftest import ROOT, shared
from crimjust_graph.documents import read_document
from crimjust_graph.extract import extract
from crimjust_graph.mapping import to_graph
from crimjust_graph.model import Predicate
from crimjust_graph.vocab import CJ

CASES = sorted(p for p in (Path(__file__).parent / "cases").iterdir() if p.is_dir())
RELATIONS = {CJ[predicate.value] for predicate in Predicate}


def _input(case: Path) -> Path:
    pointer = case / "input.path"
    if pointer.exists():
        relative = pointer.read_text(encoding="utf-8").strip()
        if relative.startswith("../shared/"):
            return shared(*Path(relative).parts[2:])
        return ROOT / relative
    return next(p for p in sorted(case.iterdir()) if p.stem == "input")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Path) -> None:
    document = read_document(_input(case))
    actual = to_graph(extract(document))
    expected = Graph().parse(case / "expected.ttl", format="turtle")
    missing = [t for t in expected if t not in actual]
    assert not missing, "missing facts:\n" + "\n".join(" ".join(x.n3() for x in t) for t in missing)

    for s, p, o in expected:
        if p not in RELATIONS:
            continue
        evidence = [
            e
            for e in actual.subjects(RDF.subject, s)
            if (e, RDF.predicate, p) in actual and (e, RDF.object, o) in actual
        ]
        assert evidence, f"no evidence for {s} {p} {o}"
        for node in evidence:
            start = int(actual.value(node, CJ.charStart))  # type: ignore[arg-type]
            end = int(actual.value(node, CJ.charEnd))  # type: ignore[arg-type]
            assert document.text[start:end] == str(actual.value(node, CJ.quote))
            assert (node, PROV.wasDerivedFrom, URIRef(str(actual.identifier))) in actual

    forbidden = case / "forbidden.txt"
    if forbidden.exists():
        labels = {str(o).casefold() for o in actual.objects(None, RDFS.label)}
        for line in forbidden.read_text(encoding="utf-8").splitlines():
            assert line.casefold() not in labels, f"junk entity {line!r}"
            assert (None, RDFS.label, Literal(line)) not in actual
