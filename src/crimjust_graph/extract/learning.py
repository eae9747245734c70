"""Extraction stage, names learnt from the text: acronyms and programme names -> a document alias index."""

from __future__ import annotations

from crimjust_graph.extract import gazetteer
from crimjust_graph.extract.gazetteer import AliasIndex, Known
from crimjust_graph.extract.heads import (
    EVENT_TRIGGERS,
    GENERIC,
    ORG_WORDS,
    PROGRAMME_HEADS,
    REFERENCE_HEADS,
    head_of,
    known_as,
)
from crimjust_graph.extract.tokens import CONNECTORS, STOPWORDS, Context
from crimjust_graph.model import Kind

# Words that open a list of programmes: 'the components – A, B and C', 'projects such as A and B'.
LIST_NOUNS = frozenset("component components pillar pillars projects programmes programs initiatives".split())  # noqa: SIM905
LIST_LEADS = frozenset({"–", "-", "—", ":", ",", "(", "such", "as", "like", "including", "namely", "the"})


def _has_acronym_shape(words: list[str]) -> bool:
    return 0 < len(words) <= 4 and any(sum(c.isupper() for c in w) >= 2 for w in words)


def _capitalised_run_before(ctx: Context, end: int, limit: int = 12) -> int:
    """Start of the name-like run of tokens ending just before `end`, within its sentence (a heading
    such as 'Participants' above the paragraph is no part of the name)."""
    start = end
    while start > max(0, end - limit) and ctx.sent_of[start - 1] == ctx.sent_of[end - 1]:
        if (
            ctx.folded[start - 2 : start] == ("and", "the")
            and ctx.is_capitalised(start - 3)
            and gazetteer.place_index().match_at(
                list(ctx.words[start : start + 4]), list(ctx.folded[start : start + 4]), 0
            )
            is None
        ):
            break  # 'the Royal Thai Police and the Philippine Drug Enforcement Agency (PDEA)': two names
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
    head = head_of(ctx, i + 1, close)
    if head not in PROGRAMME_HEADS and not any(w in ORG_WORDS for w in ctx.folded[i + 1 : close]):
        return False
    kind = Kind.PROGRAMME if head in PROGRAMME_HEADS else Kind.PARTNER
    known = known_as(kind, long_form, short)
    index.add(long_form, known)
    index.add(short, known)
    return True


def learn_acronyms(ctx: Context, hits: list[gazetteer.Match]) -> AliasIndex:
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
        # 'the Global Cooperation in X on Y project (XY)': the name ends before a lower-case 'project'
        end = i - (ctx.words[i - 1] in REFERENCE_HEADS)
        start = _capitalised_run_before(ctx, end)
        initial = short[:1].casefold()
        # a known acronym keeps its name as written, across 'in' between capitalised words
        whole = inner is not None and "and" not in ctx.folded[start:end]
        while whole and start >= 2 and ctx.folded[start - 1] == "in" and ctx.is_capitalised(start - 2):
            start = _capitalised_run_before(ctx, start - 1)
        for k in range(start, end if not whole else start):
            if ctx.folded[k][:1] == initial and ctx.is_capitalised(k):
                # a foreign acronym ('Intelligence Center ... (CITCO)') keeps the words of the name
                dropped = [ctx.folded[j] for j in range(start, k) if ctx.sent_of[j] == ctx.sent_of[i]]
                if "and" in dropped or not any(w in GENERIC and w not in STOPWORDS for w in dropped):
                    start = k
                break
        if end - start < 2:
            continue
        long_form = ctx.text(start, end)
        if inner is not None and _same_words(ctx, start, end, inner.known):
            index.add(long_form, inner.known)
            continue
        head = head_of(ctx, start, i)
        place = gazetteer.place_index().match_at(list(ctx.words), list(ctx.folded), start)
        if head in EVENT_TRIGGERS or (place is not None and start + len(place.folded) >= i):
            continue  # 'Latin America and the Caribbean (LAC)' is a place
        kind = Kind.PROGRAMME if head in PROGRAMME_HEADS else Kind.PARTNER
        if kind is Kind.PARTNER and not any(w in ORG_WORDS for w in ctx.folded[start:i]):
            continue  # 'General Aviation (GA)', 'Task Forces (JAITFs)': no organisation named
        known = known_as(kind, long_form, short)
        index.add(long_form, known)
        index.add(short, known)
    return index


def _same_words(ctx: Context, start: int, end: int, known: Known) -> bool:
    """Whether a name written before a known acronym shares a word with that body's known names: 'Airport
    Communication Project (AIRCOP)' is AIRCOP; 'the Harbour Screening Initiative (HSI)' is the text's own."""
    words = {w for w in ctx.folded[start:end] if w not in CONNECTORS and w.isalpha()}
    return bool(words & gazetteer.known_words().get(known.key, frozenset())) or not words


def acronym_end(ctx: Context, i: int) -> int:
    """End of an acronym-shaped name starting at token i ('EU-ACT', 'EUROFRONT'), or i when there is none."""
    j = i
    while j < len(ctx) and sum(c.isupper() for c in ctx.words[j]) >= 2 and ctx.sent_of[j] == ctx.sent_of[i]:
        j += 1
        if j + 1 < len(ctx) and ctx.words[j] == "-" and sum(c.isupper() for c in ctx.words[j + 1]) >= 2:
            j += 1
    return j


def learn_programme_names(ctx: Context, index: AliasIndex, hits: list[gazetteer.Match]) -> None:
    """'the project EU-ACT', 'the EUROFRONT project': an acronym named as a programme is one everywhere."""
    inside = {k for m in hits for k in range(m.first + 1, m.last)}
    ends = {m.first: m.last for m in hits}
    words, folded = list(ctx.words), list(ctx.folded)
    for i in range(len(ctx) - 1):
        if i in inside or not ctx.words[i][:1].isupper():
            continue
        end = acronym_end(ctx, i)
        if end <= ends.get(i, i) or any(k in ends and ctx.words[k - 1] != "-" for k in range(i + 1, end)):
            continue  # nothing, a known name, or names side by side ('EU SEACOP'; 'AMERIPOL-EU' is one)
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
            index.add(name, known_as(Kind.PROGRAMME, name))


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


def learn_listed_programmes(ctx: Context, index: AliasIndex, hits: list[gazetteer.Match]) -> None:
    """'components – AIRCOP, CORMS and CRIMJUST': an unknown acronym listed with known programmes is one."""
    by_first = {m.first: m for m in hits}
    words, folded = list(ctx.words), list(ctx.folded)
    for i, w in enumerate(ctx.folded):
        if w not in LIST_NOUNS:
            continue
        sent, k = ctx.sent_of[i], i + 1
        while k < len(ctx) and ctx.folded[k] in LIST_LEADS and ctx.sent_of[k] == sent:
            k += 1
        known_programme, unknown = False, list[str]()
        while k < len(ctx) and ctx.sent_of[k] == sent:
            m = by_first.get(k)
            end = acronym_end(ctx, k)
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
                index.add(name, known_as(Kind.PROGRAMME, name))
        if w in {"component", "pillar"}:  # 'its component on risk analysis, BORDERLINK, is managed by'
            comma = next((j for j in range(i + 1, min(i + 8, len(ctx) - 1)) if ctx.words[j] == ","), -1)
            end = acronym_end(ctx, comma + 1) if comma >= 0 else 0
            if comma >= 0 and end > comma + 1 and ctx.words[end : end + 1] == (",",):
                index.add(ctx.text(comma + 1, end), known_as(Kind.PROGRAMME, ctx.text(comma + 1, end)))


_OPENING_QUOTES = frozenset({'"', "“"})
_CLOSING_QUOTES = frozenset({'"', "”"})


def learn_quoted_programmes(ctx: Context, index: AliasIndex) -> None:
    """'under the project "Strengthening Capacity to Control X in Latin America"': a title in quotes right
    after a programme noun is that programme's name."""
    for i, w in enumerate(ctx.folded[:-2]):
        if (
            w not in REFERENCE_HEADS
            or ctx.words[i + 1] not in _OPENING_QUOTES
            or not ctx.is_capitalised(i + 2)
        ):
            continue
        sent = ctx.sent_of[i]
        ahead = range(i + 3, min(i + 45, len(ctx)))
        close = next((j for j in ahead if ctx.words[j] in _CLOSING_QUOTES or ctx.sent_of[j] != sent), None)
        if close is None or ctx.words[close] not in _CLOSING_QUOTES or close - i < 4:
            continue
        name = ctx.text(i + 2, close)
        if index.match_at(list(ctx.words), list(ctx.folded), i + 2) is None:
            index.add(name, known_as(Kind.PROGRAMME, name))
