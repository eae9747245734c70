"""Extraction stage, mentions: Context -> body and place mentions (registry, acronyms, named bodies)."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from itertools import pairwise

from crimjust_graph.extract import gazetteer
from crimjust_graph.extract.gazetteer import Known
from crimjust_graph.extract.heads import (
    BARE,
    EVENT_TRIGGERS,
    GENERIC,
    ORG_HEADS,
    PROGRAMME_HEADS,
    REFERENCE_DETERMINERS,
    REFERENCE_HEADS,
    Mention,
    head_of,
    known_as,
)
from crimjust_graph.extract.learning import (
    learn_acronyms,
    learn_listed_programmes,
    learn_programme_names,
    learn_quoted_programmes,
)
from crimjust_graph.extract.places import (
    AREA_BEFORE_DEMONYM,
    adjective_countries,
    coordinated_towns,
    demonym_countries,
    regions_as_written,
    subdivisions,
    towns_with_country,
)
from crimjust_graph.extract.tokens import CONNECTORS, STOPWORDS, Context
from crimjust_graph.model import EntityKey, Kind
from crimjust_graph.vocab import slugify


@dataclass(frozen=True)
class _Countries:
    """Country mentions indexed by first token, last token and sentence: each look is local, never a scan."""

    by_first: dict[int, Mention]
    by_last: dict[int, Mention]
    by_sentence: dict[int, list[Mention]]

    @classmethod
    def of(cls, ctx: Context, places: list[Mention]) -> _Countries:
        countries = sorted((p for p in places if p.kind is Kind.COUNTRY), key=lambda p: p.first)
        by_sentence: dict[int, list[Mention]] = {}
        for p in countries:
            by_sentence.setdefault(ctx.sent_of[p.first], []).append(p)
        return cls({p.first: p for p in countries}, {p.last: p for p in reversed(countries)}, by_sentence)


# Words that join two names, never a name to its country ('the X Directorate and the Ghana Y Commission').
_COORDINATORS = frozenset({"and", "&", "et"})


def _country_for(
    ctx: Context, first: int, last: int, countries: _Countries, alone: bool
) -> tuple[Known | None, int, int]:
    """The country of a generic body: in its name, a demonym, 'Colombia's', or the sentence's only country."""
    demonyms = gazetteer.demonyms()
    for k in range(first, last):
        place = demonyms.get(ctx.folded[k])
        if place is not None:
            return Known(place.key, place.label), first, last
    inside = next((countries.by_first[k] for k in range(first, last + 3) if k in countries.by_first), None)
    if (
        inside is not None
        and inside.first <= last + 2
        and all(ctx.folded[j] in CONNECTORS - _COORDINATORS for j in range(last, inside.first))
    ):
        return inside.known, first, max(last, inside.last)
    trailing = _trailing_country(ctx, last, countries)
    if trailing is not None:
        return trailing.known, first, last
    before = countries.by_last.get(first - 2) or countries.by_last.get(first)
    if first - 2 in countries.by_last and first in countries.by_last:  # the earlier in text order, as before
        before = min(countries.by_last[first - 2], countries.by_last[first], key=lambda p: p.first)
    if before and (before.last == first or ctx.words[first - 2 : first] == ("'", "s")):
        return before.known, first, last
    sent = ctx.sent_of[first]
    in_sentence = {p.key: p for p in countries.by_sentence.get(sent, ())}
    if len(in_sentence) == 1 and not alone:
        return next(iter(in_sentence.values())).known, first, last
    return None, first, last


def _named_bodies(ctx: Context, taken: list[bool], places: list[Mention]) -> list[Mention]:
    """Unknown bodies and programmes: capitalised runs whose head is an organisation or programme word."""
    out: list[Mention] = []
    unplaced: list[Mention] = []
    place_tokens = {k for p in places for k in range(p.first, p.last)}
    countries = _Countries.of(ctx, places)
    cities = {p.first: p for p in places if p.kind is Kind.CITY}
    i = 0
    n = len(ctx)
    while i < n:
        if taken[i] or not ctx.is_capitalised(i):
            i += 1
            continue
        j = i
        while j < n and not taken[j] and ctx.sent_of[j] == ctx.sent_of[i]:
            if ctx.folded[j] == "and" and ctx.folded[j + 1 : j + 2] == ("the",) and j > i:
                break  # 'the Migration Authority and the Customs Office': two bodies
            if ctx.folded[j] == "and" and j > i and _two_names(ctx, j, {j - 1, j} & place_tokens == {j - 1}):
                break  # 'the Canada Border Services Agency and French Border Police': two bodies
            if ctx.is_capitalised(j) or (ctx.folded[j] in CONNECTORS and ctx.is_capitalised(j + 1)):
                j += 1
            elif (
                j > i
                and ctx.words[j] == "("
                and ctx.words[j + 2 : j + 3] == (")",)
                and ctx.words[j + 1].isupper()
                and ctx.folded[j + 3 : j + 4] != ()
                and ctx.folded[j + 3] in PROGRAMME_HEADS | ORG_HEADS
                and ctx.is_capitalised(j + 3)
            ):
                j += 3  # 'the Better Migration Management (BMM) Programme': the acronym sits inside the name
            elif (
                j > i
                and j - 1 not in place_tokens
                and ctx.folded[j] == "'"
                and ctx.folded[j + 1 : j + 2] == ("s",)
                and ctx.is_capitalised(j + 2)
            ):
                j += 2  # "the Attorney General's Office"
            elif (  # 'Ministry of the Interior'
                ctx.folded[j] in CONNECTORS
                and ctx.folded[j - 1] in ORG_HEADS
                and j + 2 < n
                and ctx.folded[j + 1] == "the"
                and ctx.is_capitalised(j + 2)
                and not taken[j + 2]
            ):
                j += 2
            else:
                break
        first = i
        while first < j and (ctx.folded[first] in STOPWORDS or ctx.folded[first] in CONNECTORS):
            first += 1
        last = j
        while last > first and (ctx.folded[last - 1] in CONNECTORS or last - 1 in place_tokens):
            last -= 1
        if ctx.folded[last - 1 : last] in {(h,) for h in PROGRAMME_HEADS} and ctx.folded[last : last + 1] == (
            "for",
        ):
            k = last + 1  # 'the Regional Programme for Eastern Africa': the region is in the programme's name
            while k < j and k in place_tokens:
                k += 1
            last = k if k > last + 1 else last
        i = j + 1
        if last <= first:
            continue
        if _several_peoples(ctx, first, last):
            continue  # 'the Central Asian and Pakistani Customs officials': several countries' services
        head = head_of(ctx, first, last)
        if _head_first(ctx, first, last):
            head = ctx.folded[first]  # 'Project Scorpius'
        if head not in PROGRAMME_HEADS and head not in ORG_HEADS:
            continue
        kind = Kind.PROGRAMME if head in PROGRAMME_HEADS else Kind.PARTNER
        content = [
            w
            for k, w in enumerate(ctx.folded[first:last], first)
            if w not in gazetteer.demonyms()
            and w not in CONNECTORS
            and k not in place_tokens
            and w not in {"'", "’", "s"}
        ]
        surface = ctx.text(first, last)
        if all(w in GENERIC for w in content):
            country, first, last = _country_for(ctx, first, last, countries, alone=len(content) < 2)
            city = cities.get(first)
            if country is None and city is not None and len(content) >= 2:
                out.append(Mention(first, last, known_as(kind, surface), (surface,), city.key))
                continue  # 'the Boston Police Department': a city's own body, named as written
            if country is None:
                if kind is Kind.PARTNER and _national_name(ctx, first, last, content):
                    unplaced.append(
                        Mention(first, last, _unplaced(ctx, first, last), (ctx.text(first, last),))
                    )
                continue
            kept = [
                k
                for k in range(first, last)
                if ctx.folded[k] not in gazetteer.demonyms() and k not in place_tokens
            ]
            while kept and ctx.folded[kept[-1]] in CONNECTORS:
                kept.pop()
            generic = _as_written(ctx, kept)
            known = Known((kind, slugify(f"{generic} {country.label}")), f"{generic} of {country.label}")
            out.append(Mention(first, last, known, (ctx.text(first, last),), country.key))
            continue
        if all(w in BARE for w in ctx.folded[first:last]):
            continue  # 'the Project', 'the Committee', 'Steering Committee' heads alone, with no country
        based = (
            _demonym_country(ctx, first, last)
            or _trailing_key(ctx, last, countries)
            or _leading_key(first, countries)
        )
        out.append(Mention(first, last, known_as(kind, surface), (surface,), based))
    return out + _placed_if_named_elsewhere(out, unplaced)


# Lower-case nouns that, after a country or its demonym, name one institution ('the German embassy',
# 'the Senegalese police'); people and groups ('police officers', 'customs officials') are no body.
INSTITUTION_NOUNS = frozenset({"embassy", "police", "navy", "coastguard", "gendarmerie", "customs"})
# What may follow such a name: it ends there ('the Senegalese police, on behalf of').
_AFTER_INSTITUTION = frozenset(
    """, . ; : ) and or in of to from for at on with who which that was were is has have had took
    participated attended joined also""".split()  # noqa: SIM905
)


def _as_written(ctx: Context, kept: list[int]) -> str:
    """Tokens joined as the text joins them ('Anti-Narcotics', "General's"), a space where words were cut."""
    out = []
    for n, k in enumerate(kept):
        glued = n > 0 and kept[n - 1] == k - 1 and ctx.ends[k - 1] == ctx.starts[k]
        out.append(ctx.words[k] if glued or n == 0 else " " + ctx.words[k])
    return "".join(out)


def _national_institutions(ctx: Context, bodies: list[Mention], places: list[Mention]) -> list[Mention]:
    """'the Senegalese police', 'the United States embassy': a country's institution named in lower case."""
    demonyms = gazetteer.demonyms()
    taken = {k for m in bodies for k in range(m.first, m.last)}
    countries = {p.last: p for p in places if p.kind is Kind.COUNTRY}
    out = []
    for k, word in enumerate(ctx.folded):
        embassies = _embassies(ctx, k, taken) if word in _EMBASSIES and k not in taken else []
        if embassies:
            out += embassies
            continue
        if word not in INSTITUTION_NOUNS or not ctx.words[k].islower() or k in taken or k < 1:
            continue
        if ctx.folded[k + 1 : k + 2] and ctx.folded[k + 1] not in _AFTER_INSTITUTION:
            continue  # 'police officers', 'customs officials'
        before = ctx.folded[k - 2 : k - 1]
        if before and before[0] in {",", "and", "or"} | AREA_BEFORE_DEMONYM:
            continue  # 'Brazilian, Colombian and Peruvian police': several countries' forces, no one body
        country = countries.get(k)
        demonym = demonyms.get(ctx.folded[k - 1]) if ctx.is_capitalised(k - 1) else None
        if country is not None:
            first, place_key, place_label = country.first, country.key, country.known.label
        elif demonym is not None and k - 1 not in taken:
            first, place_key, place_label = k - 1, demonym.key, demonym.label
        else:
            continue
        surface = ctx.text(first, k + 1)
        label = f"{word.capitalize()} of {place_label}"
        known = Known((Kind.PARTNER, slugify(f"{word} {place_label}")), label)
        out.append(Mention(first, k + 1, known, (surface,), place_key))
    return out


# Lower-case qualifiers that, coordinated before 'police', name forces of their own ('the judicial and
# national police of X' is two bodies); 'police officers of X' or 'the police of X' names none here.
FORCE_QUALIFIERS = frozenset(
    "national judicial federal civil military state criminal border maritime municipal metropolitan".split()  # noqa: SIM905
)
FORCE_NOUNS = frozenset({"police", "gendarmerie"})


def _coordinated_forces(ctx: Context, bodies: list[Mention], places: list[Mention]) -> list[Mention]:
    """'the judicial and national police in Cape Verde' -> Judicial Police and National Police, each a body
    based in that country: a coordinated list of qualifiers sharing one head and one country."""
    taken = {k for m in bodies for k in range(m.first, m.last)}
    countries = {p.first: p for p in places if p.kind is Kind.COUNTRY}
    out = []
    for k, word in enumerate(ctx.folded):
        if word not in FORCE_NOUNS or not ctx.words[k].islower() or k in taken or k < 1:
            continue
        at = k + 1 + (ctx.folded[k + 1 : k + 2] in {("of",), ("in",)})
        at += ctx.folded[at : at + 1] == ("the",)
        country = countries.get(at) if at > k + 1 else None
        if country is None or ctx.sent_of[at] != ctx.sent_of[k]:
            continue
        qualifiers, j = [], k - 1
        while j >= 0 and ctx.folded[j] in FORCE_QUALIFIERS and ctx.words[j].islower() and j not in taken:
            qualifiers.append(j)
            if ctx.folded[j - 1 : j] not in {("and",), (",",)} or not ctx.folded[j - 2 : j - 1]:
                break
            if ctx.folded[j - 2] not in FORCE_QUALIFIERS:
                break
            j -= 2
        for q in sorted(qualifiers):
            name = f"{ctx.words[q].capitalize()} {word.capitalize()}"
            known = Known(
                (Kind.PARTNER, slugify(f"{name} {country.known.label}")), f"{name} of {country.known.label}"
            )
            last = k + 1 if q == qualifiers[0] else q + 1
            out.append(Mention(q, last, known, (name,), country.key))
    return out


# 'the Customs Services of A, B and C', 'the Governments of A and B': one body per country, named singular.
_PLURAL_HEADS = {
    "services": "Service",
    "governments": "Government",
    "ministries": "Ministry",
    "authorities": "Authority",
    "agencies": "Agency",
    "administrations": "Administration",
    "directorates": "Directorate",
    "commissions": "Commission",
}


def _bodies_of_countries(ctx: Context, bodies: list[Mention], places: list[Mention]) -> list[Mention]:
    """'the Customs Services of Kazakhstan, Pakistan and Turkmenistan' -> Customs Service of Kazakhstan, of
    Pakistan and of Turkmenistan, each based in its country (a coordinated list behind a plural head)."""
    taken = {k for m in bodies for k in range(m.first, m.last)}
    countries = {p.first: p for p in places if p.kind is Kind.COUNTRY}
    out = []
    for k, word in enumerate(ctx.folded):
        if word not in _PLURAL_HEADS or not ctx.is_capitalised(k) or k in taken:
            continue
        if ctx.folded[k + 1 : k + 2] != ("of",):
            continue
        start = k
        while start > 0 and ctx.is_capitalised(start - 1) and start - 1 not in taken:
            if ctx.folded[start - 1] in STOPWORDS or ctx.sent_of[start - 1] != ctx.sent_of[k]:
                break
            start -= 1
        listed, j = [], k + 2
        while j < len(ctx) and ctx.sent_of[j] == ctx.sent_of[k]:
            if j in countries:
                listed.append(countries[j])
                j = countries[j].last
            elif ctx.folded[j] in {",", "and", "the"}:
                j += 1
            else:
                break
        if len(listed) < 2:
            continue
        head = " ".join([*ctx.words[start:k], _PLURAL_HEADS[word]])
        for n, country in enumerate(listed):
            label = f"{head} of {country.known.label}"
            first = start if n == 0 else country.first
            known = Known((Kind.PARTNER, slugify(label)), label)
            surface = ctx.text(first, country.last) if n == 0 else label  # 'Pakistan' alone names no body
            out.append(Mention(first, country.last, known, (surface,), country.key))
    return out


_EMBASSIES = frozenset({"embassy", "embassies"})


def _embassies(ctx: Context, k: int, taken: set[int]) -> list[Mention]:
    """'the French Embassy', 'the French and Spanish Embassies': each country's embassy, a body of its own.
    (A lower-case 'embassy' after a country's name is read with the other institutions.)"""
    demonyms = gazetteer.demonyms()
    found: list[tuple[int, gazetteer.Place]] = []
    j = k - 1
    while j >= 0 and j not in taken and ctx.is_capitalised(j) and ctx.folded[j] in demonyms:
        found.append((j, demonyms[ctx.folded[j]]))
        if ctx.folded[j - 1 : j] not in {("and",), (",",)}:
            break
        j -= 2
    if not found or (ctx.words[k].islower() and len(found) == 1):
        return []
    out = []
    for n, (j, place) in enumerate(sorted(found, key=lambda f: f[0])):
        last = k + 1 if n == len(found) - 1 else j + 1
        known = Known((Kind.PARTNER, slugify(f"embassy {place.label}")), f"Embassy of {place.label}")
        out.append(Mention(j, last, known, (f"{ctx.words[j]} Embassy",), place.key))
    return out


def _owner_in_name(ctx: Context, bodies: list[Mention]) -> list[Mention]:
    """'the OSCE Border Management Staff College': a known body's acronym right before a body's name no
    reference names is part of that name (the institution is the owner's own)."""
    registry = gazetteer.registry_keys()
    by_first = {m.first: m for m in bodies}
    merged: set[int] = set()
    out = []
    for m in sorted(bodies, key=lambda m: m.first):
        if m.first in merged:
            continue
        unit = by_first.get(m.last)
        acronym = m.last - m.first == 1 and ctx.words[m.first].isupper() and len(ctx.words[m.first]) > 1
        if (
            unit is None
            or not acronym
            or m.key not in registry
            or m.kind is not Kind.PARTNER
            or unit.kind is not Kind.PARTNER
            or unit.key in registry
            or unit.country is not None
            or _names_an_event(ctx, unit.last)
        ):
            out.append(m)
            continue
        label = ctx.text(m.first, unit.last)
        merged.add(unit.first)
        out.append(m)  # the owner is named too (SCHEMA convention 9); the unit's name keeps it in front
        out.append(Mention(unit.first, unit.last, known_as(Kind.PARTNER, label), (label, *unit.surfaces)))
    return out


# Words after 'Project' that name a person's post, not a project ('Project Manager').
_POSTS = frozenset("manager officer coordinator director team staff leader lead assistant board".split())  # noqa: SIM905


def _several_peoples(ctx: Context, first: int, last: int) -> bool:
    """'Brazilian and Colombian Police', 'Central Asian and Pakistani Customs': adjectives of two countries or
    regions joined by 'and' before one head name no single body."""
    demonyms, regional = gazetteer.demonyms(), {words[-1] for words in gazetteer.region_demonyms()}
    return any(
        ctx.folded[k] == "and"
        and ctx.folded[k + 1] in demonyms
        and (ctx.folded[k - 1] in demonyms or ctx.folded[k - 1] in regional)
        for k in range(first + 1, last - 1)
    )


def _head_first(ctx: Context, first: int, last: int) -> bool:
    """'Project Scorpius', 'Programme Harbour': a project named by its head word, then one proper name."""
    if last - first != 2 or ctx.folded[first] not in {"project", "programme"}:
        return False
    name = ctx.folded[first + 1]
    return (
        name not in GENERIC
        and name not in ORG_HEADS
        and name not in _POSTS
        and ctx.words[first + 1].isalpha()
    )


def _placed_acronyms(ctx: Context, bodies: list[Mention], places: list[Mention]) -> list[Mention]:
    """'RCOC based in Seychelles': an acronym no layer knows, said to be based somewhere, is a body."""
    taken = {k for m in [*bodies, *places] for k in range(m.first, m.last)}
    out = []
    for k, word in enumerate(ctx.words):
        if len(word) < 3 or not word.isalpha() or not word.isupper() or k in taken:
            continue
        if ctx.folded[k + 1 : k + 3] == ("based", "in") or ctx.folded[k + 1 : k + 4] == (",", "based", "in"):
            out.append(Mention(k, k + 1, known_as(Kind.PARTNER, word), (word,)))
    return out


def _names_an_event(ctx: Context, k: int) -> bool:
    """'the EAPCCO Permanent Coordinating Committee (PCC) meeting': the name is an event's, not a body's."""
    if ctx.words[k : k + 1] == ("(",) and ctx.words[k + 2 : k + 3] == (")",):
        k += 3
    return ctx.folded[k : k + 1] != () and ctx.folded[k] in EVENT_TRIGGERS


def _two_names(ctx: Context, j: int, after_place: bool = False) -> bool:
    """'X Agency and Y Police', 'KPA and Kenya Navy', 'the X Office of Malta and Albanian Customs':
    a head word, an acronym or a country closing a name on the left of 'and', a name with its own head on the
    right: two names, not one."""
    acronym = len(ctx.words[j - 1]) > 1 and ctx.words[j - 1].isupper()  # 'KPA and Kenya Navy'
    closed = ctx.folded[j - 1] in ORG_HEADS - {"customs"} or acronym or after_place
    if not closed or not ctx.is_capitalised(j + 1):
        return False  # 'Customs and Border Protection' names one service
    k = j + 1
    while k < len(ctx) and ctx.is_capitalised(k) and k - j <= 6:
        k += 1
    return ctx.folded[k - 1] in ORG_HEADS


# What makes a generic name a national body's proper name rather than a description ('the Training Centre').
_NATIONAL = frozenset({"national", "federal", "general", "supreme"})


def _national_name(ctx: Context, first: int, last: int, content: list[str]) -> bool:
    """'National Police', 'Ministry of the Interior', 'General Department on Immigration'."""
    if len(content) < 2:
        return False
    return content[0] in _NATIONAL or any(
        ctx.folded[k] in {"of", "on", "for"} for k in range(first + 1, last)
    )


def _unplaced(ctx: Context, first: int, last: int) -> Known:
    """A national body whose country the text does not say ('the Ministry of the Interior').

    The same words name different bodies in different countries, so the entity is this document's own.
    """
    label = ctx.text(first, last)
    return Known((Kind.PARTNER, slugify(f"{label} {ctx.document.id}")), label)


def _placed_if_named_elsewhere(named: list[Mention], unplaced: list[Mention]) -> list[Mention]:
    """The body a short generic name refers back to, when the text names it in full.

    'Colombia's National Police ... the National Police', 'the National Training Centre for Police ... the
    Training Centre': the later mention is the same body.
    """
    by_words: dict[str, Mention] = {}
    for m in named:
        if m.country is not None:
            by_words.setdefault(m.known.label.rsplit(" of ", 1)[0].casefold(), m)
    within: dict[str, Mention] = {}  # every run of whole words inside a body's label -> the first such body
    for b in named:
        if b.known.key[0] is Kind.PARTNER:
            label = b.known.label.casefold().split(" ")
            for i in range(len(label)):
                for j in range(i + 1, min(i + 12, len(label)) + 1):  # a generic name is short
                    within.setdefault(" ".join(label[i:j]), b)
    out = []
    for m in unplaced:
        words = m.known.label.casefold().removeprefix("the ")
        same = by_words.get(words) or within.get(words)
        out.append(replace(m, known=same.known, country=same.country) if same is not None else m)
    return out


UNIT_WORDS = frozenset("regional country national sub-regional liaison permanent field central".split())  # noqa: SIM905


def _field_units(ctx: Context, bodies: list[Mention], places: list[Mention]) -> list[Mention]:
    """'the European Union Delegation in Peru', "Interpol's Regional Bureau in El Salvador": a unit of a known
    body in a place is a body of its own, based in that country."""
    registry, by_first = gazetteer.registry_keys(), {p.first: p for p in places}
    out = []
    for m in bodies:
        j = m.last + (2 if ctx.words[m.last : m.last + 2] in {("'", "s"), ("’", "s")} else 0)
        k = j
        while k < len(ctx) and ctx.is_capitalised(k) and ctx.folded[k] in UNIT_WORDS | ORG_HEADS:
            k += 1
        if k == j and ctx.folded[k : k + 1] in {("delegation",), ("office",)}:
            k += 1  # 'the European Union delegation in Ghana'
        if (
            m.key not in registry
            or m.kind is not Kind.PARTNER
            or k == j
            or ctx.folded[k - 1] not in ORG_HEADS
        ):
            out.append(m)
            continue
        at = k + 1 + (ctx.folded[k + 1 : k + 2] == ("the",))
        place = by_first.get(at) if ctx.folded[k : k + 1] in {("in",), ("to",), ("for",)} else None
        if place is None and k == j + 1 and ctx.folded[j] == "delegation" and ctx.is_capitalised(j):
            surface = ctx.text(m.first, k)  # 'the EU Delegation': the body's mission where the story is
            out.append(Mention(m.first, k, known_as(Kind.PARTNER, surface), (surface,)))
            continue
        if place is None or ctx.sent_of[place.first] != ctx.sent_of[m.first]:
            out.append(m)
            continue
        if m.key in gazetteer.merged_offices() and ctx.folded[k - 1] == "office":
            out.append(replace(m, last=place.last, surfaces=(*m.surfaces, ctx.text(m.first, place.last))))
            continue  # 'the UNODC Regional Office for Central Asia' is UNODC (SCHEMA convention 1)
        label = f"{m.known.label} {ctx.text(j, k)} {ctx.words[k]} {place.known.label}"
        country = place.key if place.kind is Kind.COUNTRY else None
        out.append(
            Mention(
                m.first, place.last, known_as(Kind.PARTNER, label), (ctx.text(m.first, place.last),), country
            )
        )
    return out


def _demonym_country(ctx: Context, first: int, last: int) -> EntityKey | None:
    """'French Coastguard' -> France; not 'Italo-Latin American', 'Inter-American', 'of American States'."""
    for k in range(first, last):
        place = gazetteer.demonyms().get(ctx.folded[k])
        if place is None or "-" in ctx.words[k - 1 : k + 2] or ctx.folded[k - 1] in AREA_BEFORE_DEMONYM:
            continue
        if ctx.folded[k + 1 : k + 2] in (("states",), ("countries",), ("nations",)):
            continue  # an adjective of many countries, not of one
        return place.key
    return None


def _inside_longer_name(ctx: Context, hit: gazetteer.Match) -> bool:
    """'Panama National Security Council' is not the UN's 'Security Council': a known name made only of
    generic words, right after a capitalised word inside the sentence, is the tail of another body's name."""
    k = hit.first - 1
    if k < 0 or ctx.sent_of[k] != ctx.sent_of[hit.first] or ctx.sentence_ranges[ctx.sent_of[k]].start == k:
        return False
    return ctx.is_capitalised(k) and all(w in GENERIC for w in ctx.folded[hit.first : hit.last])


def _hit_country(ctx: Context, first: int, last: int, known: Known) -> EntityKey | None:
    """A known national body's country ('Guardia Civil'), or one told by a demonym in a known or learnt
    partner's name ('Royal Canadian Mounted Police (RCMP)')."""
    if known.key[0] is not Kind.PARTNER:
        return None
    return gazetteer.body_countries().get(known.key) or _demonym_country(ctx, first, last)


def _trailing_country(ctx: Context, last: int, countries: _Countries) -> Mention | None:
    """'the Fusion Centre of Kenya', 'the Crime Agency in the United Kingdom' -> that country."""
    k = last + (ctx.folded[last : last + 1] in {("of",), ("in",)})
    k += ctx.folded[k : k + 1] == ("the",)
    if k == last:
        return None
    return countries.by_first.get(k)


def _leading_key(first: int, countries: _Countries) -> EntityKey | None:
    """'the Canada Border Services Agency', 'the Kenya Navy': a country's name opens the body's own name."""
    found = countries.by_first.get(first)
    return found.key if found is not None else None


def _trailing_key(ctx: Context, last: int, countries: _Countries) -> EntityKey | None:
    found = _trailing_country(ctx, last, countries)
    return found.key if found is not None else None


def _merge_parentheses(ctx: Context, mentions: list[Mention]) -> list[Mention]:
    """'Cocaine Route Programme (EU CRP)' is one mention with two surface forms."""
    out: list[Mention] = []
    for m in sorted(mentions, key=lambda m: m.first):
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.key == m.key
            and m.first == prev.last + 1
            and ctx.words[prev.last] == "("
            and m.last < len(ctx)
            and ctx.words[m.last] == ")"
        ):
            out[-1] = replace(prev, last=m.last + 1, surfaces=prev.surfaces + m.surfaces)
            continue
        out.append(m)
    return out


def _short_names(ctx: Context, mentions: list[Mention]) -> list[Mention]:
    """'the Sahel Judicial Cooperation Platform (the Sahel Platform)': the short name in brackets, made of the
    long name's words, is the same body wherever the text uses it."""
    same: dict[EntityKey, Known] = {}
    for long, short in pairwise(mentions):
        k = long.last
        if ctx.words[k : k + 1] != ("(",) or short.kind is not long.kind or short.key == long.key:
            continue
        k += 1 + (ctx.folded[k + 1 : k + 2] == ("the",))
        if short.first != k or ctx.words[short.last : short.last + 1] != (")",):
            continue
        if set(ctx.folded[short.first : short.last]) <= set(ctx.folded[long.first : long.last]):
            same.setdefault(short.key, long.known)
    if not same:
        return mentions
    return [replace(m, known=same[m.key]) if m.key in same else m for m in mentions]


def find_mentions(ctx: Context) -> tuple[list[Mention], list[Mention]]:
    """(bodies and programmes, places) mentioned in the document, each list sorted and non-overlapping."""
    words, folded = list(ctx.words), list(ctx.folded)
    body_index = gazetteer.body_index()
    first_pass = list(gazetteer.find(words, folded, [body_index]))
    learnt = learn_acronyms(ctx, first_pass)
    learn_programme_names(ctx, learnt, first_pass)
    learn_listed_programmes(ctx, learnt, first_pass)
    learn_quoted_programmes(ctx, learnt)
    hits = [h for h in gazetteer.find(words, folded, [body_index, learnt]) if not _inside_longer_name(ctx, h)]
    bodies = [
        Mention(
            h.first,
            h.last,
            h.known,
            (ctx.text(h.first, h.last),),
            _hit_country(ctx, h.first, h.last, h.known),
        )
        for h in hits
    ]
    places = [
        Mention(h.first, h.last, h.known, (ctx.text(h.first, h.last),))
        for h in gazetteer.find(words, folded, [gazetteer.place_index()])
    ]
    places = regions_as_written(ctx, places)
    bodies = _field_units(ctx, _country_after_acronym(ctx, _demonym_before(ctx, bodies), places), places)
    taken = [False] * len(ctx)
    for m in bodies:
        for k in range(m.first, m.last):
            taken[k] = True
    bodies += _named_bodies(ctx, taken, places)
    bodies += _national_institutions(ctx, bodies, places)
    bodies += _bodies_of_countries(ctx, bodies, places)
    bodies += _coordinated_forces(ctx, bodies, places)
    bodies = _owner_in_name(ctx, bodies)
    bodies += _placed_acronyms(ctx, bodies, places)
    body_tokens = {k for m in bodies for k in range(m.first, m.last)}
    # A place inside a body's name ('National Police of Colombia') still counts as mentioned.
    seats = {(m.first, m.country) for m in bodies}  # 'Boston Police Department': Boston is its seat
    places = [
        p
        for p in places
        if p.first not in body_tokens or p.kind is not Kind.CITY or (p.first, p.key) in seats
    ]
    # ... but a region inside an organisation's name is no region (convention 5: 'Police Community of the
    # Americas'), unless the name says the body serves it ('Regional Office for Central Asia'); inside a
    # programme's name it is the programme's scope ('Regional Programme for Eastern Africa').
    partner_tokens = {k for m in bodies if m.kind is Kind.PARTNER for k in range(m.first, m.last)}
    places = [
        p for p in places if p.first not in partner_tokens or p.kind is not Kind.REGION or _served(ctx, p)
    ]
    places = [p for p in places if not _surname(ctx, p, body_tokens)]
    places += demonym_countries(ctx, bodies, places)
    places += adjective_countries(ctx, places, body_tokens)
    places += subdivisions(ctx, places, body_tokens)
    places += towns_with_country(ctx, places, body_tokens)
    places += coordinated_towns(ctx, places, body_tokens)
    bodies = _owned_names(ctx, _country_prefixed(ctx, bodies, places))
    bodies += _references(ctx, bodies)
    return _short_names(ctx, _merge_parentheses(ctx, bodies)), _merge_parentheses(ctx, places)


def _demonym_before(ctx: Context, bodies: list[Mention]) -> list[Mention]:
    """'the Dutch Fiscal Information and Investigation Service (FIOD)': a demonym right before a body the text
    itself names (not a known one) tells the body's country and is part of how it is written."""
    registry, demonyms = gazetteer.registry_keys(), gazetteer.demonyms()
    ends = {m.last for m in bodies}
    out = []
    for m in bodies:
        k = m.first - 1
        place = demonyms.get(ctx.folded[k]) if k >= 0 and ctx.is_capitalised(k) else None
        if (
            place is None
            or m.kind is not Kind.PARTNER
            or m.key in registry
            or m.country is not None
            or k + 1 in ends  # the demonym closes another name
            or ctx.sent_of[k] != ctx.sent_of[m.first]
        ):
            out.append(m)
            continue
        out.append(replace(m, first=k, surfaces=(*m.surfaces, ctx.text(k, m.last)), country=place.key))
    return out


def _country_after_acronym(ctx: Context, bodies: list[Mention], places: list[Mention]) -> list[Mention]:
    """'the National Anti-Drug Secretariat (SENAD) of Paraguay': the country after the bracketed acronym is
    the body's, as in 'the National Anti-Drug Secretariat of Paraguay'."""
    registry = gazetteer.registry_keys()
    countries = {p.first: p for p in places if p.kind is Kind.COUNTRY}
    out = []
    for m in bodies:
        k = m.last
        bracketed = ctx.words[k : k + 1] == ("(",) and ctx.words[k + 2 : k + 3] == (")",)
        at = k + 4 + (ctx.folded[k + 4 : k + 5] == ("the",))
        place = countries.get(at) if bracketed and ctx.folded[k + 3 : k + 4] in {("of",), ("in",)} else None
        if place is None or m.kind is not Kind.PARTNER or m.key in registry or m.country is not None:
            out.append(m)
            continue
        out.append(replace(m, country=place.key))
    return out


def _served(ctx: Context, place: Mention) -> bool:
    k = place.first - 1 - (ctx.folded[place.first - 1 : place.first] == ("the",))
    return ctx.folded[k : k + 1] == ("for",)


def _surname(ctx: Context, place: Mention, taken: set[int]) -> bool:
    """'Ambassador Ramón Santos': a city's name right after a first name, inside a sentence, is a person's."""
    k = place.first - 1
    if place.kind is not Kind.CITY or k < 1 or k in taken or ctx.sent_of[k] != ctx.sent_of[place.first]:
        return False
    if ctx.sentence_ranges[ctx.sent_of[k]].start == k or not ctx.words[k].isalpha():
        return False
    return ctx.words[k][:1].isupper() and not ctx.words[k].isupper() and ctx.folded[k] not in STOPWORDS


def _country_prefixed(ctx: Context, bodies: list[Mention], places: list[Mention]) -> list[Mention]:
    """'US-INL': the body with its country written in front, based in that country."""
    ending = {p.last: p for p in places if p.kind is Kind.COUNTRY}
    out = []
    for m in bodies:
        place = ending.get(m.first - 1)
        glued = (
            place is not None
            and ctx.words[m.first - 1] == "-"
            and ctx.ends[m.first - 2] + 1 == ctx.starts[m.first]
        )
        if place is not None and glued and m.country in (None, place.key) and m.kind is Kind.PARTNER:
            m = replace(
                m, first=place.first, surfaces=(ctx.text(place.first, m.last), *m.surfaces), country=place.key
            )
        out.append(m)
    return out


def _owned_names(ctx: Context, bodies: list[Mention]) -> list[Mention]:
    """'the WCO Drugs and Precursors Programme': the owner's name in front is one more surface form."""
    ending = {m.last: m for m in bodies if m.kind is Kind.PARTNER}
    out = []
    for m in bodies:
        owner = ending.get(m.first)
        if owner is not None and m.kind is Kind.PROGRAMME:
            first = owner.first
            while ctx.words[first - 1 : first] == ("-",) and first - 1 in ending:
                first = ending[first - 1].first  # 'the UNODC-WCO Container Control Programme': both owners
            m = replace(m, surfaces=(*m.surfaces, ctx.text(first, m.last)))
        out.append(m)
    return out


_HEAD_FORMS = {
    "program": "programme",
    "programme": "programme",
    "project": "project",
    "initiative": "initiative",
}


def _named_by_head(
    ctx: Context, before: list[Mention], i: int, heads: dict[EntityKey, set[str]]
) -> Mention | None:
    """'the programme' at token i: the latest programme of its sentence or the two before, in its paragraph,
    written with that head word so far ('the EU Cocaine Route Programme'); None when none was."""
    head, sent = _HEAD_FORMS.get(ctx.folded[i]), ctx.sent_of[i]
    for m in reversed(before):
        earlier = ctx.sent_of[m.first]
        if sent - earlier > 2 or ctx.paragraph_of[earlier] != ctx.paragraph_of[sent]:
            break
        if head is not None and head in heads.get(m.key, set()):
            return m
    return None


def _references(ctx: Context, bodies: list[Mention]) -> list[Mention]:
    """'the project', 'the Programme' -> the one programme its paragraph (else the document) is about.

    One pass in text order: what came before each reference is kept up to date, never recomputed.
    """
    programmes = sorted((m for m in bodies if m.kind is Kind.PROGRAMME), key=lambda m: m.first)
    if not programmes:
        return []
    taken = {k for m in bodies for k in range(m.first, m.last)}
    starts = {m.first for m in bodies}
    paragraph = ctx.paragraph_of
    in_title = {m.key: m for m in programmes if ctx.sent_of[m.first] == 0}
    in_document = {m.key: m for m in programmes}
    earlier: dict[EntityKey, Mention] = {}
    local: dict[int, dict[EntityKey, Mention]] = {}
    seen: Counter[EntityKey] = Counter()  # mentions so far, references included
    heads: defaultdict[EntityKey, set[str]] = defaultdict(set)  # 'project', 'programme' as written so far
    out: list[Mention] = []
    j = 0
    for i in range(1, len(ctx)):
        while j < len(programmes) and programmes[j].first < i:
            m = programmes[j]
            earlier[m.key] = local.setdefault(paragraph[ctx.sent_of[m.first]], {})[m.key] = m
            seen[m.key] += 1
            heads[m.key].update(_HEAD_FORMS[w] for w in ctx.folded[m.first : m.last + 1] if w in _HEAD_FORMS)
            j += 1
        if ctx.folded[i] not in REFERENCE_HEADS or i in taken or i - 1 in taken:
            continue
        if ctx.folded[i - 1] not in REFERENCE_DETERMINERS or i + 1 in starts:
            continue  # 'the project EU-ACT': the name itself is the mention
        # An anaphor looks back: 'The project, funded through the Instrument X' is not the Instrument.
        candidates = local.get(paragraph[ctx.sent_of[i]]) or earlier or in_document
        if len(candidates) > 1 and len(in_title) == 1 and next(iter(in_title)) in candidates:
            candidates = in_title
        if len(candidates) > 1:  # the one the text keeps coming back to ('The Programme ... The Programme')
            counts = sorted((seen[k] for k in candidates if seen[k]), reverse=True)
            top = max(candidates, key=lambda k: seen[k])
            candidates = {top: candidates[top]} if counts and counts[0] > ([*counts[1:], 0])[0] else {}
        head = _HEAD_FORMS.get(ctx.folded[i], "")
        target = next(iter(candidates.values())) if len(candidates) == 1 else None
        if target is None or head not in heads[target.key]:
            # 'X is a project, a component of the EU Y Programme. The programme covers ...': the latest
            # programme written with that head, when the topic was never called so
            target = _named_by_head(ctx, programmes[:j], i, heads) or target
        if target is None:
            continue
        out.append(Mention(i - 1, i + 1, target.known, (target.known.label,)))
        seen[target.key] += 1
        heads[target.key].add(head)
    return out
