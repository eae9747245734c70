"""Extraction stage, vocabulary of names: head words, event triggers and the Mention every stage shares."""

from __future__ import annotations

from dataclasses import dataclass

from crimjust_graph.extract.gazetteer import Known
from crimjust_graph.extract.tokens import CONNECTORS, Context
from crimjust_graph.model import EntityKey, Kind
from crimjust_graph.vocab import slugify

PROGRAMME_HEADS = frozenset(
    {"programme", "program", "project", "initiative", "facility", "network", "platform"}
)
ORG_HEADS = frozenset(
    """ministry police agency office directorate service commission authority unit centre center council
    coastguard delegation navy army cell college ltd limited inc gmbh division
    symposium secretariat court department bureau institute organization organisation association foundation
    force guard customs gendarmerie prosecution parliament tribunal academy university coalition alliance
    committee board administration observatory federation union bank fund government team""".split()  # noqa: SIM905
)
EVENT_TRIGGERS = frozenset(
    """meeting workshop training course conference symposium seminar summit operation mission forum roundtable
    exercise webinar ceremony visit""".split()  # noqa: SIM905
)
# A name learnt from its acronym is an organisation only with one of these words in it.
ORG_WORDS = ORG_HEADS | frozenset(
    """group system international internacional istituto instituto fundación fundacion organización
    organizacion organizzazione policía policia polizia guardia ministerio ministère ministero agence
    agencia""".split()  # noqa: SIM905
)
# A name made only of these words is a bare head: never an entity of its own (docs/design.md §2).
BARE = (
    PROGRAMME_HEADS
    | ORG_HEADS
    | frozenset("the this its their our steering executive technical joint new project s".split())  # noqa: SIM905
)
REFERENCE_HEADS = frozenset({"programme", "program", "project", "initiative", "facility"})
REFERENCE_DETERMINERS = frozenset({"the", "this", "that", "its"})
# Words that make a name generic: a body named only with these needs a country ("national-police-colombia").
GENERIC = frozenset(
    """national federal state regional public general central ministry police agency office directorate
    service commission authority unit centre center council department bureau court prosecutor prosecutors
    attorney justice interior security defence defense finance foreign affairs home customs border coast guard
    navy army
    air force naval military immigration revenue tax drug drugs narcotics anti counter control enforcement law
    criminal crime investigation investigations investigative intelligence financial judicial supreme high
    prison prisons penitentiary gendarmerie special organized organised serious transnational division
    information analysis airport port maritime anti-narcotics antinarcotics administration institute academy
    training task forces civil economic cyber cybercrime money laundering government of for and the on
    technical secretariat executive judiciary municipal metropolitan coastal traffic
    against""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class Mention:
    """One stretch of tokens [first, last) naming a known or newly found entity."""

    first: int
    last: int
    known: Known
    surfaces: tuple[str, ...]
    country: EntityKey | None = None  # national bodies: the country that qualifies them

    @property
    def key(self) -> EntityKey:
        return self.known.key

    @property
    def kind(self) -> Kind:
        return self.known.key[0]


def known_as(kind: Kind, label: str, acronym: str | None = None) -> Known:
    return Known((kind, slugify(label)), label, acronym)


def head_of(ctx: Context, first: int, last: int) -> str:
    """A name's head: the last word before its first connector ('Ministry' in 'Ministry of Justice')."""
    final = ctx.folded[last - 1]
    for k in range(first + 1, last):
        if ctx.folded[k] in {"and", "&"} and final in PROGRAMME_HEADS | ORG_HEADS:
            return final  # 'Drugs and Precursors Programme'
        if ctx.folded[k] in CONNECTORS and ctx.folded[k] not in {"-", "&"}:
            return ctx.folded[k - 1]
    return final
