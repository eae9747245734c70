"""Validation stage: rdflib Graph or Dataset -> ValidationReport (SHACL, wraps pyshacl)."""

from __future__ import annotations

from dataclasses import dataclass

import pyshacl
from rdflib import Graph, Literal, URIRef
from rdflib.graph import ConjunctiveGraph
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from crimjust_graph import resources
from crimjust_graph.vocab import ONTOLOGY_GRAPH, PREFIXES, SHAPES_GRAPH

# Graphs in a store that hold terms and constraints, not data: validating them as data only costs time.
_SYSTEM_GRAPHS = frozenset({ONTOLOGY_GRAPH, SHAPES_GRAPH})


@dataclass(frozen=True)
class Violation:
    """One SHACL result, as text: the node at fault, the property (if any) and what is wrong."""

    focus: str
    path: str | None
    message: str
    severity: str
    value: str | None = None

    def line(self) -> str:
        """One readable line: focus node, path, message and the offending value."""
        where = f"{self.focus} {self.path}" if self.path else self.focus
        text = f"{where}: {self.message}"
        if self.value is not None and self.value != self.focus:
            text += f" (value: {self.value})"
        if self.severity != "Violation":
            text = f"[{self.severity}] {text}"
        return text


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of validating the data graph against the shipped shapes."""

    conforms: bool
    violations: tuple[Violation, ...]

    def summary(self) -> str:
        """'N violations' on the first line, then one line per violation."""
        count = len(self.violations)
        head = f"{count} violation{'' if count == 1 else 's'}"
        if self.conforms and not count:
            head += ": the data conforms to the shapes"
        return "\n".join([head, *(f"- {v.line()}" for v in self.violations)])


def load_ontology() -> Graph:
    """The OWL ontology (ontology/crimjust.ttl), parsed fresh so callers may modify it."""
    return Graph().parse(data=resources.read_text(resources.ontology_file()), format="turtle")


def load_shapes() -> Graph:
    """The SHACL shapes (ontology/shapes.ttl), parsed fresh so callers may modify it."""
    return Graph().parse(data=resources.read_text(resources.shapes_file()), format="turtle")


def validate(graph: Graph) -> ValidationReport:
    """Validate all data against the shapes, without inference: the shapes do not need it and it is slow."""
    conforms, results, _text = pyshacl.validate(
        _data_graph(graph),
        shacl_graph=load_shapes(),
        inference="none",
        advanced=False,
        abort_on_first=False,
        allow_warnings=False,
    )
    violations = tuple(sorted(_violations(results), key=lambda v: (v.focus, v.path or "", v.message)))
    return ValidationReport(conforms=bool(conforms), violations=violations)


def _data_graph(graph: Graph) -> Graph:
    """A Dataset is validated as the union of its graphs; pyshacl would otherwise check each on its own."""
    if not isinstance(graph, ConjunctiveGraph):
        return graph
    union = Graph()
    for s, p, o, context in graph.quads((None, None, None, None)):
        name = context.identifier if isinstance(context, Graph) else context
        if name not in _SYSTEM_GRAPHS:
            union.add((s, p, o))
    return union


def _violations(results: Graph) -> list[Violation]:
    """Read the report's top-level sh:result nodes back into Violations (nested sh:detail ones are noise)."""
    found = []
    report = results.value(predicate=RDF.type, object=SH.ValidationReport)
    for result in results.objects(report, SH.result):
        path = results.value(result, SH.resultPath)
        severity = results.value(result, SH.resultSeverity)
        value = results.value(result, SH.value)
        found.append(
            Violation(
                focus=_show(results.value(result, SH.focusNode)),
                path=None if path is None else _show(path),
                message=_message(results, result),
                severity=_local(severity) if isinstance(severity, URIRef) else "Violation",
                value=None if value is None else _show(value),
            )
        )
    return found


def _message(results: Graph, result: Node) -> str:
    """The shape's own sh:message when it has one (plain words), else pyshacl's text."""
    messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
    if messages:
        return messages[0]
    component = results.value(result, SH.sourceConstraintComponent)
    return f"fails {_show(component)}" if component is not None else "does not conform"


def _show(node: Node | None) -> str:
    """Compact IRIs with the usual prefixes; show literals with their datatype so type errors are visible."""
    if node is None:
        return "?"
    if isinstance(node, URIRef):
        for prefix, namespace in PREFIXES.items():
            if node.startswith(namespace) and len(node) > len(namespace):
                return f"{prefix}:{node[len(namespace) :]}"
        return str(node)
    if isinstance(node, Literal):
        text = repr(str(node)) if len(node) <= 60 else repr(str(node)[:59] + "…")
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype is not None:
            return f"{text}^^{_show(node.datatype)}"
        return text
    return f"[{type(node).__name__}]"


def _local(iri: URIRef) -> str:
    """sh:Violation -> 'Violation'."""
    return iri.split("#")[-1]
