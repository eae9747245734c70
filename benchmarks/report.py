"""Writing a benchmark's results file without losing the reading of the figures written by hand."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
READING = "## Reading the figures"


def write_results(name: str, lines: list[str], folder: Path = RESULTS) -> Path:
    """Write `folder/<name>` (`results/` by default), carrying over a hand-written "Reading the figures".

    The section is kept under a line asking to check it, since the new figures may no longer say what it
    says: the person who runs the benchmark again reads it against them and edits it.
    """
    path = folder / name
    path.parent.mkdir(exist_ok=True)
    text = "\n".join(lines).rstrip("\n") + "\n"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if READING in old:
        reading = old[old.index(READING) :].rstrip("\n")
        stale = "_Written for an earlier run: check it against the figures above._"
        if stale not in reading:
            heading, _, rest = reading.partition("\n")
            reading = f"{heading}\n\n{stale}\n{rest}"
        text += f"\n{reading}\n"
    path.write_text(text, encoding="utf-8")
    return path


def publish(name: str, lines: list[str]) -> Path:
    """Print the results and write them (see write_results)."""
    print("\n".join(lines))
    path = write_results(name, lines)
    print(f"wrote {path}")
    return path
