"""Re-running a benchmark rewrites its figures but keeps the reading of them that a person wrote."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from report import READING, write_results


def test_a_rerun_keeps_the_hand_written_reading_and_marks_it_for_checking(tmp_path: Path) -> None:
    first = write_results("server.md", ["# Run 1", "", "| a | 1 |"], tmp_path)
    assert first.read_text(encoding="utf-8") == "# Run 1\n\n| a | 1 |\n"
    first.write_text(first.read_text() + f"\n{READING}\n\nThe lookup is slow.\n", encoding="utf-8")

    write_results("server.md", ["# Run 2", "", "| a | 2 |"], tmp_path)
    write_results("server.md", ["# Run 3", "", "| a | 3 |"], tmp_path)

    text = first.read_text(encoding="utf-8")
    assert text.startswith("# Run 3\n\n| a | 3 |\n")
    assert "Run 1" not in text and "Run 2" not in text
    assert text.count(READING) == 1 and text.count("The lookup is slow.") == 1
    assert text.count("check it against the figures above") == 1
    assert text.index("| a | 3 |") < text.index(READING)
