"""Extraction reference data, relation cues: one table of words -> (predicate, argument roles), as data.

Every phrase that tells a relation lives here, once: the verbs ('funded by'), nouns ('participation of'),
prepositions ('in cooperation with'), possessives ("UNODC's") and hyphenated names ('EU-funded', 'WCO-led').
Rules (`extract.registry`) read their phrases from this table by predicate and shape; none keeps a private
list. A cue says where its two arguments stand:

- subject `before`: the programme (or body) named before the cue in its clause, else the paragraph's topic;
- subject `event`: the event whose sentence holds the cue;
- subject `glued`: the name written right before the cue, with no space ('EU' in 'EU-funded');
- object `after`: the coordinated list that starts right after the cue ('funded by A, B and C');
- object `before`: the coordinated list that ends right before the cue ('A and B took part');
- object `next`: the name that follows ('UNODC-led AIRCOP' -> AIRCOP is the subject, UNODC the object);
- subject `after` a noun, objects in its 'in' phrase or the appositive list before it ('the implementation
  of X in A', 'A and B, key partners of X').
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from functools import cache

from crimjust_graph.extract.gazetteer import TOKEN, fold
from crimjust_graph.model import Kind, Predicate


class Shape(Enum):
    """How a cue's arguments stand around it (see the module docstring)."""

    PASSIVE = "passive"  # subject before, objects after: 'X, funded by A and B'
    ACTIVE = "active"  # objects before the cue, about the event of the sentence: 'A and B took part'
    EVENT = "event"  # objects after, about the event of the sentence: 'attended by A and B'
    GLUED = "glued"  # object glued before, subject after: 'the EU-funded X'
    SUPPORTED = "supported"  # objects after, helping the event named before: 'a workshop supported by A'
    HOST = "host"  # objects after: who invited or hosted the sentence's event ('at the invitation of A')
    SIGNAL = "signal"  # the cue only marks the sentence (its place names are an event's venue)
    VERB = "verb"  # one verb form; its rule finds the arguments ('funded in 2020 by X', 'X will host')
    PARTNER_COUNTRIES = "partner countries"  # countries after it are the programme's partners or
    # beneficiaries: 'partners from A and B', 'beneficiary countries A and B' (the programme of the sentence)
    NOMINAL = "nominal"  # a noun with its programme right after: 'the implementation of X in A' (objects in
    # its 'in' phrase), 'A and B, key partners of X' (objects in the appositive's list before)


class Reach(Enum):
    """Where a glued cue's subject stands after it."""

    AT = "at"  # the name starting right after the cue ("UNODC's Container Control Programme")
    STARTS_WITHIN = "starts within"  # the first name starting within `span` tokens ('the UNODC-led AIRCOP')
    ENDS_WITHIN = "ends within"  # the last name ending within `span` tokens ('the EU-funded X Programme')


@dataclass(frozen=True)
class Glue:
    """A glued cue's arguments: the object is the name written right before the cue (a body, or a place when
    `object_is_place`), the subject a name of `subject_kinds` after it, as far as `reach` and `span` say."""

    object_kinds: frozenset[Kind]
    subject_kinds: frozenset[Kind]
    reach: Reach = Reach.AT
    span: int = 0
    object_is_place: bool = False


@dataclass(frozen=True)
class Cue:
    """One cue phrase: its folded words, the predicate it tells and how its arguments stand."""

    phrase: str
    predicate: Predicate
    shape: Shape
    glue: Glue | None = None  # for a glued cue read by the generic glued rule: where its arguments stand

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(fold(w) for w in TOKEN.findall(self.phrase))


P = Predicate
S = Shape
_PARTNERS = frozenset({Kind.PARTNER})
_PROGRAMMES = frozenset({Kind.PROGRAMME})
_BODIES = _PARTNERS | _PROGRAMMES
_SITES = frozenset({Kind.CITY, Kind.COUNTRY})

CUES: tuple[Cue, ...] = (
    # who pays
    *(
        Cue(phrase, P.FUNDED_BY, S.PASSIVE)
        for phrase in (
            "funded by",
            "financed by",
            "sponsored by",
            "co-funded by",
            "with funding from",
            "with financial support from",
            "with the financial support of",
            "thanks to funding from",
            "funding from",
        )
    ),
    Cue("-funded", P.FUNDED_BY, S.GLUED, Glue(_BODIES, _PROGRAMMES, Reach.ENDS_WITHIN, 4)),
    # who runs it
    *(
        Cue(phrase, P.IMPLEMENTED_BY, S.PASSIVE)
        for phrase in (
            "implemented by",
            "implemented jointly by",
            "jointly implemented by",
            "executed by",
            "run by",
            "managed by",
            "launched by",
            "led by",
            "coordinated by",
            "operated by",
            "administered by",
            "delivered by",
            "carried out by",
        )
    ),
    Cue("-led", P.IMPLEMENTED_BY, S.GLUED, Glue(_PARTNERS, _PROGRAMMES, Reach.STARTS_WITHIN, 5)),
    Cue("-", P.IMPLEMENTED_BY, S.GLUED),  # 'the UNODC-WCO Container Control Programme': both run it
    # "UNODC's Container Control Programme"
    Cue("'s", P.IMPLEMENTED_BY, S.GLUED, Glue(_PARTNERS, _PROGRAMMES)),
    # other partners
    *(
        Cue(phrase, P.HAS_PARTNER, S.PASSIVE)
        for phrase in (
            "in partnership with",
            "in cooperation with",
            "in collaboration with",
            "in close cooperation with",
            "together with",
            "jointly with",
            "partners include",
            "partners such as",
            "partners are",
            "receives support from",
            "received support from",
            "receive support from",
        )
    ),
    # 'A and B, key partners in the implementation of X': the list before, the programme after
    *(
        Cue(phrase, P.HAS_PARTNER, S.NOMINAL)
        for phrase in ("partners in the implementation of", "partners of", "partners in", "partner of")
    ),
    # geographic scope
    *(
        Cue(phrase, P.COVERS_REGION, S.PASSIVE)
        for phrase in (
            "covering",
            "covers",
            "cover",
            "across",
            "along the cocaine route in",
            "countries in",
            "operates in",
            "active in",
            "region of",
            "regions of",
            "implemented in",
            "helping",
            "helps",
            "supporting",
            "supports",
            "assisting",
            "assists",
            "composed of",  # 'the Platform, composed of Mali, Niger and Chad'
            "comprising",
            "consisting of",
            "expanded to",  # 'has since expanded to the Middle East and Southeast Asia'
            "expanded into",
            "extended to",
            "extends to",
        )
    ),
    *(
        Cue(phrase, P.COVERS_REGION, S.PARTNER_COUNTRIES)
        for phrase in ("partners from", "partner countries", "beneficiary countries", "partner states")
    ),
    *(
        Cue(phrase, P.COVERS_REGION, S.NOMINAL)
        for phrase in ("implementation of", "presence of", "activities of", "expansion of")
    ),
    # components
    *(
        Cue(phrase, P.PART_OF, S.PASSIVE)
        for phrase in ("component of", "part of", "pillar of", "sub-programme of", "umbrella of")
    ),
    # where a body sits
    *(
        Cue(phrase, P.BASED_IN, S.PASSIVE)
        for phrase in ("based in", "headquartered in", "headquarters in", "headquarters,")
    ),
    Cue("-based", P.BASED_IN, S.GLUED, Glue(_SITES, _PARTNERS, object_is_place=True)),  # 'the Almaty-based X
    # an event's organisers: a programme's frame, or a partner named beside the organising verb
    *(
        Cue(phrase, P.ORGANISED_BY, S.EVENT)
        for phrase in (
            "as part of",
            "is part of",
            "was part of",
            "in the framework of",
            "within the framework of",
            "under the framework of",
            "under the auspices of",
            "under the umbrella of",
            "under",  # 'the visit, under the X Network of the Y Programme' (a programme right after it)
        )
    ),
    *(
        Cue(phrase, P.ORGANISED_BY, S.PASSIVE)
        for phrase in (
            "in partnership with",
            "in cooperation with",
            "in collaboration with",
            "in close cooperation with",
            "in coordination with",
            "jointly with",
            "together with",
        )
    ),
    *(
        Cue(phrase, P.ORGANISED_BY, S.HOST)
        for phrase in ("at the invitation of", "on the invitation of", "at the initiative of", "hosted by")
    ),
    # an event's participants
    *(
        Cue(phrase, P.HAS_PARTICIPANT, S.EVENT)
        for phrase in (
            "brought together",
            "attended by",
            "participation of",
            "participants from",
            "representatives of",
            "representatives from",
            "delegations from",
            "delegations of",
            "delegation of",
            "delegation from",
            "officials from",
            "officers from",
            "experts from",
            "trainers from",
            "instructors from",
            "staff from",
            "analysts from",
            "investigators from",
            "prosecutors from",
            "professionals from",
            "delegates from",
            "trainees from",
            "delivered by",
            "presented by",
            "gathered",
            "representing",
            "on behalf of",
            "made up of",
            "attendance by",
            "attendance of",
            "in attendance",  # 'also in attendance were A and B'
            "opened by",  # 'the training was opened by Ms A, Director of X'
            "inaugurated by",
            "co-chaired by",  # 'co-chaired by Algeria and Uganda, the meeting ...'
        )
    ),
    *(
        Cue(phrase, P.HAS_PARTICIPANT, S.SUPPORTED)
        for phrase in ("supported by", "with support from", "with the support of")
    ),
    *(
        Cue(phrase, P.HAS_PARTICIPANT, S.ACTIVE)
        for phrase in (
            "delivered",
            "presented",
            "participated",
            "took part",
            "attended",
            "participate",  # headlines in the present tense: 'A and B participate in an exchange mission'
            "participates",
            "take part",
            "takes part",
            "attend",
            "attends",
            "contributed",
            "spoke",
            "described",  # 'the Public Ministry of Panama described recent cases'
            "outlined",
            "briefed",
            "shared",
            "showcased",
            "made a presentation",
            "gave a presentation",
            "provided an update",  # a speaker at the meeting: 'experts of X provided an update on Y'
            "gave an update",
            "provided an overview",
            "gave an overview",
            "provided valuable contributions",  # 'A and B, partners of X, also provided valuable ...'
            "provided contributions",
            "made contributions",
            "joined",
            "was represented",  # 'the X project was represented at the meeting'
            "were represented",
            "sent",  # 'A and B sent liaison officers'
            "taught",
            "demonstrated",
            "showed",
            "deployed",  # 'A deployed analysts to the centre'
        )
    ),
    # verbs whose arguments the rules find from the clause around them
    *(Cue(v, P.FUNDED_BY, S.VERB) for v in ("funded", "financed", "co-funded", "cofunded", "sponsored")),
    *(Cue(v, P.FUNDED_BY, S.SUPPORTED) for v in ("supported", "backed", "assisted")),
    *(
        Cue(v, P.HAS_PARTNER, S.VERB)
        for v in """work works working worked cooperate cooperates cooperating cooperated collaborate
        collaborates collaborating collaborated partner partners partnering partnered liaise
        liaises""".split()  # noqa: SIM905
    ),
    *(
        Cue(v, P.ORGANISED_BY, S.VERB)
        for v in """organised organized hosted convened held co-organised co-organized co-hosted launched
        conducted coordinated led chaired run hold holds holding host hosts organises organizes organising
        organizing convenes convening""".split()  # noqa: SIM905
    ),
    *(  # a speaker's body took part: 'the Director of X said'
        Cue(v, P.HAS_PARTICIPANT, S.VERB)
        for v in """said says stated stressed noted explained highlighted underlined emphasised emphasized
        added remarked declared affirmed recalled underscored pointed spoke welcomed thanked""".split()  # noqa: SIM905
    ),
    *(Cue(v, P.HELD_IN, S.VERB) for v in ("hosted", "witnessed", "welcomed")),  # 'Lima hosted the meeting'
    # a sentence that says where the current event happened
    *(
        Cue(phrase, P.HELD_IN, S.SIGNAL)
        for phrase in ("held in", "took place", "brought together", "gathered", "hosted in", "met in")
    ),
)


@cache
def phrases(predicate: Predicate, shape: Shape, *only: str) -> tuple[tuple[str, ...], ...]:
    """The folded word tuples of the table's cues for one predicate and shape (optionally only these)."""
    return tuple(
        c.words
        for c in CUES
        if c.predicate is predicate and c.shape is shape and (not only or c.phrase in only)
    )


@cache
def verbs(predicate: Predicate, shape: Shape = Shape.VERB) -> frozenset[str]:
    """The table's single verb forms for one predicate, as folded words."""
    return frozenset(fold(c.phrase) for c in CUES if c.predicate is predicate and c.shape is shape)


@cache
def glued_predicates() -> frozenset[Predicate]:
    """The predicates the glued cues with argument places tell ('EU-funded', 'UNODC-led', "UNODC's")."""
    return frozenset(c.predicate for c in CUES if c.glue is not None)


@cache
def glued_marks() -> frozenset[str]:
    """The first folded words of the glued cues ('-', "'"): a sentence without one holds none."""
    return frozenset(c.words[0] for c in CUES if c.glue is not None)


def without(cues: tuple[tuple[str, ...], ...], *phrases_: str) -> tuple[tuple[str, ...], ...]:
    """The cues less some phrases ('umbrella of' reads differently from 'part of')."""
    drop = {tuple(fold(w) for w in TOKEN.findall(p)) for p in phrases_}
    return tuple(c for c in cues if c not in drop)
