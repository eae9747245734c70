"""Embedded backend: a folder on disk -> an Oxigraph store; one writer process, any number of readers."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import IO

import pyoxigraph as ox

from crimjust_graph import snapshots
from crimjust_graph.backend import GraphSelection, QueryResult, default_prefixes
from crimjust_graph.engines import EMBEDDED
from crimjust_graph.errors import StoreError
from crimjust_graph.vocab import PREFIXES

# How stale a read-only open may be: a writer's change is seen by the queries that start this long after it.
LOOK_EVERY = 0.05


def files_stamp(path: Path) -> int:
    """Changes whenever a file is added to or removed from the store's folder (flushes, compactions)."""
    return path.stat().st_mtime_ns


class EmbeddedBackend:
    """pyoxigraph's on-disk store. Its default graph is a plain graph, where the store keeps the merge."""

    engine = EMBEDDED

    def __init__(self, path: Path, *, writable: bool = False) -> None:
        self.path = path
        self.writable = writable
        self.location = f"store {path}"
        self._opened = 0  # read-only opens: the folder's stamp when opened (see _current)
        self._next_look = 0.0  # read-only opens: when _current looks at the folder's stamp again
        self._checkpoint: Path | None = None  # the checkpoint a read-only open reads (snapshots.py)
        try:
            if writable:
                path.mkdir(parents=True, exist_ok=True)
                self._store = ox.Store(str(path))
            else:
                if not (path / "CURRENT").is_file():
                    raise StoreError(
                        f"no store at {path}: run `crimjust-graph ingest --store {path} PATH` first"
                    )
                self._store = self._open_read_only()
        except (OSError, RuntimeError) as exc:
            if "lock" in str(exc).lower():
                raise StoreError(
                    f"store {path} is in use by another writer (an `ingest` or `remove` is running): "
                    "wait for it to finish or stop it, then retry"
                ) from None
            raise StoreError(f"cannot open store {path}: {str(exc).splitlines()[0]}") from None

    def query(
        self,
        sparql: str,
        *,
        default_graphs: list[str] | None = None,
        named_graphs: list[str] | None = None,
        bindings: dict[str, str] | None = None,
    ) -> QueryResult:
        """Run a query in Oxigraph's engine; `bindings` (variable -> IRI) are substituted, subqueries too."""
        kwargs: dict[str, object] = {"prefixes": default_prefixes(sparql)}
        if bindings:
            kwargs["substitutions"] = {ox.Variable(k): ox.NamedNode(v) for k, v in bindings.items()}
        if default_graphs is not None:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default_graphs]
        if named_graphs is not None:
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named_graphs]
        return self._current().query(sparql, **kwargs)  # type: ignore[arg-type]

    def read(self, sparql: str) -> QueryResult:
        return self.query(sparql)

    def graphs(self) -> set[str]:
        return {g.value for g in self._current().named_graphs() if isinstance(g, ox.NamedNode)}

    def update(self, sparql: str) -> None:
        self._store.update(sparql, prefixes=PREFIXES)

    def bulk_load(self, graphs: Sequence[tuple[str | None, str]]) -> None:
        """Oxigraph's bulk loader: 4x faster than a transaction, and not atomic. Named graphs go first."""
        named = "".join(f"<{name}> {{\n{text}\n}}\n" for name, text in graphs if name is not None)
        if named:
            self._store.bulk_load(named.encode("utf-8"), ox.RdfFormat.TRIG)
        default = "\n".join(text for name, text in graphs if name is None)
        if default:
            self._store.bulk_load(default.encode("utf-8"), ox.RdfFormat.N_TRIPLES)

    def dump(self, out: IO[bytes], rdf_format: ox.RdfFormat, graphs: GraphSelection) -> None:
        ox.serialize(_selected(self._current(), graphs), out, rdf_format, prefixes=PREFIXES)

    def flush(self) -> None:
        self._store.flush()

    def _current(self) -> ox.Store:
        """The open store; a read-only open is renewed when a writer has changed the files since.

        A read-only open sees the store as it was when opened (its own checkpoint, see snapshots.py); a
        stat of the folder tells when a writer has changed it, to open it again. It is looked at once per
        LOOK_EVERY, not once per query: the system call hands the GIL to another thread and back, which
        cost a one-triple lookup in `serve` a tenth of its requests/s (benchmarks/results/server.md).
        """
        if not self.writable:
            now = time.monotonic()
            if now < self._next_look:
                return self._store
            self._next_look = now + LOOK_EVERY
            try:
                if files_stamp(self.path) != self._opened:
                    self._store = self._open_read_only()
            except (OSError, RuntimeError) as exc:
                raise StoreError(f"cannot open store {self.path} again: {str(exc).splitlines()[0]}") from None
        return self._store

    def _open_read_only(self) -> ox.Store:
        """A read-only open from a fresh checkpoint (snapshots.py), so a writer cannot fail its queries."""
        stamp = files_stamp(self.path)  # taken before the open, so a change during it is seen next time
        store, checkpoint = snapshots.open_read_only(self.path)
        snapshots.release(self._checkpoint)
        self._opened, self._checkpoint = stamp, checkpoint
        return store


def _selected(quads: Iterable[ox.Quad], graphs: GraphSelection) -> Iterator[ox.Quad]:
    for quad in quads:
        name = quad.graph_name
        if isinstance(name, ox.NamedNode) and name.value in graphs:
            yield quad
