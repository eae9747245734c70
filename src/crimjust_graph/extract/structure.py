"""Extraction stage, programme roles from sentence structure: mentions -> implementedBy, fundedBy, hasPartner.

Cues here are shapes rather than fixed phrases: 'funded with EUR 5 million by X', 'experts from X will work
with their counterparts from Y', 'X, a WCO initiative', 'EU projects such as A and B', 'UNODC-led'.
"""

from __future__ import annotations

from collections.abc import Iterator

from crimjust_graph.extract.cues import Shape, phrases, verbs
from crimjust_graph.extract.heads import EVENT_TRIGGERS, PROGRAMME_HEADS, Mention
from crimjust_graph.extract.lists import BODIES, PARTNERS, PROGRAMMES, Mentions
from crimjust_graph.extract.relations import Fact, subject_or_topic, topic_of
from crimjust_graph.extract.tokens import Context
from crimjust_graph.model import Kind, Predicate

# Bodies whose '<body> projects' and 'supported by <body>' mean money: the usual donors of the field, and
# any 'Government of X'.
DONORS = frozenset({(Kind.PARTNER, "european-union"), (Kind.PARTNER, "european-commission")})
FUND_VERBS = verbs(Predicate.FUNDED_BY)
SUPPORT_VERBS = verbs(Predicate.FUNDED_BY, Shape.SUPPORTED)
WORK_VERBS = verbs(Predicate.HAS_PARTNER)
TAKING_PART = phrases(Predicate.HAS_PARTICIPANT, Shape.ACTIVE)
FRAMES = tuple(c for c in phrases(Predicate.ORGANISED_BY, Shape.EVENT) if c[-1] == "of")
FRAME_WORDS = frozenset({"framework", "auspices", "umbrella", "part"})
HYPHEN_JOINED = phrases(Predicate.IMPLEMENTED_BY, Shape.GLUED, "-")
PEOPLE = frozenset(
    """experts officials officers staff representatives investigators prosecutors analysts specialists
    judges trainers agents""".split()  # noqa: SIM905
)
LIST_OPENERS = (("such", "as"), ("like",), ("including",), ("namely",), (":",), ("–",), ("-",))
PLURAL_PROGRAMMES = frozenset({"programmes", "programs", "projects", "initiatives"})
# A clause ends at these: the cue's verb phrase never reaches across them.
_CLAUSE = frozenset({";", "which", "who", "while", "whereas", "but"})


def _by_after(ctx: Context, i: int, limit: int) -> int | None:
    """Token after the 'by' that closes a verb phrase begun at i ('funded with EUR 5 million by')."""
    sent = ctx.sent_of[i]
    for k in range(i + 1, min(i + limit, len(ctx))):
        if ctx.sent_of[k] != sent or ctx.folded[k] in _CLAUSE:
            return None
        if ctx.folded[k] == "by":
            return k + 1
    return None


def funded_with(ctx: Context, bodies: Mentions, places: Mentions, sent: int) -> Iterator[Fact]:
    """'funded with EUR 12 million by the European Commission', 'financed in 2020 by X' -> fundedBy."""
    for i in ctx.sentence_ranges[sent]:
        if ctx.folded[i] not in FUND_VERBS or ctx.folded[i + 1 : i + 2] == ("by",):
            continue  # the plain 'funded by' is relations.FUND_CUES' job
        b = _by_after(ctx, i, 10)
        if b is None or i + 1 in bodies.by_first:
            continue
        subject = subject_or_topic(ctx, bodies, i, window=15)
        if subject is not None:
            yield from (
                (subject, Predicate.FUNDED_BY, x, ctx.evidence(sent)) for x in bodies.after(b, BODIES)
            )


def supported(ctx: Context, bodies: Mentions, places: Mentions, sent: int) -> Iterator[Fact]:
    """'supported by the EU', 'with the support of X' -> fundedBy a donor, hasPartner anyone else."""
    for i in ctx.sentence_ranges[sent]:
        if ctx.folded[i] in SUPPORT_VERBS and ctx.folded[i + 1 : i + 2] == ("by",):
            end = i + 2
        elif ctx.folded[i : i + 4] == ("with", "the", "support", "of"):
            end = i + 4
        else:
            continue
        money = ctx.folded[i - 1 : i] == ("financially",)
        if _aside_of_a_participant(ctx, i, sent):
            continue  # '26 countries, supported by A, took part in X': A took part, X has no partner
        subject = subject_or_topic(ctx, bodies, i, window=25)
        if subject is None or _event_between(ctx, subject.last, i):
            continue
        for x in bodies.after(end, PARTNERS):
            donor = x.key in DONORS or x.known.label.startswith("Government of")
            predicate = Predicate.FUNDED_BY if money or donor else Predicate.HAS_PARTNER
            yield subject, predicate, x, ctx.evidence(sent)


def _aside_of_a_participant(ctx: Context, i: int, sent: int) -> bool:
    """True when the support cue at i opens an aside (', supported by A and B,') closed right before a verb
    of taking part: the aside tells who came along, not whom a programme works with."""
    if ctx.words[i - 1 : i] != (",",):
        return False
    for start, _ in ctx.cues(sent, TAKING_PART):
        k = start
        while ctx.folded[k - 1] in {"also", "too"}:
            k -= 1
        if i < k <= i + 25 and ctx.words[k - 1] == "," and not set(ctx.folded[i:k]) & _CLAUSE:
            return True
    return False


def work_with(ctx: Context, bodies: Mentions, places: Mentions, sent: int) -> Iterator[Fact]:
    """'experts from X will work with their counterparts from Y', 'works closely with X' -> hasPartner."""
    rng = ctx.sentence_ranges[sent]
    found: list[Mention] = []
    cue_at = None
    for i in rng:
        w = ctx.folded[i]
        if w in WORK_VERBS:
            k = i + 1
            while k < rng.stop and ctx.folded[k] in {"closely", "together", "hand", "in", "jointly"}:
                k += 1
            if ctx.folded[k : k + 1] != ("with",):
                continue
            k += 1
            if ctx.folded[k : k + 2] in {("their", "counterparts"), ("its", "counterparts")}:
                k += 2
                if ctx.folded[k : k + 1] in {("from",), ("in",), ("at",), ("of",)}:
                    k += 1
            found += bodies.after(k, PARTNERS)
            cue_at = cue_at if cue_at is not None else i
        elif w == "counterparts" and ctx.folded[i + 1 : i + 2] in {("from",), ("in",), ("at",), ("of",)}:
            found += bodies.after(i + 2, PARTNERS)
            cue_at = cue_at if cue_at is not None else i
    if cue_at is None:
        return
    for i in range(rng.start, cue_at):  # 'experts from the Spanish Ministry of Interior will work with ...'
        if ctx.folded[i] in PEOPLE and ctx.folded[i + 1 : i + 2] == ("from",):
            found = bodies.after(i + 2, PARTNERS) + found
    if found:
        found += [m for m in bodies.in_sentence(sent, PARTNERS) if m.first > cue_at and _listed_later(ctx, m)]
    subject = subject_or_topic(ctx, bodies, cue_at, window=45)
    if subject is None:
        return
    for x in found:
        yield subject, Predicate.HAS_PARTNER, x, ctx.evidence(sent)


def _listed_later(ctx: Context, m: Mention) -> bool:
    """'... counterparts from the Guardia Civil in Spain and the NCA': a later item of the same list."""
    return ctx.folded[m.first - 2 : m.first] == ("and", "the") or ctx.folded[m.first - 1 : m.first] == (
        "and",
    )


def _event_between(ctx: Context, a: int, b: int) -> bool:
    return any(ctx.folded[k] in EVENT_TRIGGERS for k in range(a, b))


def acting_within(ctx: Context, bodies: Mentions, places: Mentions, sent: int) -> Iterator[Fact]:
    """'UNODC, within the framework of the X Project, held ...': the body acts through the programme set
    in its aside, so it runs it (a donor in that place pays for it instead: that is another rule's job)."""
    for start, end in ctx.cues(sent, FRAMES):
        body = bodies.by_last.get(start - 1) if ctx.words[start - 1 : start] == (",",) else None
        if body is None or body.kind is not Kind.PARTNER or body.key in DONORS:
            continue
        for programme in bodies.after(end, PROGRAMMES, skip=1)[:1]:
            yield programme, Predicate.IMPLEMENTED_BY, body, ctx.evidence(sent)


def body_programmes(ctx: Context, bodies: Mentions, places: Mentions, sent: int) -> Iterator[Fact]:
    """'other EU projects such as A and B' -> fundedBy a donor; 'UNODC programmes like A' -> implementedBy."""
    for m in bodies.in_sentence(sent, PARTNERS):
        k = m.last
        funded = ctx.folded[k : k + 2] in {("-", "funded"), ("-", "financed")}
        k += 2 if funded else 0
        if ctx.folded[k : k + 1] and ctx.folded[k] not in PLURAL_PROGRAMMES:
            continue
        k += 1 + (ctx.words[k + 1 : k + 2] == (",",))
        opener = next((o for o in LIST_OPENERS if ctx.folded[k : k + len(o)] == o), None)
        if opener is None:
            continue
        listed = bodies.after(k + len(opener), PROGRAMMES, skip=1)
        predicate = Predicate.FUNDED_BY if funded or m.key in DONORS else Predicate.IMPLEMENTED_BY
        yield from ((p, predicate, m, ctx.evidence(sent)) for p in listed)


def appositive_owner(ctx: Context, bodies: Mentions, places: Mentions, sent: int) -> Iterator[Fact]:
    """'The Desert Roads Project, a WCO initiative', 'X, a joint initiative of A and B' -> implementedBy."""
    for m in bodies.in_sentence(sent, PROGRAMMES):
        k = m.last
        if ctx.words[k : k + 1] != (",",) or ctx.folded[k + 1 : k + 2] not in {("a",), ("an",)}:
            continue
        j = k + 2 + (ctx.folded[k + 2 : k + 3] == ("joint",))
        head = ctx.folded[j : j + 2]
        if len(head) == 2 and head[0] in PROGRAMME_HEADS and head[1] == "of":
            # 'the X Programme, a joint initiative of UNODC and the WCO'
            owners = bodies.after(j + 2, PARTNERS)
            yield from ((m, Predicate.IMPLEMENTED_BY, o, ctx.evidence(sent)) for o in owners)
            continue
        owner = bodies.by_first.get(k + 2)
        if owner is None or owner.kind not in PARTNERS or owner.last >= len(ctx):
            continue
        if ctx.folded[owner.last] in PROGRAMME_HEADS:
            yield m, Predicate.IMPLEMENTED_BY, owner, ctx.evidence(sent)


def owner_in_front(ctx: Context, bodies: Mentions, places: Mentions) -> Iterator[Fact]:
    """'the WCO Drugs and Precursors Programme', 'the UNODC-WCO Container Control Programme' -> implementedBy
    each body in front; a donor in front is only a name."""
    for m in bodies.all:
        owner = bodies.by_last.get(m.first)
        while m.kind in PROGRAMMES and owner is not None and owner.kind in PARTNERS:
            if owner.key not in DONORS:
                yield m, Predicate.IMPLEMENTED_BY, owner, ctx.evidence(ctx.sent_of[m.first])
            joined = ctx.folded[owner.first - 1 : owner.first] in HYPHEN_JOINED
            owner = bodies.by_last.get(owner.first - 1) if joined else None  # 'UNODC-WCO


def named_component(ctx: Context, bodies: Mentions, places: Mentions, sent: int) -> Iterator[Fact]:
    """'Its component on risk analysis, BORDERLINK, ...' -> BORDERLINK partOf the programme 'its' means."""
    rng = ctx.sentence_ranges[sent]
    for i in rng:
        if ctx.folded[i] not in {"component", "pillar"} or ctx.folded[i - 1 : i] not in {
            ("its",),
            ("their",),
        }:
            continue
        comma = next((j for j in range(i + 1, min(i + 8, rng.stop)) if ctx.words[j] == ","), None)
        start = None if comma is None else comma + 1 + (ctx.folded[comma + 1 : comma + 2] == ("the",))
        child = bodies.by_first.get(start) if start is not None else None  # ', BORDERLINK,' / ', the X,'
        parent = topic_of(ctx, bodies, sent, besides=child)
        if child is not None and child.kind in PROGRAMMES and parent is not None and parent.key != child.key:
            yield child, Predicate.PART_OF, parent, ctx.evidence(sent)


def settle_roles(facts: list[Fact]) -> list[Fact]:
    """hasPartner means 'not implementer or funder': drop it where the text gives the stronger role."""
    stronger = {
        (s.key, o.key) for s, p, o, _ in facts if p in {Predicate.IMPLEMENTED_BY, Predicate.FUNDED_BY}
    }
    return [f for f in facts if not (f[1] is Predicate.HAS_PARTNER and (f[0].key, f[2].key) in stronger)]
