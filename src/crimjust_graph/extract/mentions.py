"""Extraction stage, mentions: Context -> body and place mentions (registry, acronyms, named bodies)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace

from crimjust_graph.extract import gazetteer
from crimjust_graph.extract.gazetteer import AliasIndex, Known
from crimjust_graph.extract.tokens import CONNECTORS, STOPWORDS, Context
from crimjust_graph.model import EntityKey, Kind
from crimjust_graph.vocab import slugify

PROGRAMME_HEADS = frozenset(
    {"programme", "program", "project", "initiative", "facility", "network", "platform"}
)
ORG_HEADS = frozenset(
    """ministry police agency office directorate service commission authority unit centre center council
    coastguard delegation navy army
    symposium secretariat court department bureau institute organization organisation association foundation
    force guard customs gendarmerie prosecution parliament tribunal academy university coalition alliance
    committee board administration observatory federation union bank fund government""".split()  # noqa: SIM905
)
EVENT_TRIGGERS = frozenset(
    """meeting workshop training course conference symposium seminar summit operation mission forum roundtable
    exercise webinar ceremony""".split()  # noqa: SIM905
)
# A name learnt from its acronym is an organisation only with one of these words in it.
ORG_WORDS = ORG_HEADS | frozenset(
    """group system international internacional istituto instituto fundación fundacion organización
    organizacion organizzazione policía policia polizia guardia ministerio ministère ministero agence
    agencia""".split()  # noqa: SIM905
)
# A name made only of these words is a bare head: never an entity of its own (DESIGN §2).
BARE = (
    PROGRAMME_HEADS
    | ORG_HEADS
    | frozenset("the this its their our steering executive technical joint new project s".split())  # noqa: SIM905
)
REFERENCE_HEADS = frozenset({"programme", "program", "project", "initiative", "facility"})
REFERENCE_DETERMINERS = frozenset({"the", "this", "that", "its"})
LIST_NOUNS = frozenset("component components pillar pillars projects programmes programs initiatives".split())  # noqa: SIM905
_LIST_LEADS = frozenset({"–", "-", "—", ":", ",", "(", "such", "as", "like", "including", "namely", "the"})
# Words that make a name generic: a body named only with these needs a country ("national-police-colombia").
GENERIC = frozenset(
    """national federal state regional public general central ministry police agency office directorate
    service commission authority unit centre center council department bureau court prosecutor prosecutors
    attorney justice interior security defence defense finance foreign affairs home customs border coast guard
    navy army
    air force naval military immigration revenue tax drug drugs narcotics anti counter control enforcement law
    criminal crime investigation investigations investigative intelligence financial judicial supreme high
    prison prisons penitentiary gendarmerie special organized organised serious transnational division
    information analysis airport port maritime anti-narcotics antinarcotics administration institute academy
    training task forces civil economic cyber cybercrime money laundering government of for and the on
    against""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class Mention:
    """One stretch of tokens [first, last) naming a known or newly found entity."""

    first: int
    last: int
    known: Known
    surfaces: tuple[str, ...]
    country: EntityKey | None = None  # national bodies: the country that qualifies them

    @property
    def key(self) -> EntityKey:
        return self.known.key

    @property
    def kind(self) -> Kind:
        return self.known.key[0]


def _known(kind: Kind, label: str, acronym: str | None = None) -> Known:
    return Known((kind, slugify(label)), label, acronym)


def _has_acronym_shape(words: list[str]) -> bool:
    return 0 < len(words) <= 4 and any(sum(c.isupper() for c in w) >= 2 for w in words)


def _capitalised_run_before(ctx: Context, end: int, limit: int = 12) -> int:
    """Start of the name-like run of tokens ending just before `end` (capitalised words and connectors)."""
    start = end
    while start > max(0, end - limit):
        if ctx.is_capitalised(start - 1) or (ctx.folded[start - 1] in CONNECTORS and start - 1 > 0):
            start -= 1
        else:
            break
    while start < end and (ctx.folded[start] in CONNECTORS or ctx.folded[start] in STOPWORDS):
        start += 1
    return start


def _reverse_acronym(
    ctx: Context, index: AliasIndex, ending: dict[int, gazetteer.Match], i: int, close: int
) -> bool:
    """'MARLIN (Maritime Law Enforcement Initiative)': the acronym first, its expansion in brackets."""
    short, inner = ctx.words[i - 1] if i > 0 else "", range(i + 1, close)
    if (
        sum(c.isupper() for c in short) < 2
        or len(inner) < 2
        or not all(ctx.is_capitalised(k) or ctx.folded[k] in CONNECTORS for k in inner)
    ):
        return False
    if ctx.folded[i + 1][:1] != short[:1].casefold():
        return False
    long_form = ctx.text(i + 1, close)
    outer = ending.get(i)
    if outer is not None:
        index.add(long_form, outer.known)
        return True
    head = _head(ctx, i + 1, close)
    if head not in PROGRAMME_HEADS and not any(w in ORG_WORDS for w in ctx.folded[i + 1 : close]):
        return False
    kind = Kind.PROGRAMME if head in PROGRAMME_HEADS else Kind.PARTNER
    known = _known(kind, long_form, short)
    index.add(long_form, known)
    index.add(short, known)
    return True


def _learn_acronyms(ctx: Context, hits: list[gazetteer.Match]) -> AliasIndex:
    """'Airport Communication Programme (AIRCOP)': both become aliases of one entity in this document."""
    index = AliasIndex()
    ending = {m.last: m for m in hits}
    starting = {m.first: m for m in hits}
    for i, w in enumerate(ctx.words):
        if w != "(":
            continue
        close = next((j for j in range(i + 1, min(i + 7, len(ctx))) if ctx.words[j] == ")"), None)
        if close is not None and _reverse_acronym(ctx, index, ending, i, close):
            continue
        if close is None or not _has_acronym_shape(list(ctx.words[i + 1 : close])):
            continue
        short = ctx.text(i + 1, close)
        inner = starting.get(i + 1)
        outer = ending.get(i)
        if outer is not None and inner is None:
            index.add(short, outer.known)
            continue
        if outer is not None or ctx.sent_of[i] != ctx.sent_of[max(0, i - 1)]:
            continue
        start = _capitalised_run_before(ctx, i)
        initial = short[:1].casefold()
        for k in range(start, i):
            if ctx.folded[k][:1] == initial and ctx.is_capitalised(k):
                # a foreign acronym ('Intelligence Center ... (CITCO)') keeps the words of the name
                dropped = [ctx.folded[j] for j in range(start, k) if ctx.sent_of[j] == ctx.sent_of[i]]
                if "and" in dropped or not any(w in GENERIC and w not in STOPWORDS for w in dropped):
                    start = k
                break
        if i - start < 2:
            continue
        long_form = ctx.text(start, i)
        if inner is not None:
            index.add(long_form, inner.known)
            continue
        head = _head(ctx, start, i)
        place = gazetteer.place_index().match_at(list(ctx.words), list(ctx.folded), start)
        if head in EVENT_TRIGGERS or (place is not None and start + len(place.folded) >= i):
            continue  # 'Latin America and the Caribbean (LAC)' is a place
        kind = Kind.PROGRAMME if head in PROGRAMME_HEADS else Kind.PARTNER
        if kind is Kind.PARTNER and not any(w in ORG_WORDS for w in ctx.folded[start:i]):
            continue  # 'General Aviation (GA)', 'Task Forces (JAITFs)': no organisation named
        known = _known(kind, long_form, short)
        index.add(long_form, known)
        index.add(short, known)
    return index


def _acronym_end(ctx: Context, i: int) -> int:
    """End of an acronym-shaped name starting at token i ('EU-ACT', 'EUROFRONT'), or i when there is none."""
    j = i
    while j < len(ctx) and sum(c.isupper() for c in ctx.words[j]) >= 2 and ctx.sent_of[j] == ctx.sent_of[i]:
        j += 1
        if j + 1 < len(ctx) and ctx.words[j] == "-" and sum(c.isupper() for c in ctx.words[j + 1]) >= 2:
            j += 1
    return j


def _learn_programme_names(ctx: Context, index: AliasIndex, hits: list[gazetteer.Match]) -> None:
    """'the project EU-ACT', 'the EUROFRONT project': an acronym named as a programme is one everywhere."""
    inside = {k for m in hits for k in range(m.first + 1, m.last)}
    ends = {m.first: m.last for m in hits}
    words, folded = list(ctx.words), list(ctx.folded)
    for i in range(len(ctx) - 1):
        if i in inside or not ctx.words[i][:1].isupper():
            continue
        end = _acronym_end(ctx, i)
        if end <= ends.get(i, i) or any(k in ends for k in range(i + 1, end)):
            continue  # nothing, exactly a known name, or names side by side ('EU SEACOP')
        after = ctx.words[end] if end < len(ctx) else ""
        introduced = _introduced_as_programme(ctx, i, end)
        named = (
            (i >= 2 and ctx.folded[i - 2] == "the" and ctx.folded[i - 1] in REFERENCE_HEADS)
            or (after in REFERENCE_HEADS and ctx.folded[i - 1 : i] != ("of",))
            or introduced
        )
        if introduced:
            while end < len(ctx) and ctx.is_capitalised(end) and ctx.folded[end] not in STOPWORDS:
                end += 1  # 'CBSI Connect, launched by ..., is a project'
        if named and index.match_at(words, folded, i) is None:
            name = ctx.text(i, end)
            index.add(name, _known(Kind.PROGRAMME, name))


def _introduced_as_programme(ctx: Context, i: int, end: int) -> bool:
    """'PELICAN: Monitoring Coastal Shipping is a WCO initiative' -> the sentence's opening acronym."""
    rng = ctx.sentence_ranges[ctx.sent_of[i]]
    if i != rng.start or end - i > 3:
        return False
    for k in range(end, min(rng.stop - 2, end + 25)):
        if ctx.folded[k] in {"is", "was"} and ctx.folded[k + 1] in {"a", "an"}:
            heads = ctx.folded[k + 2 : k + 4]
            return any(h in PROGRAMME_HEADS for h in heads)
    return False


def _learn_listed_programmes(ctx: Context, index: AliasIndex, hits: list[gazetteer.Match]) -> None:
    """'components – AIRCOP, CORMS and CRIMJUST': an unknown acronym listed with known programmes is one."""
    by_first = {m.first: m for m in hits}
    words, folded = list(ctx.words), list(ctx.folded)
    for i, w in enumerate(ctx.folded):
        if w not in LIST_NOUNS:
            continue
        sent, k = ctx.sent_of[i], i + 1
        while k < len(ctx) and ctx.folded[k] in _LIST_LEADS and ctx.sent_of[k] == sent:
            k += 1
        known_programme, unknown = False, list[str]()
        while k < len(ctx) and ctx.sent_of[k] == sent:
            m = by_first.get(k)
            end = _acronym_end(ctx, k)
            if m is not None:
                known_programme |= m.known.key[0] is Kind.PROGRAMME
                k = m.last
            elif end > k and gazetteer.place_index().match_at(words, folded, k) is None:
                unknown.append(ctx.text(k, end))
                k = end
            elif ctx.folded[k] in {",", "and", "the"}:
                k += 1
            else:
                break
        if known_programme:
            for name in unknown:
                index.add(name, _known(Kind.PROGRAMME, name))
        if w in {"component", "pillar"}:  # 'its component on risk analysis, BORDERLINK, is managed by'
            comma = next((j for j in range(i + 1, min(i + 8, len(ctx) - 1)) if ctx.words[j] == ","), -1)
            end = _acronym_end(ctx, comma + 1) if comma >= 0 else 0
            if comma >= 0 and end > comma + 1 and ctx.words[end : end + 1] == (",",):
                index.add(ctx.text(comma + 1, end), _known(Kind.PROGRAMME, ctx.text(comma + 1, end)))


def _head(ctx: Context, first: int, last: int) -> str:
    """A name's head: the last word before its first connector ('Ministry' in 'Ministry of Justice')."""
    final = ctx.folded[last - 1]
    for k in range(first + 1, last):
        if ctx.folded[k] in {"and", "&"} and final in PROGRAMME_HEADS | ORG_HEADS:
            return final  # 'Drugs and Precursors Programme'
        if ctx.folded[k] in CONNECTORS and ctx.folded[k] not in {"-", "&"}:
            return ctx.folded[k - 1]
    return final


def _country_for(
    ctx: Context, first: int, last: int, places: list[Mention], alone: bool
) -> tuple[Known | None, int, int]:
    """The country of a generic body: in its name, a demonym, 'Colombia's', or the sentence's only country."""
    demonyms = gazetteer.demonyms()
    for k in range(first, last):
        place = demonyms.get(ctx.folded[k])
        if place is not None:
            return Known(place.key, place.label), first, last
    inside = [p for p in places if first <= p.first < last + 3 and p.kind is Kind.COUNTRY]
    if (
        inside
        and inside[0].first <= last + 2
        and all(ctx.folded[j] in CONNECTORS for j in range(last, inside[0].first))
    ):
        return inside[0].known, first, max(last, inside[0].last)
    trailing = _trailing_country(ctx, last, places)
    if trailing is not None:
        return next(p.known for p in places if p.key == trailing), first, last
    before = [p for p in places if p.last in (first - 2, first) and p.kind is Kind.COUNTRY]
    if before and (before[0].last == first or ctx.words[first - 2 : first] == ("'", "s")):
        return before[0].known, first, last
    sent = ctx.sent_of[first]
    in_sentence = {p.key: p for p in places if ctx.sent_of[p.first] == sent and p.kind is Kind.COUNTRY}
    if len(in_sentence) == 1 and not alone:
        return next(iter(in_sentence.values())).known, first, last
    return None, first, last


def _named_bodies(ctx: Context, taken: list[bool], places: list[Mention]) -> list[Mention]:
    """Unknown bodies and programmes: capitalised runs whose head is an organisation or programme word."""
    out: list[Mention] = []
    place_tokens = {k for p in places for k in range(p.first, p.last)}
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
            if ctx.is_capitalised(j) or (ctx.folded[j] in CONNECTORS and ctx.is_capitalised(j + 1)):
                j += 1
            elif (
                j > i
                and j - 1 not in place_tokens
                and ctx.words[j] in {"'", "’"}
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
        i = j + 1
        if last <= first:
            continue
        head = _head(ctx, first, last)
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
            country, first, last = _country_for(ctx, first, last, places, alone=len(content) < 2)
            if country is None:
                continue
            generic_words = [
                ctx.words[k]
                for k in range(first, last)
                if ctx.folded[k] not in gazetteer.demonyms() and k not in place_tokens
            ]
            while generic_words and generic_words[-1].casefold() in CONNECTORS:
                generic_words.pop()
            generic = " ".join(generic_words).replace(" ' s ", "'s ").replace(" ’ s ", "’s ")
            known = Known((kind, slugify(f"{generic} {country.label}")), f"{generic} of {country.label}")
            out.append(Mention(first, last, known, (ctx.text(first, last),), country.key))
            continue
        if all(w in BARE for w in ctx.folded[first:last]):
            continue  # 'the Project', 'the Committee', 'Steering Committee' heads alone, with no country
        based = _demonym_country(ctx, first, last) or _trailing_country(ctx, last, places)
        out.append(Mention(first, last, _known(kind, surface), (surface,), based))
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
        if place is None or ctx.sent_of[place.first] != ctx.sent_of[m.first]:
            out.append(m)
            continue
        label = f"{m.known.label} {ctx.text(j, k)} {ctx.words[k]} {place.known.label}"
        country = place.key if place.kind is Kind.COUNTRY else None
        out.append(
            Mention(
                m.first, place.last, _known(Kind.PARTNER, label), (ctx.text(m.first, place.last),), country
            )
        )
    return out


def _demonym_country(ctx: Context, first: int, last: int) -> EntityKey | None:
    """'French Coastguard' -> France; not 'Italo-Latin American' nor 'Inter-American'."""
    for k in range(first, last):
        place = gazetteer.demonyms().get(ctx.folded[k])
        if place is None or "-" in ctx.words[k - 1 : k + 2] or ctx.folded[k - 1] in {"latin", "pan"}:
            continue
        return place.key
    return None


def _trailing_country(ctx: Context, last: int, places: list[Mention]) -> EntityKey | None:
    """'the Fusion Centre of Kenya', 'the Crime Agency in the United Kingdom' -> that country."""
    k = last + (ctx.folded[last : last + 1] in {("of",), ("in",)})
    k += ctx.folded[k : k + 1] == ("the",)
    if k == last:
        return None
    return next((p.key for p in places if p.first == k and p.kind is Kind.COUNTRY), None)


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


def find_mentions(ctx: Context) -> tuple[list[Mention], list[Mention]]:
    """(bodies and programmes, places) mentioned in the document, each list sorted and non-overlapping."""
    words, folded = list(ctx.words), list(ctx.folded)
    body_index = gazetteer.body_index()
    first_pass = list(gazetteer.find(words, folded, [body_index]))
    learnt = _learn_acronyms(ctx, first_pass)
    _learn_programme_names(ctx, learnt, first_pass)
    _learn_listed_programmes(ctx, learnt, first_pass)
    hits = list(gazetteer.find(words, folded, [body_index, learnt]))
    bodies = [Mention(h.first, h.last, h.known, (ctx.text(h.first, h.last),)) for h in hits]
    places = [
        Mention(h.first, h.last, h.known, (ctx.text(h.first, h.last),))
        for h in gazetteer.find(words, folded, [gazetteer.place_index()])
    ]
    bodies = _field_units(ctx, bodies, places)
    taken = [False] * len(ctx)
    for m in bodies:
        for k in range(m.first, m.last):
            taken[k] = True
    bodies += _named_bodies(ctx, taken, places)
    body_tokens = {k for m in bodies for k in range(m.first, m.last)}
    # A place inside a body's name ('National Police of Colombia') still counts as mentioned.
    places = [p for p in places if p.first not in body_tokens or p.kind is not Kind.CITY]
    places += _demonym_countries(ctx, bodies, places)
    bodies = _owned_names(ctx, _country_prefixed(ctx, bodies, places))
    bodies += _references(ctx, bodies)
    return _merge_parentheses(ctx, bodies), _merge_parentheses(ctx, places)


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
        if place is not None and glued and m.country is None and m.kind is Kind.PARTNER:
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
            m = replace(m, surfaces=(*m.surfaces, ctx.text(owner.first, m.last)))
        out.append(m)
    return out


def _references(ctx: Context, bodies: list[Mention]) -> list[Mention]:
    """'the project', 'the Programme' -> the one programme its paragraph (else the document) is about."""
    programmes = [m for m in bodies if m.kind is Kind.PROGRAMME]
    if not programmes:
        return []
    taken = {k for m in bodies for k in range(m.first, m.last)}
    starts = {m.first for m in bodies}
    paragraph = ctx.paragraph_of
    para = [paragraph[ctx.sent_of[m.first]] for m in programmes]
    in_title = {m.key: m for m in programmes if ctx.sent_of[m.first] == 0}
    in_document = {m.key: m for m in programmes}
    out: list[Mention] = []
    for i in range(1, len(ctx)):
        if ctx.folded[i] not in REFERENCE_HEADS or i in taken or i - 1 in taken:
            continue
        if ctx.folded[i - 1] not in REFERENCE_DETERMINERS or i + 1 in starts:
            continue  # 'the project EU-ACT': the name itself is the mention
        here = paragraph[ctx.sent_of[i]]
        # An anaphor looks back: 'The project, funded through the Instrument X' is not the Instrument.
        local = {m.key: m for m, p in zip(programmes, para, strict=True) if p == here and m.first < i}
        earlier = {m.key: m for m in programmes if m.first < i}
        candidates = local or earlier or in_document
        if len(candidates) > 1 and len(in_title) == 1 and next(iter(in_title)) in candidates:
            candidates = in_title
        if len(candidates) > 1:  # the one the text keeps coming back to ('The Programme ... The Programme')
            seen = Counter(m.key for m in [*programmes, *out] if m.first < i and m.key in candidates)
            (top, n), *rest = [*seen.most_common(2), (None, 0)]
            candidates = {top: candidates[top]} if top is not None and n > rest[0][1] else {}
        if len(candidates) != 1:
            continue
        target = next(iter(candidates.values()))
        out.append(Mention(i - 1, i + 1, target.known, (target.known.label,)))
    return out


def _demonym_countries(ctx: Context, bodies: list[Mention], places: list[Mention]) -> list[Mention]:
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
