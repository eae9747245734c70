"""Extraction stage, relation rules: mentions, lists and frames -> facts, from one registry of named rules.

"Where does implementedBy come from?" has one answer: `rules_for(Predicate.IMPLEMENTED_BY)`, the rules below
whose `predicates` hold it. Nothing outside these tables states a relation (tests/test_extract_registry.py
wraps every rule and checks that each relation made was stated by one). The layers a rule reads:

1. mentions (`mentions`, `learning`, `places`, `gazetteer`): entities with acronyms and aliases;
2. coordinated lists (`lists.Mentions.forward/backward/after`): 'A, B and C', 'A as well as B';
3. clause frames (`frames.frames_of`): each sentence's clauses, with who acts, the 'by' agents, partners,
   places, programme frame, supporters, the cues of `cues.CUES` it holds and its modality (past, present,
   planned, previous), built once per sentence;
4. relations, from four tables of rules:
   - `SENTENCE_RULES`, run on each sentence by `facts()`: `glued` reads every glued cue of the table from the
     frames ("UNODC's X", 'the EU-funded X', 'the UNODC-led X', 'the Almaty-based X'); the others are small
     named functions for one shape each in `relations` and `structure`, their phrases taken from `cues.CUES`;
   - `DOCUMENT_RULES`, run once over the document's mentions (a body's country, a city's country);
   - `EVENT_RULES`, asked by `events` through `event_role()` at each mention of an event (organisers,
     funders, venues, participants; functions in `roles`);
   - `RELATION_RULES`, run last by `derived()` over the relations already made (a venue's country).
   `settle()` keeps the strongest programme role where several are told.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from crimjust_graph.extract import cues, relations, roles, structure
from crimjust_graph.extract.frames import EventSpot
from crimjust_graph.extract.heads import PROGRAMME_HEADS, Mention
from crimjust_graph.extract.lists import Mentions
from crimjust_graph.extract.relations import Fact
from crimjust_graph.extract.tokens import Context
from crimjust_graph.model import Predicate, Relation

SentenceFinder = Callable[[Context, Mentions, Mentions, int], Iterator[Fact]]
DocumentFinder = Callable[[Context, Mentions, Mentions], Iterator[Fact]]

P = Predicate


@dataclass(frozen=True)
class Rule:
    """A named rule: the predicates it may state and the function that finds them in one sentence."""

    name: str
    predicates: frozenset[Predicate]
    run: SentenceFinder
    needs: frozenset[str] = frozenset()  # run only in sentences holding one of these folded words


@dataclass(frozen=True)
class DocumentRule:
    """A rule that reads the whole document's mentions once (a body's country, a city's country)."""

    name: str
    predicates: frozenset[Predicate]
    run: DocumentFinder


EventFinder = Callable[[Context, Mentions, EventSpot], list[Mention]]


@dataclass(frozen=True)
class EventRule:
    """A named event rule: the predicate it gives an event and the function that finds its objects (bodies or
    places) at one mention of the event, or in one sentence told about it."""

    name: str
    predicates: frozenset[Predicate]
    run: EventFinder


@dataclass(frozen=True)
class RelationRule:
    """A named rule over the relations already made (an event's venue city -> its country too)."""

    name: str
    predicates: frozenset[Predicate]
    run: Callable[[list[Relation]], list[Relation]]


def _rule(run: SentenceFinder, *predicates: Predicate, needs: frozenset[str] = frozenset()) -> Rule:
    return Rule(run.__name__, frozenset(predicates), run, needs)


SENTENCE_RULES: tuple[Rule, ...] = (
    _rule(relations.implemented_by, P.IMPLEMENTED_BY),
    _rule(relations.glued, *cues.glued_predicates(), needs=cues.glued_marks()),
    _rule(relations.lead_and_partners, P.IMPLEMENTED_BY, P.HAS_PARTNER, needs=frozenset({"partners"})),
    _rule(relations.funded_by, P.FUNDED_BY),
    _rule(relations.partner_cue, P.HAS_PARTNER),
    _rule(relations.partners_appositive, P.HAS_PARTNER, needs=frozenset({"partners", "partner"})),
    _rule(relations.umbrella, P.PART_OF),
    _rule(relations.part_of, P.PART_OF),
    _rule(relations.components, P.PART_OF, needs=relations.COMPONENT_NOUNS),
    _rule(relations.owned, P.IMPLEMENTED_BY, needs=frozenset({"is", "was"})),
    _rule(relations.coverage, P.COVERS_REGION),
    _rule(relations.nominal_coverage, P.COVERS_REGION, needs=relations.NOMINAL_COVER_NOUNS),
    _rule(relations.units_in_countries, P.COVERS_REGION, needs=relations.UNIT_NOUNS),
    _rule(relations.partner_countries, P.COVERS_REGION, needs=relations.PARTNER_COUNTRY_WORDS),
    _rule(relations.acts_in, P.COVERS_REGION, needs=frozenset({"in"})),
    _rule(structure.funded_with, P.FUNDED_BY, needs=structure.FUND_VERBS),
    _rule(structure.supported, P.FUNDED_BY, P.HAS_PARTNER, needs=structure.SUPPORT_VERBS | {"support"}),
    _rule(structure.work_with, P.HAS_PARTNER, needs=structure.WORK_VERBS | {"counterparts"}),
    _rule(structure.acting_within, P.IMPLEMENTED_BY, needs=structure.FRAME_WORDS),
    _rule(structure.body_programmes, P.FUNDED_BY, P.IMPLEMENTED_BY, needs=structure.PLURAL_PROGRAMMES),
    _rule(structure.appositive_owner, P.IMPLEMENTED_BY, needs=PROGRAMME_HEADS),
    _rule(structure.named_component, P.PART_OF, needs=frozenset({"component", "pillar"})),
    _rule(relations.based_in, P.BASED_IN),
    _rule(relations.headquarters, P.BASED_IN, needs=frozenset({"headquarters"})),
    _rule(relations.countries_in_region, P.IN_REGION),
)

DOCUMENT_RULES: tuple[DocumentRule, ...] = (
    DocumentRule("owner_in_front", frozenset({P.IMPLEMENTED_BY}), structure.owner_in_front),
    DocumentRule("named_country", frozenset({P.BASED_IN}), relations.named_country),
    DocumentRule("national_bodies", frozenset({P.BASED_IN}), relations.national_bodies),
    DocumentRule("city_in_country", frozenset({P.IN_REGION}), relations.city_in_country),
)

# An event's roles: `events` finds each mention of an event and asks these, by name, through `event_role`.
EVENT_RULES: tuple[EventRule, ...] = (
    EventRule("organisers", frozenset({P.ORGANISED_BY}), roles.organisers),
    EventRule("named_in_front", frozenset({P.ORGANISED_BY}), roles.named_in_front),
    EventRule("funders", frozenset({P.FUNDED_BY}), roles.funders),
    EventRule("supporters", frozenset({P.HAS_PARTICIPANT}), roles.supporters),
    EventRule("participants", frozenset({P.HAS_PARTICIPANT}), roles.participants),
    EventRule("sites", frozenset({P.HELD_IN}), roles.sites),
    EventRule("areas_crossed", frozenset({P.HELD_IN}), roles.areas_crossed),
    EventRule("dateline_sites", frozenset({P.HELD_IN}), roles.dateline_sites),
)

# Rules that read the relations already made, run last, in this order (the second reads the first's).
RELATION_RULES: tuple[RelationRule, ...] = (
    RelationRule("country_of_venue", frozenset({P.HELD_IN}), roles.country_of_venue),
    RelationRule(
        "hosts_of_a_programmes_events", frozenset({P.HAS_PARTNER}), roles.hosts_of_a_programmes_events
    ),
)


def event_role(name: str, ctx: Context, mentions: Mentions, spot: EventSpot) -> list[Mention]:
    """What the event rule `name` finds at one mention of an event (or in one sentence told about it)."""
    for rule in EVENT_RULES:
        if rule.name == name:
            return rule.run(ctx, mentions, spot)
    raise KeyError(name)


def derived(relations: list[Relation]) -> list[Relation]:
    """The relations the relation rules add to those already made, in order."""
    made, added = list(relations), list[Relation]()
    for rule in RELATION_RULES:
        new = rule.run(made)
        made += new
        added += new
    return added


def facts(ctx: Context, bodies: Mentions, places: Mentions) -> Iterator[tuple[str, Fact]]:
    """Every rule's facts with the rule's name, sentence by sentence, then the document-wide rules."""
    for sent, rng in enumerate(ctx.sentence_ranges):
        words = set(ctx.folded[rng.start : rng.stop])
        for rule in SENTENCE_RULES:
            if not rule.needs or words & rule.needs:
                yield from ((rule.name, f) for f in rule.run(ctx, bodies, places, sent))
    for document_rule in DOCUMENT_RULES:
        yield from ((document_rule.name, f) for f in document_rule.run(ctx, bodies, places))


def rules_for(predicate: Predicate) -> list[str]:
    """The names of the rules that may state `predicate`: where a relation of that kind comes from."""
    names = [r.name for r in SENTENCE_RULES if predicate in r.predicates]
    names += [r.name for r in DOCUMENT_RULES if predicate in r.predicates]
    names += [r.name for r in EVENT_RULES if predicate in r.predicates]
    return names + [r.name for r in RELATION_RULES if predicate in r.predicates]


def settle(found: list[Fact]) -> list[Fact]:
    """hasPartner means 'not implementer or funder': drop it where the text gives the stronger role."""
    return structure.settle_roles(found)
