"""Extraction stage: Document -> Extraction; the Extractor protocol, a registry, the default `extract`."""

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
