"""Extraction stage, tokens: Document -> Context (tokens with offsets, sentence of each token, evidence)."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, cached_property

from crimjust_graph.extract.dates import context_year, opening_dateline
from crimjust_graph.extract.gazetteer import TOKEN, fold
from crimjust_graph.model import Document, Evidence, Span

# Lower-case words that may sit inside a proper name ("Ministry of Justice", "Expert Meeting on Drugs").
CONNECTORS = frozenset(
    {"of", "for", "on", "and", "the", "against", "de", "del", "la", "des", "du", "et", "&", "-"}
)
# Capitalised words that start sentences or phrases but never names.
STOPWORDS = frozenset(
    """the a an this that these those under in for from with on at by during since as its their our his her
    both several all each some many other new moreover however also furthermore meanwhile following
    after before while through within between among across to into over and or but recognizing
    recognising according last next today yesterday tomorrow more most further further-more thus
    therefore likewise additionally besides if when where which who whose what how why there here it we
    they he she you i one two three four five""".split()  # noqa: SIM905
)


@dataclass(frozen=True)
class Context:
    """A tokenised document: parallel lists of token text, folded text, offsets and sentence index."""

    document: Document
    words: tuple[str, ...]
    folded: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    sent_of: tuple[int, ...]
    sentences: tuple[Span, ...]
    year: int | None
    issued: str | None = None  # the document's date, else the dateline opening its body
    dateline_end: int = 0  # a date before this offset is the dateline's, never an event's

    @classmethod
    def build(cls, document: Document) -> Context:
        text = document.text
        dateline = opening_dateline(text)
        issued = document.issued or (dateline[0] if dateline else None)
        sentences = document.sentences or (Span(0, len(text), text),)
        words, starts, ends = [], [], []
        for m in TOKEN.finditer(text):
            words.append(m.group())
            starts.append(m.start())
            ends.append(m.end())
        sentences = bounded(text, sentences, starts)
        sent_starts = [s.start for s in sentences]
        sent_of = [max(0, bisect.bisect_right(sent_starts, start) - 1) for start in starts]
        return cls(
            document,
            tuple(words),
            tuple(fold(w) for w in words),
            tuple(starts),
            tuple(ends),
            tuple(sent_of),
            sentences,
            context_year(text, issued),
            issued,
            dateline[1] if dateline else 0,
        )

    def __len__(self) -> int:
        return len(self.words)

    def evidence(self, sent: int) -> Evidence:
        span = self.sentences[sent]
        return Evidence(span.start, span.end, span.text)

    def evidence_between(self, first: int, last: int) -> Evidence:
        """One evidence spanning sentences first..last (a fact stated across two sentences)."""
        a, b = self.sentences[first], self.sentences[last]
        return Evidence(a.start, b.end, self.document.text[a.start : b.end])

    def text(self, first: int, last: int) -> str:
        """Source text of tokens [first, last), whitespace collapsed."""
        return " ".join(self.document.text[self.starts[first] : self.ends[last - 1]].split())

    @cached_property
    def sentence_ranges(self) -> tuple[range, ...]:
        """Token index range of each sentence."""
        bounds: list[list[int]] = [[len(self.words), len(self.words)] for _ in self.sentences]
        for i, s in enumerate(self.sent_of):
            bounds[s][0] = min(bounds[s][0], i)
            bounds[s][1] = i + 1
        return tuple(range(a, max(a, b)) for a, b in bounds)

    @cached_property
    def paragraph_of(self) -> tuple[int, ...]:
        """Paragraph number of each sentence (paragraphs are separated by blank lines)."""
        text, out, para, pos = self.document.text, [], 0, 0
        for span in self.sentences:
            para += text.count("\n\n", pos, span.start)
            pos = span.start
            out.append(para)
        return tuple(out)

    def cues(self, sent: int, cues: tuple[tuple[str, ...], ...]) -> Iterator[tuple[int, int]]:
        """(start, end) token positions of each cue phrase (folded word tuples) in one sentence."""
        index = _cue_index(cues)
        for i in self.sentence_ranges[sent]:
            for cue in index.get(self.folded[i], ()):
                if self.folded[i : i + len(cue)] == cue:
                    yield i, i + len(cue)

    def is_capitalised(self, i: int) -> bool:
        return 0 <= i < len(self.words) and self.words[i][:1].isupper()


# A sentence longer than this many tokens is read in pieces: every rule looks at most at one piece, so the
# work per sentence is bounded and extraction stays linear in the length of the text (a run-on list, a
# page without full stops). News sentences are far shorter; evidence is then the piece that holds the fact.
MAX_SENTENCE_TOKENS = 160


def bounded(text: str, sentences: tuple[Span, ...], starts: list[int]) -> tuple[Span, ...]:
    """The sentences, each longer one cut at its last comma or semicolon before the limit (else at it)."""
    out: list[Span] = []
    for span in sentences:
        first = bisect.bisect_left(starts, span.start)
        last = bisect.bisect_left(starts, span.end)
        if last - first <= MAX_SENTENCE_TOKENS:
            out.append(span)
            continue
        begin = span.start
        while last - first > MAX_SENTENCE_TOKENS:
            limit = first + MAX_SENTENCE_TOKENS
            cut = next(
                (k for k in range(limit, first + MAX_SENTENCE_TOKENS // 2, -1) if text[starts[k]] in ",;"),
                limit,
            )
            end = starts[cut] + 1 if text[starts[cut]] in ",;" else starts[cut]
            out.append(Span(begin, end, text[begin:end]))
            first = cut + 1 if text[starts[cut]] in ",;" else cut
            begin = starts[first] if first < last else end
        if begin < span.end:
            out.append(Span(begin, span.end, text[begin : span.end]))
    return tuple(out)


@cache
def _cue_index(cues: tuple[tuple[str, ...], ...]) -> dict[str, tuple[tuple[str, ...], ...]]:
    index: dict[str, list[tuple[str, ...]]] = {}
    for cue in cues:
        index.setdefault(cue[0], []).append(cue)
    return {k: tuple(v) for k, v in index.items()}
