"""Extraction stage, phrase lists: mentions -> coordinated lists around a cue ('UNODC, INTERPOL and TI')."""

from __future__ import annotations

from collections.abc import Iterable

from crimjust_graph.extract.heads import ORG_HEADS, Mention
from crimjust_graph.extract.tokens import Context
from crimjust_graph.model import PLACE_KINDS, EntityKey, Kind

JOINERS = frozenset(
    {",", "and", "the", "(", ")", "as", "well", "&", "both", "jointly", "also", '"', "“", "”"}
)
PREPOSITIONS = frozenset(
    {"of", "by", "from", "with", "under", "in", "at", "to", "for", "on", "through", "via"}
)


# Words that carry a list on after its first items: 'A, B, including C and D', 'A, namely B and C'.
CONTINUERS = frozenset({"including", "namely", "notably", "particularly", "especially", "such"})
# A lower-case group naming the kind of the items that follow it in brackets or after 'including':
# 'national agencies (A, B and C)', 'law enforcement bodies, including A and B'.
GROUP_NOUNS = frozenset(
    """agencies authorities institutions bodies organisations organizations partners services forces units
    ministries entities stakeholders counterparts members agency authority institution""".split()  # noqa: SIM905
)
GROUP_LEADS = frozenset({"(", ":", "including", "namely", "such", "notably", "particularly", "especially"})

POSSESSIVE = frozenset({("'", "s"), ("’", "s")})
BASED = ("-", "based")  # 'the Almaty-based X': the place before it qualifies X


class Mentions:
    """All mentions of a document, indexed by first and last token, with list scanners."""

    def __init__(self, ctx: Context, mentions: Iterable[Mention]) -> None:
        self.ctx = ctx
        self.all = sorted(mentions, key=lambda m: m.first)
        self.by_first = {m.first: m for m in self.all}
        self.by_last = {m.last: m for m in self.all}
        # Indexed by sentence so that every per-sentence question costs the sentence, not the document.
        self.by_sentence: dict[int, list[Mention]] = {}
        for m in self.all:
            self.by_sentence.setdefault(ctx.sent_of[m.first], []).append(m)

    def in_sentence(self, sent: int, kinds: frozenset[Kind] | None = None) -> list[Mention]:
        """Mentions starting in sentence `sent`, in text order."""
        return [m for m in self.by_sentence.get(sent, ()) if kinds is None or m.kind in kinds]

    def between(self, first: int, last: int, kinds: frozenset[Kind] | None = None) -> list[Mention]:
        """Mentions starting at tokens first..last-1, in text order: a bounded look, never a scan."""
        found = (self.by_first.get(k) for k in range(max(0, first), min(last, len(self.ctx))))
        return [m for m in found if m is not None and (kinds is None or m.kind in kinds)]

    def _closed(self, m: Mention) -> bool:
        """False for a modifier use ('EU Agencies', 'UNODC Headquarters')."""
        nxt = m.last
        ctx = self.ctx
        return nxt >= len(ctx) or ctx.sent_of[nxt] != ctx.sent_of[m.first] or not ctx.words[nxt][:1].isupper()

    def forward(self, i: int, kinds: frozenset[Kind]) -> list[Mention]:
        """The coordinated list of mentions starting at token i."""
        ctx, out = self.ctx, list[Mention]()
        if i >= len(ctx):
            return []
        sent = ctx.sent_of[i]
        while i < len(ctx) and ctx.sent_of[i] == sent:
            m = self.by_first.get(i)
            if m is not None:
                owned = self.by_first.get(m.last)
                if owned is not None and owned.kind is Kind.PROGRAMME and m.kind is Kind.PARTNER:
                    i = m.last  # 'funded by the EU Global Illicit Flows Programme': the programme is named
                    continue
                if owned is not None and m.kind is Kind.PARTNER and _unit_of(ctx, m, owned):
                    i = m.last  # 'the OSCE Border Management Staff College': the unit is the item
                    continue
                if ctx.words[m.last : m.last + 2] in POSSESSIVE and m.last + 2 in self.by_first:
                    i = m.last + 2  # "the Dominican Republic's National Drug Control Directorate": the body
                    continue
                if not self._closed(m):
                    break
                if out and ctx.folded[m.last : m.last + 2] in {("and", "its"), ("and", "their")}:
                    break  # 'funded by X, UNODC and its partners': a new subject starts
                if m.kind in kinds and m not in out:
                    out.append(m)
                i = m.last
                if (
                    ctx.words[i : i + 1] == ("(",)
                    and ctx.words[i + 2 : i + 3] == (")",)
                    and ctx.words[i + 1].isupper()
                ):
                    i += 3  # 'Latin America and the Caribbean (LAC) and West Africa'

            elif ctx.folded[i] in JOINERS or (out and ctx.folded[i] in CONTINUERS):
                i += 1
            elif out and self._place_again(i, out[-1]):
                i += 1  # 'in Latin America (LAC) and in West Africa': the preposition said again
            elif out and ctx.words[i + 1 : i + 3] in POSSESSIVE and i + 3 in self.by_first:
                i += 3  # "the Government of Peru and Spain's Intelligence Centre"
            elif ctx.folded[i + 1 : i + 3] == BASED:
                i += 3  # 'and the Tehran-based Joint Planning Cell': a modifier of the next name
            elif out and (j := self._unknown_item(i)) > i:
                i = j  # 'A, Cyber Watch Africa, and B': a name no layer knows is still an item of the list
            else:
                break
        return _unique(out)

    def _place_again(self, i: int, last: Mention) -> bool:
        """'and in' between two places: the list of places goes on after the repeated 'in'."""
        ctx = self.ctx
        if last.kind not in PLACE_KINDS or ctx.folded[i] != "in" or ctx.folded[i - 1] not in {"and", ","}:
            return False
        after = i + 1 + (ctx.folded[i + 1 : i + 2] == ("the",))
        following = self.by_first.get(after)
        return following is not None and following.kind in PLACE_KINDS

    def _unknown_item(self, i: int) -> int:
        """Where a capitalised run at i ends when it sits between a list's commas, else i."""
        ctx, j = self.ctx, i
        while j < min(i + 6, len(ctx)) and ctx.is_capitalised(j) and j not in self.by_first:
            j += 1
        if j == i or ctx.words[i - 1] != "," or ctx.words[j : j + 1] != (",",):
            return i
        return j

    def backward(self, i: int, kinds: frozenset[Kind]) -> list[Mention]:
        """The coordinated list of mentions ending just before token i, without those inside a prepositional
        phrase ('Under the umbrella of X, A and B delivered' -> A, B)."""
        ctx, out, excluded = self.ctx, list[Mention](), set[EntityKey]()
        if i <= 0:
            return []
        sent = ctx.sent_of[i - 1]
        while i > 0 and ctx.sent_of[i - 1] == sent:
            m = self.by_last.get(i)
            if m is not None:
                before = m.first - 1
                while before >= 0 and ctx.folded[before] == "the":
                    before -= 1
                if (
                    before >= 0
                    and ctx.folded[before] in PREPOSITIONS
                    and not _organ_of(ctx, before)
                    and not _people_of(ctx, before)
                ):
                    excluded.add(m.key)
                    if m.kind is Kind.CITY and out and out[-1].kind is Kind.COUNTRY:
                        excluded.add(out[-1].key)  # 'based in Lisbon, Portugal': the city's country too
                if m.kind in kinds:
                    out.append(m)
                i = m.first
            elif ctx.folded[i - 1] in JOINERS:
                i -= 1
            else:
                break
        return _unique([m for m in reversed(out) if m.key not in excluded])

    def after(self, i: int, kinds: frozenset[Kind], skip: int = 3) -> list[Mention]:
        """The list that starts within `skip` tokens after i ('organised by the European Commission')."""
        stop = min(i + skip + 1, len(self.ctx))
        for k in range(i, stop):
            if k == i and self.ctx.words[k] == ":" and self.ctx.folded[k - 1 : k] == ("including",):
                continue  # 'including: A, B and C'
            if self.ctx.folded[k + 1 : k + 3] == BASED and k + 3 < len(self.ctx):
                return self.after(k + 3, kinds, max(0, skip - (k - i)))  # 'the Almaty-based X'
            if k in self.by_first:
                return self.forward(k, kinds)
            if self.ctx.words[k + 1 : k + 3] in POSSESSIVE and k + 3 in self.by_first:
                return self.forward(k + 3, kinds)  # "managed by Peru's National Police"
            if (j := self._group_lead(k)) > k:
                return self.after(j, kinds, skip=2)  # 'national agencies (A, B and C)': the members
            if self.ctx.folded[k] not in JOINERS and self.ctx.folded[k] not in {"jointly", "an", "a"}:
                return []
        return []

    def _group_lead(self, k: int) -> int:
        """Where the list after a lower-case group noun phrase starting at k begins ('national agencies (',
        'law enforcement bodies, including'), else k: the group names the kind, its members are the items."""
        ctx, j = self.ctx, k
        while j < min(k + 4, len(ctx)) and ctx.words[j].isalpha() and ctx.words[j].islower():
            if ctx.folded[j] in GROUP_NOUNS:
                lead = j + 1 + (ctx.words[j + 1 : j + 2] == (",",))
                if ctx.folded[lead : lead + 1] and ctx.folded[lead] in GROUP_LEADS and lead + 1 < len(ctx):
                    return lead + 1 + (ctx.folded[lead : lead + 2] == ("such", "as"))
                return k
            j += 1
        return k

    def nearest_before(self, i: int, kinds: frozenset[Kind], window: int = 25) -> Mention | None:
        """The closest mention of `kinds` ending before token i in the same sentence."""
        sent = self.ctx.sent_of[min(i, len(self.ctx) - 1)]
        best = None
        for m in self.by_sentence.get(sent, ()):
            if m.last > i or i - m.last > window:
                continue
            if m.kind in kinds:
                best = m
        return best


def _unit_of(ctx: Context, owner: Mention, unit: Mention) -> bool:
    """Whether `unit` is a body named with its owner in front ('OSCE' + 'Border Management Staff College')."""
    return unit.kind is Kind.PARTNER and unit.known.label.startswith(ctx.text(owner.first, owner.last) + " ")


def _organ_of(ctx: Context, k: int) -> bool:
    """'The Commission of the ECOWAS': the body's own organ, so the body acts, not a phrase about it."""
    return ctx.folded[k] == "of" and k > 0 and ctx.folded[k - 1] in ORG_HEADS and ctx.is_capitalised(k - 1)


# People a body sends: 'the experts of X briefed', where X is who acts through them.
SENT_BY_BODIES = frozenset(
    """experts officials officers staff representatives delegates delegation delegations analysts
    investigators prosecutors specialists""".split()  # noqa: SIM905
)


def _people_of(ctx: Context, k: int) -> bool:
    """'The experts of the INCB', 'officials from X': the body acts through its people, so the phrase names
    who acts, not a place or a topic."""
    return ctx.folded[k] in {"of", "from"} and k > 0 and ctx.folded[k - 1] in SENT_BY_BODIES


def _unique(mentions: list[Mention]) -> list[Mention]:
    seen, out = set(), []
    for m in mentions:
        if m.key not in seen:
            seen.add(m.key)
            out.append(m)
    return out


BODIES = frozenset({Kind.PARTNER, Kind.PROGRAMME})
PARTNERS = frozenset({Kind.PARTNER})
PROGRAMMES = frozenset({Kind.PROGRAMME})
AREAS = frozenset({Kind.REGION, Kind.COUNTRY})
SITES = frozenset({Kind.CITY, Kind.COUNTRY})
ACTORS = frozenset({Kind.PARTNER, Kind.PROGRAMME, Kind.COUNTRY})
