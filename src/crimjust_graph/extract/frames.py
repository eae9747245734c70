"""Extraction stage, clause frames: a sentence's tokens, mentions and lists -> one Frame per clause.

A sentence holds one or more clauses: it is cut at ';', before a relative pronoun ('which', 'who', 'that'
after a name or a comma), before a participial phrase ('..., organised by X', '..., funded by Y') and before a
coordinated main clause (', and then', ', while', ', but'). For each clause a Frame says who acts (the list
before its verb), who or what the verb's 'by' names, with whom, where, under which programme, with whose
support or funding, which cues of `cues.CUES` it holds, and whether the action is reported as past, present,
planned (or announced) or previous. Clauses are built once per sentence (frames, their arguments, on demand)
and kept for the document being extracted, so the work stays linear in the text. The modality tests used by
events and their roles live here too.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from enum import Enum
from functools import cache

from crimjust_graph.extract.cues import CUES, Cue, Shape
from crimjust_graph.extract.heads import EVENT_TRIGGERS, Mention
from crimjust_graph.extract.lists import AREAS, BODIES, PROGRAMMES, SITES, Mentions
from crimjust_graph.extract.tokens import Context
from crimjust_graph.model import Predicate

# ---- event vocabulary shared by events and their roles ------------------------------------------------
# Events only when something anchors them (a date, a place, an organiser): 'the official launch'.
WEAK_TRIGGERS = frozenset({"launch", "presentation", "dialogue"})
# Words that name an event only with a title ('an activity entitled "X"'); otherwise they refer back.
REFERENCES = frozenset({"event", "activity", "session"})
# 'Joint Action Days': an operation told by a word that is an event only after 'action'.
COMPOUND_TRIGGERS = {"days": "action"}
TRIGGERS = EVENT_TRIGGERS | WEAK_TRIGGERS | REFERENCES | frozenset(COMPOUND_TRIGGERS)
EVENT_WORDS = EVENT_TRIGGERS | frozenset(
    """attended participated participating took gathered brought trained session delegations
    representatives attendees delegates participants""".split()  # noqa: SIM905
)


class Modality(Enum):
    """How a clause reports its action."""

    PAST = "past"  # 'UNODC organised a workshop': what the news reports (the default)
    PRESENT = "present"  # 'AIRCOP supports airports': a standing fact
    PLANNED = "planned"  # 'the next session, to be held in Lisbon', 'a meeting is planned': still to come
    PREVIOUS = "previous"  # 'after earlier sessions in Dakar', 'the previous meeting': told in passing


class ClauseKind(Enum):
    """Why a clause starts where it does."""

    MAIN = "main"
    RELATIVE = "relative"  # '..., which is run by A'
    PARTICIPIAL = "participial"  # '..., funded by A'
    COORDINATED = "coordinated"  # '...; A then met B', '..., while B ...'


@dataclass(frozen=True)
class CueHit:
    """One cue of the table found in a clause, at tokens [start, end)."""

    cue: Cue
    start: int
    end: int


@dataclass(frozen=True)
class Clause:
    """One clause's span and shape: where it is, why it starts there, its verb, cues and modality."""

    sentence: int
    start: int  # first token of the clause
    stop: int  # one past its last token
    kind: ClauseKind
    verb: int | None  # token of the clause's main verb, when one is recognised
    cues: tuple[CueHit, ...]  # every cue of `cues.CUES` in the clause, in text order
    modality: Modality
    subject_before: int | None = None  # a main clause resumed after a relative one: its actors end here

    def holds(self, token: int) -> bool:
        """Whether the token sits in this clause."""
        return self.start <= token < self.stop


@dataclass(frozen=True)
class Frame:
    """One clause with its arguments: who did what, to or with whom, where, under which programme, with whose
    support, as which kind of action (`clause.modality`)."""

    clause: Clause
    actors: tuple[Mention, ...]  # the coordinated list right before the verb ('A and B organised')
    agents: tuple[Mention, ...]  # the list after the verb's 'by' ('organised by A and B')
    partners: tuple[Mention, ...]  # 'with A', 'together with A', 'in cooperation with A'
    places: tuple[Mention, ...]  # cities and countries after 'in' or 'at'
    programmes: tuple[Mention, ...]  # 'under X', 'as part of X', 'within the framework of X'
    supporters: tuple[Mention, ...]  # 'with the support of A', 'funded by A', 'supported by A'


# ---- modality ------------------------------------------------------------------------------------------

# 'the next session', 'an upcoming workshop', 'a follow-up meeting': an event still to come.
FUTURE_WORDS = frozenset({"next", "upcoming", "forthcoming", "future", "follow-up", "following"})
FUTURE_PHRASES = (
    ("to", "be", "held"),
    ("will", "be", "held"),
    ("will", "take", "place"),
    ("is", "planned"),
    ("are", "planned"),
    ("is", "scheduled"),
    ("are", "scheduled"),
)
EARLIER = frozenset({"similar", "previous", "earlier", "past", "prior", "last", "other", "former", "next"})
# Verbs that make their object an event still to come: 'announced new training', 'plans a workshop'.
ANNOUNCING = frozenset({"announced", "announces", "planned", "plans", "proposed", "proposes", "scheduled"})
# 'asked X to support a follow-up meeting', 'agreed to hold a joint meeting': asked for or agreed, not held.
ASKING = frozenset({"asked", "requested", "urged", "invited", "agreed", "recommended", "called", "decided"})
_NOT_VERBS = frozenset({"in", "at", "of", "for", "on", "to", "the", "a", "an", "and", ","})


def planned_venue(ctx: Context, k: int) -> bool:
    """'to be held in', 'will take place in', 'would be hosted at' (the 'in' or 'at' at token k): the place
    of an event still to come."""
    verb = ctx.folded[k - 2 : k] in {("be", "held"), ("take", "place"), ("be", "hosted"), ("be", "organised")}
    return verb and ctx.folded[k - 3 : k - 2] in {("to",), ("will",), ("would",), ("shall",)}


_SOME = frozenset({"two", "three", "several", "many"})


def earlier_events(ctx: Context, k: int) -> bool:
    """'similar sessions', 'earlier workshops', 'the previous meeting' ending at token k: other events."""
    noun = ctx.folded[k]
    plural = noun.endswith("s") and (noun[:-1] in EVENT_WORDS or noun == "sessions")
    return (
        (plural or noun in EVENT_WORDS or noun == "session")
        and ctx.folded[k - 1 : k] != ()
        and (
            ctx.folded[k - 1] in EARLIER
            or (plural and ctx.folded[k - 1] in {"two", "three", "several", "many"})
        )
    )


def still_to_come(ctx: Context, k: int, sent: int) -> bool:
    """The event phrase opening at token k is the object of an announcing verb ('announced new training') or
    of a verb asked for or agreed ('asked X to support a follow-up meeting'): planned, not held."""
    verb = k - 1
    if verb < 0 or ctx.sent_of[verb] != sent or ctx.folded[verb] in _NOT_VERBS:
        return False
    if ctx.folded[verb] in ANNOUNCING:
        return True
    if verb < 1 or ctx.folded[verb - 1] != "to" or not ctx.words[verb].isalpha():
        return False
    return any(ctx.folded[j] in ASKING for j in range(max(0, verb - 6), verb - 1) if ctx.sent_of[j] == sent)


_FUTURE_BY_FIRST: dict[str, tuple[tuple[str, ...], ...]] = {}
for _phrase in FUTURE_PHRASES:
    _FUTURE_BY_FIRST[_phrase[0]] = (*_FUTURE_BY_FIRST.get(_phrase[0], ()), _phrase)


def planned_sentence(bodies: Mentions, places: Mentions, sent: int) -> bool:
    """A sentence about an event still to come ('were invited to the next session, to be held in Lisbon'):
    who and where it names belong to that event, not to the one reported. Read from its frames."""
    return any(c.modality is Modality.PLANNED for c in clauses_of(bodies, places, sent))


# ---- clauses -------------------------------------------------------------------------------------------

RELATIVE = frozenset({"which", "who", "whose", "that"})
_CONTRAST = frozenset({"while", "whereas", "but"})
PRESENT_WORDS = frozenset({"is", "are", "has", "have", "remains", "continues", "aims", "seeks"})
_AUXILIARIES = frozenset({"is", "are", "was", "were", "has", "have", "had", "be", "been", "being", "will"})
_FRAME_CUES = frozenset({(Predicate.ORGANISED_BY, Shape.EVENT)})
_SUPPORT_CUES = frozenset(
    {(Predicate.FUNDED_BY, Shape.PASSIVE), (Predicate.HAS_PARTICIPANT, Shape.SUPPORTED)}
)
_PARTNER_CUES = frozenset({(Predicate.HAS_PARTNER, Shape.PASSIVE), (Predicate.ORGANISED_BY, Shape.PASSIVE)})


@cache
def _cue_index() -> dict[str, tuple[tuple[Cue, tuple[str, ...]], ...]]:
    """The cue table by first folded word (glued cues by their mark: "'s", '-led'), built once."""
    index: dict[str, list[tuple[Cue, tuple[str, ...]]]] = {}
    for cue in CUES:
        words = cue.words
        if words:
            index.setdefault(words[0], []).append((cue, words))
    return {w: tuple(v) for w, v in index.items()}  # in the table's order, as `Context.cues` finds them


@cache
def _verbs() -> frozenset[str]:
    """Every single-word verb of the table ('organised', 'took', 'supports'): what may head a clause."""
    shapes = {Shape.VERB, Shape.ACTIVE, Shape.PASSIVE, Shape.SUPPORTED}
    return frozenset(
        c.words[0]
        for c in CUES
        if c.shape in shapes and c.words[0].isalpha() and c.words[0] not in _NOT_HEADS
    )


_NOT_HEADS = frozenset(
    {"across", "under", "in", "with", "together", "jointly", "funding", "countries", "region"}
)
_NOT_HEADS |= {"regions", "partners", "part", "component", "pillar", "sub-programme", "umbrella", "based"}
_NOT_HEADS |= {"headquartered", "headquarters", "composed", "consisting", "thanks", "along", "receives"}


Cut = tuple[int, ClauseKind, int | None]  # first token, kind, where its actors end (None: at its verb)


def _cuts(ctx: Context, bodies: Mentions, rng: range) -> list[Cut]:
    """Where the sentence's clauses start, each with its kind; the first is the sentence's start. After a
    relative clause opened by a comma, ', <verb>' resumes the main clause, whose actors stand before it."""
    folded, words = ctx.folded, ctx.words
    cuts: list[Cut] = [(rng.start, ClauseKind.MAIN, None)]
    relative: int | None = None  # the comma opening the current relative clause
    for k in range(rng.start + 1, rng.stop):
        w = folded[k]
        if w == ";" and k + 1 < rng.stop:
            cuts.append((k + 1, ClauseKind.COORDINATED, None))
            relative = None
        elif w in RELATIVE and (words[k - 1] == "," or k in bodies.by_last or words[k - 1] == ")"):
            cuts.append((k, ClauseKind.RELATIVE, None))
            relative = k - 1 if words[k - 1] == "," else None
        elif words[k - 1] == "," and w in _CONTRAST:
            cuts.append((k, ClauseKind.COORDINATED, None))
            relative = None
        elif words[k - 1] == "," and w.endswith("ed") and folded[k + 1 : k + 2] == ("by",):
            cuts.append((k, ClauseKind.PARTICIPIAL, None))
        elif relative is not None and words[k - 1] == "," and words[k].islower() and _is_verb(w):
            cuts.append((k, ClauseKind.MAIN, relative))
            relative = None
    return cuts


def _is_verb(w: str) -> bool:
    return w in _heads() or w.endswith("ed")


# Past forms that do not end in '-ed'.
IRREGULAR = frozenset("met took gave held led ran brought sent began made set saw became won".split())  # noqa: SIM905


@cache
def _heads() -> frozenset[str]:
    """Words that head a clause: the table's verbs, auxiliaries, announcing verbs, irregular pasts."""
    return _verbs() | _AUXILIARIES | ANNOUNCING | IRREGULAR


_BEFORE_EARLIER = EARLIER | {"two", "three", "several", "many"}


def _clause(ctx: Context, sent: int, cut: tuple[int, int, ClauseKind, int | None]) -> Clause:
    """One pass over the clause's tokens finds its verb, cues and modality."""
    start, stop, kind, subject_before = cut
    folded, words, index, heads = ctx.folded, ctx.words, _cue_index(), _heads()
    verb: int | None = None
    first_ed: int | None = None
    cues: list[CueHit] = []
    planned = previous = False
    for k in range(start, stop):
        w = folded[k]
        if verb is None and words[k].islower():
            if w in heads:
                verb = k
            elif first_ed is None and w.endswith("ed"):
                first_ed = k
        for cue, cue_words in index.get(w, ()):
            end = k + len(cue_words)
            if end <= stop and folded[k:end] == cue_words:
                cues.append(CueHit(cue, k, end))
        for phrase in _FUTURE_BY_FIRST.get(w, ()):
            planned = planned or (k + len(phrase) <= stop and folded[k : k + len(phrase)] == phrase)
        if k > start and folded[k - 1] in FUTURE_WORDS and w in TRIGGERS:
            planned = True
        if k > 0 and folded[k - 1] in _BEFORE_EARLIER and earlier_events(ctx, k):
            previous = True
    verb = verb if verb is not None else first_ed
    modality = _modality(folded[verb] if verb is not None else "", planned, previous)
    return Clause(sent, start, stop, kind, verb, tuple(cues), modality, subject_before)


def _frame(ctx: Context, bodies: Mentions, places: Mentions, clause: Clause) -> Frame:
    """The clause's arguments, read from the lists around its verb and cues."""
    start, stop, verb, folded = clause.start, clause.stop, clause.verb, ctx.folded
    actors: tuple[Mention, ...] = ()
    if clause.subject_before is not None:  # 'X, which is run by A, supports B': X supports B
        rng = ctx.sentence_ranges[clause.sentence]
        actors = tuple(m for m in bodies.backward(clause.subject_before, BODIES) if m.first >= rng.start)
    elif verb is not None and verb > start:
        k = verb
        while k > start and folded[k - 1] in _AUXILIARIES:
            k -= 1
        actors = tuple(m for m in bodies.backward(k, BODIES) if m.first >= start)
    agents: list[Mention] = []
    where: list[Mention] = []
    for k in range(start, stop - 1):
        if folded[k] == "by" and verb is not None and k > verb:
            agents += _within(bodies.after(k + 1, BODIES), stop)
        elif folded[k] in {"in", "at"}:
            where += _within(places.after(k + 1, SITES | AREAS, skip=1), stop)
    partners: list[Mention] = []
    programmes: list[Mention] = []
    supporters: list[Mention] = []
    for hit in clause.cues:
        shape = (hit.cue.predicate, hit.cue.shape)
        if shape in _FRAME_CUES:
            programmes += _within(bodies.after(hit.end, PROGRAMMES, skip=1)[:1], stop)
        elif shape in _SUPPORT_CUES:
            supporters += _within(bodies.after(hit.end, BODIES), stop)
        elif shape in _PARTNER_CUES:
            partners += _within(bodies.after(hit.end, BODIES), stop)
    return Frame(
        clause,
        actors,
        tuple(dict.fromkeys(agents)),
        tuple(dict.fromkeys(partners)),
        tuple(dict.fromkeys(where)),
        tuple(dict.fromkeys(programmes)),
        tuple(dict.fromkeys(supporters)),
    )


def _within(found: list[Mention], stop: int) -> tuple[Mention, ...]:
    return tuple(m for m in found if m.first < stop)


def _modality(verb: str, planned: bool, previous: bool) -> Modality:
    if planned:
        return Modality.PLANNED
    if previous:
        return Modality.PREVIOUS
    if verb in {"will", "shall"}:
        return Modality.PLANNED
    if verb in PRESENT_WORDS or (verb.endswith("s") and not verb.endswith("ss") and verb in _verbs()):
        return Modality.PRESENT  # 'AIRCOP supports airports'
    return Modality.PAST


class _Frames:
    """The clauses and frames of one document's sentences, each built on first use, once."""

    def __init__(self, ctx: Context, bodies: Mentions, places: Mentions) -> None:
        self.ctx, self.bodies, self.places = ctx, bodies, places
        self.clauses: dict[int, tuple[Clause, ...]] = {}
        self.frames: dict[int, tuple[Frame, ...]] = {}

    def clauses_of(self, sent: int) -> tuple[Clause, ...]:
        found = self.clauses.get(sent)
        if found is None:
            rng = self.ctx.sentence_ranges[sent]
            cuts = _cuts(self.ctx, self.bodies, rng)
            stops = [a for a, _, _ in cuts[1:]] + [rng.stop]
            spans = [(a, b, kind, end) for (a, kind, end), b in zip(cuts, stops, strict=True) if a < b]
            found = self.clauses[sent] = tuple(_clause(self.ctx, sent, span) for span in spans)
        return found

    def frames_of(self, sent: int) -> tuple[Frame, ...]:
        found = self.frames.get(sent)
        if found is None:
            clauses = self.clauses_of(sent)
            found = tuple(_frame(self.ctx, self.bodies, self.places, c) for c in clauses)
            self.frames[sent] = found
        return found


# The frames of the document being extracted, per thread and per mentions object read (compared by
# identity): a new document replaces them, so memory stays one document's.
_CURRENT = threading.local()


def _built(bodies: Mentions, places: Mentions) -> _Frames:
    if getattr(_CURRENT, "ctx", None) is not bodies.ctx:
        _CURRENT.ctx, _CURRENT.frames = bodies.ctx, []
    frames: list[_Frames] = _CURRENT.frames
    for built in frames:
        if built.bodies is bodies and built.places is places:
            return built
    built = _Frames(bodies.ctx, bodies, places)
    frames.append(built)
    return built


def clauses_of(bodies: Mentions, places: Mentions, sent: int) -> tuple[Clause, ...]:
    """The clauses of one sentence, in text order, with their cues and modality (built once)."""
    return _built(bodies, places).clauses_of(sent)


def frames_of(bodies: Mentions, places: Mentions, sent: int) -> tuple[Frame, ...]:
    """The clause frames of one sentence, in text order, with their arguments (built once, on demand)."""
    return _built(bodies, places).frames_of(sent)


def clause_at(bodies: Mentions, places: Mentions, token: int) -> Clause:
    """The clause holding `token`."""
    return next(c for c in clauses_of(bodies, places, bodies.ctx.sent_of[token]) if c.holds(token))


def frame_at(bodies: Mentions, places: Mentions, token: int) -> Frame:
    """The frame of the clause holding `token`."""
    frames = frames_of(bodies, places, bodies.ctx.sent_of[token])
    return next(f for f in frames if f.clause.holds(token))


@dataclass(frozen=True)
class EventSpot:
    """Where an event rule looks: one mention of an event (its trigger and phrase [first, last)) in its
    sentence, or a sentence told about the current event (trigger None)."""

    sentence: int
    trigger: int = -1
    first: int = -1
    last: int = -1
    event_type: str = ""
