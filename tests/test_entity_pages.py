"""Entity pages from a real `serve` on the sample store: HTML, Turtle, JSON-LD, 404, traversal, hostile."""

from __future__ import annotations

import json
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDFS

from conftest import ROOT, cli
from test_page import HOSTILE
from test_server import Server, start_server, stop_server

ID = "https://w3id.org/crimjust/id/"
AIRCOP = f"{ID}programme/aircop"
UNODC = f"{ID}partner/united-nations-office-on-drugs-and-crime"
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'"
)
HOSTILE_LABEL = f"INTERPOL {HOSTILE[0]} \"q\" 'a' &amp;"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`serve` on a store built from the sample corpus (data/) by the real CLI."""
    work = tmp_path_factory.mktemp("entity-pages")
    assert cli("ingest", "--store", work / "store", ROOT / "data").code == 0
    running = start_server(work / "store", work / "serve.log", "--workers", "1")
    yield running
    stop_server(running)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A document whose title, sentences and (through a curation merge) an entity's name carry markup."""
    work = tmp_path_factory.mktemp("hostile-pages")
    doc = work / "hostile.txt"
    doc.write_text(
        f"{HOSTILE[0]} {HOSTILE[1]} \"Quoted\" & 'single' 🚓 مرحبا\n\n"
        "From 3 to 5 March 2019 the Airport Communication Programme (AIRCOP) held a training course "
        f"{HOSTILE[0]} in Dakar, Senegal, with the {HOSTILE[1]} unit.\n"
        f'The course was organised by UNODC and funded by the European Union {HOSTILE[2]} 🚓 "quoted".\n'
        "INTERPOL took part in the training.\n",
        encoding="utf-8",
    )
    curation = work / "curation.toml"
    curation.write_text(f'[merge]\n"partner/interpol" = {json.dumps(HOSTILE_LABEL)}\n', encoding="utf-8")
    run = cli("ingest", "--store", work / "store", "--curation", curation, doc)
    assert run.code == 0, run.stderr
    running = start_server(work / "store", work / "serve.log", "--workers", "1")
    yield running
    stop_server(running)


def page_path(iri: str) -> str:
    return "/id/" + iri.removeprefix(ID)


def get(server: Server, path: str, accept: str | None = None) -> tuple[int, dict[str, str], bytes]:
    return server.request("GET", path, headers={"Accept": accept} if accept else {})


def construct(server: Server, query: str) -> Graph:
    """A CONSTRUCT through /sparql, the endpoint's own path to the store, as a graph."""
    status, _, body = server.get(query, accept="application/n-triples")
    assert status == 200, body
    return Graph().parse(data=body.decode(), format="nt")


def select(server: Server, query: str) -> list[dict[str, str]]:
    status, _, body = server.get(query, accept="application/sparql-results+json")
    assert status == 200, body
    return [{k: v["value"] for k, v in row.items()} for row in json.loads(body)["results"]["bindings"]]


class Page(HTMLParser):
    """Tags, attributes, links and the text of each table row of an HTML page."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.rows: dict[str, list[list[str]]] = {}
        self.section = ""
        self.cell: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "section":
            self.section = dict(attrs).get("id") or ""
        elif tag == "tr":
            self.rows.setdefault(self.section, []).append([])
        elif tag == "td":
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self.cell is not None:
            self.rows[self.section][-1].append("".join(self.cell))
            self.cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self.cell is not None:
            self.cell.append(data)

    def links(self) -> list[str]:
        return [a["href"] or "" for tag, a in self.tags if tag == "a" and "href" in a]

    def body_rows(self, section: str) -> list[list[str]]:
        return [row for row in self.rows.get(section, []) if row]  # the header row has th cells only


def heading(text: str) -> str:
    start = text.index("<h1>") + 4
    return text[start : text.index("</h1>", start)]


def test_html_page_shows_names_relations_evidence_and_picture(server: Server) -> None:
    status, headers, body = get(server, page_path(AIRCOP), "text/html,application/xhtml+xml,*/*;q=0.8")
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert headers["content-security-policy"] == CSP and headers["x-frame-options"] == "DENY"
    assert headers["vary"] == "Accept"
    text = body.decode()
    page = Page(text)
    assert heading(text) == "AIRCOP"
    assert "Airport Communication Project" in "".join(page.text)  # its other name
    assert not [
        tag for tag, attrs in page.tags if tag == "script" or "style" in attrs
    ]  # the CSP allows neither
    # Every relation from AIRCOP, with each sentence that states it and its document, is one row.
    facts = select(
        server,
        f"""SELECT DISTINCT ?p ?o ?quote ?title WHERE {{ <{AIRCOP}> ?p ?o .
        ?ev rdf:subject <{AIRCOP}> ; rdf:predicate ?p ; rdf:object ?o ; cj:quote ?quote ;
            prov:wasDerivedFrom ?doc . ?doc dcterms:title ?title }}""",
    )
    rows = page.body_rows("out")
    assert len(rows) == len(facts) > 10
    shown = {(row[2], row[3]) for row in rows}
    assert {(f["quote"], f["title"]) for f in facts} == shown
    incoming = select(
        server,
        f"SELECT DISTINCT ?s ?p ?quote WHERE {{ ?s ?p <{AIRCOP}> . "
        f"?ev rdf:subject ?s ; rdf:predicate ?p ; rdf:object <{AIRCOP}> ; cj:quote ?quote }}",
    )
    assert len(page.body_rows("in")) == len(incoming) > 0
    links = page.links()
    assert page_path(UNODC) in links and any(link.startswith("/id/document/") for link in links)
    assert all(link.startswith(("/id/", "?format=", "/")) for link in links)
    [named] = select(
        server,
        f"SELECT (COUNT(DISTINCT ?doc) AS ?n) WHERE {{ ?ev cj:mentions <{AIRCOP}> ; "
        "prov:wasDerivedFrom ?doc }",
    )
    assert f"Named in {named['n']} documents" in "".join(page.text) and int(named["n"]) > 3
    svg_links = [a["href"] for tag, a in page.tags if tag == "a" and a.get("href", "").startswith("/id/")]
    assert len([tag for tag, _ in page.tags if tag == "circle"]) >= 10 and svg_links


def test_turtle_is_the_store_s_facts_about_the_entity(server: Server) -> None:
    status, headers, body = get(server, page_path(UNODC), "text/turtle")
    assert status == 200 and headers["content-type"] == "text/turtle; charset=utf-8"
    assert headers["vary"] == "Accept"
    got = Graph().parse(data=body.decode(), format="turtle")
    me = URIRef(UNODC)
    out = construct(server, f"CONSTRUCT {{ <{UNODC}> ?p ?o }} WHERE {{ <{UNODC}> ?p ?o }}")
    into = construct(server, f"CONSTRUCT {{ ?s ?p <{UNODC}> }} WHERE {{ ?s ?p <{UNODC}> }}")
    assert set(got.triples((me, None, None))) == set(out) and len(out) > 2
    assert set(got.triples((None, None, me))) == set(into) and len(into) > 5
    # The evidence for each relation rides along: its sentence and its document's title.
    quotes = construct(
        server,
        f"CONSTRUCT {{ ?ev cj:quote ?q }} WHERE {{ ?ev rdf:subject|rdf:object <{UNODC}> ; cj:quote ?q }}",
    )
    assert len(quotes) > 0 and set(quotes) <= set(got)
    assert (URIRef(AIRCOP), RDFS.label, Literal("AIRCOP")) in got  # neighbours' names
    assert "dcterms:source" not in body.decode() and str(ROOT) not in body.decode()


def test_jsonld_says_the_same_as_turtle(server: Server) -> None:
    status, headers, body = get(server, page_path(AIRCOP), "application/ld+json")
    assert status == 200 and headers["content-type"] == "application/ld+json"
    assert any(node.get("@id") == AIRCOP for node in json.loads(body))  # expanded JSON-LD: a list of nodes
    _, _, turtle = get(server, page_path(AIRCOP), "text/turtle")
    as_jsonld = Graph().parse(data=body.decode(), format="json-ld")
    assert len(as_jsonld) > 50
    assert isomorphic(as_jsonld, Graph().parse(data=turtle.decode(), format="turtle"))


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (None, "text/html; charset=utf-8"),
        ("*/*", "text/html; charset=utf-8"),
        ("text/turtle;q=0.5, application/ld+json", "application/ld+json"),
        ("text/html;q=0, */*", "text/turtle; charset=utf-8"),
        ("text/*;q=0.9, text/html;q=0.1", "text/turtle; charset=utf-8"),
        ("application/n-triples", "application/n-triples"),
        ("application/rdf+xml;q=1, text/turtle;q=0.2", "application/rdf+xml"),
        ("application/json", "application/ld+json"),
        ("application/x-turtle, text/html;q=0.5", "text/turtle; charset=utf-8"),
        ("text/turtle;q=0, application/*", "application/ld+json"),
    ],
)
def test_content_negotiation_picks_the_best_offered_type(
    server: Server, accept: str | None, media: str
) -> None:
    status, headers, _ = get(server, page_path(AIRCOP), accept)
    assert (status, headers["content-type"], headers["vary"]) == (200, media, "Accept")


def test_nothing_acceptable_is_406_and_format_parameter_overrides(server: Server) -> None:
    status, headers, body = get(server, page_path(AIRCOP), "image/png")
    assert status == 406 and headers["vary"] == "Accept" and body.decode().count("\n") == 1
    status, headers, body = get(server, page_path(AIRCOP) + "?format=turtle", "text/html")
    assert status == 200 and headers["content-type"].startswith("text/turtle")
    Graph().parse(data=body.decode(), format="turtle")
    status, _, body = get(server, page_path(AIRCOP) + "?format=../../etc/passwd")
    assert status == 400 and b"not offered" in body
    status, headers, body = server.request("HEAD", page_path(AIRCOP))
    assert status == 200 and body == b"" and int(headers["content-length"]) > 1000
    status, headers, _ = server.request("POST", page_path(AIRCOP), body=b"x")
    assert status == 405 and headers["allow"] == "GET, HEAD"


def test_unknown_entity_and_document_are_404(server: Server) -> None:
    for path in ("/id/partner/no-such-body", "/id/document/0123456789abcdef", "/id/evidence/0000"):
        for accept in ("text/html", "text/turtle"):
            status, headers, body = get(server, path, accept)
            assert status == 404 and headers["content-type"] == "text/plain; charset=utf-8", path
            assert body.decode().count("\n") == 1 and f"<{ID}{path[4:]}>" in body.decode()


def test_document_page_shows_title_date_file_name_and_facts(server: Server) -> None:
    [doc] = select(
        server,
        "SELECT ?doc ?title ?issued ?source WHERE { ?doc a cj:Document ; dcterms:title ?title ; "
        "dcterms:issued ?issued ; dcterms:source ?source "
        "FILTER(CONTAINS(?source, '2018-10-ccp-guayaquil-port-unit')) }",
    )
    status, headers, body = get(server, page_path(doc["doc"]), "text/html")
    assert status == 200 and headers["content-security-policy"] == CSP
    text = body.decode()
    page = Page(text)
    assert heading(text) == doc["title"]
    words = "".join(page.text)
    assert doc["issued"] in words and Path(doc["source"]).name in words
    assert doc["source"] not in text and str(ROOT) not in text  # never the path it was read from
    facts = select(
        server,
        f"SELECT DISTINCT ?ev WHERE {{ ?ev prov:wasDerivedFrom <{doc['doc']}> ; rdf:subject ?s ; "
        "cj:quote ?q }",
    )
    assert len(page.body_rows("facts")) == len(facts) > 3
    assert all(row[3] for row in page.body_rows("facts"))  # each with its sentence
    # Its RDF is the document's named graph, less the local path it was read from.
    _, _, turtle = get(server, page_path(doc["doc"]), "text/turtle")
    graph = construct(
        server,
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{doc['doc']}> {{ ?s ?p ?o "
        "FILTER(?p != dcterms:source) } }",
    )
    assert isomorphic(Graph().parse(data=turtle.decode(), format="turtle"), graph)
    assert doc["source"].encode() not in turtle


def test_evidence_iri_dereferences_too(server: Server) -> None:
    [row] = select(
        server, f"SELECT ?ev WHERE {{ ?ev rdf:subject <{AIRCOP}> ; rdf:predicate cj:fundedBy }} LIMIT 1"
    )
    status, _, body = get(server, page_path(row["ev"]), "text/html")
    assert status == 200
    links = Page(body.decode()).links()
    assert page_path(AIRCOP) in links and "/id/partner/european-union" in links


TRAVERSALS = [
    "/id/../static/app.js",
    "/id/partner/../../static/app.js",
    "/id/partner/%2e%2e/%2e%2e/health",
    "/id/partner/..%2F..%2Fhealth",
    "/id/partner/..%2f..%2fstatic%2fapp.js",
    "/id/document/..%5C..%5Chealth",
    "/id/partner/interpo%6C",  # a valid entity, percent-encoded: refused all the same
    "/id//etc/passwd",
    "/id/partner/interpol/..",
    "/id/partner/interpol/../../../static/app.js",
    "/id/partner/interpol%00",
    "/id/partner/.htaccess",
    "/id/partner",
    "/id/",
    "/id/ontology/x",
    "/id/partner/" + "a" * 300,
    "/id/%70artner/interpol",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_path_outside_id_is_reachable(server: Server, path: str) -> None:
    status, headers, body = get(server, path)
    assert status == 404, (path, status, body[:200])
    assert headers["content-type"] == "text/plain; charset=utf-8"
    text = body.decode()
    assert text.count("\n") == 1 and "Traceback" not in text
    assert "status" not in text and "function" not in text  # neither /health's JSON nor app.js


def test_hostile_document_renders_inert(hostile: Server) -> None:
    [partner] = select(hostile, "SELECT ?e WHERE { ?e rdfs:label ?l FILTER(CONTAINS(?l, '<script>')) }")
    [doc] = select(hostile, "SELECT ?d WHERE { ?d a cj:Document }")
    [event] = select(hostile, "SELECT ?e WHERE { ?e a cj:Event }")
    allowed = {
        "html", "head", "meta", "title", "link", "body", "header", "p", "h1", "h2", "code", "a", "main",
        "section", "dl", "dt", "dd", "svg", "defs", "marker", "path", "g", "line", "circle", "text", "table",
        "thead", "tbody", "tr", "th", "td", "ul", "li", "span",
    }  # fmt: skip
    for iri in (partner["e"], doc["d"], event["e"], f"{ID}programme/aircop"):
        status, headers, body = get(hostile, page_path(iri), "text/html")
        assert status == 200 and headers["content-security-policy"] == CSP
        text = body.decode()
        page = Page(text)
        assert {tag for tag, _ in page.tags} <= allowed, iri
        for _, attrs in page.tags:
            assert not [name for name in attrs if name.startswith("on") or name == "style"], attrs
            assert not (attrs.get("href") or "").lower().startswith("javascript"), attrs
            assert not (attrs.get("src") or "")
        assert HOSTILE[0] in "".join(page.text)  # the markup is there, as text
    _, _, body = get(hostile, page_path(partner["e"]), "text/html")
    assert (
        heading(body.decode())
        == "INTERPOL &lt;script&gt;window.__pwned=1&lt;/script&gt; &quot;q&quot; &#x27;a&#x27; &amp;amp;"
    )
    _, _, turtle = get(hostile, page_path(partner["e"]), "text/turtle")
    labels = set(
        Graph().parse(data=turtle.decode(), format="turtle").objects(URIRef(partner["e"]), RDFS.label)
    )
    assert labels == {Literal(HOSTILE_LABEL)}


# -- in a real browser -------------------------------------------------------------------------------


def _open(browser: Any, server: Server, path: str) -> tuple[Any, Any, list[str], list[str]]:
    """A fresh page on `serve` where any request to another origin is recorded and aborted."""
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    requests: list[str] = []
    problems: list[str] = []
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(server.url) else route.abort()
    )
    page = context.new_page()
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.goto(server.url + path)
    return context, page, requests, problems


@pytest.mark.browser
def test_entity_page_renders_and_its_links_work_in_chromium(browser: Any, server: Server) -> None:
    from test_browser import ARTIFACTS

    context, page, requests, problems = _open(browser, server, page_path(AIRCOP))
    try:
        assert page.locator("h1").inner_text() == "AIRCOP"
        assert page.locator("#neighbourhood svg circle").count() >= 10
        box = page.locator("#neighbourhood svg").bounding_box()
        assert box["width"] > 400 and box["height"] > 200  # drawn, at its size
        # The stylesheet applied (the CSP lets /static/ in): table cells have their border.
        border = page.locator("#out td").first.evaluate("e => getComputedStyle(e).borderTopStyle")
        assert border == "solid"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "entity-page.png"), full_page=True)
        page.locator("#out a", has_text="United Nations Office on Drugs and Crime").first.click()
        page.wait_for_url(server.url + page_path(UNODC))
        assert page.locator("h1").inner_text() == "United Nations Office on Drugs and Crime"
        page.locator("#neighbourhood svg a circle").first.click()  # a neighbour in the picture
        page.wait_for_load_state()
        assert page.url.startswith(server.url + "/id/") and page.url != server.url + page_path(UNODC)
        assert page.locator("h1").inner_text()
        page.goto(server.url + page_path(AIRCOP))
        title = page.locator("#out td a[href^='/id/document/']").first
        expected = title.inner_text()
        title.click()
        page.wait_for_url(f"{server.url}/id/document/*")
        assert page.locator("h1").inner_text() == expected
        assert page.locator("#facts tbody tr").count() > 0
        page.locator("a", has_text="Turtle").click()
        assert "@prefix" in page.content()
        assert all(url.startswith(server.url) for url in requests)
        assert problems == []
    finally:
        context.close()


@pytest.mark.browser
def test_hostile_page_never_runs_in_chromium(browser: Any, hostile: Server) -> None:
    [partner] = select(hostile, "SELECT ?e WHERE { ?e rdfs:label ?l FILTER(CONTAINS(?l, '<script>')) }")
    [doc] = select(hostile, "SELECT ?d WHERE { ?d a cj:Document }")
    for iri in (partner["e"], doc["d"]):
        context, page, requests, problems = _open(browser, hostile, page_path(iri))
        try:
            assert HOSTILE[0] in page.locator("main").inner_text()
            assert page.evaluate("() => typeof window.__pwned") == "undefined"
            assert page.locator("main script, main img").count() == 0
            assert all(url.startswith(hostile.url) for url in requests)
            assert problems == []
        finally:
            context.close()
