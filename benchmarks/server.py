"""Benchmark: requests/s of `crimjust-graph serve` next to `oxigraph serve-read-only` on the same stores."""

from __future__ import annotations

import argparse
import os
import platform
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
from report import publish

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
ID = "https://w3id.org/crimjust/id/"
CJ = "https://w3id.org/crimjust/ontology#"
RDFS_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
PREFIXES = f"PREFIX cj: <{CJ}>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"

QUERIES = {
    "simple": PREFIXES + f"SELECT ?label WHERE {{ <{ID}programme/programme-7> rdfs:label ?label }}",
    # A different event in each request, at random among the store's: far more texts than any cache holds.
    "varied": PREFIXES + f"SELECT ?label WHERE {{ <{ID}event/event-{{n}}> rdfs:label ?label }}",
    "join": PREFIXES
    + f"""SELECT DISTINCT ?event ?name ?partner ?partnerName WHERE {{
  ?event cj:heldIn ?city ; cj:organisedBy ?partner .
  ?city cj:inRegion <{ID}country/country-3> .
  ?event rdfs:label ?name . ?partner rdfs:label ?partnerName .
}} LIMIT 100""",
}


def _iri(kind: str, n: int) -> str:
    return f"<{ID}{kind}/{kind}-{n}>"


def write_nquads(path: Path, documents: int, seed: int = 7) -> int:
    """A corpus shaped like ours: one named graph per document with entities, relations and evidence."""
    rng = random.Random(seed)
    quads = 0
    with path.open("w", encoding="utf-8") as out:
        for d in range(documents):
            g = f"<{ID}document/{d:016x}>"
            lines = [
                f"{g} {RDF_TYPE} <{CJ}Document>",
                f'{g} <http://purl.org/dc/terms/source> "/corpus/news-{d}.txt"',
                f'{g} <http://purl.org/dc/terms/title> "News item {d}"',
            ]
            programme = _iri("programme", rng.randrange(200))
            event = _iri("event", d)
            country = rng.randrange(250)
            city = _iri("city", country * 8 + rng.randrange(8))
            partners = [_iri("partner", rng.randrange(3000)) for _ in range(3)]
            nodes = [
                (programme, "Programme"),
                (event, "Event"),
                (city, "City"),
                (_iri("country", country), "Country"),
                *((p, "Partner") for p in partners),
            ]
            for node, kind in nodes:
                name = node.rsplit("/", 1)[1][:-1].replace("-", " ").title()
                lines += [f"{node} {RDF_TYPE} <{CJ}{kind}>", f'{node} {RDFS_LABEL} "{name}"']
            facts = [
                (programme, "implementedBy", partners[0]),
                (programme, "fundedBy", partners[1]),
                (programme, "coversRegion", _iri("country", country)),
                (event, "organisedBy", partners[rng.randrange(3)]),
                (event, "hasParticipant", partners[2]),
                (event, "heldIn", city),
                (city, "inRegion", _iri("country", country)),
            ]
            for n, (s, p, o) in enumerate(facts):
                lines.append(f"{s} <{CJ}{p}> {o}")
                ev = f"<{ID}evidence/{d}-{n}>"
                lines += [
                    f"{ev} {RDF_TYPE} <{CJ}Evidence>",
                    f"{ev} <http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> {s}",
                    f"{ev} <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> <{CJ}{p}>",
                    f"{ev} <http://www.w3.org/1999/02/22-rdf-syntax-ns#object> {o}",
                    f'{ev} <{CJ}quote> "Sentence {n} of news item {d} about {p}."',
                ]
            out.write("".join(f"{line} {g} .\n" for line in lines))
            quads += len(lines)
    return quads


def build_store(folder: Path, documents: int) -> int:
    """A fresh store as `ingest` leaves it: the named graphs and their merge as the default graph."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    nquads = folder.with_suffix(".nq")
    quads = write_nquads(nquads, documents)
    store = ox.Store(str(folder))
    store.bulk_load(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    parsed = ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS)
    merge = (ox.Quad(q.subject, q.predicate, q.object) for q in parsed)
    store.bulk_extend(merge)
    store.flush()
    del store
    nquads.unlink()
    return quads


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not come up")


def fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return bytes(response.read())


def latency_ms(url: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fetch(url)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


_VARIED_SCRIPT = """math.randomseed(7)
request = function()
  return wrk.format("GET", %s .. math.random(0, %d) .. %s)
end
"""


def wrk(url: str, seconds: int, connections: int, varied: int = 0) -> tuple[float, int]:
    """Requests/s and non-2xx count from wrk; with `varied`, the URL's `{n}` is a number below it, at random
    in each request (a Lua script)."""
    script: list[str] = []
    if varied:
        path = urllib.parse.urlsplit(url)
        before, after = f"{path.path}?{path.query}".split(urllib.parse.quote("{n}"))
        lua = HERE / "work" / "server" / "varied.lua"
        lua.write_text(_VARIED_SCRIPT % (_lua(before), varied - 1, _lua(after)), encoding="utf-8")
        script = ["-s", str(lua)]
        url = f"{path.scheme}://{path.netloc}/"
    done = subprocess.run(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "60s",
            "-H",
            "Accept: application/sparql-results+json",
            *script,
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    rate = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", done.stdout)
    socket_errors = re.search(r"Socket errors: (.*)", done.stdout)
    if socket_errors:
        print("wrk:", socket_errors.group(0))
    return (float(rate.group(1)) if rate else 0.0), int(errors.group(1)) if errors else 0


def _lua(text: str) -> str:
    """A Lua string literal (the text is a percent-encoded URL part: no quotes or backslashes)."""
    assert '"' not in text and "\\" not in text
    return f'"{text}"'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="2000,20000", help="documents per store (~50 quads each)")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3, help="wrk runs per server and query, alternated")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install wrk")
    work = HERE / "work" / "server"
    load_before = os.getloadavg()
    command = "python benchmarks/server.py " + " ".join(sys.argv[1:])
    lines = [
        f"# HTTP endpoint benchmark {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Command: `{command.strip()}`; {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}; load from `wrk -t1 -c{args.connections} -d{args.seconds}s` "
        f"on the same machine; ours with `--workers {args.workers}`, Oxigraph "
        "`serve-read-only` on a copy of the same store (both query its stored default graph, the merge "
        "of the document graphs).",
        "",
        f"Each row: {args.rounds} rounds that alternate the two servers; requests/s are the medians, the "
        "share is the median of the rounds' shares (each round's share in brackets).",
        "",
        "| store | query | ours req/s | Oxigraph req/s | ours / Oxigraph | ours median ms "
        "| Oxigraph median ms |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for documents in (int(n) for n in args.sizes.split(",")):
        ours_dir = work / f"store-{documents}"
        quads = build_store(ours_dir, documents)
        theirs_dir = work / f"oxigraph-{documents}"
        shutil.rmtree(theirs_dir, ignore_errors=True)
        shutil.copytree(ours_dir, theirs_dir)
        ours_port, theirs_port = free_port(), free_port()
        ours = subprocess.Popen(
            [
                *(BIN / "crimjust-graph", "serve", "--store", ours_dir),
                *("--port", str(ours_port), "--workers", str(args.workers)),
            ],
            stderr=subprocess.DEVNULL,
        )
        theirs = subprocess.Popen(
            [
                *(BIN / "oxigraph", "serve-read-only", "--location", theirs_dir),
                *("--bind", f"127.0.0.1:{theirs_port}"),
            ],
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_up(f"http://127.0.0.1:{ours_port}/health")
            wait_up(f"http://127.0.0.1:{theirs_port}/query?query=ASK%7B%7D")
            for name, query in QUERIES.items():
                encoded = urllib.parse.quote(query)
                ours_url = f"http://127.0.0.1:{ours_port}/sparql?query={encoded}"
                theirs_url = f"http://127.0.0.1:{theirs_port}/query?query={encoded}"
                varied = documents if "{n}" in query else 0
                one = (
                    ours_url.replace(urllib.parse.quote("{n}"), "7"),
                    theirs_url.replace(urllib.parse.quote("{n}"), "7"),
                )
                values = fetch(one[0]).count(b'"value"')
                assert values and values == fetch(one[1]).count(b'"value"'), f"{name}: they disagree"
                ours_ms, theirs_ms = latency_ms(one[0], 50), latency_ms(one[1], 50)
                # Rounds alternate the two servers, so each ratio compares runs seconds apart on a shared
                # machine whose load moves; the table shows the medians.
                ours_rates, theirs_rates, ratios = [], [], []
                for _ in range(args.rounds):
                    ours_rate, ours_bad = wrk(ours_url, args.seconds, args.connections, varied)
                    theirs_rate, theirs_bad = wrk(theirs_url, args.seconds, args.connections, varied)
                    assert ours_bad == 0 and theirs_bad == 0, (ours_bad, theirs_bad)
                    ours_rates.append(ours_rate)
                    theirs_rates.append(theirs_rate)
                    ratios.append(ours_rate / max(theirs_rate, 1e-9))
                each = ", ".join(f"{r:.0%}" for r in ratios)
                row = (
                    f"| {quads:,} quads | {name} | {statistics.median(ours_rates):,.0f} | "
                    f"{statistics.median(theirs_rates):,.0f} | {statistics.median(ratios):.0%} ({each}) | "
                    f"{ours_ms:.1f} | {theirs_ms:.1f} |"
                )
                print(row, flush=True)
                lines.append(row)
        finally:
            for process in (ours, theirs):
                process.terminate()
                process.wait(timeout=30)
    load_after = os.getloadavg()
    lines += [
        "",
        "Load average (1, 5, 15 min) at the start: "
        + ", ".join(f"{x:.2f}" for x in load_before)
        + "; at the end: "
        + ", ".join(f"{x:.2f}" for x in load_after)
        + ".",
        "",
        "Queries:",
        "",
    ]
    for name, query in QUERIES.items():
        lines += [f"- {name}:", "", "```sparql", query, "```", ""]
    publish("server.md", lines)


if __name__ == "__main__":
    main()
