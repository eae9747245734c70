"""Extraction stage: Document -> Extraction; the Extractor protocol, a registry, the default `extract`.

The default extractor reads a document in layers, each a module:

1. tokens: Document -> Context (tokens with offsets, sentences cut to a bounded length, dateline);
2. mentions (`mentions`, `learning`, `places`, `gazetteer`): entities with acronyms and aliases;
3. coordinated lists (`lists`): 'A, B and C', 'A as well as B', "the Dominican Republic's X";
4. clause frames and relations: `cues` holds every cue phrase as data (predicate, argument roles);
   `registry` lists every programme, place and body rule by name with the predicates it may state
   (`relations`, `structure`); `events` and `roles` find events, their dates, venues, organisers and
   participants; `rules` assembles the Extraction.

Each layer looks at one sentence (or a bounded window) at a time, so the work grows linearly with the text.
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
