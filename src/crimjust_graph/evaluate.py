"""Evaluation stage: gold folder -> temporary store -> SPARQL read-back -> precision, recall and F1.

Matching follows docs/design.md §4 (`evaluate`): entities one-to-one per document; Region, Country and City
match one another; labels compare after NFKC, case folding, punctuation removal and a leading "the" dropped;
an Event also matches on its start date; a relation matches when both ends matched and the predicate agrees.
"""

from __future__ import annotations

import json
import re
import tempfile
import time
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from crimjust_graph.documents import SUPPORTED_SUFFIXES
from crimjust_graph.errors import InputError
from crimjust_graph.model import KINDS as SCHEMA
from crimjust_graph.model import Predicate
from crimjust_graph.pipeline import ingest, system_graphs
from crimjust_graph.sparql import run_query, to_rows
from crimjust_graph.store import open_store

KINDS = tuple(info.cls for info in SCHEMA.values())  # gold files name kinds by class
PLACES = frozenset(info.cls for info in SCHEMA.values() if info.place)
RELATIONS = tuple(p.value for p in Predicate)

_ENTITIES = """
SELECT ?source ?e ?class ?label ?alt ?acronym ?start WHERE {
  GRAPH ?g {
    ?g a cj:Document ; dcterms:source ?source .
    VALUES ?class { cj:Programme cj:Partner cj:Event cj:Region cj:Country cj:City }
    ?e a ?class ; rdfs:label ?label .
    OPTIONAL { ?e skos:altLabel ?alt }
    OPTIONAL { ?e cj:acronym ?acronym }
    OPTIONAL { ?e cj:startDate ?start }
  }
}
"""
_RELATIONS = f"""
SELECT ?source ?s ?p ?o WHERE {{
  GRAPH ?g {{
    ?g a cj:Document ; dcterms:source ?source .
    VALUES ?p {{ {" ".join(f"cj:{p}" for p in RELATIONS)} }}
    ?s ?p ?o .
  }}
}}
"""
_PUNCTUATION = re.compile(r"[\W_]+")
# A gold file's document: `<id>.txt` first, then any other file type ingest reads.
_TEXT_SUFFIXES = (".txt", *sorted(SUPPORTED_SUFFIXES - {".txt"}))


def normalise(label: str) -> str:
    """Matching key (docs/design.md §4): NFKC, case folded, no punctuation or leading "the", one space."""
    text = _PUNCTUATION.sub(" ", unicodedata.normalize("NFKC", label).casefold()).strip()
    return text.removeprefix("the ").strip()


# --- data ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoldEntity:
    """One annotated entity: its id in the gold file, kind, every name it goes by, and start date."""

    id: str
    kind: str
    name: str
    names: frozenset[str]
    start: str | None = None


@dataclass(frozen=True)
class GoldDocument:
    """One gold file with the text it annotates."""

    id: str
    text: Path
    entities: tuple[GoldEntity, ...]
    relations: frozenset[tuple[str, str, str]]


@dataclass(frozen=True)
class Found:
    """An entity read back from one document graph."""

    iri: str
    kind: str
    label: str
    names: frozenset[str]
    start: str | None


@dataclass
class Counts:
    """True positives, false positives and false negatives, with the scores they give."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn


@dataclass
class DocumentResult:
    """What one document got wrong: gold items missed and extracted items that match nothing."""

    id: str
    missed_entities: list[str] = field(default_factory=list)
    false_entities: list[str] = field(default_factory=list)
    missed_relations: list[str] = field(default_factory=list)
    false_relations: list[str] = field(default_factory=list)
    wrong_dates: list[str] = field(default_factory=list)


@dataclass
class Scores:
    """Per-kind, per-relation, event-date and micro-averaged scores, plus per-document errors."""

    kinds: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in KINDS})
    relations: dict[str, Counts] = field(default_factory=lambda: {p: Counts() for p in RELATIONS})
    dates: Counts = field(default_factory=Counts)
    documents: list[DocumentResult] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def entities(self) -> Counts:
        total = Counts()
        for c in self.kinds.values():
            total.add(c)
        return total

    @property
    def relations_total(self) -> Counts:
        total = Counts()
        for c in self.relations.values():
            total.add(c)
        return total

    @property
    def overall(self) -> Counts:
        """Micro average over entities and relations."""
        total = Counts()
        total.add(self.entities)
        total.add(self.relations_total)
        return total


# --- reading gold ---------------------------------------------------------------------------------


def read_gold(folder: Path) -> list[GoldDocument]:
    """Gold documents of a folder laid out as `texts/<id>.txt` + `gold/<id>.json`.

    Without texts/, each gold file annotates the document of the same name beside gold/ (`<id>.md`,
    `<id>.html`, ...): the layout of the sample corpus in data/, which ingest reads as it is.
    """
    gold_dir, text_dir = folder / "gold", folder / "texts"
    if not gold_dir.is_dir():
        raise InputError(str(folder), "not a gold folder: it needs a gold/ subfolder")
    if not text_dir.is_dir():
        text_dir = folder
    docs = [_gold_document(path, text_dir) for path in sorted(gold_dir.glob("*.json"))]
    if not docs:
        raise InputError(str(gold_dir), "no gold files (*.json)")
    return docs


def _gold_document(path: Path, text_dir: Path) -> GoldDocument:
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        doc_id = str(data.get("id") or path.stem)
        entities = tuple(_gold_entity(e) for e in data["entities"])
        ids = {e.id for e in entities}
        relations = frozenset((str(r["s"]), str(r["p"]), str(r["o"])) for r in data.get("relations", []))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InputError(str(path), f"not a gold file ({type(exc).__name__}: {exc})") from None
    unknown = sorted({x for s, _, o in relations for x in (s, o)} - ids)
    if unknown:
        raise InputError(str(path), f"relation names unknown entity id {unknown[0]!r}")
    bad = sorted({p for _, p, _ in relations} - set(RELATIONS))
    if bad:
        raise InputError(str(path), f"unknown relation {bad[0]!r}")
    text = next(
        (t for s in _TEXT_SUFFIXES if (t := text_dir / f"{path.stem}{s}").is_file()),
        text_dir / f"{path.stem}.txt",
    )
    if not text.is_file():
        raise InputError(str(path), f"its text {text} is missing")
    return GoldDocument(doc_id, text, entities, relations)


def _gold_entity(row: dict[str, Any]) -> GoldEntity:
    kind = str(row["kind"])
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    names = frozenset(normalise(n) for n in [row["name"], *row.get("aliases", [])] if n)
    start = row.get("start") or None
    return GoldEntity(str(row["id"]), kind, str(row["name"]), names, start)


# --- reading back what the graph holds -------------------------------------------------------------


def _read_back(store: Any) -> tuple[dict[str, dict[str, Found]], dict[str, set[tuple[str, str, str]]]]:
    """Entities and relations of every document graph, by source, through SPARQL only."""
    result = run_query(store, _ENTITIES)
    assert isinstance(result, ox.QuerySolutions)
    columns, rows = to_rows(result)
    raw: dict[str, dict[str, dict[str, Any]]] = {}
    for cells in rows:
        row = dict(zip(columns, cells, strict=True))
        source, iri = str(row["source"]), str(row["e"])
        item = raw.setdefault(source, {}).setdefault(
            iri,
            {"kind": str(row["class"]).rsplit("#", 1)[-1], "label": str(row["label"]), "names": set()},
        )
        item["names"].update(str(row[k]) for k in ("label", "alt", "acronym") if row[k] is not None)
        if row["start"] is not None:
            item["start"] = str(row["start"])
    entities = {
        source: {
            iri: Found(
                iri,
                v["kind"],
                v["label"],
                frozenset(normalise(n) for n in v["names"]),
                v.get("start"),
            )
            for iri, v in items.items()
        }
        for source, items in raw.items()
    }
    result = run_query(store, _RELATIONS)
    assert isinstance(result, ox.QuerySolutions)
    relations: dict[str, set[tuple[str, str, str]]] = {}
    for values in to_rows(result)[1]:
        source, s, p, o = map(str, values)
        relations.setdefault(source, set()).add((s, p.rsplit("#", 1)[-1], o))
    return entities, relations


# --- matching --------------------------------------------------------------------------------------


def _compatible(gold: GoldEntity, found: Found) -> bool:
    return gold.kind == found.kind or (gold.kind in PLACES and found.kind in PLACES)


def _rank(gold: GoldEntity, found: Found) -> int | None:
    """0: preferred label is the gold name; 1: any name in common; 2: an event with the same start."""
    if not _compatible(gold, found):
        return None
    if normalise(found.label) == normalise(gold.name):
        return 0
    if gold.names & found.names:
        return 1
    if gold.kind == "Event" and gold.start is not None and gold.start == found.start:
        return 2
    return None


def match_entities(gold: Iterable[GoldEntity], found: Iterable[Found]) -> dict[str, str]:
    """One-to-one maximum matching (gold id -> found IRI), preferring better-ranked candidates."""
    golds, founds = list(gold), list(found)
    options: dict[str, list[str]] = {}
    for g in golds:
        ranked = sorted((r, f.iri) for f in founds if (r := _rank(g, f)) is not None)
        options[g.id] = [iri for _, iri in ranked]
    owner: dict[str, str] = {}  # found IRI -> gold id

    def augment(gid: str, seen: set[str]) -> bool:
        for iri in options[gid]:
            if iri in seen:
                continue
            seen.add(iri)
            if iri not in owner or augment(owner[iri], seen):
                owner[iri] = gid
                return True
        return False

    for g in sorted(golds, key=lambda g: len(options[g.id])):
        augment(g.id, set())
    return {gid: iri for iri, gid in owner.items()}


def score_document(
    doc: GoldDocument, found: dict[str, Found], relations: set[tuple[str, str, str]], scores: Scores
) -> DocumentResult:
    """Add one document's counts to `scores`; return what it missed and what it invented."""
    out = DocumentResult(doc.id)
    matched = match_entities(doc.entities, found.values())
    gold_of = {iri: gid for gid, iri in matched.items()}
    by_id = {g.id: g for g in doc.entities}
    for g in doc.entities:
        if g.id in matched:
            scores.kinds[g.kind].tp += 1
        else:
            scores.kinds[g.kind].fn += 1
            out.missed_entities.append(f"{g.kind} {g.name!r}")
    for f in sorted(found.values(), key=lambda f: (f.kind, f.label)):
        if f.iri not in gold_of:
            scores.kinds[f.kind].fp += 1
            out.false_entities.append(f"{f.kind} {f.label!r}")
    for g in doc.entities:
        if g.kind != "Event":
            continue
        hit = found.get(matched.get(g.id, ""))
        if hit is not None and hit.start is not None and hit.start == g.start:
            scores.dates.tp += 1
            continue
        if g.start is not None:
            scores.dates.fn += 1
        if hit is not None and hit.start is not None:
            scores.dates.fp += 1
        if hit is not None and (hit.start or g.start):
            out.wrong_dates.append(f"{g.name!r}: gold {g.start or '-'}, found {hit.start or '-'}")
        elif g.start is not None:
            out.wrong_dates.append(f"{g.name!r}: gold {g.start}, event not found")
    done: set[tuple[str, str, str]] = set()
    for s, p, o in sorted(relations):
        key = (gold_of.get(s, ""), p, gold_of.get(o, ""))
        if key in doc.relations and key not in done:
            done.add(key)
            scores.relations[p].tp += 1
        else:
            scores.relations[p].fp += 1
            out.false_relations.append(f"{_name(found, s)} {p} {_name(found, o)}")
    for s, p, o in sorted(doc.relations - done):
        scores.relations[p].fn += 1
        out.missed_relations.append(f"{by_id[s].name!r} {p} {by_id[o].name!r}")
    return out


def _name(found: dict[str, Found], iri: str) -> str:
    return repr(found[iri].label) if iri in found else f"<{iri}>"


def evaluate(gold: Path | str, *, workers: int | None = None) -> Scores:
    """Ingest a gold folder's texts into a temporary store, score what the graph holds (docs/design.md §4)."""
    started = time.perf_counter()
    docs = read_gold(Path(gold))
    scores = Scores()
    with tempfile.TemporaryDirectory(prefix="crimjust-evaluate-") as tmp:
        store = open_store(Path(tmp) / "store", writable=True, system=system_graphs())
        report = ingest([d.text for d in docs], store, workers=workers)
        if report.failed:
            raise report.failed[0]
        entities, relations = _read_back(store)
        del store
    for doc in docs:
        source = str(doc.text.resolve())
        result = score_document(doc, entities.get(source, {}), relations.get(source, set()), scores)
        scores.documents.append(result)
    scores.seconds = time.perf_counter() - started
    return scores


# --- report ----------------------------------------------------------------------------------------


def _line(name: str, c: Counts) -> str:
    return (
        f"{name:<16} {c.precision:>9.3f} {c.recall:>7.3f} {c.f1:>7.3f}"
        f" {c.tp + c.fn:>6} {c.tp + c.fp:>6} {c.tp:>5}"
    )


def format_scores(scores: Scores, *, details: bool = False) -> str:
    """A plain-text report; the last four lines are the micro summary (entities, relations, dates, all)."""
    header = f"{'':<16} {'precision':>9} {'recall':>7} {'f1':>7} {'gold':>6} {'found':>6} {'tp':>5}"
    lines = [f"evaluated {len(scores.documents)} documents in {scores.seconds:.1f} s", "", "entities by kind"]
    lines += [header, *(_line(k, c) for k, c in scores.kinds.items())]
    lines += ["", "relations by predicate", header, *(_line(p, c) for p, c in scores.relations.items())]
    if details:
        for doc in scores.documents:
            lines += ["", f"== {doc.id}"]
            for title, items in (
                ("missed entity", doc.missed_entities),
                ("false entity", doc.false_entities),
                ("missed relation", doc.missed_relations),
                ("false relation", doc.false_relations),
                ("date", doc.wrong_dates),
            ):
                lines += [f"  {title}: {item}" for item in items]
    lines += [
        "",
        "micro-averaged (recall of event dates = share of dated gold events with the exact start date)",
        header,
        _line("entities", scores.entities),
        _line("relations", scores.relations_total),
        _line("event dates", scores.dates),
        _line("overall", scores.overall),
    ]
    return "\n".join(lines)
