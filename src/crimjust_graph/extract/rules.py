"""Extraction stage, rule-based extractor: Document -> Extraction (entities with evidence, relations)."""

from __future__ import annotations

from dataclasses import dataclass, field

from crimjust_graph.extract import gazetteer, registry
from crimjust_graph.extract.events import EventDraft, find_events
from crimjust_graph.extract.heads import Mention
from crimjust_graph.extract.lists import Mentions
from crimjust_graph.extract.mentions import find_mentions
from crimjust_graph.extract.relations import to_relations
from crimjust_graph.extract.tokens import Context
from crimjust_graph.model import Document, Entity, EntityKey, Evidence, Extraction, Kind, Predicate, Relation


@dataclass
class _Book:
    """An entity being assembled: canonical label plus what this document says about it."""

    kind: Kind
    slug: str
    label: str
    acronym: str | None = None
    aliases: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    seen: set[object] = field(default_factory=set)  # aliases and evidence already recorded: O(1) checks
    start: str | None = None
    end: str | None = None
    event_type: str | None = None

    def see(self, surface: str, evidence: Evidence) -> None:
        surface = surface.removeprefix("the ").removeprefix("The ").strip(' "“”')
        if surface and surface != self.label and ("alias", surface) not in self.seen:
            self.seen.add(("alias", surface))
            self.aliases.append(surface)
        if evidence not in self.seen:
            self.seen.add(evidence)
            self.evidence.append(evidence)

    def freeze(self) -> Entity:
        return Entity(
            self.kind,
            self.slug,
            self.label,
            tuple(self.aliases),
            self.acronym,
            tuple(sorted(self.evidence, key=lambda e: e.start)),
            self.start,
            self.end,
            self.event_type,
        )


class RuleExtractor:
    """The default extractor: gazetteer, learnt acronyms, capitalised names with heads, cue phrases."""

    def __call__(self, document: Document) -> Extraction:
        ctx = Context.build(document)
        body_list, place_list = find_mentions(ctx)
        bodies, places = Mentions(ctx, body_list), Mentions(ctx, place_list)
        books: dict[EntityKey, _Book] = {}
        for m in [*bodies.all, *places.all]:
            self._book(books, m).see(m.surfaces[0], ctx.evidence(ctx.sent_of[m.first]))
            for s in m.surfaces[1:]:
                books[m.key].see(s, ctx.evidence(ctx.sent_of[m.first]))
        relations = to_relations(iter(registry.settle([f for _, f in registry.facts(ctx, bodies, places)])))
        absorbed: set[EntityKey] = set()
        for draft in find_events(ctx, bodies, places):
            relations += self._event(ctx, books, draft)
            absorbed.update(m.key for m in draft.absorbed)
        for key in absorbed:  # a body learnt from an event's name ('Workshop for Maritime Units') is no body
            books.pop(key, None)
        for r in relations:  # a region named by its adjective only ('ten African countries: ...')
            place = gazetteer.place_by_key().get(r.object)
            if r.object not in books and place is not None and r.predicate is Predicate.IN_REGION:
                books[r.object] = _Book(place.kind, place.slug, place.label)
                books[r.object].see("", r.evidence)
        relations += registry.derived(relations)
        relations = [r for r in dict.fromkeys(relations) if r.subject in books and r.object in books]
        return Extraction(document, tuple(b.freeze() for b in books.values()), tuple(relations))

    @staticmethod
    def _book(books: dict[EntityKey, _Book], m: Mention) -> _Book:
        book = books.get(m.key)
        if book is None:
            book = books[m.key] = _Book(m.kind, m.key[1], m.known.label, m.known.acronym)
        return book

    def _event(self, ctx: Context, books: dict[EntityKey, _Book], draft: EventDraft) -> list[Relation]:
        key = (Kind.EVENT, draft.slug(ctx.document.id))
        book = books.get(key) or _Book(Kind.EVENT, key[1], draft.label(), event_type=draft.event_type)
        books[key] = book
        book.start, book.end = book.start or draft.start, book.end or draft.end
        for t in draft.triggers:
            book.see("", ctx.evidence(ctx.sent_of[t]))
        for s in [*draft.surfaces, draft.composed()]:
            book.see(s, ctx.evidence(ctx.sent_of[draft.triggers[0]]))
        out = []
        roles = (
            (Predicate.ORGANISED_BY, draft.organisers or draft.owners),
            (Predicate.FUNDED_BY, draft.funders),
            (Predicate.HELD_IN, draft.sites),
            (Predicate.HAS_PARTICIPANT, draft.participants),
        )
        for predicate, items in roles:
            for m, sent in items:
                out.append(Relation(key, predicate, m.key, ctx.evidence(sent)))
        return out
