"""Extraction stage, curation: (Extraction, the user's curation file) -> Extraction as the user wants it.

The file is TOML that users edit (`crimjust-curation.toml` beside the store, or `ingest --curation FILE`).
Entities are named one at a time, as `kind/slug` or by IRI (query tables show them), never by a label that
many nodes may share; relations as "subject predicate object" with the predicate's cj: local name:

    drop = ["event/meeting-5c2e91f0a3b4d6e7",                      # no entity: it and its relations go
            "programme/aircop fundedBy partner/unodc"]             # a wrong relation goes
    split = ["EU CRP"]                                             # a surface form wrongly merged
    [merge]                                                        # entity -> the entity it is, or a name
    "partner/un-office-on-drugs" = "partner/united-nations-office-on-drugs-and-crime"
    [retype]                                                       # entity -> kind
    "programme/maritime-intelligence-units" = "partner"
    [correct]                                                      # wrong relation -> right relation
    "programme/aircop fundedBy partner/unodc" = "programme/aircop implementedBy partner/unodc"

The README describes each key with examples. Surface forms (split, and names as merge targets) compare
after case folding, accents and punctuation removed, so users need not copy them exactly.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from pathlib import Path

from crimjust_graph.errors import InputError
from crimjust_graph.extract.gazetteer import bodies, fold, place_by_key, registry_keys
from crimjust_graph.model import Entity, EntityKey, Extraction, Kind, Predicate, Relation
from crimjust_graph.vocab import ID, slugify

FILE_NAME = "crimjust-curation.toml"
SECTIONS = ("drop", "merge", "split", "retype", "correct")
_WORD = re.compile(r"\w+")
_REF = re.compile(r"<?(?:" + re.escape(str(ID)) + r")?([a-z]+)[/:]([A-Za-z0-9._~%-]+)>?")
_CJ = "https://w3id.org/crimjust/ontology#"

RelationKey = tuple[EntityKey, Predicate, EntityKey]


def key_of(name: str) -> str:
    """How curation names compare: folded words ('the E.U.' and 'The EU' differ; 'Bogotá'/'bogota' agree)."""
    words = [fold(w) for w in _WORD.findall(name)]
    if words and words[0] == "the" and len(words) > 1:
        words = words[1:]
    return " ".join(words)


@dataclass(frozen=True)
class Curation:
    """The user's corrections; `digest` changes whenever they do, so ingest knows to re-extract."""

    merge: tuple[tuple[EntityKey, EntityKey | str], ...] = ()  # into an entity, or renamed to a name
    split: frozenset[str] = frozenset()
    drop: frozenset[EntityKey] = frozenset()
    retype: tuple[tuple[EntityKey, Kind], ...] = ()
    drop_relations: frozenset[RelationKey] = frozenset()
    correct: tuple[tuple[RelationKey, RelationKey], ...] = ()
    digest: str = ""
    source: Path | None = field(default=None, compare=False)  # the file it was read from

    def __bool__(self) -> bool:
        return bool(
            self.merge or self.split or self.drop or self.retype or self.drop_relations or self.correct
        )


def read_curation(path: Path) -> Curation:
    """Parse and check a curation file; a bad one is an InputError naming the file and the entry."""
    try:
        raw = path.read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(str(path), f"cannot read curation file: {exc}") from None
    unknown = set(data) - set(SECTIONS)
    if unknown:
        section = sorted(unknown)[0]
        raise InputError(str(path), f"unknown curation key {section!r} ({', '.join(SECTIONS)})")
    drop: set[EntityKey] = set()
    drop_relations: set[RelationKey] = set()
    for entry in _list(path, data, "drop"):
        parts = entry.split()
        if len(parts) == 3 and _REF.fullmatch(parts[0]) and _REF.fullmatch(parts[2]):
            drop_relations.add(_relation(path, "drop", entry))
        else:
            drop.add(_entity(path, "drop", entry))
    merge: list[tuple[EntityKey, EntityKey | str]] = []
    for entry, target in _table(path, data, "merge"):
        into = _REF.fullmatch(target.strip())
        merge.append(
            (_entity(path, "merge", entry), _entity(path, "merge", target) if into else target.strip())
        )
    retype = []
    for entry, kind in _table(path, data, "retype"):
        try:
            retype.append((_entity(path, "retype", entry), Kind(kind.strip().casefold())))
        except ValueError:
            kinds = ", ".join(k.value for k in Kind)
            raise InputError(str(path), f"retype {entry!r}: unknown kind {kind!r} ({kinds})") from None
    correct = [
        (_relation(path, "correct", wrong), _relation(path, "correct", right))
        for wrong, right in _table(path, data, "correct")
    ]
    return Curation(
        merge=tuple(merge),
        split=frozenset(key_of(n) for n in _list(path, data, "split")),
        drop=frozenset(drop),
        retype=tuple(retype),
        drop_relations=frozenset(drop_relations),
        correct=tuple(correct),
        digest=hashlib.sha256(raw).hexdigest()[:16],
        source=path,
    )


def _entity(path: Path, section: str, ref: str) -> EntityKey:
    """One entity, as kind/slug, kind:slug or its IRI; a bare name is refused, since many may share it."""
    found = _REF.fullmatch(ref.strip())
    if found is None or found[1] not in Kind.__members__.values():
        raise InputError(
            str(path),
            f"{section} {ref!r}: name one entity as kind/slug or by its IRI (e.g. partner/interpol; query "
            f"tables show them), not by a name several entities may share",
        )
    return Kind(found[1]), found[2]


def _relation(path: Path, section: str, ref: str) -> RelationKey:
    """'subject predicate object': two entities and a cj: predicate (fundedBy, cj:fundedBy or its IRI)."""
    parts = ref.split()
    if len(parts) != 3:
        raise InputError(
            str(path),
            f"{section} {ref!r}: a relation is 'subject predicate object', "
            f"e.g. 'programme/aircop fundedBy partner/european-union'",
        )
    subject, predicate, obj = parts
    local = predicate.strip("<>").removeprefix(_CJ).removeprefix("cj:")
    try:
        relation = Predicate(local)
    except ValueError:
        known = ", ".join(p.value for p in Predicate)
        raise InputError(str(path), f"{section} {ref!r}: unknown relation {predicate!r} ({known})") from None
    return _entity(path, section, subject), relation, _entity(path, section, obj)


def _table(path: Path, data: dict[str, object], section: str) -> list[tuple[str, str]]:
    table = data.get(section, {})
    if not isinstance(table, dict) or not all(isinstance(v, str) and v.strip() for v in table.values()):
        example = '"partner/un-office-on-drugs" = "partner/united-nations-office-on-drugs-and-crime"'
        raise InputError(str(path), f"[{section}] must map entries to entries, e.g. {example}")
    return [(str(k), str(v)) for k, v in table.items()]


def _list(path: Path, data: dict[str, object], section: str) -> list[str]:
    names = data.get(section, [])
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        example = f'{section} = ["{"EU CRP" if section == "split" else "event/meeting-5c2e91f0a3b4d6e7"}"]'
        raise InputError(str(path), f"{section} must be a list of strings, e.g. {example}")
    return names


def curation_for(given: Path | str | Curation | None, store_dir: Path | None) -> Curation | None:
    """The curation an ingest applies: the one given, else the file beside (or in) the store folder."""
    if isinstance(given, Curation):
        return given
    path = Path(given) if given is not None else find_curation(store_dir)
    return read_curation(path) if path is not None else None


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


def _file(curation: Curation) -> str:
    """The curation file's name, short: its errors end up inside a document's one-line failure."""
    return curation.source.name if curation.source is not None else FILE_NAME


def _show(key: EntityKey) -> str:
    return f"{key[0].value}/{key[1]}"


def _known(key: EntityKey) -> tuple[str, str | None] | None:
    """The label and acronym of a shipped programme, body or place, for merges into one the text lacks."""
    place = place_by_key().get(key)
    if place is not None:
        return place.label, None
    return next(((k.label, k.acronym) for k, _ in bodies() if k.key == key), None)


def apply_curation(extraction: Extraction, curation: Curation | None) -> Extraction:
    """The extraction as the user wants it; relations follow their entities, dropped ones go with them.

    Drops, retypes and merges name entities as extracted; relation drops and corrections name them as
    stored, after those. A merge into an entity neither this document nor the reference data holds cannot
    know that entity's name: it fails the document with a message saying to give the name instead.
    """
    if not curation:
        return extraction
    entities = {e.key: e for e in extraction.entities}
    moved: dict[EntityKey, EntityKey | None] = {}

    def move(old: EntityKey, new: EntityKey | None) -> None:
        moved[old] = new
        for k, v in list(moved.items()):
            if v == old:
                moved[k] = new

    def put(old: Entity, new: Entity) -> None:
        del entities[old.key]
        entities[new.key] = _combine(entities[new.key], new) if new.key in entities else new
        move(old.key, new.key)

    for key in curation.drop & entities.keys():
        del entities[key]
        move(key, None)
    for e in list(entities.values()):  # split before merge: a split surface is its own entity
        for alias in [a for a in e.aliases if key_of(a) in curation.split]:
            rest = tuple(a for a in e.aliases if a != alias)
            entities[e.key] = e = replace(e, aliases=rest, acronym=None if e.acronym == alias else e.acronym)
            evidence = tuple(ev for ev in e.evidence if fold(alias) in fold(ev.quote)) or e.evidence[:1]
            new = Entity(e.kind, slugify(alias), alias, (), None, evidence)
            entities.setdefault(new.key, new)

    def current(key: EntityKey) -> Entity | None:
        """The entity a key names now (after earlier retypes and merges), or None when it is gone."""
        now = moved.get(key, key)
        return entities.get(now) if now is not None else None

    for key, kind in curation.retype:
        found = current(key)
        if found is not None and found.kind is not kind:
            put(found, replace(found, kind=kind))
    for key, target in curation.merge:
        entity = current(key)
        if entity is None:
            continue
        if isinstance(target, str):  # a name: the entity of this kind so called, else a rename to it
            into = next(
                (t for t in entities.values() if t.kind is entity.kind and key_of(target) in _names_of(t)),
                None,
            )
            if into is None:
                put(
                    entity,
                    replace(
                        entity, slug=slugify(target), label=target, aliases=(*entity.aliases, entity.label)
                    ),
                )
            elif into.key != entity.key:
                put(entity, replace(entity, slug=into.slug))
            continue
        if target == entity.key:
            continue
        if target in entities:
            put(entity, replace(entity, kind=target[0], slug=target[1]))
            continue
        known = _known(target)
        if known is None:
            raise InputError(
                _file(curation),
                f"merge into {_show(target)}: not in this document or the reference data; write its name",
            )
        label, acronym = known
        aliases = tuple(dict.fromkeys(a for a in (*entity.aliases, entity.label) if a != label))
        put(
            entity,
            replace(entity, kind=target[0], slug=target[1], label=label, aliases=aliases, acronym=acronym),
        )
    relations = []
    for r in extraction.relations:
        s, o = moved.get(r.subject, r.subject), moved.get(r.object, r.object)
        if s is not None and o is not None and s != o and s in entities and o in entities:
            relations.append(Relation(s, r.predicate, o, r.evidence))
    return replace(
        extraction,
        entities=tuple(entities.values()),
        relations=tuple(dict.fromkeys(_corrected(relations, curation, entities.keys()))),
    )


def _corrected(
    relations: list[Relation], curation: Curation, present: AbstractSet[EntityKey]
) -> list[Relation]:
    """Relations without the ones the user dropped, and with corrected ones rewritten (same evidence)."""
    fixes = dict(curation.correct)
    out = []
    for r in relations:
        key = (r.subject, r.predicate, r.object)
        if key in curation.drop_relations:
            continue
        if key in fixes:
            subject, predicate, obj = fixes[key]
            missing = [k for k in (subject, obj) if k not in present]
            if missing:
                raise InputError(_file(curation), f"correct: {_show(missing[0])} is not in this document")
            r = Relation(subject, predicate, obj, r.evidence)
        out.append(r)
    return out


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
