"""Entity pages, HTML: an entity's or a document's view (plain data) -> one page with a neighbourhood picture.

Every string from a document is escaped before it is written; the page has no script and no inline style
(the server's Content-Security-Policy forbids both), and links only to /id/ pages, its own RDF forms and
the query page. The picture is inline SVG drawn here, so nothing is fetched.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from html import escape

from crimjust_graph.vocab import CJ, ID, PREFIXES

STYLESHEET = "/static/entity.css"
PICTURE_NEIGHBOURS = 16  # the picture names this many neighbours, those with most facts first
_ALTERNATES = (("turtle", "text/turtle", "Turtle"), ("jsonld", "application/ld+json", "JSON-LD"))
_KIND_NAMES = {
    "programme": "Programme",
    "partner": "Partner",
    "event": "Event",
    "region": "Region",
    "country": "Country",
    "city": "City",
    "document": "Document",
    "evidence": "Evidence",
}
_PROPERTY_NAMES = {
    f"{PREFIXES['rdf']}type": "type",
    str(CJ.startDate): "start date",
    str(CJ.endDate): "end date",
    str(CJ.eventType): "event type",
    str(CJ.isoCode): "ISO code",
    str(CJ.m49Code): "UN M49 code",
    str(CJ.quote): "sentence",
    str(CJ.charStart): "first character",
    str(CJ.charEnd): "last character",
    str(CJ.mentions): "mentions",
    f"{PREFIXES['schema']}latitude": "latitude",
    f"{PREFIXES['schema']}longitude": "longitude",
    f"{PREFIXES['prov']}wasDerivedFrom": "document",
    f"{PREFIXES['rdf']}subject": "subject",
    f"{PREFIXES['rdf']}predicate": "relation",
    f"{PREFIXES['rdf']}object": "object",
}


@dataclass(frozen=True)
class Node:
    """Something a page names and may link to: its IRI, the name to show, its kind ('' when not ours)."""

    iri: str
    label: str
    kind: str


@dataclass(frozen=True)
class Fact:
    """One relation with one sentence that states it (empty for reference facts) and its document."""

    subject: Node
    predicate: str
    object: Node
    quote: str
    document: Node | None


@dataclass(frozen=True)
class EntityView:
    """What an entity page shows."""

    node: Node
    labels: list[str]
    acronyms: list[str]
    aliases: list[str]
    details: list[tuple[str, str | Node]]
    out: list[Fact]
    into: list[Fact]
    mentioned_in: list[tuple[Node, int]] = field(default_factory=list)


@dataclass(frozen=True)
class DocumentView:
    """What a document page shows; `sources` are file names, never the paths they were read from."""

    node: Node
    issued: str | None
    sources: list[str]
    facts: list[Fact]
    entities: list[Node]


def entity_html(view: EntityView, max_rows: int) -> str:
    """The page of one entity: names, other facts, picture, relations out and in, documents naming it."""
    me = view.node
    parts = [_head(me), "<main>"]
    names = [("name", view.labels), ("acronym", view.acronyms), ("also called", view.aliases)]
    rows: list[tuple[str, str | Node]] = [(label, ", ".join(values)) for label, values in names if values]
    rows += [(property_name(p), value) for p, value in view.details]
    parts.append("<section id='names'><h2>Names and facts</h2><dl>")
    parts += [f"<dt>{escape(label)}</dt><dd>{_value(value)}</dd>" for label, value in rows]
    parts.append("</dl></section>")
    if view.out or view.into:
        parts.append(
            f"<section id='neighbourhood'><h2>Neighbourhood</h2>{picture(me, view.out, view.into)}</section>"
        )
    parts.append(_facts("out", f"What {me.label} is linked to", view.out, max_rows, hide="subject"))
    parts.append(_facts("in", f"What links to {me.label}", view.into, max_rows, hide="object"))
    if view.mentioned_in:
        parts.append(f"<section id='mentions'><h2>Named in {len(view.mentioned_in)} documents</h2><ul>")
        parts += [
            f"<li>{_link(doc)} ({n} sentence{'s' if n > 1 else ''})</li>" for doc, n in view.mentioned_in
        ]
        parts.append("</ul></section>")
    parts.append("</main></body></html>\n")
    return "".join(parts)


def document_html(view: DocumentView, max_rows: int) -> str:
    """The page of one document: title, date, source file name, the facts drawn from it and who it names."""
    parts = [_head(view.node), "<main><section id='names'><h2>Document</h2><dl>"]
    parts.append(f"<dt>title</dt><dd>{escape(view.node.label)}</dd>")
    if view.issued:
        parts.append(f"<dt>date</dt><dd>{escape(view.issued)}</dd>")
    parts += [f"<dt>source file</dt><dd>{escape(name)}</dd>" for name in view.sources]
    parts.append("</dl></section>")
    parts.append(_facts("facts", "Facts drawn from it", view.facts, max_rows, hide="document"))
    if view.entities:
        parts.append(f"<section id='entities'><h2>Named in it ({len(view.entities)})</h2><ul>")
        parts += [
            f"<li>{_link(node)} <span class='kind'>{escape(_kind(node))}</span></li>"
            for node in view.entities
        ]
        parts.append("</ul></section>")
    parts.append("</main></body></html>\n")
    return "".join(parts)


def property_name(iri: str) -> str:
    """A property as a reader says it: our names, else its prefixed name."""
    from crimjust_graph.network import EDGE_LABELS

    if iri in _PROPERTY_NAMES:
        return _PROPERTY_NAMES[iri]
    if iri.startswith(str(CJ)) and iri.removeprefix(str(CJ)) in EDGE_LABELS:
        return EDGE_LABELS[iri.removeprefix(str(CJ))]
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and namespace != str(ID):
            return f"{prefix}:{iri.removeprefix(namespace)}"
    return iri


def _head(me: Node) -> str:
    title = f"{me.label} ({_kind(me)})"
    alternates = "".join(
        f"<link rel='alternate' type='{media}' href='?format={fmt}'>" for fmt, media, _ in _ALTERNATES
    )
    forms = " · ".join(
        f"<a href='?format={fmt}' type='{media}'>{name}</a>" for fmt, media, name in _ALTERNATES
    )
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><link rel='stylesheet' href='{STYLESHEET}'>{alternates}</head><body>"
        f"<header><p class='kind'>{escape(_kind(me))}</p><h1>{escape(me.label)}</h1>"
        f"<p class='iri'><code>{escape(me.iri)}</code></p>"
        f"<p class='formats'>Also as {forms} · <a href='/'>query page</a></p></header>"
    )


def _facts(section: str, title: str, facts: list[Fact], max_rows: int, *, hide: str) -> str:
    """A table of relations with their sentences; `hide` is the column that would only repeat this page."""
    if not facts:
        return ""
    columns = [c for c in ("subject", "relation", "object", "sentence", "document") if c != hide]
    parts = [f"<section id='{section}'><h2>{escape(title)} ({len(facts)})</h2><table><thead><tr>"]
    parts += [f"<th>{c}</th>" for c in columns]
    parts.append("</tr></thead><tbody>")
    for fact in facts[:max_rows]:
        cells = {
            "subject": _link(fact.subject),
            "relation": f"<span class='relation'>{escape(property_name(fact.predicate))}</span>",
            "object": _link(fact.object),
            "sentence": escape(fact.quote) if fact.quote else "<span class='note'>reference data</span>",
            "document": _link(fact.document) if fact.document else "",
        }
        parts.append("<tr>" + "".join(f"<td>{cells[c]}</td>" for c in columns) + "</tr>")
    parts.append("</tbody></table>")
    if len(facts) > max_rows:
        parts.append(f"<p class='note'>{len(facts) - max_rows} more: see the Turtle form or ask /sparql.</p>")
    parts.append("</section>")
    return "".join(parts)


def _kind(node: Node) -> str:
    return _KIND_NAMES.get(node.kind, "Resource")


def href(node: Node) -> str | None:
    """The page of a node on this server (a root-relative /id/ path), or None when it is not ours."""
    return "/id/" + node.iri.removeprefix(str(ID)) if node.kind and node.iri.startswith(str(ID)) else None


def _link(node: Node) -> str:
    target = href(node)
    text = escape(node.label)
    return f"<a href='{escape(target)}'>{text}</a>" if target else text


def _value(value: str | Node) -> str:
    return _link(value) if isinstance(value, Node) else escape(value)


def picture(me: Node, out: list[Fact], into: list[Fact]) -> str:
    """The entity and its nearest neighbours as inline SVG: arrows point from subject to object."""
    relations: dict[Node, set[str]] = {}
    directions: dict[Node, set[str]] = {}
    weights: dict[Node, int] = {}
    for facts, direction in ((out, "out"), (into, "in")):
        for fact in facts:
            other = fact.object if direction == "out" else fact.subject
            if other != me:
                relations.setdefault(other, set()).add(property_name(fact.predicate))
                directions.setdefault(other, set()).add(direction)
                weights[other] = weights.get(other, 0) + 1
    shown = sorted(relations, key=lambda n: (-weights[n], n.label, n.iri))[:PICTURE_NEIGHBOURS]
    parts = [
        f"<svg viewBox='0 0 {_WIDTH} {_HEIGHT}' width='100%' role='img' "
        f"aria-label='{escape(me.label)} and its neighbours'><defs><marker id='arrow' viewBox='0 0 10 10' "
        "refX='9' refY='5' markerWidth='7' markerHeight='7' orient='auto-start-reverse'>"
        "<path d='M0,0 L10,5 L0,10 z' fill='#5b6673'/></marker></defs>"
    ]
    for i, node in enumerate(shown):
        angle = 2 * math.pi * i / len(shown) - math.pi / 2
        x, y = _CX + 190 * math.cos(angle), _CY + 150 * math.sin(angle)
        parts.append(_arrow(x, y, directions[node], ", ".join(sorted(relations[node]))))
        parts.append(_dot(node, x, y, 9, 13))
    parts.append(_dot(me, _CX, _CY, 14, 14) + "</svg>")
    if len(relations) > len(shown):
        parts.append(
            f"<p class='note'>The {len(shown)} neighbours with most facts, of {len(relations)}; "
            "the tables list them all.</p>"
        )
    return "".join(parts)


_WIDTH, _HEIGHT, _CX, _CY = 900, 420, 450.0, 210.0  # room for a 28-character name each side


def _arrow(x: float, y: float, directions: set[str], relation: str) -> str:
    """A line between the centre and a neighbour at (x, y), with a head at each end a fact points to."""
    dx, dy = x - _CX, y - _CY
    length = math.hypot(dx, dy) or 1.0
    x1, y1 = _CX + dx / length * 16, _CY + dy / length * 16
    x2, y2 = x - dx / length * 12, y - dy / length * 12
    heads = (" marker-end='url(#arrow)'" if "out" in directions else "") + (
        " marker-start='url(#arrow)'" if "in" in directions else ""
    )
    return (
        f"<g><title>{escape(relation)}</title><line x1='{x1:.1f}' y1='{y1:.1f}' x2='{x2:.1f}' y2='{y2:.1f}' "
        f"stroke='#8a949f' stroke-width='1.5'{heads}/></g>"
    )


def _dot(node: Node, x: float, y: float, radius: int, size: int) -> str:
    """A node as a coloured dot with its name beside it (or below, for the centre), linked to its page."""
    from crimjust_graph.page_data import KINDS, OTHER

    dx = x - _CX
    anchor = "start" if dx > 20 else "end" if dx < -20 else "middle"
    tx = x + (14 if anchor == "start" else -14 if anchor == "end" else 0)
    ty = y + 4 if anchor != "middle" else y + (radius + 20 if y >= _CY else -radius - 7)
    name = node.label if len(node.label) <= 28 else node.label[:27] + "…"
    centre = x == _CX and y == _CY
    ring = " stroke='#1d2733' stroke-width='2'" if centre else ""
    weight = " font-weight='bold'" if centre else ""
    body = (
        f"<title>{escape(node.label)} ({escape(_kind(node))})</title>"
        f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{radius}' fill='{KINDS.get(node.kind, OTHER)[2]}'{ring}/>"
        f"<text x='{tx:.1f}' y='{ty:.1f}' text-anchor='{anchor}' font-size='{size}'{weight}>"
        f"{escape(name)}</text>"
    )
    target = None if centre else href(node)
    return f"<a href='{escape(target)}'>{body}</a>" if target else f"<g>{body}</g>"
