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


PLACE_KINDS = frozenset({Kind.REGION, Kind.COUNTRY, Kind.CITY})


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
