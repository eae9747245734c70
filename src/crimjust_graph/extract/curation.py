"""Extraction stage, curation: (Extraction, the user's curation file) -> Extraction as the user wants it.

The file is TOML that users edit (`crimjust-curation.toml` next to the store, or `ingest --curation FILE`):

    drop = ["General Aviation"]                 # labels or surface forms that are no entity
    split = ["EU CRP"]                          # surface forms wrongly merged: each becomes its own entity
    [merge]                                     # surface form -> canonical name
    "UN Office on Drugs" = "United Nations Office on Drugs and Crime"
    [retype]                                    # label or surface form -> kind
    "Maritime Intelligence Units" = "programme"

Names compare after case folding, accents and punctuation removed, so users need not copy them exactly.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from crimjust_graph.errors import InputError
from crimjust_graph.extract.gazetteer import fold, registry_keys
from crimjust_graph.model import Entity, EntityKey, Extraction, Kind, Relation
from crimjust_graph.vocab import slugify

FILE_NAME = "crimjust-curation.toml"
_WORD = re.compile(r"\w+")


def key_of(name: str) -> str:
    """How curation names compare: folded words ('the E.U.' and 'The EU' differ; 'Bogotá'/'bogota' agree)."""
    words = [fold(w) for w in _WORD.findall(name)]
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    return " ".join(words)


@dataclass(frozen=True)
class Curation:
    """The user's corrections; `digest` changes whenever they do, so ingest knows to re-extract."""

    merge: tuple[tuple[str, str], ...] = ()
    split: frozenset[str] = frozenset()
    drop: frozenset[str] = frozenset()
    retype: tuple[tuple[str, Kind], ...] = ()
    digest: str = ""

    def __bool__(self) -> bool:
        return bool(self.merge or self.split or self.drop or self.retype)


def read_curation(path: Path) -> Curation:
    """Parse and check a curation file; a bad one is an InputError naming the file and the entry."""
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(str(path), f"cannot read curation file: {exc}") from None
    unknown = set(data) - {"merge", "split", "drop", "retype"}
    if unknown:
        section = sorted(unknown)[0]
        raise InputError(str(path), f"unknown curation section {section!r} (merge, split, drop, retype)")
    merge = _table(path, data, "merge")
    retype = []
    for name, kind in _table(path, data, "retype"):
        try:
            retype.append((key_of(name), Kind(kind.casefold())))
        except ValueError:
            kinds = ", ".join(k.value for k in Kind)
            raise InputError(str(path), f"retype {name!r}: unknown kind {kind!r} ({kinds})") from None
    return Curation(
        tuple((key_of(s), c.strip()) for s, c in merge),
        frozenset(_names(path, data, "split")),
        frozenset(_names(path, data, "drop")),
        tuple(retype),
        hashlib.sha256(raw).hexdigest()[:16],
    )


def _table(path: Path, data: dict[str, object], section: str) -> list[tuple[str, str]]:
    table = data.get(section, {})
    if not isinstance(table, dict) or not all(isinstance(v, str) and v.strip() for v in table.values()):
        raise InputError(str(path), f'[{section}] must map names to names, e.g. "UN" = "United Nations"')
    return [(str(k), str(v)) for k, v in table.items()]


def _names(path: Path, data: dict[str, object], section: str) -> list[str]:
    names = data.get(section, [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        example = f'{section} = ["General Aviation"]'
        raise InputError(str(path), f"{section} must be a list of names, e.g. {example}")
    return [key_of(n) for n in names]


def find_curation(store_dir: Path | None) -> Path | None:
    """The curation file next to a store folder (or inside it), when there is one."""
    if store_dir is None:
        return None
    for candidate in (store_dir / FILE_NAME, store_dir.parent / FILE_NAME):
        if candidate.is_file():
            return candidate
    return None


def _names_of(entity: Entity) -> set[str]:
    return {key_of(n) for n in (entity.label, *entity.aliases, *([entity.acronym] if entity.acronym else []))}


def apply_curation(extraction: Extraction, curation: Curation | None) -> Extraction:
    """The extraction as the user wants it; relations follow their entities, dropped ones go with them."""
    if not curation:
        return extraction
    entities = {e.key: e for e in extraction.entities}
    moved: dict[EntityKey, EntityKey | None] = {}

    def move(old: EntityKey, new: EntityKey | None) -> None:
        moved[old] = new
        for k, v in list(moved.items()):
            if v == old:
                moved[k] = new

    for e in list(entities.values()):
        if _names_of(e) & curation.drop or key_of(e.label) in curation.drop:
            del entities[e.key]
            move(e.key, None)
    for e in list(entities.values()):  # split before merge: a split surface is its own entity
        for alias in [a for a in e.aliases if key_of(a) in curation.split]:
            rest = tuple(a for a in e.aliases if a != alias)
            entities[e.key] = e = replace(e, aliases=rest, acronym=None if e.acronym == alias else e.acronym)
            evidence = tuple(ev for ev in e.evidence if fold(alias) in fold(ev.quote)) or e.evidence[:1]
            new = Entity(e.kind, slugify(alias), alias, (), None, evidence)
            entities.setdefault(new.key, new)
    for name, kind in curation.retype:
        for e in [e for e in entities.values() if name in _names_of(e) and e.kind is not kind]:
            del entities[e.key]
            new = replace(e, kind=kind)
            entities[new.key] = _combine(entities[new.key], new) if new.key in entities else new
            move(e.key, new.key)
    for surface, canonical in curation.merge:
        for e in [e for e in entities.values() if surface in _names_of(e)]:
            target = next(
                (t for t in entities.values() if t.key != e.key and key_of(canonical) in _names_of(t)), None
            )
            if target is None:  # a new canonical name: the entity is renamed, its old label kept as alias
                renamed = replace(e, slug=slugify(canonical), label=canonical, aliases=(*e.aliases, e.label))
                del entities[e.key]
                entities[renamed.key] = renamed
                move(e.key, renamed.key)
            elif target.key != e.key:
                del entities[e.key]
                entities[target.key] = _combine(target, e)
                move(e.key, target.key)
    relations = []
    for r in extraction.relations:
        s, o = moved.get(r.subject, r.subject), moved.get(r.object, r.object)
        if s is not None and o is not None and s != o and s in entities and o in entities:
            relations.append(Relation(s, r.predicate, o, r.evidence))
    return replace(extraction, entities=tuple(entities.values()), relations=tuple(dict.fromkeys(relations)))


def _combine(target: Entity, other: Entity) -> Entity:
    aliases = [a for a in (*target.aliases, other.label, *other.aliases) if a != target.label]
    evidence = sorted(set(target.evidence) | set(other.evidence), key=lambda e: e.start)
    return replace(
        target,
        aliases=tuple(dict.fromkeys(aliases)),
        evidence=tuple(evidence),
        acronym=target.acronym or other.acronym,
        start=target.start or other.start,
        end=target.end or other.end,
    )


def unsure_merges(extraction: Extraction) -> list[str]:
    """Merges worth a look: acronyms learnt from the text whose letters are not the long name's initials."""
    out = []
    known = registry_keys()
    for e in extraction.entities:
        if e.key in known or e.kind not in {Kind.PROGRAMME, Kind.PARTNER}:
            continue
        for alias in (a for a in (*e.aliases, e.acronym or "") if a and _acronym_like(a)):
            long_form = (
                e.label
                if not _acronym_like(e.label)
                else next((a for a in e.aliases if not _acronym_like(a)), "")
            )
            if long_form and not _initials_fit(alias, long_form):
                out.append(f"{alias!r} = {long_form!r} (acronym guess)")
    return list(dict.fromkeys(out))


def _acronym_like(name: str) -> bool:
    return " " not in name.strip() and sum(c.isupper() for c in name) >= 2


def _initials_fit(acronym: str, long_form: str) -> bool:
    """'IOM' fits 'International Organization for Migration': its letters, in order, start words."""
    letters = [c for c in fold(acronym) if c.isalnum()]
    initials = "".join(w[0] for w in _WORD.findall(fold(long_form)))
    pos = 0
    for c in letters:
        pos = initials.find(c, pos)
        if pos < 0:
            return False
        pos += 1
    return True
