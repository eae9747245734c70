"""Output files are written whole or not at all, with ordinary permissions."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

import pytest

from crimjust_graph.files import write_atomically


def test_new_file_gets_ordinary_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        target = tmp_path / "sub" / "page.html"
        write_atomically(target, lambda handle: handle.write(b"<p>ok</p>"))
    finally:
        os.umask(umask)
    assert target.read_bytes() == b"<p>ok</p>"
    assert target.stat().st_mode & 0o777 == 0o644
    assert [p.name for p in target.parent.iterdir()] == ["page.html"]


def test_failure_keeps_the_old_file_and_leaves_nothing_behind(tmp_path: Path) -> None:
    target = tmp_path / "graph.trig"
    target.write_bytes(b"old")

    def broken(handle: IO[bytes]) -> None:
        handle.write(b"half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(target, broken)
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.trig"]
