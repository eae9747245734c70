"""Extraction work grows linearly with text length, counted in executed lines of the extractor (never timed).

A quadratic step (every sentence scanning every mention of the document) shows up as a count that grows four
times faster than the text; a linear one grows with it. Counting lines is deterministic, so the check holds on
a busy machine as well as on a quiet one.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from crimjust_graph.documents import document_from_text
from crimjust_graph.extract import extract

EXTRACT_DIR = str(Path(extract.__code__.co_filename).parent)

# Written for this test: one paragraph with the shapes the rules look for (lists, cues, events, dates).
PARAGRAPH = (
    "The Harbour Watch Programme, funded by the European Union and implemented by UNODC and the WCO, "
    "supports port control units in Ghana, Togo and Benin. "
    "From 3 to 5 March 2021, the programme held a regional workshop in Accra, Ghana, organised by UNODC "
    "with officials from Togo, Benin and the Ghana Revenue Authority. "
    "INTERPOL and the National Police of Togo also presented their work at the meeting. "
    "The project covers West Africa and works closely with ECOWAS. "
)


def _count_lines(text: str) -> int:
    """Lines executed inside the extract package while extracting `text`."""
    document = document_from_text(text, "memory://linear", title="Linear")
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def scope(frame: FrameType, event: str, arg: Any) -> Callable[..., Any] | None:
        return local if frame.f_code.co_filename.startswith(EXTRACT_DIR) else None

    extract(document)  # reference data loads once, outside the count
    sys.settrace(scope)
    try:
        extract(document)
    finally:
        sys.settrace(None)
    return count


@pytest.mark.parametrize(
    ("name", "joiner"),
    [
        ("one long paragraph", ""),
        ("many paragraphs", "\n\n"),
        ("no full stops at all", None),
    ],
)
def test_extraction_work_grows_linearly(name: str, joiner: str | None) -> None:
    def text(copies: int) -> str:
        if joiner is None:  # a run-on text: every sentence glued to the next with a comma
            return "Title\n\n" + (PARAGRAPH.replace(". ", ", ") * copies)
        return "Title\n\n" + joiner.join([PARAGRAPH] * copies)

    small, large = _count_lines(text(10)), _count_lines(text(40))
    # Four times the text: linear work is about four times the lines; quadratic would be about sixteen.
    assert large < 5.5 * small, f"{name}: {small} lines for 10 copies, {large} for 40"
