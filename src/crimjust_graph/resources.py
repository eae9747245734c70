"""The one place that finds shipped files: ontology, shapes, reference data, named queries."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

_PACKAGE = Path(str(resources.files("crimjust_graph")))


def ontology_dir() -> Path:
    """`ontology/` ships inside the wheel; an editable install reads it from the repository root."""
    inside = _PACKAGE / "ontology"
    if inside.is_dir():
        return inside
    return _PACKAGE.parents[1] / "ontology"


def ontology_file() -> Path:
    return ontology_dir() / "crimjust.ttl"


def shapes_file() -> Path:
    return ontology_dir() / "shapes.ttl"


def reference_dir() -> Path:
    return _PACKAGE / "reference"


def queries_dir() -> Path:
    return _PACKAGE / "queries"


@cache
def read_text(path: Path) -> str:
    """Shipped files are read once per process, lazily."""
    return path.read_text(encoding="utf-8")
