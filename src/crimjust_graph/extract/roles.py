"""Extraction stage, event roles: an event's sentences -> organisers, funders, sites and participants.

Each public function here is an event rule of `registry.EVENT_RULES` (or, for the last two, a rule over the
relations already made, `registry.RELATION_RULES`); `events` calls them through the registry only.
"""

from __future__ import annotations

import bisect
import re
from itertools import pairwise

from crimjust_graph.extract.cues import Shape, phrases, verbs, without
from crimjust_graph.extract.dates import find_dates
from crimjust_graph.extract.frames import EVENT_WORDS, EventSpot, earlier_events, planned_venue
from crimjust_graph.extract.heads import Mention
from crimjust_graph.extract.lists import ACTORS, AREAS, BODIES, POSSESSIVE, PROGRAMMES, SITES, Mentions
from crimjust_graph.extract.relations import FUND_CUES
from crimjust_graph.extract.tokens import Context
from crimjust_graph.model import EntityKey, Kind, Predicate, Relation

ORGANISE_VERBS = verbs(Predicate.ORGANISED_BY)
FUND_VERBS = verbs(Predicate.FUNDED_BY)
# An event held within a programme's frame is organised by it ('as part of the ENACT project').
FRAME_CUES = phrases(Predicate.ORGANISED_BY, Shape.EVENT)
PARTNERSHIP_CUES = phrases(Predicate.ORGANISED_BY, Shape.PASSIVE)
SUPPORT_CUES = phrases(Predicate.HAS_PARTICIPANT, Shape.SUPPORTED)
HOST_CUES = phrases(Predicate.ORGANISED_BY, Shape.HOST)
# 'X delivered a workshop', 'X promoted an exchange visit': the body that gave the event, its organiser
DELIVERY_VERBS = frozenset({"delivered", "promoted", "conducted", "ran"})
SELF_CUES = phrases(Predicate.HAS_PARTICIPANT, Shape.ACTIVE)
LIST_CUES = phrases(Predicate.HAS_PARTICIPANT, Shape.EVENT)
# A sentence with one of these and 'in <place>' says where the current event happened.
SITE_SENTENCE = phrases(Predicate.HELD_IN, Shape.SIGNAL)
RELATIVE = frozenset({"which", "that", "who", "whose"})
AUXILIARIES = frozenset({"is", "are", "was", "were", "will", "would", "has", "have", "had", "be", "been"})
HOSTING = frozenset({"hosting", "organising", "organizing", "convening", "chairing"})
COPULA = frozenset({"was", "were", "is", "are"})
# After 'took part' or 'attended': a list of other participants ('took part, in addition to X and Y').
ALSO_CUES = (
    ("in", "addition", "to"),
    ("alongside",),
    ("along", "with"),
    ("as", "well", "as"),
    ("together", "with"),
)
SITE_VERBS = verbs(Predicate.HELD_IN)


def _agent_by(ctx: Context, verb: int, stop: int) -> int | None:
    """The token after the 'by' of 'organised by X', also 'organised in Cartagena by X' (a short place or
    time phrase between); None when a clause or another verb comes first."""
    for k in range(verb + 1, min(verb + 7, stop)):
        w = ctx.folded[k]
        if w == "by":
            return k + 1
        if k == verb + 1 and w not in {"in", "at", "on", "last", "this"}:
            return None
        if w in {",", ";", "and", "which", "who", "that"}:
            return None
    return None


def _owners(ctx: Context, mentions: Mentions, units: list[Mention]) -> list[Mention]:
    """ "UNODC's Terrorism Prevention Team organized X": the unit's owner organised it too."""
    out = []
    for m in units:
        owner = mentions.by_last.get(m.first - 2)
        if (
            ctx.words[m.first - 2 : m.first] in POSSESSIVE
            and owner is not None
            and owner.kind is Kind.PARTNER
        ):
            out.append(owner)
    return out


def organisers(ctx: Context, mentions: Mentions, spot: EventSpot) -> list[Mention]:
    """Who organised the event whose mention spans [first, last) around its trigger."""
    trigger, first, last = spot.trigger, spot.first, spot.last
    sent = ctx.sent_of[trigger]
    rng = ctx.sentence_ranges[sent]
    out: list[Mention] = []
    for i in rng:
        delivery = (  # the event is the verb's object: 'delivered a workshop', not 'delivered talks at it'
            ctx.folded[i] in DELIVERY_VERBS
            and i < first
            and all(ctx.folded[k] in {"a", "an", "the", "its", "their"} for k in range(i + 1, first))
        )
        if ctx.folded[i] in ORGANISE_VERBS or _delivered(ctx, i, last) or delivery:
            if i > first and any(ctx.folded[k] in RELATIVE for k in range(max(last, i - 3), i)):
                continue  # 'convened by the Project, which is run by IOM': the clause is about the Project
            by = _agent_by(ctx, i, rng.stop)
            if by is not None:
                items = mentions.after(by, BODIES)
                if items and ctx.folded[items[-1].last : items[-1].last + 1] == ("with",):
                    items += mentions.after(items[-1].last + 1, BODIES)  # 'organised by X with Y'
                out += items
            elif ctx.folded[i + 1 : i + 2] == ("with",) and i > last:
                out += mentions.after(i + 2, BODIES)  # 'the course was co-organised with UNODC'
            elif i < first and first - i <= 8:
                k = i
                while k > 0 and ctx.folded[k - 1] in AUXILIARIES:  # 'ECOWAS is holding', 'X will host'
                    k -= 1
                found = mentions.backward(k, BODIES)
                j = k
                while not found and j > rng.start + 1 and k - j < 3 and ctx.words[j - 1][:1].isupper():
                    j -= 1
                    if ctx.folded[j - 1] == "in":  # 'the Office in Ruritania organised': the body
                        found = mentions.backward(j - 1, BODIES)
                if not found and ctx.words[k - 1 : k] == (",",):  # 'UNODC, within the frame of X, held'
                    back = range(k - 2, max(rng.start, k - 14), -1)
                    opening = next((j for j in back if ctx.words[j] == ","), None)
                    found = mentions.backward(opening, BODIES) if opening is not None else []
                out += found + _owners(ctx, mentions, found)
    if last + 1 < len(ctx) and ctx.folded[last] == "of":
        out += mentions.after(last + 1, BODIES, skip=1)
    k = first - 1
    if k >= 2 and ctx.folded[k] == "s" and ctx.words[k - 1] in {"'", "’"} and k - 1 in mentions.by_last:
        out.append(mentions.by_last[k - 1])
    # 'the bodies hosting the meeting were A, B and C'
    hosting = first >= 2 and ctx.folded[first - 1] in {"the", "this"} and ctx.folded[first - 2] in HOSTING
    if hosting and last < len(ctx) and ctx.folded[last] in COPULA:
        out += mentions.after(last + 1, BODIES)
    if out or any(ctx.folded[i] in ORGANISE_VERBS for i in rng):
        for start, end in ctx.cues(sent, PARTNERSHIP_CUES):
            if any(_about_a_body(ctx, mentions, k) for k in range(last, start)):
                continue  # 'delivered by X, which is run by A in partnership with B': B is X's partner
            out += mentions.after(end, BODIES)
    for _, end in ctx.cues(sent, HOST_CUES):  # 'At the invitation of X, the project attended the meeting'
        hosts = mentions.after(end, BODIES)
        joined = any("and" in ctx.folded[a.last : b.first] for a, b in pairwise(hosts))
        out += hosts if joined else hosts[:1]  # 'of A, the X project was ...': a comma opens the clause
    for start, end in ctx.cues(sent, FRAME_CUES):  # 'a workshop ... as part of the ENACT project'
        if ctx.folded[start] == "under" and end == start + 1 and _funded_before(ctx, rng.start, start):
            continue  # 'funded by the EC under the Y Programme': Y pays through the funder, organises nothing
        out += (mentions.after(end, PROGRAMMES, skip=1) or _programme_past_phrase(ctx, mentions, end))[:1]
    return out


def _programme_past_phrase(ctx: Context, mentions: Mentions, k: int) -> list[Mention]:
    """The programme named after a short lower-case noun phrase that a frame cue opens ('as part of the
    practical exercises foreseen in the project X'); none when a name, a comma or a clause word
    comes first."""
    sent = ctx.sent_of[min(k, len(ctx) - 1)]
    for j in range(k, min(k + 9, ctx.sentence_ranges[sent].stop)):
        m = mentions.by_first.get(j)
        if m is not None:
            return [m] if m.kind in PROGRAMMES and j > k + 1 else []
        if not (ctx.words[j].isalpha() and ctx.words[j].islower()) or ctx.folded[j] in RELATIVE:
            return []
    return []


# Words that end a body's modifier use inside an event's name: 'an INTERPOL meeting' but not 'a meeting on
# INTERPOL tools' or 'a UNODC and WCO meeting' read as a list elsewhere.
_NOT_MODIFIER = frozenset({"of", "for", "on", "with", "by", "in", "at", "to", ",", "(", ")", "and"})


def named_in_front(ctx: Context, mentions: Mentions, spot: EventSpot) -> list[Mention]:
    """A body that qualifies the event's head noun from inside its name ('the regional INTERPOL meeting',
    'the Paris Pact working group meeting'): the body whose event it is, so its organiser when the
    document names no other ('WCO hosted the X Steering Committee meeting': WCO)."""
    trigger = spot.trigger
    return [
        m
        for m in mentions.between(spot.first, trigger, BODIES)
        if m.last <= trigger and not _NOT_MODIFIER & set(ctx.folded[m.last : trigger])
    ]


def _about_a_body(ctx: Context, mentions: Mentions, k: int) -> bool:
    """A relative pronoun at k opening a clause about the body named just before it ('X (Y), which')."""
    if ctx.folded[k] not in RELATIVE:
        return False
    j = k - (ctx.words[k - 1 : k] == (",",))
    if j in mentions.by_last:
        return True
    if ctx.words[j - 1 : j] == (")",):  # 'the Airport Communication Project (AIRCOP), which'
        j = next((i for i in range(j - 2, max(-1, j - 8), -1) if ctx.words[i] == "("), j)
    return j in mentions.by_last


def _delivered(ctx: Context, i: int, last: int) -> bool:
    """'The course was delivered by X', 'is being delivered by X': X ran the event it is the agent of."""
    passive = ctx.folded[i - 1 : i] in {("was",), ("is",), ("were",), ("are",), ("being",), ("been",)}
    return ctx.folded[i] == "delivered" and passive and i >= last and ctx.folded[i + 1 : i + 2] == ("by",)


def _funded_before(ctx: Context, first: int, cue: int) -> bool:
    return any(ctx.folded[k] in FUND_VERBS for k in range(first, cue))


def funders(ctx: Context, mentions: Mentions, spot: EventSpot) -> list[Mention]:
    """'Operation X was funded by the EC under the Y Programme' -> the EC and Y."""
    trigger = spot.trigger
    out: list[Mention] = []
    for start, end in ctx.cues(ctx.sent_of[trigger], FUND_CUES):
        between = mentions.between(trigger + 1, start, PROGRAMMES)
        opening = start == ctx.sentence_ranges[ctx.sent_of[trigger]].start
        fronted = opening and "," in ctx.words[end:trigger]  # 'Funded by Canada, the meeting gathered ...'
        if (start < trigger and not fronted) or between:
            continue
        items = mentions.after(end, BODIES)
        out += items
        if items and ctx.folded[items[-1].last : items[-1].last + 1] in {("under",), ("through",)}:
            out += mentions.after(items[-1].last + 1, PROGRAMMES)
    return out


def supporters(ctx: Context, mentions: Mentions, spot: EventSpot) -> list[Mention]:
    """'The operation was led by X and supported by Y' -> Y took part; also 'With support from Y, the ...'."""
    trigger = spot.trigger
    out: list[Mention] = []
    for start, end in ctx.cues(ctx.sent_of[trigger], SUPPORT_CUES):
        fronted = start < trigger and "," in ctx.words[end:trigger]  # a clause set before the event's name
        if start > trigger or ctx.folded[start - 1 : start] == (",",) or fronted:
            out += mentions.after(end, BODIES)
    return out


def sites(ctx: Context, places: Mentions, spot: EventSpot) -> list[Mention]:
    """'in Quito (Ecuador)', 'at the Centre in Tolima, Colombia', 'Brussels hosted the presentation'."""
    sent = spot.sentence
    out: list[Mention] = []
    subdivisions = [m for m in places.in_sentence(sent, frozenset({Kind.REGION})) if m.country is not None]
    for m in sorted([*places.in_sentence(sent, SITES), *subdivisions], key=lambda m: m.first):
        k = m.first - 1
        while k >= 0 and ctx.folded[k] == "the":
            k -= 1
        after_site = (  # 'in Quito, Ecuador'; not 'in Brazil, Peru and Colombia', a list of countries
            bool(out)
            and out[-1].last + 1 == m.first
            and ctx.words[m.first - 1] in {",", "("}
            and out[-1].kind is not Kind.COUNTRY
        )
        hosts = m.last < len(ctx) and ctx.folded[m.last] in SITE_VERBS
        if k >= 0 and ctx.folded[k] in {"in", "at"} and planned_venue(ctx, k):
            continue  # 'the next session, to be held in Lisbon': a planned event's place
        if k >= 1 and ctx.folded[k] == "in" and ctx.folded[k - 1] in _SEATED:
            continue  # 'RMIFC based in Madagascar': where a body sits, not where an event is
        if k >= 1 and ctx.folded[k] == "in" and earlier_events(ctx, k - 1):
            continue  # 'after similar sessions in Lomé': the place of other events, told in passing
        if k >= 1 and ctx.folded[k] == "in" and ctx.folded[k - 1] in _TOPIC_NOUNS:
            continue  # 'the security situation in Afghanistan was discussed': a topic, not a venue
        home = k >= 1 and ctx.folded[k] == "in" and ctx.folded[k - 1] in _HOME_NOUNS
        if home and _from_before(ctx, k, sent):
            continue  # 'officials from institutions in Iran and Kazakhstan': where people come from
        if (k >= 0 and ctx.folded[k] in {"in", "at"}) or after_site or hosts:
            out.append(m)
    return out


_HOME_NOUNS = frozenset(
    """institutions agencies authorities services forces units offices ministries bodies administrations
    departments countries""".split()  # noqa: SIM905
)
_TOPIC_NOUNS = frozenset(
    """situation situations trends trend developments challenges threats threat trafficking crime crimes
    production cultivation consumption use markets market flows routes seizures cases violence conflict
    crisis reforms reform progress""".split()  # noqa: SIM905
)
_SEATED = frozenset({"based", "headquartered", "located", "stationed", "seated"})


def site_sentence(ctx: Context, sent: int) -> bool:
    return any(True for _ in ctx.cues(sent, SITE_SENTENCE))


def _after_noun_phrase(ctx: Context, mentions: Mentions, i: int, kinds: frozenset[Kind]) -> list[Mention]:
    """'representatives of the police forces of A, B and C': skip a lower-case phrase up to 'of'/'from'.

    A list found may go on after a further phrase: 'A, B and directors of other projects, such as C and D'.
    """
    found = mentions.after(i, kinds) or _list_after_phrase(ctx, mentions, i, kinds)
    if len(found) == 1:
        members = _members_named(ctx, mentions, found[0].last, kinds)
        found = found if members is None else members
    while found:
        k = found[-1].last
        more = _list_after_phrase(ctx, mentions, k + 1, kinds) if ctx.folded[k : k + 1] == ("and",) else []
        if not more:
            break
        found += more
    return found


def _members_named(ctx: Context, mentions: Mentions, k: int, kinds: frozenset[Kind]) -> list[Mention] | None:
    """'X cooperating partners, including A and B': a body used as a modifier; the list names who came
    (None when no such list follows the body)."""
    stop = min(k + 4, len(ctx))
    while k < stop and ctx.words[k].isalpha() and ctx.words[k].islower() and ctx.folded[k] != "including":
        k += 1
    k += ctx.words[k : k + 1] == (",",)
    if ctx.folded[k : k + 1] == ("including",):
        return mentions.after(k + 1, kinds)
    if ctx.folded[k : k + 2] == ("such", "as"):
        return mentions.after(k + 2, kinds)
    return None


def _list_after_phrase(ctx: Context, mentions: Mentions, i: int, kinds: frozenset[Kind]) -> list[Mention]:
    """The list after a short lower-case phrase, numbers allowed ('the other [Route Programme] components – A,
    B', '12 countries and 4 partner bodies, including A')."""
    sent = ctx.sent_of[min(i, len(ctx) - 1)]
    k = i
    titled = False  # 'Heads of Regional Police Organizations, including: A, B': the list after 'including'
    while k < min(i + 12, len(ctx)):
        inside = mentions.by_first.get(k)
        if inside is not None and inside.kind in BODIES and k > i:  # 'the other [Route Programme] components'
            k = inside.last
            continue
        if ctx.sent_of[k] != sent:
            return []
        if not (ctx.words[k].islower() or ctx.words[k] == "," or ctx.words[k].isdigit()):  # '6 organisations'
            if not (ctx.words[k].isalpha() or ctx.words[k] in {"'", "’"}) or k in mentions.by_first:
                return []
            titled = True
        if (
            (not titled and ctx.folded[k] in {"of", "from"})
            or ctx.folded[k] == "including"
            or (ctx.folded[k : k + 2] == ("such", "as"))
        ):
            found = mentions.after(k + (2 if ctx.folded[k] == "such" else 1), kinds)
            if found:
                return found
        if ctx.words[k + 1 : k + 2] in (("–",), ("—",), (":",)):  # 'by the other components – A and B'
            return mentions.after(k + 2, kinds)
        k += 1
    return []


SPEECH_VERBS = verbs(Predicate.HAS_PARTICIPANT)


def _speakers(ctx: Context, mentions: Mentions, sent: int) -> list[Mention]:
    """'..., Attaché of the EU Delegation in Peru said that ...': the speaker's body took part."""
    out = []
    for m in mentions.in_sentence(sent, BODIES):
        k = m.first - 1
        owner = mentions.by_last.get(m.first)  # 'of the WCO Compliance Directorate': past the parent body
        if owner is not None and owner.kind in BODIES:
            k = owner.first - 1
        while k >= 0 and ctx.folded[k] == "the":
            k -= 1
        if k < 0 or ctx.folded[k] != "of" or k == 0 or not ctx.words[k - 1][:1].isupper():
            continue  # a person's title before 'of' ('Director of', 'Attaché of'), not 'a report of'
        after = m.last
        if ctx.words[after : after + 1] == (",",):  # 'Director of the X, Pranab Das, pointed out'
            after = k = after + 1
            while k < len(ctx) and ctx.sent_of[k] == sent and ctx.is_capitalised(k) and k - after < 5:
                k += 1
            if k > after and ctx.words[k : k + 1] == (",",):
                after = k + 1
        if ctx.folded[after : after + 1] and ctx.folded[after] in SPEECH_VERBS:
            out.append(m)
    return out


def _owned_body(ctx: Context, mentions: Mentions, country: Mention) -> Mention:
    """'from Nigeria's National Drug Law Enforcement Agency': the body took part, not the country."""
    body = mentions.by_first.get(country.last + 2)
    owned = ctx.words[country.last : country.last + 2] in POSSESSIVE and body is not None
    return body if owned and body is not None and body.kind is Kind.PARTNER else country


def _right_after_from(ctx: Context, first: int) -> bool:
    k = first - 1
    while k >= 0 and ctx.folded[k] == "the":
        k -= 1
    return k >= 0 and ctx.folded[k] == "from"


# Words that end the phrase a 'from' introduces: a list after them says something else.
_PHRASE_ENDS = frozenset({";", "(", ")", ".", "which", "who", "that", "while", "to"})


def _from_before(ctx: Context, first: int, sent: int) -> bool:
    """'officials from Argentina', 'delegates from the 11 partner countries - A, B', 'experts from police
    forces in A, B and C': a 'from' at most eight words before the list, within its phrase."""
    for k in range(first - 1, max(ctx.sentence_ranges[sent].start, first - 9) - 1, -1):
        if ctx.folded[k] == "from":
            return True
        if ctx.folded[k] in _PHRASE_ENDS:
            return False
    return False


# People a body sends: 'INTERPOL staff', 'UNODC experts' stand for the body itself.
PEOPLE = frozenset(
    """staff experts officials officers representatives delegates analysts investigators prosecutors trainers
    team teams delegation specialists authorities""".split()  # noqa: SIM905
)


def _aside_start(ctx: Context, k: int) -> int | None:
    """The comma opening an aside that ends right before token k (', based in Lisbon, Portugal, also took
    part'), when the aside opens with a lower-case word; None without one."""
    rng = ctx.sentence_ranges[ctx.sent_of[k]]
    while k > rng.start and ctx.folded[k - 1] in {"also", "too", "then", "later"}:
        k -= 1
    if k <= rng.start or ctx.words[k - 1] != ",":
        return None
    for j in range(k - 2, max(rng.start, k - 20), -1):
        if ctx.words[j] == "," and ctx.words[j + 1].isalpha() and ctx.words[j + 1].islower():
            return j  # past the commas inside the aside's own list ('Lisbon, Portugal')
    return None


# An aside opening with one of these names who helped the subject of 'took part' ('26 countries, supported
# by A and B, took part'): the helpers were there too.
HELP_ASIDES = (
    ("supported", "by"),
    ("assisted", "by"),
    ("backed", "by"),
    ("accompanied", "by"),
    ("joined", "by"),
    ("with", "the", "support", "of"),
    ("with", "support", "from"),
)


def _helpers_in_aside(ctx: Context, mentions: Mentions, k: int) -> list[Mention]:
    """The bodies named in a helping aside closed by a comma right before token k (the verb of taking
    part), none for any other aside or when a clause word comes between."""
    rng = ctx.sentence_ranges[ctx.sent_of[k]]
    while k > rng.start and ctx.folded[k - 1] in {"also", "too"}:
        k -= 1
    if k <= rng.start or ctx.words[k - 1] != ",":
        return []
    for j in range(k - 2, max(rng.start, k - 26), -1):
        if ctx.folded[j] in RELATIVE or ctx.folded[j] == ";":
            return []
        if ctx.words[j] != ",":
            continue
        for cue in HELP_ASIDES:
            if ctx.folded[j + 1 : j + 1 + len(cue)] == cue:
                return mentions.after(j + 1 + len(cue), BODIES)
    return []


def _people_named(ctx: Context, mentions: Mentions, k: int, kinds: frozenset[Kind]) -> list[Mention]:
    """'the participation of Mr A, Director of X; Ms B, Ambassador of Y; and C, Z Coordinator': people
    named with their posts, one to a ';' segment; each post's body (or country) took part."""
    sent = ctx.sent_of[min(k, len(ctx) - 1)]
    stop = ctx.sentence_ranges[sent].stop
    inside = mentions.in_sentence(sent, kinds)
    out: list[Mention] = []
    start = k
    while start < stop:
        end = next((i for i in range(start, stop) if ctx.words[i] == ";"), stop)
        first = start + (ctx.folded[start : start + 1] == ("and",))
        first += ctx.folded[first : first + 1] == ("the",)  # 'the Honourable A B, Minister of X'
        comma = next((i for i in range(first, end) if ctx.words[i] == ","), None)
        if comma is None:
            break
        name = ctx.words[first:comma]
        lower = [w for w in name if not (w == "." or w[:1].isupper())]  # 'Mr. A del B': one particle
        if not 1 < len(name) <= 7 or not name[0][:1].isupper() or len(lower) > 1:
            break  # not 'a person's name, the post': a clause or a list of bodies
        if any(first <= m.first < comma for m in inside):
            break
        body = next((m for m in inside if comma < m.first < end), None)
        post = ctx.words[comma + 1 : body.first] if body is not None else ()
        if body is not None and all(w[:1].isupper() or w in {"of", "the"} for w in post):
            out.append(body)  # 'Director of the X', 'Ambassador of the Kingdom of Y', 'X Coordinator'
        start = end + 1
    return out


# Verbs of sending that make a body a participant only when people are what it sent.
SENDING = frozenset({"sent", "deployed"})
SENT_PEOPLE = PEOPLE | frozenset(
    "officer expert official representative delegate analyst investigator observer observers liaison".split()  # noqa: SIM905
)


def participants(ctx: Context, mentions: Mentions, spot: EventSpot) -> list[Mention]:
    """Attendees and presenters named in one sentence."""
    sent = spot.sentence
    out: list[Mention] = []
    if any(ctx.folded[i] in EVENT_WORDS for i in ctx.sentence_ranges[sent]):
        # 'officials from Argentina, Brazil and Peru', '120 persons from ... participated'
        seen: set[int] = set()
        for m in mentions.in_sentence(sent, frozenset({Kind.COUNTRY})):
            if m.first in seen:
                continue
            items = mentions.forward(m.first, frozenset({Kind.COUNTRY})) or [m]
            seen.update(x.first for x in items)
            if _from_before(ctx, m.first, sent) and (len(items) > 1 or _right_after_from(ctx, m.first)):
                out += [_owned_body(ctx, mentions, x) for x in items]
    for _, end in ctx.cues(sent, LIST_CUES):
        end += ctx.folded[end : end + 1] in {(w,) for w in COPULA}  # 'in attendance were A and B'
        out += _after_noun_phrase(ctx, mentions, end, ACTORS) or _people_named(ctx, mentions, end, ACTORS)
    out += _speakers(ctx, mentions, sent)
    for start, end in ctx.cues(sent, SELF_CUES):
        if ctx.folded[end : end + 1] == ("by",):
            continue
        if ctx.folded[start] in SENDING and not SENT_PEOPLE & set(ctx.folded[end : end + 4]):
            continue  # 'A sent liaison officers' took part; 'A sent a letter' did not
        k = start
        if k > 0 and ctx.folded[k - 1] in PEOPLE and (k - 1) in mentions.by_last:
            k -= 1  # 'INTERPOL staff presented', 'Europol analysts briefed': the body named just before
        found = mentions.backward(k, ACTORS)
        aside = _aside_start(ctx, k)
        if aside is not None:  # 'The X Centre, based in Lisbon, Portugal, also took part': X, not Portugal
            found = [m for m in found if m.last <= aside] or mentions.backward(aside, ACTORS)
        found += _helpers_in_aside(ctx, mentions, k)
        out += found
        k = end
        while k < len(ctx) and ctx.words[k] == ",":
            k += 1
        for cue in ALSO_CUES:
            if ctx.folded[k : k + len(cue)] == cue:  # 'took part, along with colleagues from A and B'
                out += _after_noun_phrase(ctx, mentions, k + len(cue), ACTORS)
    return out


ROVING = frozenset({"operation", "mission", "exercise"})  # events that take place across an area


def areas_crossed(ctx: Context, places: Mentions, spot: EventSpot) -> list[Mention]:
    """'an operation targeting ... across Central America and the Caribbean': where a roving event was."""
    out: list[Mention] = []
    if spot.event_type in ROVING:
        for a, b in ctx.cues(spot.sentence, (("across",), ("throughout",))):
            if ctx.folded[a - 1] != "from":
                out += places.after(b, SITES | AREAS, skip=1)
    return out


def dateline_sites(ctx: Context, places: Mentions, spot: EventSpot) -> list[Mention]:
    """The city and country a dateline opens the body with ('DUSHANBE, 15 August 2014 -', '24-25 October 2022,
    Bucharest, Romania:'): where the reported event took place when its own sentences do not say."""
    if ctx.dateline_end:
        sent = ctx.sent_of[bisect.bisect_left(ctx.starts, ctx.dateline_end) - 1]
        return [m for m in places.in_sentence(sent, SITES) if ctx.starts[m.first] < ctx.dateline_end]
    body = ctx.document.text.find("\n\n")
    first = bisect.bisect_left(ctx.starts, body) if body >= 0 else len(ctx)
    if first >= len(ctx):
        return []
    sent = ctx.sent_of[first]
    head = range(first, min(first + 14, ctx.sentence_ranges[sent].stop))
    stop = next((k for k in head if ctx.words[k] in {":", "–", "—"}), None)
    span = ctx.sentences[sent]
    dates = find_dates(span.text, ctx.year, span.start, ctx.issued)
    if stop is None or not dates or dates[0].char_start != ctx.starts[first]:
        return []  # only a date opening the body, then its place: '24-25 October 2022, Bucharest, Romania:'
    return [m for m in places.in_sentence(sent, SITES) if m.last <= stop]


# ---- rules over the relations already made -------------------------------------------------------------


def country_of_venue(relations: list[Relation]) -> list[Relation]:
    """An event held in a city is held in the city's country when the text names that country too, even in
    another sentence (convention 6)."""
    country_of = {
        r.subject: r.object
        for r in relations
        if r.predicate is Predicate.IN_REGION and r.subject[0] is Kind.CITY and r.object[0] is Kind.COUNTRY
    }
    held = {(r.subject, r.object) for r in relations if r.predicate is Predicate.HELD_IN}
    return [
        Relation(r.subject, Predicate.HELD_IN, country_of[r.object], r.evidence)
        for r in relations
        if r.predicate is Predicate.HELD_IN
        and r.object in country_of
        and (r.subject, country_of[r.object]) not in held
    ]


# 'under X' alone sets an event in X's frame but says nothing of its host's tie to X ('UNODC, under X').
_FRAMING = re.compile(
    "|".join(rf"\b{' '.join(cue)}\b" for cue in without(FRAME_CUES, "under")), re.IGNORECASE
)


def hosts_of_a_programmes_events(relations: list[Relation]) -> list[Relation]:
    """'INTERPOL hosted a workshop as part of the ENACT project': INTERPOL is one of ENACT's partners.

    Only when the sentence itself sets the event in one programme's frame and names the host, and never
    where the text gives the body a stronger role (hosts named elsewhere are often the country's own bodies).
    """
    organisers: dict[EntityKey, list[Relation]] = {}
    for r in relations:
        if r.predicate is Predicate.ORGANISED_BY:
            organisers.setdefault(r.subject, []).append(r)
    stronger = {
        (r.subject, r.object)
        for r in relations
        if r.predicate in {Predicate.IMPLEMENTED_BY, Predicate.FUNDED_BY, Predicate.HAS_PARTNER}
    }
    out = []
    for found in organisers.values():
        framing = [r for r in found if r.object[0] is Kind.PROGRAMME and _FRAMING.search(r.evidence.quote)]
        if len({r.object for r in framing}) != 1:
            continue
        programme, sentence = framing[0].object, framing[0].evidence.start
        for r in found:
            same_sentence = r.evidence.start == sentence
            if r.object[0] is Kind.PARTNER and same_sentence and (programme, r.object) not in stronger:
                out.append(Relation(programme, Predicate.HAS_PARTNER, r.object, r.evidence))
                stronger.add((programme, r.object))
    return out
