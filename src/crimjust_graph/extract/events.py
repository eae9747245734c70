"""Extraction stage, events: trigger nouns -> events with name, type, dates, place, organiser, attendees."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace

from crimjust_graph.documents import MONTHS
from crimjust_graph.extract import roles
from crimjust_graph.extract.cues import Shape, phrases
from crimjust_graph.extract.dates import find_dates
from crimjust_graph.extract.frames import (
    ANNOUNCING,
    COMPOUND_TRIGGERS,
    REFERENCES,
    TRIGGERS,
    WEAK_TRIGGERS,
    EventSpot,
    Modality,
    clause_at,
    planned_sentence,
    still_to_come,
)
from crimjust_graph.extract.gazetteer import bodies as registry
from crimjust_graph.extract.heads import EVENT_TRIGGERS, ORG_HEADS, PROGRAMME_HEADS, Mention
from crimjust_graph.extract.lists import Mentions
from crimjust_graph.extract.registry import event_role
from crimjust_graph.extract.tokens import STOPWORDS, Context
from crimjust_graph.model import EntityKey, Kind, Predicate
from crimjust_graph.vocab import slugify

DETERMINERS = frozenset(
    {"the", "a", "an", "this", "that", "its", "their", "his", "her", "our", "at", "during"}
)
INDEFINITE = frozenset({"a", "an", "another"})
DEFINITE = frozenset({"the", "this", "that", "its", "their", "his", "her", "our", "at", "during"})
NAME_JOINERS = frozenset({"on", "of", "for", "against", "and", "the", "-", "&"})
NAMING = frozenset({"entitled", "titled", "called", "named", "dubbed", "codenamed"})
QUOTES = frozenset({'"', "“", "”", "'", "‘", "’"})
# Words that may open an event's name but say nothing about which event ('inaugural', 'first').
NAME_MODIFIERS = frozenset(
    "inaugural first second third fourth fifth annual regional international official".split()  # noqa: SIM905
)
_ORDINAL = re.compile(r"\d+(st|nd|rd|th)$", re.IGNORECASE)
# A topic phrase after the trigger ('training on intelligence and analysis') ends at one of these.
_PHRASE_STOP = frozenset(
    """was were is are which that who held in by from with during to will would has have had organised
    organized hosted took opened closed began started ended concluded brought gathered aimed focused discussed
    addressed reviewed examined provided included featured said""".split()  # noqa: SIM905
)
_SKIP_BEFORE_OF = frozenset({"operation", "mission", "training", "exercise", "course"})
_PLACES_AND_THINGS = "room rooms hall venue school college manual manuals module modules curriculum materials"
NOT_EVENT_AFTER = ORG_HEADS | PROGRAMME_HEADS | frozenset(_PLACES_AND_THINGS.split())


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
    funders: list[tuple[Mention, int]] = field(default_factory=list)
    sites: list[tuple[Mention, int]] = field(default_factory=list)
    participants: list[tuple[Mention, int]] = field(default_factory=list)
    absorbed: list[Mention] = field(default_factory=list)  # bodies named inside the event's name
    # bodies qualifying the head noun from inside the name ('an INTERPOL meeting'): organisers if none is told
    owners: list[tuple[Mention, int]] = field(default_factory=list)
    aside: bool = False  # a previous or next event told in passing: later sentences are not about it
    topic: str | None = None  # the first mention's noun phrase with its topic ('workshop on X')

    def label(self) -> str:
        """The proper name, else the fullest noun phrase ('specialised training on document fraud'), else
        organiser + modifiers + type ('IPES annual meeting')."""
        if self.name:
            return self.name
        if self.topic:
            return self.topic
        return self.composed()

    def composed(self) -> str:
        """Organiser + modifiers + type: a short name that never stands as a bare generic word."""
        parts = [*self.modifiers[:2], self.event_type]
        if self.organisers:
            known = self.organisers[0][0].known
            parts.insert(0, known.acronym or known.label)
        else:
            parts[0] = parts[0][:1].upper() + parts[0][1:]
        return " ".join(parts)

    def slug(self, doc_id: str) -> str:
        return f"{slugify(self.label())}-{self.start or doc_id}"

    def absorb(self, other: EventDraft) -> None:
        """Take over another draft that names the same event."""
        if other.name and other.name != self.name:
            self.surfaces.append(other.name)
        self.surfaces += other.surfaces
        self.topic = self.topic or other.topic
        self.triggers += other.triggers
        self.modifiers += [m for m in other.modifiers if m not in self.modifiers]
        if self.start is None:
            self.start, self.end = other.start, other.end
        self.organisers += other.organisers
        self.funders += other.funders
        self.sites += other.sites
        self.participants += other.participants
        self.absorbed += other.absorbed
        self.owners += other.owners


@dataclass(frozen=True)
class _Hit:
    trigger: int
    first: int
    last: int
    name: str | None
    modifiers: tuple[str, ...]
    definite: bool
    absorbed: tuple[Mention, ...] = ()
    indefinite: bool = False  # 'a 3-day meeting': a new event, never one told before


def _name_word(ctx: Context, k: int) -> bool:
    """A token that can sit in an event's name before its trigger ('2nd', 'Bi-regional', 'COLIBRI')."""
    w = ctx.words[k]
    if ctx.folded[k] in STOPWORDS:
        return False
    if w[:1].isupper() or _ORDINAL.match(w):
        return True
    return w == "-" or (k > 0 and ctx.words[k - 1] == "-" and w.isalpha())


def _named(ctx: Context, t: int, bodies: Mentions, taken: set[int], open_bodies: set[int]) -> _Hit | None:
    """'2nd Bi-regional Meeting', 'Regional Workshop for Maritime Intelligence Units (MIU)'."""
    n, sent = len(ctx), ctx.sent_of[t]
    first = t
    while first - 1 >= 0 and ctx.sent_of[first - 1] == sent:
        owner = bodies.by_last.get(first)
        if first - 1 in taken:
            # A programme's name stays in the event's ('EMPACT Joint Action Days', 'Paris Pact Expert Working
            # Group Meeting'); an organiser's does not ('the EU Expert Meeting on Drugs').
            if owner is not None and owner.kind is Kind.PROGRAMME and ctx.sent_of[owner.first] == sent:
                first = owner.first
            break
        if not _name_word(ctx, first - 1):
            break
        first -= 1
    while first < t and not ctx.words[first][:1].isupper() and not _ORDINAL.match(ctx.words[first]):
        first += 1
    last, absorbed = t + 1, list[Mention]()
    while last < n and ctx.sent_of[last] == sent:
        if last in taken:
            m = bodies.by_first.get(last)
            if m is None or last not in open_bodies or ctx.folded[last - 1] not in NAME_JOINERS:
                break
            absorbed.append(m)
            last = m.last
        elif (ctx.is_capitalised(last) and ctx.folded[last] not in STOPWORDS) or (
            ctx.folded[last] in NAME_JOINERS and ctx.is_capitalised(last + 1)
        ):
            last += 1
        else:
            break
    if last - first <= 1:
        return None
    name_last = last
    while ctx.words[name_last - 1] == ")" and "(" in ctx.words[first:name_last]:
        name_last = ctx.words.index("(", first, name_last)
    return _Hit(t, first, last, ctx.text(first, name_last), (), True, tuple(absorbed))


_SERIES = frozenset({"series", "round", "rounds", "cycle", "set", "edition", "number", "programme"})
_MODALS = frozenset({"to", "will", "would", "shall", "may", "can", "could", "should", "must"})


def _hit(
    ctx: Context,
    t: int,
    bodies: Mentions,
    taken: set[int],
    open_bodies: set[int],
    sited: frozenset[int] = frozenset(),
) -> _Hit | None:
    """One mention of an event around its trigger; a place before it ('the Bogotá workshop') names no event,
    it tells which one (`sited`: the tokens of place names)."""
    n = len(ctx)
    sent = ctx.sent_of[t]
    if t + 1 < n and ctx.folded[t + 1] in EVENT_TRIGGERS and ctx.sent_of[t + 1] == sent:
        return None  # 'training course': the later trigger carries the mention
    if ctx.folded[t] in _SKIP_BEFORE_OF and t + 1 < n and ctx.folded[t + 1] == "of":
        return None
    if t + 1 < n and ctx.folded[t + 1] in NOT_EVENT_AFTER and ctx.sent_of[t + 1] == sent:
        return None  # 'the Training Centre', 'a training programme', 'the meeting room': no occurrence
    if t > 0 and ctx.folded[t - 1] in _MODALS:
        return None  # 'the WCO will visit', 'to train officers': a verb
    if ctx.is_capitalised(t) and (named := _named(ctx, t, bodies, taken, open_bodies)) is not None:
        return named
    k = t - 1
    modifiers: list[str] = []
    inside: list[Mention] = []  # bodies written into the event's noun phrase ('the 48th EAPCCO PCC meeting')
    proper = False
    budget = 6  # lower-case words before the trigger; a name's words and bodies may run a little longer
    steps = 0  # a whole body's name counts as one step
    while k >= 0 and ctx.sent_of[k] == sent and budget > 0 and steps < 12:
        w = ctx.folded[k]
        if w in DETERMINERS or (w == "s" and k > 0 and ctx.words[k - 1] in {"'", "’"}):
            break
        if w in ANNOUNCING:
            return None  # 'WCO announced new training for 2019': an event still to come
        if w in _CLAUSE_VERBS and not ctx.is_capitalised(k):
            break  # 'ECOWAS and UNODC hold regional dialogue', 'its secretariat coordinates training'
        if w == "of" and ctx.folded[k - 1 : k] and ctx.folded[k - 1] in _SERIES:
            break  # 'a series of twenty regional training workshops': the event's phrase starts here
        budget -= 0 if k in taken or ctx.is_capitalised(k) else 1
        steps += 1
        owner = bodies.by_last.get(k + 1) if k in taken else None
        if owner is not None and ctx.sent_of[owner.first] == sent:
            inside.append(owner)  # jump the whole name, brackets and commas included
            k = owner.first - 1
            continue
        hyphenated = "-" in (ctx.words[k - 1], ctx.words[min(k + 1, t)])
        dated = w in MONTHS and k > 0 and ctx.words[k - 1].isdigit()  # 'the 25 June meeting'
        if not (ctx.words[k].isalnum() or ctx.words[k] == "-"):
            return None
        if ctx.words[k][:1].isupper() and k not in taken and k not in sited and not hyphenated and not dated:
            proper = True  # 'the Paris Pact Expert Working Group meeting': a name, if a determiner opens it
        if k not in taken | sited and ctx.words[k].isalpha() and not hyphenated and not dated and not proper:
            modifiers.insert(0, ctx.words[k])  # a name's words ('the Vienna conference') are no modifiers
        k -= 1
    else:
        if k >= 0 and ctx.sent_of[k] == sent:
            return None
    opener = ctx.folded[k] if k >= 0 and ctx.sent_of[k] == sent else ""
    if proper and opener not in DETERMINERS:
        return None
    if still_to_come(ctx, k if opener in DETERMINERS else k + 1, sent):
        return None  # 'announced new training for 2019', 'asked X to support a follow-up meeting'
    definite = opener in DEFINITE or opener == "s"
    mods = tuple(m.lower() for m in modifiers)
    name = None
    phrase = opener in DETERMINERS  # 'WCO announced new training' opens a clause, not a name
    if (inside or proper) and phrase and (ctx.is_capitalised(k + 1) or _ORDINAL.match(ctx.words[k + 1])):
        name = ctx.text(k + 1, t + 1)  # the fullest noun phrase: 'Paris Pact Expert Working Group meeting'
    return _Hit(t, k + 1, t + 1, name, mods, definite, indefinite=opener in INDEFINITE)


# Verbs whose object the event phrase is: its words start after them.
_CLAUSE_VERBS = frozenset(
    """hold holds held organise organises organize organizes host hosts coordinates provides offers
    delivers""".split()  # noqa: SIM905
)


def _copular_name(ctx: Context, hit: _Hit) -> _Hit:
    """'Lionfish was an operation targeting ...': the sentence's opening name names the event."""
    k = hit.first - 1
    if hit.name is not None or not hit.indefinite or k < 2 or ctx.folded[k - 1] not in {"is", "was"}:
        return hit
    start = ctx.sentence_ranges[ctx.sent_of[hit.trigger]].start
    names = range(start, k - 1)
    if not 1 <= len(names) <= 4 or not all(
        ctx.is_capitalised(j) and ctx.folded[j] not in STOPWORDS for j in names
    ):
        return hit
    return replace(hit, name=ctx.text(start, k - 1))


def _topic_end(ctx: Context, hit: _Hit) -> int:
    """End of a topic phrase after the trigger: 'training on intelligence and analysis at airports'."""
    j, sent = hit.last, ctx.sent_of[hit.trigger]
    if j >= len(ctx) or ctx.folded[j] not in {"on", "of", "for", "against"}:
        return hit.last
    if j + 1 < len(ctx) and (ctx.words[j + 1][:1].isdigit() or ctx.folded[j + 1] in MONTHS):
        return hit.last  # 'a meeting on 12 April': a date, not a topic
    end = hit.last
    while j < len(ctx) and ctx.sent_of[j] == sent and j - hit.last < 14:
        w = ctx.words[j]
        if ctx.folded[j] in _PHRASE_STOP or not (w.isalnum() or w == "-"):
            break
        if ctx.folded[j] in {"on", "in", "from"} and ctx.folded[j + 1 : j + 2] and _dated_word(ctx, j + 1):
            break  # 'a mission on police cooperation on 3 May 2021': the date ends the topic
        if ctx.is_capitalised(j - 1) and ctx.folded[j] in {"for", "with", "at", "on", "against"}:
            break  # 'a visit of the Naval Intelligence Centre for partners from ...': the name ends the topic
        j += 1
        if ctx.folded[j - 1] not in {"on", "of", "for", "against", "and", "the", "at", "-"}:
            end = j
    return end


def _dated_word(ctx: Context, k: int) -> bool:
    return ctx.words[k][:1].isdigit() or ctx.folded[k] in MONTHS


def _surfaces(ctx: Context, hit: _Hit) -> list[str]:
    """'successful analytical workshop', 'analytical workshop', 'workshop', 'workshop on X'."""
    out = []
    words = ctx.text(hit.first, hit.last).split()
    out += [" ".join(words[k:]) for k in range(len(words))]
    end = _topic_end(ctx, hit)
    if end > hit.last:
        out += [ctx.text(hit.first, end), ctx.text(hit.trigger, end)]
    return [s for s in out if any(c.isalpha() for c in s)]


# 'the summit on 12 April will be preceded by a meeting': the date is another event's, the month is shared.
_SEQUENCE = re.compile(r"\b(?:preceded|followed)\s+by\b|\b(?:ahead|in\s+advance)\s+of\b|\bprior\s+to\b", re.I)


def _sentence_dates(
    ctx: Context, sent: int, at: int, owner: tuple[Mentions, int] | None = None
) -> tuple[str, str | None] | None:
    """The date nearest to offset `at` in a sentence; with `owner` (bodies, trigger), only a date whose
    nearest event trigger is that one ('the meeting will report to the 16th PCGM on 5 December')."""
    span = ctx.sentences[sent]
    dates = find_dates(span.text, ctx.year, span.start, ctx.issued)
    # A span of years ('the Programme (2016-2021)') is a programme's period, never one event's date.
    dates = [d for d in dates if d.char_start >= ctx.dateline_end and not (d.end and len(d.end) == 4)]
    if owner is not None and not _SEQUENCE.search(span.text):
        bodies, trigger = owner
        dates = [
            d for d in dates if _nearest_trigger(ctx, bodies, _token_at(ctx, d.char_start)) in (None, trigger)
        ]
    if not dates:
        return None
    best = min(dates, key=lambda d: abs(d.char_start - at))
    lo, hi = sorted((best.char_end, at))
    if _SEQUENCE.search(ctx.document.text, lo, hi) and len(best.start) == 10:
        return best.start[:7], None
    said = ctx.document.text[best.char_start : best.char_end].casefold()
    if said in {"today", "yesterday"} and _CLOSING.search(span.text):
        return best.start[:7], best.start  # 'a week-long workshop concluded today': it ended then
    return best.start, best.end


# 'The workshop concluded today': the day is the end; the start is only known to its month.
_CLOSING = re.compile(r"\b(?:concluded|ended|closed|wrapped\s+up|came\s+to\s+a\s+close)\b", re.I)
# 'This was convened in Bujumbura from 4-6 March': a sentence that goes on about the event just named.
_GOES_ON = frozenset({("this",), ("it",)})


def _titles(ctx: Context) -> dict[int, tuple[str, int, int]]:
    """'an activity organised in Lima, entitled "New routes"': trigger token -> (title, first, last)."""
    out: dict[int, tuple[str, int, int]] = {}
    for i, w in enumerate(ctx.folded):
        if w not in NAMING or i + 1 >= len(ctx) or ctx.words[i + 1] not in QUOTES:
            continue
        sent = ctx.sent_of[i]
        ahead = range(i + 2, min(i + 25, len(ctx)))
        close = next((j for j in ahead if ctx.words[j] in QUOTES and ctx.sent_of[j] == sent), None)
        trigger = next((k for k in range(i - 1, max(-1, i - 16), -1) if ctx.folded[k] in TRIGGERS), None)
        if close is None or close == i + 2 or trigger is None or ctx.sent_of[trigger] != sent:
            continue
        out[trigger] = (ctx.text(i + 2, close), i + 2, close)
    return out


def _open_bodies(bodies: Mentions) -> set[int]:
    """First tokens of bodies first seen in this text (not in the registry): an event name may hold them."""
    known = {k.key for k, _ in registry()}
    seen: set[EntityKey] = set()
    out = set()
    for m in bodies.all:
        if m.key not in seen and m.key not in known and m.kind is Kind.PARTNER:
            out.add(m.first)
        seen.add(m.key)
    return out


def find_events(ctx: Context, bodies: Mentions, places: Mentions) -> list[EventDraft]:
    """Events of one document; repeated mentions ('the meeting') join the event they refer to."""
    taken = {k for m in bodies.all for k in range(m.first, m.last)}
    sited = frozenset(k for m in places.all for k in range(m.first, m.last)) - taken
    open_bodies = _open_bodies(bodies)
    titles = _titles(ctx)
    title_tokens = {k for _, a, b in titles.values() for k in range(a, b)}
    named: dict[str, EventDraft] = {}
    order: list[EventDraft] = []
    last_of_type: dict[str, EventDraft] = {}
    headline: list[tuple[_Hit, str]] = []
    text, first_end = ctx.document.text, ctx.sentences[0].end
    after_first = text[first_end : first_end + 2].strip(" \t")
    headline_sentence = len(ctx.sentences) > 1 and after_first in {"\n", "\n\n"}
    previous: tuple[_Hit, EventDraft] | None = None
    for t, w in enumerate(ctx.folded):
        if t in taken or t in title_tokens or not _may_trigger(ctx, bodies, t, w):
            continue
        gathering = _gathering_met(ctx, bodies, t) if w in GATHERINGS else None
        if gathering is not None:
            hit, w = gathering, "meeting"  # 'The annual steering committee of X met in Lomé': a meeting
        elif w in GATHERINGS:
            continue
        elif t in titles:
            title, _, _ = titles[t]
            plain = _hit(ctx, t, bodies, taken, open_bodies, sited)
            hit = _Hit(t, plain.first if plain else t, t + 1, title, plain.modifiers if plain else (), True)
        elif w in REFERENCES:
            if not (t > 0 and ctx.folded[t - 1] in {"the", "this", "that"} and order):
                continue
            hit = _Hit(t, t, t + 1, None, (), True)
        else:
            found = _hit(ctx, t, bodies, taken, open_bodies, sited)
            if found is None:
                continue
            hit = _copular_name(ctx, found)
        if ctx.sent_of[t] == 0 and headline_sentence:
            headline.append((hit, w))  # the headline names the article's event: resolved at the end
            continue
        aside = _another_event(ctx, hit, w, last_of_type, order)
        if aside:
            hit = replace(hit, definite=False, indefinite=True)  # 'during their meeting in Algiers on 10 May'
        if previous is not None and hit.name is None and _coordinated(ctx, previous[0], hit):
            draft = previous[1]  # 'promoted an exchange visit and a seminar on X': one event told twice
        else:
            draft = _resolve(hit, w, named, order, last_of_type)
        draft.aside = draft.aside or aside
        _record(ctx, bodies, places, draft, hit)
        previous = (hit, draft)
    for hit, w in headline:
        target = named.get(hit.name.casefold()) if hit.name else None
        if target is None and order:
            target = next((d for d in order if d.event_type == w), order[0])
            if hit.name and target.name and _name_words(target.name) < _name_words(hit.name):
                target.surfaces.append(target.name)  # 'Swordfish' under 'Operation Swordfish'
                target.name = hit.name
        _record(ctx, bodies, places, target or _resolve(hit, w, named, order, last_of_type), hit)
    order = _merge_named(order)
    kept = [
        d
        for d in order
        if d.name or d.organisers or d.sites or (d.start and d.event_type not in WEAK_TRIGGERS)
    ]
    _mark_asides(ctx, kept)
    # A sentence about an event that is not kept (a planned or unanchored one, 'a similar operation is planned
    # for 2020 with the participation of ...') lends its attendees to no other event.
    elsewhere = frozenset(ctx.sent_of[t] for d in order if d not in kept for t in d.triggers)
    _attach_participants(ctx, bodies, places, [d for d in kept if not d.aside] or kept, elsewhere)
    for d in kept:  # 'an X meeting, organised under the framework of X's Y project': X as well as Y
        if d.organisers and not any(m.kind is Kind.PARTNER for m, _ in d.organisers):
            have = {m.key for m, _ in d.organisers}
            d.organisers += [(m, s) for m, s in d.owners if m.key not in have]
    main = next((d for d in sorted(kept, key=lambda d: min(d.triggers)) if not d.aside), None)
    if main is not None and not main.sites:  # 'DUSHANBE, 15 August 2014 - A workshop ... concluded today'
        main.sites += [
            (m, ctx.sent_of[m.first]) for m in event_role("dateline_sites", ctx, places, EventSpot(0))
        ]
    return kept


# A body that meets ('the steering committee met'): its sitting is a meeting, named by the noun phrase.
GATHERINGS = frozenset({"committee", "board", "council", "group", "assembly"})
_MET_VERBS = frozenset({"met", "meets", "convened", "gathered", "sat"})


def _may_trigger(ctx: Context, bodies: Mentions, t: int, w: str) -> bool:
    """Whether the word at t can name an event at all, before its phrase is read."""
    if w in GATHERINGS:
        return True
    if w not in TRIGGERS:
        return False
    if w in COMPOUND_TRIGGERS:
        return ctx.folded[t - 1 : t] == (COMPOUND_TRIGGERS[w],)
    # 'X delivered a presentation on seizures' is a part of the event, not an event
    return w != "presentation" or _presents_a_programme(ctx, bodies, t)


def _gathering_met(ctx: Context, bodies: Mentions, t: int) -> _Hit | None:
    """'The annual steering committee of the Airport Communication Project met in Lomé' -> a meeting named
    'annual steering committee of the Airport Communication Project' (a lower-case committee opening the
    sentence, then 'met')."""
    rng = ctx.sentence_ranges[ctx.sent_of[t]]
    opener = rng.start
    if ctx.folded[opener] not in {"the", "a", "an", "its", "their"} or t - opener > 4:
        return None
    if any(ctx.is_capitalised(k) for k in range(opener + 1, t + 1)):
        return None  # 'the Steering Committee' as a body's name is the body's job
    k = t + 1
    if ctx.folded[k : k + 1] == ("of",):
        owner = bodies.by_first.get(k + 1 + (ctx.folded[k + 1 : k + 2] == ("the",)))
        k = owner.last if owner is not None else k
    if ctx.folded[k : k + 1] and ctx.folded[k] in _MET_VERBS:
        name = ctx.text(opener + 1, k)
        return _Hit(t, opener + 1, t + 1, name, (), True)
    return None


def _presents_a_programme(ctx: Context, bodies: Mentions, t: int) -> bool:
    """'the presentation of the EUROFRONT project' launches a programme: an event of its own."""
    if ctx.folded[t + 1 : t + 2] != ("of",):
        return False
    k = t + 2 + (ctx.folded[t + 2 : t + 3] == ("the",))
    found = bodies.by_first.get(k)
    return found is not None and found.kind is Kind.PROGRAMME


def _coordinated(ctx: Context, before: _Hit, hit: _Hit) -> bool:
    """'an exchange visit and a seminar': two indefinite mentions joined by 'and' in one noun phrase."""
    between = ctx.folded[before.last : hit.first]
    return before.indefinite and hit.indefinite and between in {("and", "a"), ("and", "an")}


def _another_event(
    ctx: Context, hit: _Hit, w: str, last_of_type: dict[str, EventDraft], order: list[EventDraft]
) -> bool:
    """A definite mention dated in its own words, on a day other than the event it would join, is another
    event (a previous or next one), so it never lends its date or place to the reported one."""
    if hit.name is not None or hit.indefinite:
        return False
    joined = last_of_type.get(w) or (order[-1] if hit.definite and order else None)
    if joined is None or joined.start is None:
        return False
    own = _sentence_dates(ctx, ctx.sent_of[hit.trigger], ctx.ends[hit.trigger])
    if own is None:
        return False
    span = ctx.sentences[ctx.sent_of[hit.trigger]]
    near = [
        d
        for d in find_dates(span.text, ctx.year, span.start, ctx.issued)
        if 0 <= d.char_start - ctx.ends[hit.trigger] <= 30
    ]
    return bool(near) and near[0].start != joined.start


def _resolve(
    hit: _Hit,
    w: str,
    named: dict[str, EventDraft],
    order: list[EventDraft],
    last_of_type: dict[str, EventDraft],
) -> EventDraft:
    if hit.name is not None:
        draft = named.get(hit.name.casefold())
        if draft is None:
            draft = named[hit.name.casefold()] = EventDraft(w, hit.name)
    elif w in last_of_type and not hit.indefinite:
        draft = last_of_type[w]
    elif hit.definite and order and w not in WEAK_TRIGGERS:
        draft = order[-1]  # 'the meeting' after 'a workshop': the article's event, told differently
    else:
        draft = EventDraft(w, None)
    if draft not in order:
        order.append(draft)
    previous = last_of_type.get(w)
    if not (hit.indefinite and previous is not None and previous.name):
        last_of_type[w] = draft  # 'the meeting' keeps meaning the named one after 'a meeting of experts'
    return draft


def _record(ctx: Context, bodies: Mentions, places: Mentions, draft: EventDraft, hit: _Hit) -> None:
    t, sent = hit.trigger, ctx.sent_of[hit.trigger]
    draft.triggers.append(t)
    if hit.name is not None:
        draft.surfaces.append(hit.name)
        if hit.last > hit.first + 1 and ctx.words[hit.last - 1] == ")":
            draft.surfaces.append(ctx.text(hit.first, hit.last))
        if hit.last + 2 < len(ctx) and ctx.words[hit.last] == "(" and ctx.words[hit.last + 2] == ")":
            draft.surfaces.append(ctx.words[hit.last + 1])  # '... Meeting (IMDCC)'
    else:
        draft.surfaces += _surfaces(ctx, hit)
        end = _topic_end(ctx, hit)
        if draft.topic is None and end > hit.last and not draft.triggers[:-1]:
            draft.topic = ctx.text(hit.first, end)
    draft.absorbed += hit.absorbed
    same_kind = ctx.folded[t] == draft.event_type  # 'promotes dialogue' says nothing of 'the annual meeting'
    for mod in hit.modifiers if same_kind else ():
        if mod not in draft.modifiers:
            draft.modifiers.append(mod)
    if draft.start is None and (dates := _sentence_dates(ctx, sent, ctx.starts[t], (bodies, t))):
        draft.start, draft.end = dates
    following = sent + 1
    if following < len(ctx.sentences) and ctx.folded[ctx.sentence_ranges[following].start :][:1] in _GOES_ON:
        rng = ctx.sentence_ranges[following]
        if not any(ctx.folded[k] in TRIGGERS for k in rng):
            if draft.start is None and (dates := _sentence_dates(ctx, following, ctx.starts[rng.start])):
                draft.start, draft.end = dates
            draft.sites += [(m, following) for m in event_role("sites", ctx, places, EventSpot(following))]
    spot = EventSpot(sent, t, hit.first, hit.last, draft.event_type)
    draft.organisers += [(m, sent) for m in event_role("organisers", ctx, bodies, spot)]
    draft.owners += [(m, sent) for m in event_role("named_in_front", ctx, bodies, spot)]
    draft.funders += [(m, sent) for m in event_role("funders", ctx, bodies, spot)]
    draft.participants += [(m, sent) for m in event_role("supporters", ctx, bodies, spot)]
    draft.sites += [
        (m, sent)
        for m in event_role("sites", ctx, places, spot)
        if not _sequenced(ctx, m.first, t) and _nearest_trigger(ctx, bodies, m.first) in (None, t)
    ]
    draft.sites += [(m, sent) for m in event_role("areas_crossed", ctx, places, spot)]


def _token_at(ctx: Context, offset: int) -> int:
    """The token starting at or just after a character offset."""
    return min(bisect.bisect_left(ctx.starts, offset), len(ctx) - 1)


def _nearest_trigger(ctx: Context, bodies: Mentions, i: int) -> int | None:
    """The event trigger a place at token i belongs to: the last one before it in the sentence, else the first
    after it ('during their meeting in Algiers ... the Summit held in Malabo': each keeps its own place).
    A trigger word inside a body's name ('the National Training Centre') is no event."""
    sent = ctx.sent_of[i]
    rng = ctx.sentence_ranges[sent]
    inside = {k for m in bodies.in_sentence(sent) for k in range(m.first, m.last)}
    triggers = [k for k in rng if ctx.folded[k] in EVENT_TRIGGERS and k not in inside]
    before = [k for k in triggers if k < i]
    if before:
        return before[-1]
    return next((k for k in triggers if k > i), None)


def _sequenced(ctx: Context, a: int, b: int) -> bool:
    """'in Abuja, the summit will be preceded by a meeting': the place is the summit's, not the meeting's."""
    lo, hi = sorted((a, b))
    return _SEQUENCE.search(ctx.document.text, ctx.starts[lo], ctx.starts[hi]) is not None


def _name_words(name: str) -> set[str]:
    return {w for w in re.findall(r"\w+", name.casefold()) if w not in NAME_MODIFIERS}


def _merge_named(order: list[EventDraft]) -> list[EventDraft]:
    """'Steering Committee Meeting' and 'Inaugural COLIBRI Steering Committee Meeting' are one event."""
    out: list[EventDraft] = []
    for draft in sorted(order, key=lambda d: -len(d.name or "")):
        words = _name_words(draft.name) if draft.name else set()
        into = next(
            (
                d
                for d in out
                if words
                and d.name
                and d.event_type == draft.event_type
                and words <= _name_words(d.name)
                and (draft.start is None or d.start is None or draft.start == d.start)
            ),
            None,
        )
        if into is None:
            out.append(draft)
        else:
            into.absorb(draft)
    return sorted(out, key=lambda d: min(d.triggers))


_MET = phrases(Predicate.HELD_IN, Shape.SIGNAL, "met in")


def _mark_asides(ctx: Context, events: list[EventDraft]) -> None:
    """A dated event named only in sentences about an earlier one ('endorsed by the 23rd AU Summit held in
    Malabo on 20-27 June') is told in passing."""
    seen: set[int] = set()  # sentences holding a trigger of an event told before
    for d in sorted(events, key=lambda d: min(d.triggers)):
        sentences = {ctx.sent_of[t] for t in d.triggers}
        if seen and d.name and d.start and sentences <= seen:
            d.aside = True
        seen |= sentences


def _told_of(bodies: Mentions, places: Mentions, m: Mention, event: EventDraft) -> bool:
    """A participant named in a clause about something planned ('Benin will join later sessions') takes part
    in the event only when that clause names the event itself ('a planning meeting with officials of Benin
    will open the drill': the meeting's)."""
    clause = clause_at(bodies, places, m.first)
    return clause.modality is not Modality.PLANNED or any(clause.holds(t) for t in event.triggers)


def _attach_participants(
    ctx: Context, bodies: Mentions, places: Mentions, events: list[EventDraft], elsewhere: frozenset[int]
) -> None:
    """Presenters, attendees and places belong to the event mentioned in their sentence, else the latest;
    none from a sentence about an event that is not kept."""
    if not events:
        return
    inside = {k for m in bodies.all for k in range(m.first, m.last)}  # 'the Spanish National Police': a body
    countries = (p for p in places.all if p.kind is Kind.COUNTRY and p.first not in inside)
    combined = Mentions(ctx, [*bodies.all, *countries])
    by_trigger = sorted(((t, d) for d in events for t in d.triggers), key=lambda td: td[0])
    trigger_at = [t for t, _ in by_trigger]
    own = {ctx.sent_of[t] for t, _ in by_trigger}
    first_in_body = next((t for t in trigger_at if ctx.sent_of[t] > 0), trigger_at[0])
    for sent in range(1, len(ctx.sentences)):
        if sent not in own and (sent in elsewhere or planned_sentence(bodies, places, sent)):
            continue
        found = event_role("participants", ctx, combined, EventSpot(sent))
        told = sent not in own and roles.site_sentence(ctx, sent)
        where = event_role("sites", ctx, places, EventSpot(sent)) if told else []
        later = ctx.sentence_ranges[sent].stop > first_in_body  # the headline's trigger opens no story
        if where and later and any(True for _ in ctx.cues(sent, _MET)):
            where = []  # 'Agencies met in Brussels' opens the story; 'officers later met in Lomé' is another
        if not found and not where:
            continue
        rng = ctx.sentence_ranges[sent]
        before = bisect.bisect_left(trigger_at, rng.stop if rng else 0)  # the last trigger before its end
        target = by_trigger[before - 1][1] if before else by_trigger[0][1]
        organisers = {m.key for m, _ in target.organisers}
        found = [m for m in found if _told_of(bodies, places, m, target)]
        target.participants += [(m, sent) for m in found if m.key not in organisers]
        target.sites += [(m, sent) for m in where]
        dates = _sentence_dates(ctx, sent, ctx.starts[where[0].first]) if where else None
        if dates and target.start is None:
            target.start, target.end = dates  # 'Agencies met in Brussels in July 2019': the event's date
