"""Error types raised below the CLI; cli.py and server.py turn them into text and status codes."""

from __future__ import annotations

import re
import unicodedata


class CrimjustError(Exception):
    """Base of every error the user can act on; str() is one line."""


class InputError(CrimjustError):
    """A document could not be read: names the file and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{printable(path)}: {reason}")

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:
        return type(self), (self.path, self.reason)  # comes back whole from a worker process


class InputWarning(UserWarning):
    """A document was read, but not quite as written (say, two encodings in one file): names the file."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{printable(path)}: {reason}")

    def __reduce__(self) -> tuple[type[InputWarning], tuple[str, str]]:
        return type(self), (self.path, self.reason)


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


# Characters that would let a file name start a new line, move the cursor or recolour a terminal.
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069\udc80-\udcff]"
)


def printable(text: str) -> str:
    """`text` with control characters escaped (\\n, \\x1b, \\u202e) so a name cannot forge or colour a line.

    Bytes a file name holds that are not UTF-8 (kept by Python as U+DC80..U+DCFF) show as \\xNN.
    """
    return _UNPRINTABLE.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    char = match[0]
    if "\udc80" <= char <= "\udcff":
        return f"\\x{ord(char) - 0xDC00:02x}"
    if unicodedata.category(char) == "Cc":
        return repr(char)[1:-1]
    return f"\\u{ord(char):04x}"
