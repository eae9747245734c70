"""Command line (thin): parse arguments, call one public function, print; errors become one line + exit 1."""

from __future__ import annotations

import functools
import inspect
import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn, ParamSpec, TypeVar

import pyoxigraph as ox
import typer
from rich.console import Console
from rich.table import Table

import crimjust_graph as api
from crimjust_graph import sparql
from crimjust_graph.errors import CrimjustError, QueryError, StoreError, printable
from crimjust_graph.extract.curation import FILE_NAME, Curation, curation_for
from crimjust_graph.files import write_atomically
from crimjust_graph.pipeline import MAX_MEMORY, TIME_LIMIT
from crimjust_graph.sandbox import deny_network
from crimjust_graph.store import RDF_FORMATS, Store, default_store_path
from crimjust_graph.vocab import ID

app = typer.Typer(
    name="crimjust-graph",
    help="Turn news about crime-prevention programmes into a knowledge graph you can query and look at.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

P = ParamSpec("P")
R = TypeVar("R")

StoreOption = Annotated[
    Path | None,
    typer.Option(
        "--store", help="Store folder (default: $CRIMJUST_STORE or ./crimjust-store).", show_default=False
    ),
]


def reports_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn the project's errors into one line on stderr and exit code 1, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except CrimjustError as exc:
            _fail(str(exc))
        except KeyboardInterrupt:
            _fail("interrupted")

    return wrapper


def _fail(message: str) -> NoReturn:
    err.print(f"error: {printable(' '.join(message.split()))}", markup=False, highlight=False)
    raise typer.Exit(1)


EndpointOption = Annotated[
    str | None,
    typer.Option(
        "--endpoint",
        help="Use a SPARQL 1.1 query endpoint instead of a store folder (e.g. http://127.0.0.1:7878/query).",
        show_default=False,
    ),
]
UpdateEndpointOption = Annotated[
    str | None,
    typer.Option(
        "--update-endpoint",
        help="The endpoint's SPARQL update address when it differs (Oxigraph: .../update).",
        show_default=False,
    ),
]
OpenStore = Callable[[], Store]


def uses_store(*, writable: bool = False) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """Give a command the store options, declared here once (--store, --endpoint, --update-endpoint).

    The command takes `open_db: OpenStore` instead and calls it once its own arguments are checked, so
    `query --list` or a bad `--format` never opens (or creates) a store.
    """

    def decorate(command: Callable[..., R]) -> Callable[..., R]:
        @functools.wraps(command)
        def wrapper(
            *args: object,
            store: Path | None = None,
            endpoint: str | None = None,
            update_endpoint: str | None = None,
            **kwargs: object,
        ) -> R:
            def opener() -> Store:
                if store is not None and (endpoint is not None or update_endpoint is not None):
                    raise typer.BadParameter("give --store or --endpoint, not both")
                try:
                    return api.open_store(
                        store, writable=writable, endpoint=endpoint, update_endpoint=update_endpoint
                    )
                except OSError as exc:  # a full disk while the store sets itself up
                    raise StoreError(f"cannot open store {store or default_store_path()}: {exc}") from None

            return command(*args, open_db=opener, **kwargs)

        signature = inspect.signature(command, eval_str=True)
        own = [p for p in signature.parameters.values() if p.name != "open_db"]
        options = {"store": StoreOption, "endpoint": EndpointOption, "update_endpoint": UpdateEndpointOption}
        keyword = inspect.Parameter.KEYWORD_ONLY
        added = [inspect.Parameter(n, keyword, default=None, annotation=a) for n, a in options.items()]
        wrapper.__signature__ = signature.replace(parameters=[*own, *added])  # type: ignore[attr-defined]
        wrapper.__annotations__ = {p.name: p.annotation for p in [*own, *added]}
        return wrapper

    return decorate


@app.command()
@reports_errors
@uses_store(writable=True)
def ingest(
    # readable=False: an unreadable file is one failed document (one line, exit 1), not a usage error.
    paths: Annotated[
        list[Path], typer.Argument(help="Files or folders (.txt, .md, .html, .pdf).", readable=False)
    ],
    open_db: OpenStore,
    workers: Annotated[int | None, typer.Option(help="Worker processes for extraction.")] = None,
    curation: Annotated[
        Path | None,
        typer.Option(
            "--curation",
            help="Curation file (TOML, see the README): drop, merge, split or retype entities, drop or "
            "correct relations; default: crimjust-curation.toml beside the store. A changed file "
            "re-extracts every document.",
            show_default=False,
        ),
    ] = None,
    time_limit: Annotated[
        float,
        typer.Option(
            "--time-limit",
            help="Seconds one document may take to read and extract; one that takes longer fails (0: none).",
            min=0,
        ),
    ] = TIME_LIMIT,
    max_memory: Annotated[
        int,
        typer.Option(
            help="Memory in MB one document may take to read and extract; past it, it fails (0: none).",
            min=0,
        ),
    ] = MAX_MEMORY >> 20,
) -> None:
    """Read documents, extract what they state and store one named graph per document."""
    db = open_db()
    corrections = curation_for(curation, db.path)
    run = functools.partial(
        api.ingest,
        paths,
        db,
        curation=corrections or Curation(),
        workers=workers,
        time_limit=time_limit,
        max_memory=max_memory << 20,
    )
    if err.is_terminal:
        from rich.progress import Progress

        with Progress(console=err, transient=True) as progress:
            task = progress.add_task("ingesting", total=None)
            report = run(progress=lambda _: progress.advance(task))
    else:
        report = run()
    total = report.new + report.unchanged + report.replaced
    out.print(
        f"{total} documents: {report.new} new, {report.unchanged} unchanged, {report.replaced} replaced, "
        f"{len(report.failed)} failed; {report.entities} entities, {report.relations} relations",
        markup=False,
        highlight=False,
    )
    if report.review:
        where = corrections.source if corrections else f"{FILE_NAME} beside the store (see the README)"
        err.print(
            f"review: {len(report.review)} merges were guesses; fix wrong ones in {where}",
            markup=False,
            highlight=False,
        )
        for line in report.review[:20]:
            err.print(f"  {printable(line)}", markup=False, highlight=False)
    for warning in report.warnings:
        err.print(f"warning: {warning}", markup=False, highlight=False)
    for failure in report.failed:
        err.print(f"error: {failure}", markup=False, highlight=False)
    if report.failed:
        raise typer.Exit(1)


@app.command()
@reports_errors
@uses_store()
def documents(
    open_db: OpenStore,
    fmt: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """List ingested documents with their source, title, date and counts."""
    infos = open_db().documents()
    if fmt == "json":
        sys.stdout.write(json.dumps([info.__dict__ for info in infos], indent=2) + "\n")
        return
    table = Table("source", "title", "issued", "entities", "relations")
    for info in infos:
        cells = (info.source, info.title, info.issued or "", str(info.entities), str(info.relations))
        table.add_row(*map(printable, cells))
    out.print(table)


@app.command()
@reports_errors
@uses_store(writable=True)
def remove(
    source: Annotated[str, typer.Argument(help="The file path (or URL) the document was ingested from.")],
    open_db: OpenStore,
) -> None:
    """Remove one document's named graph."""
    key = source if "://" in source else str(Path(source).resolve())
    if not open_db().remove(key):
        _fail(f"{source}: no document from this source is in the store")
    out.print(f"removed {key}", markup=False, highlight=False)


@app.command()
@reports_errors
@uses_store()
def query(
    open_db: OpenStore,
    text: Annotated[str | None, typer.Argument(help="SPARQL query text.", show_default=False)] = None,
    file: Annotated[Path | None, typer.Option("-f", "--file", help="Read the query from a file.")] = None,
    name: Annotated[str | None, typer.Option("--name", help="Run a named competency query.")] = None,
    params: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            help="VAR=ENTITY narrows the answer to one entity, given by name, acronym, kind/slug or IRI "
            "(programme=AIRCOP); `--list` shows each named query's parameters. Repeatable.",
            show_default=False,
        ),
    ] = None,
    list_queries: Annotated[bool, typer.Option("--list", help="List the named competency queries.")] = False,
    names_only: Annotated[bool, typer.Option("--names-only", hidden=True)] = False,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", help="table (default on a terminal), json, xml, csv, tsv; turtle, ntriples."
        ),
    ] = None,
) -> None:
    """Run SPARQL over all documents (usual prefixes predeclared; SERVICE refused)."""
    if list_queries or names_only:
        for named in sparql.named_queries().values():
            line = named.name if names_only else f"{named.name:<24} {named.title}"
            out.print(line, markup=False, highlight=False)
            if not names_only:
                for var, about in named.params.items():
                    out.print(f"{'':<26}--param {var}=ENTITY  {about}", markup=False, highlight=False)
        return
    given = [x for x in (text, file, name) if x is not None]
    if len(given) != 1:
        raise typer.BadParameter("give exactly one of QUERY, -f FILE or --name NAME")
    pairs = [p.partition("=") for p in params or []]
    if any(not var.strip() or not sep or not value for var, sep, value in pairs):
        raise typer.BadParameter("--param takes VAR=ENTITY, e.g. --param programme=AIRCOP")
    if file is not None:
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeError) as exc:
            _fail(f"{file}: cannot read query file ({exc.__class__.__name__})")
    elif name is not None:
        text = sparql.named_query(name).name  # an unknown name fails here, before the store opens
    assert text is not None
    db = open_db()
    if db.path is not None:
        deny_network()  # the query runs in this thread, which needs no socket from here on (sandbox.py)
    query_text, bindings = sparql.prepare(db, text, {var.strip(): value for var, _, value in pairs})
    result = sparql.run_query(db, query_text, bindings=bindings)
    fmt = fmt or ("table" if sys.stdout.isatty() else "csv")
    if fmt == "table" and not isinstance(result, ox.QueryTriples):
        _print_table(result)
        return
    try:
        sys.stdout.buffer.write(sparql.serialize(result, fmt))
    except QueryError as exc:
        raise QueryError(query_text, exc.reason) from None
    sys.stdout.flush()


def _print_table(result: ox.QuerySolutions | ox.QueryBoolean) -> None:
    if isinstance(result, ox.QueryBoolean):
        out.print("true" if bool(result) else "false")
        return
    columns, rows = sparql.to_rows(result)
    table = Table(*columns)
    for row in rows:
        table.add_row(*(_cell(v) for v in row))
    out.print(table)
    out.print(f"{len(rows)} rows", style="dim")


def _cell(value: object) -> str:
    """Table cells for people: our entity IRIs shortened to kind/slug, everything else as text with
    control characters escaped (a literal holding ESC must not recolour the terminal)."""
    if value is None:
        return ""
    text = printable(str(value))
    return text.removeprefix(str(ID)) if text.startswith(str(ID)) else text


@app.command()
@reports_errors
@uses_store()
def validate(open_db: OpenStore) -> None:
    """Check every document graph against the SHACL shapes; exit 1 with a report when one does not conform."""
    from crimjust_graph.validate import validate as run_validate

    report = run_validate(open_db().data_graph())
    out.print(report.summary(), markup=False, highlight=False)
    if not report.conforms:
        raise typer.Exit(1)


# networkx formats (exports.FORMATS), named here so `--help` does not import networkx.
_GRAPH_FORMATS = ("graphml", "gexf", "json")


@app.command()
@reports_errors
@uses_store()
def export(
    open_db: OpenStore,
    fmt: Annotated[
        str,
        typer.Option("--format", help=f"One of: {', '.join((*RDF_FORMATS, *_GRAPH_FORMATS))}."),
    ] = "trig",
    output: Annotated[Path, typer.Option("-o", "--output", help="Output file ('-' for stdout).")] = Path("-"),
) -> None:
    """Write the whole graph for other tools: RDF for triple stores; GraphML, GEXF or JSON for Gephi."""
    if fmt not in RDF_FORMATS and fmt not in _GRAPH_FORMATS:
        known = ", ".join((*RDF_FORMATS, *_GRAPH_FORMATS))
        raise typer.BadParameter(f"unknown format {fmt!r}; choose one of {known}")
    db = open_db()
    if fmt in _GRAPH_FORMATS:
        from crimjust_graph.exports import graph_bytes, write_graph
        from crimjust_graph.network import to_networkx

        graph = to_networkx(db)
        if str(output) == "-":
            sys.stdout.buffer.write(graph_bytes(graph, fmt))
            sys.stdout.flush()
            return
        write_graph(graph, output, fmt)
        err.print(f"wrote {output}", markup=False, highlight=False)
        return
    if str(output) == "-":
        db.dump(sys.stdout.buffer, fmt)
        return
    write_atomically(output, lambda handle: db.dump(handle, fmt))
    err.print(f"wrote {output}", markup=False, highlight=False)


@app.command()
@reports_errors
def evaluate(
    gold: Annotated[
        Path,
        typer.Option("--gold", help="Gold folder: gold/*.json, with texts/*.txt or documents beside gold/."),
    ],
    details: Annotated[
        bool, typer.Option("--details", help="List misses and false hits per document.")
    ] = False,
    workers: Annotated[int | None, typer.Option(help="Worker processes for extraction.")] = None,
) -> None:
    """Measure extraction precision, recall and F1 against a gold folder (read back through SPARQL)."""
    from crimjust_graph.evaluate import evaluate as run_evaluate
    from crimjust_graph.evaluate import format_scores

    out.print(
        format_scores(run_evaluate(gold, workers=workers), details=details), markup=False, highlight=False
    )


@app.command()
@reports_errors
def serve(
    store: StoreOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on (loopback by default).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 7878,
    workers: Annotated[int, typer.Option(help="Query worker processes.", min=1)] = 2,
    timeout: Annotated[float, typer.Option(help="Per-query time limit in seconds.")] = 30.0,
    max_rows: Annotated[
        int, typer.Option(help="Refuse results with more rows than this (0: no limit).")
    ] = 10_000,
    allow_origin: Annotated[
        str | None, typer.Option(help="Allow this web origin (CORS); none by default.")
    ] = None,
    max_memory: Annotated[
        int,
        typer.Option(
            help="Memory per worker process in MB: a query that needs more answers 503 (0: no limit).", min=0
        ),
    ] = 1024,
    allow_host: Annotated[
        list[str] | None,
        typer.Option(help="Also accept requests whose Host is this name (repeat for several)."),
    ] = None,
) -> None:
    """Serve a read-only SPARQL 1.1 Protocol endpoint at /sparql and a query page at /."""
    from crimjust_graph.server import Settings
    from crimjust_graph.server import serve as run_serve

    settings = Settings(
        store=store if store is not None else default_store_path(),
        workers=workers,
        timeout=timeout,
        max_rows=max_rows or None,
        allow_origin=allow_origin,
        max_memory=max_memory or None,
        allow_hosts=tuple(name.rstrip(".").lower() for name in allow_host or ()),
    )
    run_serve(settings, host=host, port=port)


@app.command()
@reports_errors
@uses_store()
def render(
    output: Annotated[Path, typer.Option("-o", "--output", help="The HTML file to write.")],
    open_db: OpenStore,
    view: Annotated[
        str,
        typer.Option(help="Which view to draw (an unknown name lists them all), e.g. programme-partner."),
    ] = "full",
    kind: Annotated[
        list[str] | None,
        typer.Option(help="Keep only this kind of node; repeat for several (programme, partner, ...)."),
    ] = None,
    programme: Annotated[
        str | None, typer.Option(help="Keep what is linked to this programme (name or acronym).")
    ] = None,
    region: Annotated[str | None, typer.Option(help="Keep what is linked to this place.")] = None,
    since: Annotated[int | None, typer.Option(help="Keep what links to events from this year on.")] = None,
    title: Annotated[str | None, typer.Option(help="The page's heading.")] = None,
    png: Annotated[
        Path | None,
        typer.Option(help="Also write the page's picture here (PNG, drawn by headless chromium)."),
    ] = None,
) -> None:
    """Write the interactive page for stakeholders: one HTML file that works offline and can be e-mailed."""
    from crimjust_graph import network, page, views
    from crimjust_graph.model import Kind

    if view not in views.VIEWS:
        raise typer.BadParameter(str(views.UnknownView(view)))
    unknown = sorted(set(kind or ()) - {k.value for k in Kind})
    if unknown:
        raise typer.BadParameter(
            f"unknown kind {unknown[0]!r}; choose from {', '.join(k.value for k in Kind)}"
        )
    db = open_db()
    graph, heading = views.draw(
        network.to_networkx(db), view, kinds=set(kind or ()), programme=programme, region=region, since=since
    )
    heading = title or heading
    info = page.write_page(graph, output, title=heading)
    out.print(
        f"wrote {info.path} ({info.bytes / 1024 / 1024:.1f} MB; {info.nodes} nodes, {info.edges} links)",
        markup=False,
        highlight=False,
    )
    if png is not None:
        from crimjust_graph.picture import write_picture

        size = write_picture(info.path, png)
        out.print(f"wrote {png} ({size / 1024:.0f} KB)", markup=False, highlight=False)
    if info.nodes == 0:
        err.print(f"warning: the {view} view of this store is empty", markup=False, highlight=False)
    if info.warning:
        err.print(
            f"warning: {info.warning}, for example --view programme-partner, --since 2019, "
            "--kind programme --kind partner, --programme NAME or --region NAME",
            markup=False,
            highlight=False,
        )


def main() -> None:
    """Console-script entry point."""
    # pypdf logs recoverable damage as warnings; the CLI reports each bad file on one line of its own.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    app()
