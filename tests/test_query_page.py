"""The query page of a real `serve` process in real headless chromium: editor, URL, table, form, safety."""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from conftest import NEWS, ROOT, cli
from test_browser import ARTIFACTS, SENTINEL
from test_page import HOSTILE
from test_server import Server, start_server, stop_server

pytestmark = pytest.mark.browser

PROGRAMMES = "SELECT ?p ?label WHERE { ?p a cj:Programme ; rdfs:label ?label } ORDER BY ?label"
CITIES = (
    "SELECT ?city ?label ?lat WHERE { ?city a cj:City ; rdfs:label ?label ; schema:latitude ?lat } LIMIT 120"
)
AIRCOP = "https://w3id.org/crimjust/id/programme/aircop"


@pytest.fixture(scope="module")
def sample_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`serve` on the sample corpus (data/), ingested by the real CLI."""
    work = tmp_path_factory.mktemp("querypage")
    run = cli("ingest", "--store", work / "store", ROOT / "data")
    assert run.code == 0, run.stderr
    server = start_server(work / "store", work / "serve.log", "--workers", "1")
    yield server
    stop_server(server)


@dataclass
class Opened:
    page: Any
    server: Server
    requests: list[str] = field(default_factory=list)
    console: list[tuple[str, str]] = field(default_factory=list)
    runs: int = 0  # runs of a query waited for

    def errors(self) -> list[tuple[str, str]]:
        return [(kind, text) for kind, text in self.console if kind in ("error", "pageerror")]

    def foreign(self) -> list[str]:
        """Requests that went anywhere but this server (the page fetches nothing from elsewhere)."""
        return [url for url in self.requests if not url.startswith((self.server.url + "/", "data:", "blob:"))]

    def editor_text(self) -> str:
        return str(self.page.locator("#editor .cm-content").inner_text())

    def wait_rows(self) -> int:
        """Wait for the next run to finish and return the row count the status line gives."""
        self.runs += 1
        self.page.wait_for_selector(f'body[data-runs="{self.runs}"]', state="attached", timeout=30_000)
        found = re.match(r"(\d+) rows? in \d+ ms", self.page.locator("#status").inner_text())
        assert found is not None
        return int(found[1])

    def column(self, index: int) -> list[str]:
        cells = self.page.locator(f"#results tbody tr td:nth-child({index})").all_inner_texts()
        return [str(c) for c in cells]


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    """Open a path of a server in a fresh context; every request and console message is recorded."""
    contexts: list[Any] = []

    def _open(server: Server, path: str = "/") -> Opened:
        context = browser.new_context(viewport={"width": 1300, "height": 900}, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        opened = Opened(page, server)
        page.on("request", lambda request: opened.requests.append(request.url))
        page.on("console", lambda message: opened.console.append((message.type, message.text)))
        page.on("pageerror", lambda error: opened.console.append(("pageerror", str(error))))
        page.goto(server.url + path)
        page.wait_for_selector("body[data-ready]", state="attached", timeout=60_000)
        return opened

    yield _open
    for context in contexts:
        context.close()


def folded(text: str) -> str:
    """A name without accents or case, as the page's collation orders it."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def shot(opened: Opened, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    opened.page.screenshot(path=str(ARTIFACTS / f"query-page-{name}.png"), full_page=True)


def type_query(opened: Opened, text: str) -> None:
    """Replace the editor's text by typing it, key by key, as a person would."""
    page = opened.page
    page.locator("#editor .cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.type(text)
    page.keyboard.press("Escape")  # close a completion list the last word may have opened


def programme_count(server: Server) -> int:
    """How many programmes the store holds, asked over /sparql (the page must show as many rows)."""
    query = "PREFIX cj: <https://w3id.org/crimjust/ontology#> SELECT (COUNT(?p) AS ?n) { ?p a cj:Programme }"
    status, _, body = server.get(query, accept="application/sparql-results+json")
    assert status == 200, body
    count = int(json.loads(body)["results"]["bindings"][0]["n"]["value"])
    assert count > 1
    return count


def test_run_a_query_with_the_keyboard_shows_entities_as_names_that_link(
    sample_server: Server, open_page: Any
) -> None:
    opened = open_page(sample_server)
    page = opened.page
    assert page.locator("#editor .cm-content[contenteditable=true]").count() == 1
    type_query(opened, PROGRAMMES)
    assert opened.editor_text().strip() == PROGRAMMES
    page.keyboard.press("Control+Enter")
    rows = opened.wait_rows()
    assert rows == programme_count(sample_server) == page.locator("#results tbody tr").count()
    links = page.locator("#results tbody td:nth-child(1) a")
    assert links.count() == rows  # every programme IRI is a link, shown by its name
    names = links.all_inner_texts()
    assert "AIRCOP" in names and not [n for n in names if n.startswith("http")]
    aircop = links.filter(has_text=re.compile("^AIRCOP$"))
    assert aircop.get_attribute("href") == "/id/programme/aircop"
    assert aircop.get_attribute("title") == AIRCOP
    colour = {
        word: page.locator(
            "#editor .cm-line span", has_text=re.compile(f"^{re.escape(word)}$")
        ).first.evaluate("(e) => getComputedStyle(e).color")
        for word in ("SELECT", "?label", "rdfs:label", "cj:Programme")
    }
    assert len(set(colour.values())) == 4, colour  # keyword, variable, predicate, IRI: highlighted apart
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query) == {"query": [PROGRAMMES]}
    shot(opened, "keyboard")
    assert opened.errors() == [] and opened.foreign() == []  # no CSP refusal, nothing from elsewhere


def test_sort_and_page_the_results(sample_server: Server, open_page: Any) -> None:
    opened = open_page(sample_server)
    page = opened.page
    type_query(opened, CITIES)
    page.keyboard.press("Control+Enter")
    assert opened.wait_rows() == 120
    assert page.locator("#page-info").inner_text() == "Rows 1–50 of 120 (page 1 of 3)"
    assert page.locator("#results tbody tr").count() == 50
    page.locator("#results thead button", has_text="lat").click()
    page.locator("#results thead button", has_text="lat").click()  # descending
    assert page.locator("#results thead th[aria-sort=descending]").inner_text() == "lat ▼"
    first = [float(x) for x in opened.column(3)]
    page.click("#next")
    assert page.locator("#page-info").inner_text() == "Rows 51–100 of 120 (page 2 of 3)"
    second = [float(x) for x in opened.column(3)]
    page.click("#next")
    third = [float(x) for x in opened.column(3)]
    assert page.locator("#next").is_disabled() and len(third) == 20
    every = first + second + third
    assert every == sorted(every, reverse=True) and len(set(every)) > 10  # as numbers, not as text
    page.locator("#results thead button", has_text="label").click()
    assert page.locator("#page-info").inner_text().startswith("Rows 1–50 of 120")  # a new sort starts again
    labels = opened.column(2)
    assert labels == sorted(labels, key=folded)  # as a reader orders names: Belém before Belo Horizonte
    page.select_option("#page-size", "25")
    assert page.locator("#results tbody tr").count() == 25
    assert page.locator("#page-info").inner_text() == "Rows 1–25 of 120 (page 1 of 5)"
    shot(opened, "sorted")
    assert opened.errors() == []


def test_an_entity_link_leads_to_its_page_on_this_server(sample_server: Server, open_page: Any) -> None:
    opened = open_page(sample_server, "/?" + urllib.parse.urlencode({"query": PROGRAMMES}))
    page = opened.page
    opened.wait_rows()
    link = page.locator("#results tbody a", has_text=re.compile("^AIRCOP$"))
    with page.expect_navigation():
        link.click()
    assert page.url == f"{sample_server.url}/id/programme/aircop"


def test_a_permalink_restores_the_query_and_runs_it(sample_server: Server, open_page: Any) -> None:
    query = 'SELECT ?label WHERE { ?p a cj:Partner ; rdfs:label ?label FILTER (CONTAINS(?label, "Police")) }'
    opened = open_page(sample_server, "/?" + urllib.parse.urlencode({"query": query}))
    rows = opened.wait_rows()
    assert opened.editor_text().strip() == query
    assert rows >= 1 and all("Police" in label for label in opened.column(1))
    assert opened.page.locator("#permalink").get_attribute("href") == "/?" + urllib.parse.urlencode(
        {"query": query}
    )
    # A named query with a parameter: the form and the editor show what the URL asked for.
    named = open_page(sample_server, "/?name=programme-timeline&programme=AIRCOP")
    assert named.wait_rows() >= 1
    assert named.page.locator("#examples").input_value() == "programme-timeline"
    assert named.page.locator("#param-programme").input_value() == "AIRCOP"
    assert f"VALUES ?programme {{ <{AIRCOP}> }}" in named.editor_text()
    assert set(named.column(2)) == {"AIRCOP"}
    assert opened.errors() == [] and named.errors() == []


def test_the_parameter_form_narrows_a_named_query(sample_server: Server, open_page: Any) -> None:
    opened = open_page(sample_server)
    page = opened.page
    page.select_option("#examples", "programme-timeline")
    page.locator("#param-programme").wait_for()
    assert "# VALUES ?programme" in opened.editor_text()  # the hint, until the form fills it
    names = page.locator("#param-programme-names option").evaluate_all("(os) => os.map((o) => o.value)")
    assert "AIRCOP" in names and "Dakar" not in names  # the programme field offers programmes only
    page.fill("#param-programme", "AIRCP")
    page.press("#param-programme", "Enter")
    page.locator("#error", has_text="did you mean 'AIRCOP'").wait_for()  # resolved as `query --param` does
    page.fill("#param-programme", "Airport Communication Project")  # another name of AIRCOP
    page.press("#param-programme", "Enter")
    rows = opened.wait_rows()
    assert rows >= 1 and set(opened.column(2)) == {"AIRCOP"}
    assert f"VALUES ?programme {{ <{AIRCOP}> }}" in opened.editor_text()
    assert page.locator("#error").is_hidden()
    asked = urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)
    assert asked == {"name": ["programme-timeline"], "programme": ["Airport Communication Project"]}
    everything = open_page(sample_server, "/?name=programme-timeline")  # no parameter: every programme
    assert everything.wait_rows() > rows
    shot(opened, "parameters")
    assert [e for e in opened.errors() if "400" not in e[1]] == []  # the refused name's 400, nothing else


def test_the_examples_menu_marks_an_edited_query(sample_server: Server, open_page: Any) -> None:
    opened = open_page(sample_server)
    page = opened.page
    page.select_option("#examples", "programmes")
    selected = page.locator("#examples option:checked")
    assert not selected.inner_text().endswith("(edited)")
    page.locator("#editor .cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" LIMIT 3")
    page.keyboard.press("Escape")
    assert selected.inner_text().endswith("(edited)")
    link = page.locator("#permalink").get_attribute("href")
    assert link.startswith("/?name=programmes&query=")
    again = open_page(sample_server, link)  # the link keeps the edit, and says what it was edited from
    assert again.wait_rows() == 3
    assert again.page.locator("#examples option:checked").inner_text().endswith("(edited)")
    assert again.editor_text().rstrip().endswith("LIMIT 3")
    page.keyboard.press("Control+z")  # undone: the named query again, and a short link
    assert not selected.inner_text().endswith("(edited)")
    assert page.locator("#permalink").get_attribute("href") == "/?name=programmes"
    assert opened.errors() == [] and again.errors() == []


def test_back_and_forward_restore_earlier_queries(sample_server: Server, open_page: Any) -> None:
    opened = open_page(sample_server, "/?" + urllib.parse.urlencode({"query": PROGRAMMES}))
    page = opened.page
    assert opened.wait_rows() == programme_count(sample_server)
    page.select_option("#examples", "programme-timeline")
    page.fill("#param-programme", "AIRCOP")
    page.press("#param-programme", "Enter")
    opened.wait_rows()
    assert "programme=AIRCOP" in page.url
    page.go_back()
    assert opened.wait_rows() == programme_count(sample_server) and opened.editor_text().strip() == PROGRAMMES
    assert page.locator("#params").is_hidden()
    page.go_forward()
    opened.wait_rows()
    assert page.locator("#param-programme").input_value() == "AIRCOP"
    assert set(opened.column(2)) == {"AIRCOP"}
    assert opened.errors() == []


def test_completion_offers_prefixes_classes_and_entity_names(sample_server: Server, open_page: Any) -> None:
    opened = open_page(sample_server)
    page = opened.page
    type_query(opened, "SELECT ?event WHERE { ?event a cj:Eve")
    page.keyboard.press("Control+Space")
    options = page.locator(".cm-tooltip-autocomplete li")
    options.first.wait_for()
    assert "cj:Event" in options.all_inner_texts()[0]
    page.wait_for_timeout(200)  # the list takes no Enter in its first 75 ms, against accidental picks
    page.keyboard.press("Enter")
    page.keyboard.type(" ; cj:organisedBy AIRC")
    page.keyboard.press("Control+Space")
    aircop = options.filter(has_text="programme:aircop")
    aircop.first.wait_for()
    assert aircop.first.inner_text().startswith("AIRCOP")  # the name, with the IRI it stands for
    assert options.first.inner_text().startswith("AIRCOP")
    page.wait_for_timeout(200)
    page.keyboard.press("Enter")
    page.keyboard.type(" }")
    page.keyboard.press("Escape")
    text = opened.editor_text()
    wanted = "SELECT ?event WHERE { ?event a cj:Event ; cj:organisedBy programme:aircop }"
    assert text.startswith(wanted), text
    page.keyboard.press("Control+Enter")
    assert opened.wait_rows() >= 1
    for typed, wanted in (("dcter", "dcterms:"), ("programme:airc", "programme:aircopAIRCOP")):
        type_query(opened, f"SELECT * WHERE {{ ?s ?p {typed}")
        page.keyboard.press("Control+Space")
        options.first.wait_for()
        assert options.first.inner_text().replace("\n", "").startswith(wanted), options.all_inner_texts()
    type_query(opened, "# a comment on cj:Prog")
    page.keyboard.press("Control+Space")
    page.wait_for_timeout(300)
    assert options.count() == 0  # words in comments are not terms
    assert opened.errors() == []


def test_evidence_rows_show_document_titles_and_file_names_not_paths(
    sample_server: Server, open_page: Any
) -> None:
    opened = open_page(sample_server, "/?name=evidence&subject=AIRCOP")
    assert opened.wait_rows() >= 1
    heads = opened.page.locator("#results thead th").all_inner_texts()
    source, document = heads.index("source") + 1, heads.index("document") + 1
    sources = opened.column(source)
    assert sources and all(re.fullmatch(r"[\w.-]+\.(txt|md|html|pdf)", s) for s in sources), sources
    assert str(ROOT) not in opened.page.locator("#results").inner_text()
    where = opened.page.locator(f"#results tbody td:nth-child({source})").first.get_attribute("title")
    assert where.startswith("/") and where.endswith("/" + sources[0])  # the whole path, on hover
    titles = opened.column(document)
    assert set(titles) <= set(opened.column(heads.index("title") + 1))  # a document shows as its title
    assert opened.errors() == []


def test_downloads_hold_the_whole_answer(sample_server: Server, open_page: Any) -> None:
    opened = open_page(sample_server, "/?" + urllib.parse.urlencode({"query": CITIES}))
    opened.wait_rows()
    with opened.page.expect_download() as info:
        opened.page.locator("#download-links button", has_text="CSV").click()
    rows = list(csv.reader(io.StringIO(Path(info.value.path()).read_text(encoding="utf-8"))))
    assert rows[0] == ["city", "label", "lat"] and len(rows) == 121  # every row, not the page shown
    assert opened.errors() == []


def test_vocabulary_and_bind_endpoints(sample_server: Server) -> None:
    status, headers, body = sample_server.request("GET", "/vocabulary")
    vocabulary = json.loads(body)
    assert status == 200 and headers["content-type"] == "application/json"
    assert "https://w3id.org/crimjust/ontology#Programme" in vocabulary["classes"]
    assert "https://w3id.org/crimjust/ontology#organisedBy" in vocabulary["predicates"]
    entities = {iri: (name, others) for iri, name, others in vocabulary["entities"]}
    assert entities[AIRCOP][0] == "AIRCOP" and "Airport Communication Project" in entities[AIRCOP][1]
    assert vocabulary["prefixes"]["programme"] == "https://w3id.org/crimjust/id/programme/"
    status, _, body = sample_server.request("GET", "/bind?name=programme-partners&partner=UNODC")
    bound = json.loads(body)
    assert status == 200 and bound["name"] == "programme-partners"
    iri = bound["bindings"]["partner"]
    assert f"VALUES ?partner {{ <{iri}> }}" in bound["text"] and "# VALUES ?programme" in bound["text"]
    for path, needle in (
        ("/bind?name=programme-timeline&programme=AIRCP", "did you mean 'AIRCOP'"),
        ("/bind?name=programme-timeline&colour=red", "no parameter 'colour'"),
        ("/bind?name=no-such-query", "no named query 'no-such-query'"),
    ):
        status, _, body = sample_server.request("GET", path)
        text = body.decode()
        assert status == 400 and needle in text and text.count("\n") == 1, (path, text)


def test_page_headers_keep_the_strict_policy_and_ship_the_licences(sample_server: Server) -> None:
    _, headers, _ = sample_server.request("GET", "/")
    policy = headers["content-security-policy"]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy and "unsafe" not in policy
    assert "connect-src 'self'" in policy and "frame-ancestors 'none'" in policy
    status, headers, body = sample_server.request("GET", "/static/editor.js")
    assert status == 200 and headers["content-type"].startswith("text/javascript")
    assert b"editor-licences.txt" in body[:200]
    status, _, body = sample_server.request("GET", "/static/editor-licences.txt")
    licences = body.decode()
    for package in ("@codemirror/view", "@codemirror/autocomplete", "@lezer/lr", "codemirror-lang-sparql"):
        assert f"\n{package} " in licences, package
    assert status == 200 and licences.count("MIT License") + licences.count("Copyright (C)") >= 14


def test_vocabulary_follows_an_ingest_while_serving(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "news.txt").write_text(NEWS, encoding="utf-8")
    assert cli("ingest", "--store", tmp_path / "store", docs).code == 0
    server = start_server(tmp_path / "store", tmp_path / "serve.log", "--workers", "1")
    try:

        def names() -> set[str]:
            status, _, body = server.request("GET", "/vocabulary")
            assert status == 200, body
            return {name for _, name, _ in json.loads(body)["entities"]}

        assert "AIRCOP" in names() and "SEACOP" not in names()
        later = "SEACOP in Lisbon\n\nSEACOP held a workshop in Lisbon, Portugal on 5 June 2019.\n"
        (docs / "later.txt").write_text(later, encoding="utf-8")
        assert cli("ingest", "--store", tmp_path / "store", docs).code == 0
        assert "SEACOP" in names()  # kept only until the store changes
    finally:
        stop_server(server)


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A store whose document title and sentences carry markup, quotes and scripts."""
    work = tmp_path_factory.mktemp("hostile-query")
    doc = work / "hostile.txt"
    doc.write_text(
        f"{HOSTILE[0]} {HOSTILE[1]} {HOSTILE[2]}\n\n"
        f"From 3 to 5 March 2019 the Airport Communication Programme (AIRCOP) held a training course "
        f"{HOSTILE[0]} in Dakar, Senegal, with the {HOSTILE[1]} unit.\n"
        f"The course was organised by UNODC {HOSTILE[3]} and funded by the European Union.\n",
        encoding="utf-8",
    )
    assert cli("ingest", "--store", work / "store", doc).code == 0
    server = start_server(work / "store", work / "serve.log", "--workers", "1")
    yield server
    stop_server(server)


def test_hostile_text_in_results_is_shown_as_text_and_never_runs(
    hostile_server: Server, open_page: Any
) -> None:
    opened = open_page(hostile_server, "/?name=evidence")
    page = opened.page
    assert opened.wait_rows() >= 1
    table = page.locator("#results").inner_text()
    assert HOSTILE[0] in table and HOSTILE[1] in table  # the markup, literally
    assert page.locator("#results img, #results script, #results iframe").count() == 0
    hrefs = page.locator("#results a").evaluate_all("(as) => as.map((a) => a.getAttribute('href'))")
    assert hrefs and all(re.fullmatch(r"/id/[a-z]+/[A-Za-z0-9._~%-]+", h) for h in hrefs), hrefs
    page.locator("#editor .cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" # <img src=x onerror=window.__pwned=1>")
    page.keyboard.press("Escape")
    shot(opened, "hostile")
    assert page.evaluate(f"() => typeof {SENTINEL}") == "undefined"
    assert opened.errors() == [] and opened.foreign() == []
