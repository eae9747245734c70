"""Extraction stage: Document -> Extraction; the Extractor protocol, a registry, the default `extract`.

The default extractor reads a document in layers, each a module, each looking at one sentence (or a bounded
window) at a time, so the work grows linearly with the text:

1. tokens (`tokens`): Document -> Context (tokens with offsets, sentences cut to a bounded length, dateline);
2. mentions (`mentions`, `learning`, `places`, `gazetteer`, `heads`): entities with acronyms and aliases;
3. coordinated lists (`lists`): 'A, B and C', 'A as well as B', "the Dominican Republic's X";
4. clause frames (`frames`): each sentence cut into clauses ('; ', 'which ...', ', funded by ...'), each a
   Frame saying who acts, the 'by' agents, with whom, where, under which programme, with whose support,
   which cues of `cues.CUES` it holds, and whether the action is past, present, planned or previous;
5. relations (`registry`): every relation comes from one named rule of the registry (`registry.rules_for`
   says which); rules read the cue table `cues.CUES` (verbs, nouns, prepositions, possessives, hyphenated
   names, each mapped to a predicate and where its arguments stand), the lists and the frames. Programme
   and place rules live in `relations` and `structure`, event-role rules in `roles`; `events` finds the
   events (trigger, fullest name, dates) and asks the registry for their roles; `rules` assembles the
   Extraction.
"""

from __future__ import annotations

from typing import Protocol

from crimjust_graph.extract.rules import RuleExtractor
from crimjust_graph.model import Document, Extraction


class Extractor(Protocol):
    """Anything that turns one Document into one Extraction, offline and deterministically."""

    def __call__(self, document: Document) -> Extraction: ...


EXTRACTORS: dict[str, Extractor] = {"rules": RuleExtractor()}


def extract(document: Document) -> Extraction:
    """Extract entities and relations with the default rule-based extractor."""
    return EXTRACTORS["rules"](document)


__all__ = ["EXTRACTORS", "Extractor", "extract"]
