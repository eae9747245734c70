"""Error types raised below the CLI; cli.py and server.py turn them into text and status codes."""

from __future__ import annotations


class CrimjustError(Exception):
    """Base of every error the user can act on; str() is one line."""


class InputError(CrimjustError):
    """A document could not be read: names the file and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class QueryError(CrimjustError):
    """A SPARQL query was refused or failed: names the query and the reason."""

    def __init__(self, query: str, reason: str) -> None:
        self.query = query
        self.reason = reason
        super().__init__(f"query {_short(query)}: {reason}")


class StoreError(CrimjustError):
    """The store cannot be opened or written (locked, missing, unreachable)."""


class ValidationError(CrimjustError):
    """SHACL validation did not conform; carries the readable report."""

    def __init__(self, report: str) -> None:
        self.report = report
        super().__init__(report)


def _short(query: str, width: int = 60) -> str:
    """First characters of a query on one line, for messages."""
    flat = " ".join(query.split())
    return repr(flat if len(flat) <= width else flat[: width - 1] + "…")
