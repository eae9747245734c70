"""Extraction stage, implied places: words that name a country or region without its name -> place mentions.

'Colombian authorities' and 'the Colombian National Police' mention Colombia; 'in Tolima, Colombia' names a
department of it. The mentions stage adds these to the places the gazetteer found.
"""

from __future__ import annotations

from crimjust_graph.extract import gazetteer
from crimjust_graph.extract.gazetteer import Known
from crimjust_graph.extract.heads import Mention
from crimjust_graph.extract.tokens import STOPWORDS, Context
from crimjust_graph.model import Kind
from crimjust_graph.vocab import slugify

# Words before a demonym that make it a region's ('Latin American', 'South American'), not one country's.
AREA_BEFORE_DEMONYM = frozenset({"latin", "pan", "north", "south", "central"})

# Lower-case nouns after which a demonym names the country whose institutions they are.
NATIONAL_NOUNS = frozenset(
    """authorities authority police customs services service forces force officials officers government
    navy army coastguard counterparts delegation delegations agencies agency ministries ministry prosecutors
    judges border judicial security military gendarmerie institutions""".split()  # noqa: SIM905
)


def adjective_countries(ctx: Context, places: list[Mention], taken: set[int]) -> list[Mention]:
    """'the Portuguese, Lithuanian and Polish border services', 'Colombian authorities': those countries."""
    demonyms = gazetteer.demonyms()
    seen = {p.key for p in places}
    out = []
    for k, word in enumerate(ctx.folded):
        place = demonyms.get(word)
        if place is None or k in taken or not ctx.is_capitalised(k) or place.key in seen:
            continue
        if ctx.folded[k - 1 : k] and ctx.folded[k - 1] in AREA_BEFORE_DEMONYM:
            continue
        j = k + 1  # over the rest of a coordinated list of demonyms: ', Lithuanian and Polish'
        while j < len(ctx) and (ctx.folded[j] in {",", "and"} or ctx.folded[j] in demonyms):
            j += 1
        if j < len(ctx) and ctx.folded[j] in NATIONAL_NOUNS and ctx.words[j].islower():
            out.append(Mention(k, k + 1, Known(place.key, place.label), (ctx.words[k],)))
            seen.add(place.key)
    return out


def subdivisions(ctx: Context, places: list[Mention], taken: set[int]) -> list[Mention]:
    """'in Tolima, Colombia': a department, state or province named with its country, inside that country."""
    table = gazetteer.subdivisions()
    known = {k for p in places for k in range(p.first, p.last)} | taken
    out = []
    for country in places:
        place = gazetteer.place_by_key().get(country.key)
        comma = country.first - 1
        if place is None or place.iso is None or comma < 1 or ctx.words[comma] != ",":
            continue
        for width in (4, 3, 2, 1):
            first = comma - width
            span = range(first, comma)
            if first < 0 or any(k in known for k in span) or not ctx.is_capitalised(first):
                continue
            name = table.get((place.iso, ctx.folded[first:comma]))
            if name is not None:
                known_region = Known((Kind.REGION, slugify(name)), name)
                out.append(Mention(first, comma, known_region, (ctx.text(first, comma),), country.key))
                break
    return out


# Words before 'X, Country' that make X a town: 'held in Malabo, Equatorial Guinea', 'at Paita, Peru'.
_AT = frozenset({"in", "at"})


def towns_with_country(ctx: Context, places: list[Mention], taken: set[int]) -> list[Mention]:
    """'in Malabo, Equatorial Guinea': a name the gazetteer lacks, written as 'in <Name>, <Country>', is a
    city of that country (a dateline's 'ASAN CITY, Republic of Korea' too)."""
    known = {k for p in places for k in range(p.first, p.last)} | taken
    out = []
    for country in places:
        comma = country.first - 1
        if country.kind is not Kind.COUNTRY or comma < 2 or ctx.words[comma] != ",":
            continue
        first = comma
        while first > comma - 3 and ctx.is_capitalised(first - 1) and first - 1 not in known:
            first -= 1
        if first == comma or ctx.sent_of[first] != ctx.sent_of[comma]:
            continue
        opens = (
            first == 0
            or ctx.starts[first] == 0
            or ctx.document.text[ctx.starts[first] - 2 : ctx.starts[first]] == "\n\n"
        )
        if ctx.folded[first - 1] not in _AT and not opens:
            continue
        name = " ".join(w if not w.isupper() else w.capitalize() for w in ctx.words[first:comma])
        town = Known((Kind.CITY, slugify(name)), name)
        out.append(Mention(first, comma, town, (ctx.text(first, comma),), country.key))
    return out


def coordinated_towns(ctx: Context, places: list[Mention], taken: set[int]) -> list[Mention]:
    """'the ports of Callao and Paita', 'at Tema and Takoradi': a single capitalised word the gazetteer lacks,
    joined by 'and' to a known city, is a town of that city's country (a coordinated list of one kind)."""
    known = {k for p in places for k in range(p.first, p.last)} | taken
    by_key = gazetteer.place_by_key()
    out: list[Mention] = []
    for city in places:
        if city.kind is not Kind.CITY:
            continue
        after, before = city.last + 1, city.first - 2
        for k, joint in ((after, city.last), (before, city.first - 1)):
            if k < 1 or k >= len(ctx) or ctx.folded[joint] != "and":
                continue
            if ctx.sent_of[k] != ctx.sent_of[city.first]:
                continue
            word = ctx.words[k]
            if (
                k in known
                or not word.isalpha()
                or len(word) < 3
                or word.isupper()
                or not ctx.is_capitalised(k)
                or ctx.folded[k] in STOPWORDS
                or ctx.folded[k] in gazetteer.demonyms()
                or ctx.is_capitalised(k + 1)
                or (ctx.is_capitalised(k - 1) and k - 1 != city.last - 1 and k == before)
            ):
                continue
            if k == before and ctx.folded[k - 1] not in {"in", "at", "of", ","}:
                continue
            place = by_key.get(city.key)
            town = Known((Kind.CITY, slugify(word)), word)
            out.append(Mention(k, k + 1, town, (word,), place.parent if place is not None else None))
            known.add(k)
    return out


def demonym_countries(ctx: Context, bodies: list[Mention], places: list[Mention]) -> list[Mention]:
    """'Colombian National Police' also mentions Colombia, so basedIn has an object."""
    seen = {p.key for p in places}
    out = []
    for b in bodies:
        if b.country is None or b.country in seen:
            continue
        for k in range(b.first, b.last):
            place = gazetteer.demonyms().get(ctx.folded[k])
            if place is not None and place.key == b.country:
                out.append(Mention(k, k + 1, Known(place.key, place.label), (place.label,)))
                seen.add(place.key)
                break
    return out


DIRECTIONS = frozenset(
    """north south east west northern southern eastern western central north-east north-west south-east
    south-west northeast northwest southeast southwest""".split()  # noqa: SIM905
)


def regions_as_written(ctx: Context, places: list[Mention]) -> list[Mention]:
    """Regions the way the text coordinates them.

    'Latin America and the Caribbean' is two regions when each half is a region of its own; 'West and Central
    Asia' or 'South and Southeast Asia' is one region named by both directions, not 'Central Asia' alone.
    """
    known = gazetteer.place_by_key()
    named = {k for m in places for k in range(m.first, m.last)}  # words that name a place already
    out: list[Mention] = []
    for m in places:
        if m.kind is not Kind.REGION:
            out.append(m)
            continue
        halves = _halves(ctx, m, known)
        if halves:
            out += halves
            continue
        elided = _elided_region(ctx, m, known)
        if elided is not None:
            out += [elided, m]
            continue
        first = _directions_before(ctx, m.first, named)
        if first < m.first:
            label = ctx.text(first, m.last)
            out.append(Mention(first, m.last, Known((Kind.REGION, slugify(label)), label), (label,)))
        else:
            out.append(m)
    return out


def _halves(ctx: Context, m: Mention, known: dict[tuple[Kind, str], gazetteer.Place]) -> list[Mention]:
    """'Latin America and the Caribbean' -> Latin America, Caribbean (both regions in the reference data)."""
    joint = next((k for k in range(m.first + 1, m.last - 1) if ctx.folded[k] in {"and", "&"}), None)
    if joint is None:
        return []
    right = joint + 1 + (ctx.folded[joint + 1] == "the")
    out = []
    for a, b in ((m.first, joint), (right, m.last)):
        place = known.get((Kind.REGION, slugify(ctx.text(a, b))))
        if place is None:
            return []
        out.append(Mention(a, b, Known(place.key, place.label), (ctx.text(a, b),)))
    return out


def _elided_region(
    ctx: Context, m: Mention, known: dict[tuple[Kind, str], gazetteer.Place]
) -> Mention | None:
    """'Latin and Central America': the word before 'and' with the region's last word names a second region
    (Latin America) when it is no direction ('West and Central Asia' is one region, read as written)."""
    k = m.first - 2
    if k < 0 or m.last - m.first < 2 or ctx.folded[m.first - 1] != "and" or not ctx.is_capitalised(k):
        return None
    if ctx.folded[k] in DIRECTIONS or ctx.sent_of[k] != ctx.sent_of[m.first]:
        return None
    place = known.get((Kind.REGION, slugify(f"{ctx.words[k]} {ctx.text(m.first + 1, m.last)}")))
    if place is None:
        return None
    return Mention(k, k + 1, Known(place.key, place.label), (place.label,))


def _directions_before(ctx: Context, first: int, named: set[int]) -> int:
    """Where a list of directions before a region starts: 'West and [Central Asia]' -> 'West'; a direction
    that ends another place's name is not one ('the Middle East and [Southeast Asia]' is two regions)."""
    if first < 2 or ctx.folded[first] not in DIRECTIONS | {"south", "sub"}:
        return first
    k = first - 1
    if ctx.folded[k] not in {"and", ","}:
        return first
    start = first
    while (
        k >= 1
        and ctx.folded[k] in {"and", ","}
        and ctx.folded[k - 1] in DIRECTIONS
        and ctx.is_capitalised(k - 1)
        and k - 1 not in named
    ):
        start = k - 1
        k -= 2
    return start
