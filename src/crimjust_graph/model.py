"""Plain data types that flow one way: Document -> Extraction (Entity, Relation, Evidence)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property


class Kind(StrEnum):
    """Entity kinds; the value is the IRI path segment of docs/design.md §2."""

    PROGRAMME = "programme"
    PARTNER = "partner"
    EVENT = "event"
    REGION = "region"
    COUNTRY = "country"
    CITY = "city"


class Predicate(StrEnum):
    """Relations between entities; the value is the local name in the cj: namespace."""

    IMPLEMENTED_BY = "implementedBy"
    FUNDED_BY = "fundedBy"
    HAS_PARTNER = "hasPartner"
    PART_OF = "partOf"
    COVERS_REGION = "coversRegion"
    ORGANISED_BY = "organisedBy"
    HAS_PARTICIPANT = "hasParticipant"
    HELD_IN = "heldIn"
    BASED_IN = "basedIn"
    IN_REGION = "inRegion"


# ---- the schema table: the one place each kind and predicate is spelled out --------------------------
# mapping.py reads the classes, network.py the predicate labels, evaluate.py the class names and page.py
# the legend (names, colours, shapes); tests/test_ontology.py checks the table against ontology/.


@dataclass(frozen=True)
class KindInfo:
    """How one entity kind is named in the ontology and drawn on pages."""

    cls: str  # local name of its class in the cj: namespace (also its rdfs:label)
    plural: str  # "3 countries"
    colour: str  # Okabe-Ito, safe for colour-blind readers
    shape: str  # a vis-network shape; distinct per kind so a grey print still tells them apart
    place: bool  # a Region or one of its subclasses


KINDS: dict[Kind, KindInfo] = {
    Kind.PROGRAMME: KindInfo("Programme", "programmes", "#E69F00", "diamond", place=False),
    Kind.PARTNER: KindInfo("Partner", "partners", "#0072B2", "dot", place=False),
    Kind.EVENT: KindInfo("Event", "events", "#009E73", "triangle", place=False),
    Kind.REGION: KindInfo("Region", "regions", "#CC79A7", "hexagon", place=True),
    Kind.COUNTRY: KindInfo("Country", "countries", "#56B4E9", "square", place=True),
    Kind.CITY: KindInfo("City", "cities", "#D55E00", "triangleDown", place=True),
}
PLACE_KINDS = frozenset(kind for kind, info in KINDS.items() if info.place)


@dataclass(frozen=True)
class PredicateInfo:
    """How one relation reads: `label` from subject to object (its rdfs:label), `inverse` the other way."""

    label: str  # "SEACOP -> funded by -> European Union"
    inverse: str  # "European Union -> funds -> SEACOP"


PREDICATES: dict[Predicate, PredicateInfo] = {
    Predicate.IMPLEMENTED_BY: PredicateInfo("implemented by", "implements"),
    Predicate.FUNDED_BY: PredicateInfo("funded by", "funds"),
    Predicate.HAS_PARTNER: PredicateInfo("has partner", "partner in"),
    Predicate.PART_OF: PredicateInfo("part of", "has part"),
    Predicate.COVERS_REGION: PredicateInfo("covers region", "covered by"),
    Predicate.ORGANISED_BY: PredicateInfo("organised by", "organised"),
    Predicate.HAS_PARTICIPANT: PredicateInfo("has participant", "took part in"),
    Predicate.HELD_IN: PredicateInfo("held in", "venue of"),
    Predicate.BASED_IN: PredicateInfo("based in", "home of"),
    Predicate.IN_REGION: PredicateInfo("in region", "contains"),
}


@dataclass(frozen=True)
class Span:
    """A stretch of a document's text, e.g. one sentence; offsets index Document.text."""

    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Document:
    """One source document after reading and cleaning; `text` is what evidence offsets point into."""

    source: str
    title: str
    text: str
    sentences: tuple[Span, ...]
    issued: str | None = None

    @cached_property
    def id(self) -> str:
        """First 16 hex digits of the SHA-256 of the extracted text (docs/design.md §2).

        Cached: mapping names every evidence node after it, and hashing the whole text each time made
        mapping one long report take time in the square of its length.
        """
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Evidence:
    """The sentence that supports a fact, by its offsets into Document.text."""

    start: int
    end: int
    quote: str


EntityKey = tuple[Kind, str]


@dataclass(frozen=True)
class Entity:
    """One real-world thing a document mentions; `slug` makes its IRI stable across documents."""

    kind: Kind
    slug: str
    label: str
    aliases: tuple[str, ...] = ()
    acronym: str | None = None
    evidence: tuple[Evidence, ...] = ()
    start: str | None = None  # events: "2018-09-11", "2018-09" or "2018", as precise as the text
    end: str | None = None
    event_type: str | None = None  # events: "meeting", "workshop", "training", ...

    @property
    def key(self) -> EntityKey:
        return (self.kind, self.slug)


@dataclass(frozen=True)
class Relation:
    """A fact between two entities with the sentence it came from."""

    subject: EntityKey
    predicate: Predicate
    object: EntityKey
    evidence: Evidence


@dataclass(frozen=True)
class Extraction:
    """Everything one document states, ready for mapping to RDF."""

    document: Document
    entities: tuple[Entity, ...] = ()
    relations: tuple[Relation, ...] = field(default=())
