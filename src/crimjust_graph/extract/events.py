"""Extraction stage, events: trigger nouns -> events with name, type, dates, place, organiser, attendees."""

from __future__ import annotations

from dataclasses import dataclass, field

from crimjust_graph.extract.dates import find_dates
from crimjust_graph.extract.lists import ACTORS, BODIES, SITES, Mentions
from crimjust_graph.extract.mentions import EVENT_TRIGGERS, Mention
from crimjust_graph.extract.tokens import STOPWORDS, Context
from crimjust_graph.model import Kind
from crimjust_graph.vocab import slugify

DETERMINERS = frozenset(
    {"the", "a", "an", "this", "that", "its", "their", "his", "her", "our", "at", "during"}
)
DEFINITE = frozenset({"the", "this", "that", "its", "their", "his", "her", "our", "at", "during"})
NAME_JOINERS = frozenset({"on", "of", "for", "against", "and", "the", "-", "&"})
ORGANISE_VERBS = frozenset(
    """organised organized hosted convened held co-organised co-organized co-hosted launched conducted
    coordinated led chaired""".split()  # noqa: SIM905
)
SELF_CUES = (
    ("delivered",),
    ("presented",),
    ("participated",),
    ("took", "part"),
    ("attended",),
    ("contributed",),
    ("spoke",),
    ("made", "a", "presentation"),
    ("gave", "a", "presentation"),
    ("joined",),
)
LIST_CUES = (
    ("brought", "together"),
    ("attended", "by"),
    ("participation", "of"),
    ("participants", "from"),
    ("representatives", "of"),
    ("representatives", "from"),
    ("delegations", "from"),
    ("experts", "from"),
    ("delivered", "by"),
    ("presented", "by"),
    ("gathered",),
)
_SKIP_BEFORE_OF = frozenset({"operation", "mission", "training", "exercise", "course"})


@dataclass
class EventDraft:
    """An event being assembled from its mentions in one document."""

    event_type: str
    name: str | None
    surfaces: list[str] = field(default_factory=list)
    triggers: list[int] = field(default_factory=list)  # token index of each mention's trigger
    modifiers: list[str] = field(default_factory=list)
    start: str | None = None
    end: str | None = None
    organisers: list[tuple[Mention, int]] = field(default_factory=list)  # (mention, sentence)
    sites: list[tuple[Mention, int]] = field(default_factory=list)
    participants: list[tuple[Mention, int]] = field(default_factory=list)

    def label(self) -> str:
        """The proper name, else organiser + modifiers + type ('IPES annual meeting')."""
        if self.name:
            return self.name
        parts = [*self.modifiers[:2], self.event_type]
        if self.organisers:
            known = self.organisers[0][0].known
            parts.insert(0, known.acronym or known.label)
        else:
            parts[0] = parts[0][:1].upper() + parts[0][1:]
        return " ".join(parts)

    def slug(self, doc_id: str) -> str:
        return f"{slugify(self.label())}-{self.start or doc_id}"


@dataclass(frozen=True)
class _Hit:
    trigger: int
    first: int
    last: int
    name: str | None
    modifiers: tuple[str, ...]
    definite: bool


def _hit(ctx: Context, t: int, body_tokens: set[int]) -> _Hit | None:
    n = len(ctx)
    sent = ctx.sent_of[t]
    if t + 1 < n and ctx.folded[t + 1] in EVENT_TRIGGERS and ctx.sent_of[t + 1] == sent:
        return None  # 'training course': the later trigger carries the mention
    if ctx.folded[t] in _SKIP_BEFORE_OF and t + 1 < n and ctx.folded[t + 1] == "of":
        return None
    if ctx.is_capitalised(t):
        first = t
        while (
            first - 1 >= 0
            and ctx.sent_of[first - 1] == sent
            and ctx.is_capitalised(first - 1)
            and first - 1 not in body_tokens
            and ctx.folded[first - 1] not in STOPWORDS
        ):
            first -= 1
        last = t + 1
        while last < n and ctx.sent_of[last] == sent and last not in body_tokens:
            if (ctx.is_capitalised(last) and ctx.folded[last] not in STOPWORDS) or (
                ctx.folded[last] in NAME_JOINERS
                and ctx.is_capitalised(last + 1)
                and last + 1 not in body_tokens
            ):
                last += 1
            else:
                break
        if last - first > 1:
            return _Hit(t, first, last, ctx.text(first, last), (), True)
    k = t - 1
    modifiers: list[str] = []
    while k >= 0 and ctx.sent_of[k] == sent and t - k <= 6:
        w = ctx.folded[k]
        if w in DETERMINERS or (w == "s" and k > 0 and ctx.words[k - 1] in {"'", "’"}):
            break
        if not (ctx.words[k].isalnum() or ctx.words[k] == "-") or (
            ctx.words[k][:1].isupper() and k not in body_tokens
        ):
            return None
        hyphenated = "-" in (ctx.words[k - 1], ctx.words[min(k + 1, t)])
        if k not in body_tokens and ctx.words[k].isalpha() and not hyphenated:
            modifiers.insert(0, ctx.words[k])
        k -= 1
    else:
        return None
    definite = ctx.folded[k] in DEFINITE or ctx.folded[k] == "s"
    return _Hit(t, k + 1, t + 1, None, tuple(m.lower() for m in modifiers), definite)


def _sentence_dates(ctx: Context, sent: int, at: int) -> tuple[str, str | None] | None:
    span = ctx.sentences[sent]
    dates = find_dates(span.text, ctx.year, span.start, ctx.document.issued)
    if not dates:
        return None
    best = min(dates, key=lambda d: abs(d.char_start - at))
    return best.start, best.end


def _organisers(ctx: Context, mentions: Mentions, hit: _Hit) -> list[Mention]:
    sent = ctx.sent_of[hit.trigger]
    rng = ctx.sentence_ranges[sent]
    out: list[Mention] = []
    for i in rng:
        if ctx.folded[i] in ORGANISE_VERBS:
            if i + 1 < len(ctx) and ctx.folded[i + 1] == "by":
                out += mentions.after(i + 2, BODIES)
            elif i < hit.first and hit.first - i <= 6:
                out += mentions.backward(i, BODIES)
    if hit.last + 1 < len(ctx) and ctx.folded[hit.last] == "of":
        out += mentions.after(hit.last + 1, BODIES, skip=1)
    k = hit.first - 1
    if k >= 2 and ctx.folded[k] == "s" and ctx.words[k - 1] in {"'", "’"} and k - 1 in mentions.by_last:
        out.append(mentions.by_last[k - 1])
    return out


def _sites(ctx: Context, mentions: Mentions, sent: int) -> list[Mention]:
    out = []
    for m in mentions.in_sentence(sent, SITES):
        k = m.first - 1
        while k >= 0 and ctx.folded[k] == "the":
            k -= 1
        if k >= 0 and ctx.folded[k] in {"in", "at"}:
            out.append(m)
    return out


EVENT_WORDS = EVENT_TRIGGERS | frozenset(
    "attended participated participating took gathered brought trained session".split()  # noqa: SIM905
)


def _participants(ctx: Context, mentions: Mentions, sent: int) -> list[Mention]:
    out: list[Mention] = []
    if any(ctx.folded[i] in EVENT_WORDS for i in ctx.sentence_ranges[sent]):
        # 'officials from Argentina, Brazil and Peru', '120 persons from ... participated'
        seen: set[int] = set()
        for m in mentions.in_sentence(sent, frozenset({Kind.COUNTRY})):
            if m.first in seen:
                continue
            items = mentions.forward(m.first, frozenset({Kind.COUNTRY})) or [m]
            seen.update(x.first for x in items)
            k = m.first - 1
            while k >= 0 and ctx.folded[k] == "the":
                k -= 1
            if k >= 0 and ctx.folded[k] == "from" and ctx.sent_of[k] == sent:
                out += items
    for _, end in ctx.cues(sent, LIST_CUES):
        out += mentions.after(end, ACTORS)
    for start, end in ctx.cues(sent, SELF_CUES):
        if ctx.folded[end : end + 1] != ("by",):
            out += mentions.backward(start, ACTORS)
    return out


def find_events(ctx: Context, bodies: Mentions, places: Mentions) -> list[EventDraft]:
    """Events of one document; repeated mentions ('the meeting') join the event they refer to."""
    body_tokens = {k for m in bodies.all for k in range(m.first, m.last)}
    named: dict[str, EventDraft] = {}
    unnamed: dict[str, EventDraft] = {}
    order: list[EventDraft] = []
    last_of_type: dict[str, EventDraft] = {}
    for t, w in enumerate(ctx.folded):
        if w not in EVENT_TRIGGERS or t in body_tokens:
            continue
        hit = _hit(ctx, t, body_tokens)
        if hit is None:
            continue
        if hit.name is not None:
            draft = named.get(hit.name.casefold())
            if draft is None:
                draft = EventDraft(w, hit.name)
                named[hit.name.casefold()] = draft
        elif w in last_of_type:
            draft = last_of_type[w]
        else:
            draft = unnamed.setdefault(w, EventDraft(w, None))
        if draft not in order:
            order.append(draft)
        last_of_type[w] = draft
        sent = ctx.sent_of[t]
        draft.triggers.append(t)
        if hit.name is not None:
            draft.surfaces.append(hit.name)
        else:  # 'successful analytical workshop', 'analytical workshop', 'workshop': each seen in the text
            words = [ctx.words[k] for k in range(hit.first, hit.last) if ctx.words[k].isalpha()]
            draft.surfaces += [" ".join(words[k:]) for k in range(len(words))]
        for mod in hit.modifiers:
            if mod not in draft.modifiers:
                draft.modifiers.append(mod)
        if draft.start is None and (dates := _sentence_dates(ctx, sent, ctx.starts[t])):
            draft.start, draft.end = dates
        draft.organisers += [(m, sent) for m in _organisers(ctx, bodies, hit)]
        draft.sites += [(m, sent) for m in _sites(ctx, places, sent)]
    kept = [d for d in order if d.name or d.start or d.organisers or d.sites]
    _attach_participants(ctx, bodies, places, kept)
    return kept


def _attach_participants(ctx: Context, bodies: Mentions, places: Mentions, events: list[EventDraft]) -> None:
    """Presenters and attendees belong to the event mentioned in their sentence, else the latest one."""
    if not events:
        return
    combined = Mentions(ctx, [*bodies.all, *(p for p in places.all if p.kind is Kind.COUNTRY)])
    by_trigger = sorted((t, d) for d in events for t in d.triggers)
    for sent in range(len(ctx.sentences)):
        found = _participants(ctx, combined, sent)
        if not found:
            continue
        rng = ctx.sentence_ranges[sent]
        target = None
        for t, d in by_trigger:
            if t < (rng.stop if rng else 0):
                target = d
        target = target or by_trigger[0][1]
        organisers = {m.key for m, _ in target.organisers}
        target.participants += [(m, sent) for m in found if m.key not in organisers]
