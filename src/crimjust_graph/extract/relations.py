"""Extraction stage, programme relations: mentions -> implementedBy, hasPartner, fundedBy, partOf, ..."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import islice
from weakref import WeakKeyDictionary

from crimjust_graph.extract import gazetteer
from crimjust_graph.extract.cues import Glue, Reach, Shape, phrases, verbs, without
from crimjust_graph.extract.frames import Clause, ClauseKind, clauses_of
from crimjust_graph.extract.heads import EVENT_TRIGGERS, PROGRAMME_HEADS, Mention
from crimjust_graph.extract.lists import AREAS, BODIES, PARTNERS, PROGRAMMES, SITES, Mentions
from crimjust_graph.extract.tokens import Context
from crimjust_graph.model import EntityKey, Evidence, Kind, Predicate, Relation

Fact = tuple[Mention, Predicate, Mention, Evidence]

FUND_CUES = phrases(Predicate.FUNDED_BY, Shape.PASSIVE)
IMPLEMENT_CUES = phrases(Predicate.IMPLEMENTED_BY, Shape.PASSIVE)
COVER_CUES = phrases(Predicate.COVERS_REGION, Shape.PASSIVE)
NOMINAL_COVER_CUES = phrases(Predicate.COVERS_REGION, Shape.NOMINAL)
NOMINAL_COVER_NOUNS = frozenset(cue[0] for cue in NOMINAL_COVER_CUES)
PARTNER_COUNTRY_CUES = phrases(Predicate.COVERS_REGION, Shape.PARTNER_COUNTRIES)
PARTNER_COUNTRY_WORDS = frozenset(cue[0] for cue in PARTNER_COUNTRY_CUES)
PART_CUES = without(phrases(Predicate.PART_OF, Shape.PASSIVE), "umbrella of")
UMBRELLA_CUES = phrases(Predicate.PART_OF, Shape.PASSIVE, "umbrella of")
BASED_CUES = phrases(Predicate.BASED_IN, Shape.PASSIVE, "based in", "headquartered in")
HEADQUARTERS_CUES = phrases(Predicate.BASED_IN, Shape.PASSIVE, "headquarters in", "headquarters,")
# After an implementer list, more implementers: 'executed by A and B through C, together with D', 'implemented
# by A with B and C' (not 'with support from B'); 'implemented by A in partnership with B' makes B a partner
# (the partner cues' job), not an implementer.
MORE_IMPLEMENTERS = (("through",), ("together", "with"), ("as", "well", "as"), ("with",))
COMPONENT_NOUNS = frozenset({"component", "components", "pillar", "pillars", "sub-programmes"})
PLURAL_PROGRAMMES = frozenset({"programmes", "programs", "projects", "initiatives"})


def _cues(ctx: Context, sent: int, cues: tuple[tuple[str, ...], ...]) -> Iterator[tuple[int, int]]:
    return ctx.cues(sent, cues)


def _table_cues(
    bodies: Mentions, places: Mentions, sent: int, predicate: Predicate, shape: Shape, *only: str
) -> Iterator[tuple[int, int]]:
    """(start, end) of the table's cues of one predicate and shape (optionally only these phrases) in the
    sentence, read from its clauses: a cue never reaches across a clause boundary."""
    for clause in clauses_of(bodies, places, sent):
        for hit in clause.cues:
            cue = hit.cue
            if cue.predicate is predicate and cue.shape is shape and (not only or cue.phrase in only):
                yield hit.start, hit.end


def _in_pp(ctx: Context, m: Mention, words: frozenset[str]) -> bool:
    k = m.first - 1
    while k >= 0 and ctx.folded[k] == "the":
        k -= 1
    return k >= 0 and ctx.folded[k] in words


def _subject(ctx: Context, bodies: Mentions, i: int, window: int) -> Mention | None:
    """The programme a cue at token i is about: the nearest before it outside a prepositional phrase."""
    sent = ctx.sent_of[min(i, len(ctx) - 1)]
    candidates = [m for m in bodies.in_sentence(sent, PROGRAMMES) if m.last <= i and i - m.last <= window]
    for m in reversed(candidates):
        if not _in_pp(ctx, m, _PP):
            return m
    if candidates and _opens_with_pronoun(ctx, sent):
        # 'It is funded by the EU through the Instrument X and is managed by the EC': 'It' is the subject
        return topic_of(ctx, bodies, sent, besides=candidates[-1])
    if candidates:
        return candidates[-1]
    opening = bodies.by_first.get(ctx.sentence_ranges[sent].start)  # 'COLIBRI: ..., funded by the EU'
    return opening if opening is not None and opening.kind in PROGRAMMES and opening.last <= i else None


def subject_or_topic(ctx: Context, bodies: Mentions, i: int, window: int) -> Mention | None:
    """The cue's programme; in a sentence naming no programme nor event, the paragraph's programme."""
    subject = _subject(ctx, bodies, i, window)
    if subject is not None:
        return subject
    sent = ctx.sent_of[i]
    before = [m for m in bodies.in_sentence(sent, PROGRAMMES) if m.first < i]
    if not before and ctx.folded[ctx.sentence_ranges[sent].start] == "it":
        return topic_of(ctx, bodies, sent)  # 'It is funded by A through the Instrument B': the topic
    if bodies.in_sentence(sent, PROGRAMMES) or any(
        ctx.folded[k] in EVENT_TRIGGERS for k in ctx.sentence_ranges[sent]
    ):
        return None
    return topic_of(ctx, bodies, sent)


def _implementers(ctx: Context, bodies: Mentions, end: int) -> list[Mention]:
    out = bodies.after(end, PARTNERS)
    while out:
        k = out[-1].last
        while k < len(ctx) and ctx.words[k] == ",":
            k += 1
        cue = next((c for c in MORE_IMPLEMENTERS if ctx.folded[k : k + len(c)] == c), None)
        more = bodies.after(k + len(cue), PARTNERS) if cue else []
        if not more:
            break
        out += more
    return out


def implemented_by(ctx: Context, bodies: Mentions, places: Mentions, sent: int) -> Iterator[Fact]:
    """'X, implemented by A and B' (or 'several programmes implemented by A: X and Y') -> implementedBy."""
    ev = ctx.evidence(sent)
    for a, b in _table_cues(bodies, places, sent, Predicate.IMPLEMENTED_BY, Shape.PASSIVE):
        implementers = _implementers(ctx, bodies, b)
        plural = a > 0 and ctx.folded[a - 1] in PLURAL_PROGRAMMES  # 'several programmes implemented by'
        subject = _subject(ctx, bodies, a, window=12)
        if subject is not None and any(ctx.folded[k] in EVENT_TRIGGERS for k in range(subject.last, a)):
            continue  # 'AIRCOP's workshop, led by INTERPOL': the cue is about the event
        if subject is None and not plural:
            subject = subject_or_topic(ctx, bodies, a, window=0)
        if subject is not None:
            yield from ((subject, Predicate.IMPLEMENTED_BY, x, ev) for x in implementers)
        elif a > 0 and ctx.folded[a - 1] in PLURAL_PROGRAMMES and sent + 1 < len(ctx.sentences):
            listed = [m for m in bodies.in_sentence(sent + 1, PROGRAMMES) if not _in_pp(ctx, m, _PP)]
            both = ctx.evidence_between(sent, sent + 1)
            yield from ((p, Predicate.IMPLEMENTED_BY, x, both) for p in listed for x in implementers)


def glued(ctx: Context, bodies: Mentions, places: Mentions, sent: int) -> Iterator[Fact]:
    """The glued cues of the table, read from the sentence's clauses: "UNODC's X" and 'the UNODC-led X' ->
    implementedBy, 'the EU-funded X' -> fundedBy, 'the Almaty-based X' -> basedIn; each cue's `Glue` says
    which name before it is the object and how far after it the subject stands."""
    for clause in clauses_of(bodies, places, sent):
        for hit in clause.cues:
            glue = hit.cue.glue
            if glue is None:
                continue
            before = (places if glue.object_is_place else bodies).by_last.get(hit.start)
            subject = _glued_subject(ctx, bodies, glue, hit.start, hit.end, sent)
            if before is not None and before.kind in glue.object_kinds and subject is not None:
                yield subject, hit.cue.predicate, before, ctx.evidence(sent)


def _glued_subject(ctx: Context, bodies: Mentions, glue: Glue, a: int, b: int, sent: int) -> Mention | None:
    if glue.reach is Reach.AT:
        found = bodies.by_first.get(b)
    elif glue.reach is Reach.STARTS_WITHIN:
        found = next(iter(bodies.between(b, b + glue.span, glue.subject_kinds)), None)
        found = found if found is not None and ctx.sent_of[found.first] == sent else None
    else:
        found = bodies.nearest_before(b + glue.span, glue.subject_kinds, window=glue.span)
        found = found if found is not None and found.first > a else None
    return found if found is not None and found.kind in glue.subject_kinds else None


def lead_and_partners(ctx: Context, bodies: Mentions, places: Mentions, sent: int) -> Iterator[Fact]:
    """'X is run by UNODC and its partners (INTERPOL and TI)' -> implementedBy UNODC, hasPartner the rest."""
    ev = ctx.evidence(sent)
    programmes = bodies.in_sentence(sent, PROGRAMMES)
    for i in ctx.sentence_ranges[sent]:
        if ctx.folded[i : i + 3] == ("and", "its", "partners") and i in bodies.by_last:
            lead = bodies.by_last[i]
            partners = bodies.forward(i + 3, PARTNERS)
            subjects = [p for p in programmes if not _in_pp(ctx, p, _FUNDING_PP) and p.key != lead.key]
            for p in subjects[:1]:
                yield p, Predicate.IMPLEMENTED_BY, lead, ev
                yield from ((p, Predicate.HAS_PARTNER, x, ev) for x in partners if x.key != lead.key)


def funded_by(ctx: Context, bodies: Mentions, places: Mentions, sent: int) -> Iterator[Fact]:
    """'X is funded by A and B', 'with financial support from A' -> fundedBy."""
    for a, b in _table_cues(bodies, places, sent, Predicate.FUNDED_BY, Shape.PASSIVE):
        subject = subject_or_topic(ctx, bodies, a, window=15)
        if subject is not None:
            ev = ctx.evidence(sent)
            funders = bodies.after(b, BODIES)
            if funders and ctx.folded[funders[-1].last : funders[-1].last + 1] in {("through",), ("via",)}:
                funders += bodies.after(funders[-1].last + 1, PROGRAMMES)  # '... by A through the Fund B'
            yield from ((subject, Predicate.FUNDED_BY, x, ev) for x in funders if x.key != subject.key)


ORGANISE_VERBS = verbs(Predicate.ORGANISED_BY)


def _organising_programme(ctx: Context, bodies: Mentions, sent: int, cue: int) -> Mention | None:
    """'AIRCOP organized a course in Dakar, in collaboration with A': the organiser works with A."""
    for m in bodies.in_sentence(sent, PROGRAMMES):
        k = m.last + (ctx.words[m.last : m.last + 1] == (")",))  # 'AIRCOP (UNODC's X Project) organized'
        if k < cue and ctx.folded[k] in ORGANISE_VERBS:
            return m
    return None


APPOSITIVE_PARTNER_CUES = phrases(Predicate.HAS_PARTNER, Shape.NOMINAL)
_PARTNER_ADJECTIVES = frozenset(
    {"a", "an", "the", "key", "main", "long-standing", "longstanding", "close", "its"}
)


def partners_appositive(ctx: Context, bodies: Mentions, places: Mentions, sent: int) -> Iterator[Fact]:
    """'The JRCC and UK Border Force, key partners in the implementation of AIRCOP' -> hasPartner."""
    taken = -1
    for a, b in _table_cues(bodies, places, sent, Predicate.HAS_PARTNER, Shape.NOMINAL):
        if a <= taken:
            continue  # 'partners in the implementation of' already read; not again as 'partners in'
        taken = b
        k = a
        while k > 0 and ctx.folded[k - 1] in _PARTNER_ADJECTIVES:
            k -= 1
        programme = bodies.after(b, PROGRAMMES, skip=1)[:1]
        if k == 0 or ctx.words[k - 1] != "," or not programme or programme[0].kind is not Kind.PROGRAMME:
            continue
        partners = [m for m in bodies.backward(k - 1, PARTNERS) if m.key != programme[0].key]
        yield from ((programme[0], Predicate.HAS_PARTNER, m, ctx.evidence(sent)) for m in partners)


def _event_clause(ctx: Context, clauses: tuple[Clause, ...], programme: Mention, sent: int, cue: int) -> bool:
    """An event is the clause's subject and the programme only its frame ('the workshop ... under X'), not
    a relative clause about the programme ('delivered by X, which is run by A in partnership with B')."""
    opening = ctx.sentence_ranges[sent].start
    relative = any(c.kind is ClauseKind.RELATIVE and programme.last <= c.start <= cue for c in clauses)
    framed = _in_pp(ctx, programme, _PP) and not relative
    return framed and any(ctx.folded[k] in EVENT_TRIGGERS for k in range(opening, programme.first))


def partner_cue(ctx: Context, bodies: Mentions, places: Mentions, sent: int) -> Iterator[Fact]:
    """'X, in partnership with A and B' -> hasPartner: the partner cues of the table, read from the sentence's
    clauses (none about a programme's event, none across a relative clause about another body)."""
    clauses = clauses_of(bodies, places, sent)
    hits = (h for c in clauses for h in c.cues if (h.cue.predicate, h.cue.shape) == _PARTNER_PASSIVE)
    for hit in hits:
        a, b = hit.start, hit.end
        subject = subject_or_topic(ctx, bodies, a, window=15) or _organising_programme(ctx, bodies, sent, a)
        if subject is not None and _event_clause(ctx, clauses, subject, sent, a):
            continue  # 'the workshop was organised by A under X together with B': B co-organised the event
        if subject is not None:
            ev = ctx.evidence(sent)
            yield from ((subject, Predicate.HAS_PARTNER, x, ev) for x in bodies.after(b, PARTNERS))


_PARTNER_PASSIVE = (Predicate.HAS_PARTNER, Shape.PASSIVE)


def umbrella(ctx: Context, bodies: Mentions, places: Mentions, sent: int) -> Iterator[Fact]:
    """'Under the umbrella of P, A and B ...' -> A and B partOf P."""
    programmes = bodies.in_sentence(sent, PROGRAMMES)
    for _, b in _cues(ctx, sent, UMBRELLA_CUES):
        parents = bodies.after(b, PROGRAMMES)
        if parents:
            children = [p for p in programmes if p.first > parents[0].last and p.key != parents[0].key]
            yield from ((c, Predicate.PART_OF, parents[0], ctx.evidence(sent)) for c in children)


def part_of(ctx: Context, bodies: Mentions, places: Mentions, sent: int) -> Iterator[Fact]:
    """'X, a component of P', 'It is a part of P' -> partOf."""
    for a, b in _cues(ctx, sent, PART_CUES):
        parents = bodies.after(b, PROGRAMMES, skip=1)
        child = bodies.nearest_before(a, PROGRAMMES, window=6) or _subject(ctx, bodies, a, window=25)
        opening = ctx.sentence_ranges[sent].start
        if child is None and ctx.folded[opening : opening + 2] in {("it", "is"), ("it", "was")}:
            # 'It is a part of X'
            child = topic_of(ctx, bodies, sent, besides=parents[0] if parents else None)
        if child is not None and parents and child.first > parents[0].first:
            child = None
        if parents and child is not None and child.key != parents[0].key:
            yield child, Predicate.PART_OF, parents[0], ctx.evidence(sent)


def components(ctx: Context, bodies: Mentions, places: Mentions, sent: int) -> Iterator[Fact]:
    """'the Cocaine Route Programme components – A, B and C' -> each partOf the programme."""
    for parent in bodies.in_sentence(sent, PROGRAMMES):
        k = parent.last
        if k >= len(ctx) or ctx.folded[k] not in COMPONENT_NOUNS:
            continue
        k += 1
        while k < len(ctx) and ctx.words[k] in {"–", "-", "—", ":", ",", "("}:
            k += 1
        for child in bodies.forward(k, PROGRAMMES):
            if child.key != parent.key:
                yield child, Predicate.PART_OF, parent, ctx.evidence(sent)


def owned(ctx: Context, bodies: Mentions, places: Mentions, sent: int) -> Iterator[Fact]:
    """'COLIBRI is a WCO initiative' -> COLIBRI implementedBy the WCO."""
    for i in ctx.sentence_ranges[sent]:
        if ctx.folded[i] not in {"is", "was"} or ctx.folded[i + 1 : i + 2] not in {("a",), ("an",)}:
            continue
        owner = bodies.by_first.get(i + 2)
        if owner is None or owner.kind not in PARTNERS or owner.last >= len(ctx):
            continue
        if ctx.folded[owner.last] not in PROGRAMME_HEADS:
            continue
        subject = _subject(ctx, bodies, i, window=25)
        if subject is not None:
            yield subject, Predicate.IMPLEMENTED_BY, owner, ctx.evidence(sent)


_PP = frozenset({"of", "by", "from", "with", "within", "under", "through", "via"})
_FUNDING_PP = frozenset({"by", "from"})
_CHANNEL = frozenset({"through", "via"})


COVER_LEADS = frozenset(
    {"in", "across", "covering", "covers", "cover", "throughout", ":", "between", "including"}
)
AREA_NOUNS = frozenset({"countries", "regions", "nations", "states", "territories"})
# Sentences about an event: their place lists say who attended or where, not what a programme covers.
EVENT_WORDS = EVENT_TRIGGERS | frozenset(
    """attended participated participating took gathered brought held hosted delegations participants trained
    session""".split()  # noqa: SIM905
)


def place_lists(ctx: Context, places: Mentions, sent: int, kinds: frozenset[Kind]) -> list[list[Mention]]:
    """Coordinated lists of places in one sentence ('Argentina, Brazil and Peru'), longest first-seen."""
    seen: set[int] = set()
    out = []
    for m in places.in_sentence(sent, kinds):
        if m.first in seen:
            continue
        items = places.forward(m.first, kinds) or [m]
        seen.update(x.first for x in items)
        out.append(items)
    return out


def _lead(ctx: Context, first: int, width: int) -> list[str]:
    """Up to `width` folded words before token `first` in its sentence, nearest last."""
    sent = ctx.sent_of[first]
    return [ctx.folded[k] for k in range(max(0, first - width), first) if ctx.sent_of[k] == sent]


def topic_of(ctx: Context, bodies: Mentions, sent: int, besides: Mention | None = None) -> Mention | None:
    """The one programme a sentence's paragraph, else the document, is about (other than `besides`)."""
    topics = _topics(ctx, bodies)
    skip = besides.key if besides is not None else None

    def first_three(table: dict[EntityKey, Mention]) -> dict[EntityKey, Mention]:
        """Three are enough to tell 'one', 'one besides', 'many' without copying a long table."""
        return dict(islice(((k, m) for k, m in table.items() if k != skip), 3))

    paragraph = topics.by_paragraph.get(ctx.paragraph_of[sent], {})
    local = first_three(paragraph)
    candidates, pool = (local, paragraph) if local else (first_three(topics.document), topics.document)
    title = first_three(topics.title)
    if len(candidates) > 1 and len(title) == 1 and next(iter(title)) in pool:
        candidates = title
    return next(iter(candidates.values())) if len(candidates) == 1 else None


@dataclass
class _Topics:
    """Programmes (not named as a channel) by first mention: per paragraph, in the title, in the text."""

    by_paragraph: dict[int, dict[EntityKey, Mention]] = field(default_factory=dict)
    title: dict[EntityKey, Mention] = field(default_factory=dict)
    document: dict[EntityKey, Mention] = field(default_factory=dict)


_TOPICS: WeakKeyDictionary[Mentions, _Topics] = WeakKeyDictionary()


def _topics(ctx: Context, bodies: Mentions) -> _Topics:
    """Built once per document in one pass, so that asking each sentence's topic stays linear."""
    found = _TOPICS.get(bodies)
    if found is not None:
        return found
    topics = _TOPICS[bodies] = _Topics()
    for m in bodies.all:
        # A programme named only as a channel ('funded through the Instrument Y') is not a topic.
        if m.kind not in PROGRAMMES or _in_pp(ctx, m, _CHANNEL):
            continue
        sent = ctx.sent_of[m.first]
        tables = [topics.by_paragraph.setdefault(ctx.paragraph_of[sent], {}), topics.document]
        tables += [topics.title] if sent == 0 else []
        for table in tables:
            table[m.key] = m  # the latest mention, under the place of the first
    return topics


def coverage(ctx: Context, bodies: Mentions, places: Mentions, sent: int) -> Iterator[Fact]:
    """'X supports Ghana and Togo', 'in ten countries: A, B', 'X for West Africa' -> coversRegion."""
    ev = ctx.evidence(sent)
    programmes = bodies.in_sentence(sent, PROGRAMMES)
    if not any(ctx.folded[i] in EVENT_WORDS for i in ctx.sentence_ranges[sent]):
        for items in place_lists(ctx, places, sent, AREAS):
            lead = _lead(ctx, items[0].first, 8)
            near = [w for w in lead[-3:] if w != "the"]
            area_noun = _introduced_by_area_noun(lead)
            listed = (len(items) >= 2 and bool(near) and near[-1] in COVER_LEADS) or area_noun
            if not listed:
                continue
            subjects = [p for p in programmes if p.last <= items[0].first and not _in_pp(ctx, p, _PP)]
            topic = topic_of(ctx, bodies, sent)
            if not subjects and topic is not None and area_noun:
                subjects = [topic]
            yield from ((p, Predicate.COVERS_REGION, a, ev) for p in subjects[:1] for a in items)
    for p in programmes:  # regions named inside a programme's own title
        for place in places.between(p.first, p.last, AREAS):
            if place.last <= p.last:
                yield p, Predicate.COVERS_REGION, place, ev
    subjects = [p for p in programmes if not _in_pp(ctx, p, _PP)]
    for a, b in _table_cues(bodies, places, sent, Predicate.COVERS_REGION, Shape.PASSIVE):
        areas = _area_lists(ctx, places, b)
        before = [p for p in subjects if p.last <= b]
        if not before and areas:  # 'The project, implemented in West Africa': the paragraph's programme
            topic = subject_or_topic(ctx, bodies, a, window=0)
            before = [topic] if topic is not None and _opens_with_anaphor(ctx, sent) else []
        yield from ((p, Predicate.COVERS_REGION, area, ev) for p in before for area in areas)


def nominal_coverage(ctx: Context, bodies: Mentions, places: Mentions, sent: int) -> Iterator[Fact]:
    """'the implementation of AIRCOP in Latin America and the Caribbean' -> coversRegion each area."""
    for _, b in _table_cues(bodies, places, sent, Predicate.COVERS_REGION, Shape.NOMINAL):
        programme = bodies.after(b, PROGRAMMES, skip=1)[:1]
        if not programme or programme[0].kind is not Kind.PROGRAMME:
            continue
        k = programme[0].last
        if ctx.folded[k : k + 1] == ("in",):
            for area in _area_lists(ctx, places, k + 1):
                yield programme[0], Predicate.COVERS_REGION, area, ctx.evidence(sent)


# A programme's own presence in a country: 'AIRCOP focal points and task forces from A, B and C'.
UNIT_NOUNS = frozenset(
    """units unit cells cell forces force teams team offices office points centres centers desks""".split()  # noqa: SIM905
)


def units_in_countries(ctx: Context, bodies: Mentions, places: Mentions, sent: int) -> Iterator[Fact]:
    """'AIRCOP focal points and heads of task forces from A, B and C' -> coversRegion A, B, C (convention 3:
    a programme's units or task forces in a country are its presence there)."""
    for items in place_lists(ctx, places, sent, AREAS):
        first = items[0].first
        k = first - 1
        while k >= 0 and ctx.folded[k] == "the":
            k -= 1
        if k < 1 or ctx.folded[k] not in {"from", "in"} or ctx.folded[k - 1] not in UNIT_NOUNS:
            continue
        window = bodies.between(max(ctx.sentence_ranges[sent].start, k - 10), k, PROGRAMMES)
        if window and not _in_pp(ctx, window[-1], _PP):
            yield from ((window[-1], Predicate.COVERS_REGION, a, ctx.evidence(sent)) for a in items)


def partner_countries(ctx: Context, bodies: Mentions, places: Mentions, sent: int) -> Iterator[Fact]:
    """'a meeting organised by SEACOP with partners from Ghana and Togo', 'the project's beneficiary countries
    Ghana and Togo' -> coversRegion: the countries a programme works with (convention 3), the programme being
    the last one named before the cue in its sentence, else the paragraph's."""
    for a, b in _table_cues(bodies, places, sent, Predicate.COVERS_REGION, Shape.PARTNER_COUNTRIES):
        countries = places.after(b, frozenset({Kind.COUNTRY}), skip=4)
        if not countries:
            continue
        before = bodies.between(ctx.sentence_ranges[sent].start, a, PROGRAMMES)
        programme = before[-1] if before else topic_of(ctx, bodies, sent)
        if programme is not None and programme.kind is Kind.PROGRAMME:
            yield from ((programme, Predicate.COVERS_REGION, c, ctx.evidence(sent)) for c in countries)


def acts_in(ctx: Context, bodies: Mentions, places: Mentions, sent: int) -> Iterator[Fact]:
    """'Since 2010, AIRCOP trained in West Africa 744 officers' -> coversRegion: the programme's own action
    in an area, told with a past verb right after its name."""
    for p in bodies.in_sentence(sent, PROGRAMMES):
        verb, k = ctx.folded[p.last : p.last + 1], p.last + 1
        if not verb or not verb[0].endswith("ed") or not ctx.words[p.last].islower() or _in_pp(ctx, p, _PP):
            continue
        if ctx.folded[k : k + 1] == ("in",):
            areas = places.after(k + 1, AREAS)
            yield from ((p, Predicate.COVERS_REGION, a, ctx.evidence(sent)) for a in areas)


def _area_lists(ctx: Context, places: Mentions, end: int) -> list[Mention]:
    """The areas listed after a cue, across 'and in': 'in Latin America and in West Africa'."""
    areas = places.after(end, AREAS, skip=2)
    while areas:
        k = areas[-1].last
        if ctx.folded[k : k + 2] != ("and", "in") and ctx.folded[k : k + 3] != (",", "and", "in"):
            break
        more = places.after(k + (2 if ctx.folded[k] == "and" else 3), AREAS, skip=2)
        if not more:
            break
        areas += more
    return areas


def _opens_with_pronoun(ctx: Context, sent: int) -> bool:
    """'It is funded by ...', 'The programme is run by ...': the sentence's subject stands for its topic."""
    start = ctx.sentence_ranges[sent].start
    return ctx.folded[start : start + 1] == ("it",) or _opens_with_anaphor(ctx, sent)


def _opens_with_anaphor(ctx: Context, sent: int) -> bool:
    """Whether the sentence's subject is 'The project' / 'This programme' / 'The initiative'."""
    start = ctx.sentence_ranges[sent].start
    return ctx.folded[start : start + 1] in (("the",), ("this",)) and ctx.folded[start + 1] in PROGRAMME_HEADS


def _introduced_by_area_noun(lead: list[str]) -> bool:
    """'in ten countries: A, B' introduces the list; in 'regions through which cocaine bound for Europe',
    the relative clause is about something else."""
    last = max((i for i, w in enumerate(lead) if w in AREA_NOUNS), default=None)
    return last is not None and not any(w in _RELATIVE for w in lead[last + 1 :])


_RELATIVE = frozenset({"which", "that", "where", "who", "whose", "whom"})


def named_country(ctx: Context, bodies: Mentions, places: Mentions) -> Iterator[Fact]:
    """A national body whose name or adjective gives its country ('Colombian National Police') -> basedIn."""
    first_of: dict[EntityKey, Mention] = {}
    for p in places.all:
        first_of.setdefault(p.key, p)
    for body in bodies.all:
        if body.country is not None:
            country = first_of.get(body.country)
            if country is not None:
                yield body, Predicate.BASED_IN, country, ctx.evidence(ctx.sent_of[body.first])


def based_in(ctx: Context, bodies: Mentions, places: Mentions, sent: int) -> Iterator[Fact]:
    """'X, based in Y', 'X, headquartered in Y' -> basedIn."""
    for a, b in _cues(ctx, sent, BASED_CUES):
        subject = bodies.nearest_before(a, PARTNERS, window=3) or _described_before(ctx, bodies, a)
        sites = places.after(b, SITES | AREAS, skip=1)
        if subject is not None and sites:
            yield subject, Predicate.BASED_IN, sites[0], ctx.evidence(sent)
            if sites[0].kind is Kind.CITY and sites[1:2] and sites[1].kind is Kind.COUNTRY:
                yield subject, Predicate.BASED_IN, sites[1], ctx.evidence(sent)  # 'The Hague, Netherlands'


def _described_before(ctx: Context, bodies: Mentions, a: int) -> Mention | None:
    """The body a clause before a cue describes: 'X, which is based in', 'X, the EU agency for Y based in'."""
    k = a
    while k > 0 and ctx.folded[k - 1] in {"which", "that", "is", "was", "are", "were"}:
        k -= 1
    sent = ctx.sent_of[a]
    start = ctx.sentence_ranges[sent].start
    if k == start + 1 and ctx.folded[start] == "it" and sent > 0:  # 'X brings together A. It is based in'
        before = bodies.in_sentence(sent - 1, PARTNERS)
        opening = ctx.sentence_ranges[sent - 1].start
        return before[0] if before and before[0].first <= opening + 1 else None
    if k < a and ctx.words[k - 1 : k] == (",",):
        m = bodies.by_last.get(k - 1) or bodies.by_last.get(k - 2)  # 'X (MAOC-N), which is based in'
        return m if m is not None and m.kind in PARTNERS else None
    for j in range(a - 1, max(a - 12, ctx.sentence_ranges[sent].start), -1):
        if ctx.words[j] == ",":
            m = bodies.by_last.get(j)
            if (
                m is not None
                and m.kind in PARTNERS
                and ctx.folded[j + 1 : j + 2] in {("the",), ("a",), ("an",)}
            ):
                return m  # an appositive: 'Europol, the EU agency for law enforcement cooperation based in'
            return None
    return None


def headquarters(ctx: Context, bodies: Mentions, places: Mentions, sent: int) -> Iterator[Fact]:
    """ "the WCO's headquarters in Brussels", 'its headquarters in Y', 'the AU Headquarters, Addis Ababa'."""
    for a, b in _cues(ctx, sent, HEADQUARTERS_CUES):
        owner = bodies.by_last.get(a) or bodies.by_last.get(a - 2)  # 'WCO headquarters', "WCO's"
        if owner is None and ctx.folded[a - 1 : a] == ("its",):
            owner = bodies.nearest_before(a, PARTNERS, window=30)
        sites = places.after(b, SITES, skip=1)
        if owner is not None and owner.kind in PARTNERS and sites:
            yield owner, Predicate.BASED_IN, sites[0], ctx.evidence(sent)


def city_in_country(ctx: Context, bodies: Mentions, places: Mentions) -> Iterator[Fact]:
    """A city in its country when the text names both ('Dakar ... Senegal') -> inRegion."""
    mentioned = {p.key: p for p in places.all}
    for m in places.all:
        if m.kind is not Kind.CITY:
            continue
        place = gazetteer.place_by_key().get(m.key)
        parent = place.parent if place is not None else m.country  # a town the text placed ('in X, Peru')
        country = mentioned.get(parent) if parent else None
        if country is not None:
            yield m, Predicate.IN_REGION, country, ctx.evidence(ctx.sent_of[m.first])


def countries_in_region(ctx: Context, bodies: Mentions, places: Mentions, sent: int) -> Iterator[Fact]:
    """'ten West African countries: A, B and C', 'in Latin America, namely A and B' -> each inRegion."""
    for items in place_lists(ctx, places, sent, frozenset({Kind.COUNTRY})):
        if len(items) < 2:
            continue
        first = items[0].first
        lead = _lead(ctx, first, 10)
        if not any(w in AREA_NOUNS for w in lead):
            continue
        regions = {
            p.key: p
            for p in places.in_sentence(sent, frozenset({Kind.REGION}))
            if first - 10 <= p.first and p.last <= first
        }
        region = next(iter(regions.values())) if len(regions) == 1 else None
        if region is None:
            region = _region_adjective(ctx, max(ctx.sentence_ranges[sent].start, first - 10), first)
        if region is not None:
            yield from ((c, Predicate.IN_REGION, region, ctx.evidence(sent)) for c in items)


def _region_adjective(ctx: Context, start: int, end: int) -> Mention | None:
    """'ten African countries: ...' -> a mention of Africa at the adjective."""
    found: list[Mention] = []
    k = start
    while k < end:
        hits = [(w, p) for w, p in gazetteer.region_demonyms().items() if ctx.folded[k : k + len(w)] == w]
        if hits and ctx.is_capitalised(k):
            words, place = max(hits, key=lambda h: len(h[0]))  # 'West African', not 'African'
            known = gazetteer.Known(place.key, place.label)
            found.append(Mention(k, k + len(words), known, (place.label,)))
            k += len(words)
        else:
            k += 1
    return found[0] if len({m.key for m in found}) == 1 else None


def national_bodies(ctx: Context, bodies: Mentions, places: Mentions) -> Iterator[Fact]:
    """A body first seen in this text, 'in Italy' right after it or "Spain's" right before it."""
    registry = gazetteer.registry_keys()
    for body in bodies.all:
        if body.kind not in PARTNERS or body.key in registry or body.country is not None:
            continue
        where = None
        if ctx.folded[body.last : body.last + 1] == ("in",):
            where = places.after(body.last + 1, SITES, skip=1)[:1]
        before = places.by_last.get(body.first - 2)
        if (
            not where
            and before is not None
            and ctx.words[body.first - 2 : body.first] in {("'", "s"), ("’", "s")}
        ):
            where = [before] if before.kind is Kind.COUNTRY else None
        if where:
            yield body, Predicate.BASED_IN, where[0], ctx.evidence(ctx.sent_of[body.first])


def to_relations(facts: Iterator[Fact]) -> list[Relation]:
    """Deduplicated relations in first-seen order; self-loops dropped."""
    out: dict[tuple[object, ...], Relation] = {}
    for s, p, o, ev in facts:
        if s.key == o.key:
            continue
        rel = Relation(s.key, p, o.key, ev)
        out.setdefault((rel.subject, p, rel.object, ev.start), rel)
    return list(out.values())
