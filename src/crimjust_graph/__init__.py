"""crimjust-graph: news about crime-prevention programmes -> RDF knowledge graph -> SPARQL and pages."""

from __future__ import annotations

__version__ = "0.1.0"
