"""Benchmark: ingest of one long document (report-like prose, as .txt and as PDF) at growing sizes.

Ingest time should grow linearly with the text: seconds per MB within 2x across 0.25 to 4 MB (issue 15).
Each size runs through the real pipeline with its per-document time limit set to the cap, so a size that
would run for ever is recorded as "over CAP s" and the larger sizes of that kind are not tried.
"""

from __future__ import annotations

import argparse
import platform
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from generate import FILLER, build_pools, event_paragraph, programme_paragraph
from report import publish

from crimjust_graph import open_store
from crimjust_graph.pipeline import ingest

MB = 2**20


def report_text(size: float, seed: int = 15) -> str:
    """About `size` MB of UTF-8 report prose: numbered sections of event, programme and filler paragraphs."""
    rng = random.Random(seed)
    pools = build_pools(rng)
    programme = pools.programmes[0]
    parts = [f"Annual report of the {programme.name}", "Summary"]
    length, section = sum(len(p) + 2 for p in parts), 0
    while length < size * MB:
        if len(parts) % 9 == 0:
            section += 1
            text = f"{section}. Activities in {rng.choice(pools.places).country}"
        elif rng.random() < 0.5:
            text = event_paragraph(rng, pools, programme, rng.randint(2015, 2024))[1]
        elif rng.random() < 0.3:
            text = programme_paragraph(rng, rng.choice(pools.programmes))
        else:
            text = " ".join(rng.sample(FILLER, 3))
        parts.append(text)
        length += len(text.encode()) + 2
    return "\n\n".join(parts) + "\n"


def write_pdf(text: str, path: Path) -> None:
    """The text as a paginated PDF: headings and justified paragraphs, as a programme report is laid out."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate

    styles = getSampleStyleSheet()
    story = []
    for number, block in enumerate(text.split("\n\n")):
        heading = number == 0 or (len(block) < 80 and block[:1].isdigit())
        safe = block.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        story.append(Paragraph(safe, styles["Heading2" if heading else "BodyText"]))
    SimpleDocTemplate(str(path), pagesize=A4, title=text.split("\n", 1)[0]).build(story)


@dataclass
class Row:
    kind: str
    size: float
    file_mb: float
    seconds: float | None  # None: over the cap
    outcome: str


def measure(kind: str, size: float, cap: float, work: Path) -> Row:
    """Ingest one generated document of `size` MB of text into a fresh store; time the whole ingest."""
    text = report_text(size)
    path = work / f"report-{size:g}.{'pdf' if kind == 'pdf' else 'txt'}"
    if kind == "pdf":
        write_pdf(text, path)
    else:
        path.write_text(text, encoding="utf-8")
    store = open_store(work / f"store-{kind}-{size:g}", writable=True)
    started = time.monotonic()
    report = ingest([path], store, workers=1, time_limit=cap)
    seconds = time.monotonic() - started
    file_mb = path.stat().st_size / MB
    if report.failed:
        reason = report.failed[0].reason
        if reason.startswith("stopped after"):
            return Row(kind, size, file_mb, None, f"over {cap:g} s (stopped by the time limit)")
        return Row(kind, size, file_mb, None, f"failed: {reason}")
    return Row(kind, size, file_mb, seconds, f"{report.entities} entities, {report.relations} relations")


def _commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parent,
    )
    return done.stdout.strip() or "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="0.25,0.5,1,4", help="MB of text, comma-separated")
    parser.add_argument("--kinds", default="prose,pdf", help="prose (.txt), pdf, or both")
    parser.add_argument("--cap", type=float, default=200.0, help="seconds per size before it is stopped")
    args = parser.parse_args(argv)
    sizes = [float(s) for s in args.sizes.split(",")]
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="crimjust-long-") as tmp:
        for kind in args.kinds.split(","):
            over: float | None = None
            for size in sizes:
                if over is not None:
                    rows.append(
                        Row(kind, size, 0.0, None, f"not run: {over:g} MB was already over {args.cap:g} s")
                    )
                    continue
                row = measure(kind, size, args.cap, Path(tmp))
                print(
                    f"{kind} {size:g} MB: {row.seconds if row.seconds is not None else row.outcome}",
                    flush=True,
                )
                rows.append(row)
                if row.seconds is None:
                    over = size
    lines = [
        "# Ingest of one long document",
        "",
        f"Command: `python benchmarks/long_text.py --sizes {args.sizes} --kinds {args.kinds} "
        f"--cap {args.cap:g}`, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {_commit()}, Python {platform.python_version()}, "
        "2 shared cores. One generated report (numbered sections of event, programme and filler paragraphs) "
        "per size, ingested alone into a fresh store with one worker; seconds are the whole `ingest()` call.",
        "",
        "| kind | text MB | file MB | seconds | seconds per MB | outcome |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        seconds = f"{row.seconds:.1f}" if row.seconds is not None else "-"
        per_mb = f"{row.seconds / row.size:.1f}" if row.seconds is not None else "-"
        file_mb = f"{row.file_mb:.2f}" if row.file_mb else "-"
        lines.append(f"| {row.kind} | {row.size:g} | {file_mb} | {seconds} | {per_mb} | {row.outcome} |")
    for kind in args.kinds.split(","):
        rates = [r.seconds / r.size for r in rows if r.kind == kind and r.seconds is not None]
        complete = len(rates) == len(sizes)
        if len(rates) > 1:
            spread = max(rates) / min(rates)
            verdict = "meets" if complete and spread <= 2 else "does not meet"
            lines += [
                "",
                f"{kind}: seconds per MB vary {spread:.1f}x across the sizes measured; "
                f"{verdict} the 2x target.",
            ]
        else:
            lines += [
                "",
                f"{kind}: fewer than two sizes finished under the cap; does not meet the 2x target.",
            ]
    publish("long-text.md", lines)
    return 0


if __name__ == "__main__":
    sys.exit(main())
