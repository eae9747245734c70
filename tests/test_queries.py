"""Competency queries on the sample data: each one answers with rows the sample texts state plainly."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conftest import ROOT, assert_one_line_error, cli, unordered_concat
from crimjust_graph import Rows, ingest, open_store, query
from crimjust_graph.errors import QueryError
from crimjust_graph.sparql import named_queries, resolve_entity, run_query, to_rows
from crimjust_graph.store import Store
from crimjust_graph.vocab import ID

Row = dict[str, object]

UNODC = "partner/united-nations-office-on-drugs-and-crime"
EU = "partner/european-union"
INTERPOL = "partner/interpol"
TI = "partner/transparency-international"
WCO = "partner/world-customs-organization"
CRIMJUST = "programme/crimjust"
AIRCOP = "programme/aircop"
SEACOP = "programme/seacop"
EU_CRP = "programme/eu-cocaine-route-programme"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    db = open_store(tmp_path_factory.mktemp("queries") / "store", writable=True)
    assert ingest([ROOT / "data"], db).ok
    return db


@pytest.fixture(scope="module")
def answers(store: Store) -> dict[str, list[Row]]:
    """Every named query's rows (entity IRIs shortened to kind/slug); speed is for benchmarks/."""
    found = {}
    for name, named in named_queries().items():
        columns, rows = to_rows(run_query(store, named.text))
        found[name] = [{c: _short(v) for c, v in zip(columns, row, strict=True)} for row in rows]
    return found


def _short(value: object) -> object:
    return value.removeprefix(str(ID)) if isinstance(value, str) else value


def _has(rows: list[Row], **expected: object) -> Row:
    """The first row whose columns hold the expected values (a set: one of these; a callable: a test)."""

    def matches(value: object, wanted: object) -> bool:
        if isinstance(wanted, set):
            return value in wanted
        if callable(wanted):
            return bool(wanted(value))
        return value == wanted

    for row in rows:
        if all(matches(row.get(k), v) for k, v in expected.items()):
            return row
    pytest.fail(f"no row with {expected}; got {len(rows)} rows, e.g. {rows[:3]}")


def _lists(name: str) -> Callable[[object], bool]:
    """Matches a concatenated cell that lists `name` ("Peru, Lima" lists Lima)."""
    return lambda cell: name in _split(cell)


def _split(cell: object, separator: str = ", ") -> set[str]:
    return set(str(cell).split(separator)) if cell else set()


def test_at_least_twelve_named_queries_each_with_a_one_line_title() -> None:
    queries = named_queries()
    assert len(queries) >= 12
    for name, named in queries.items():
        assert named.title and named.title != name and "\n" not in named.title, name
    listed = cli("query", "--list")
    assert listed.code == 0
    for name, named in queries.items():
        assert any(line.split()[0] == name and named.title in line for line in listed.stdout.splitlines())


def test_every_named_query_is_answered(answers: dict[str, list[Row]]) -> None:
    empty = [name for name, rows in answers.items() if not rows]
    assert not empty, f"named queries with no rows on the sample data: {empty}"


def test_programmes_implementers_and_funders(answers: dict[str, list[Row]]) -> None:
    crimjust = _has(answers["programmes"], programme=CRIMJUST)
    assert "United Nations Office on Drugs and Crime" in _split(crimjust["implementers"])
    assert "European Union" in _split(crimjust["funders"])
    assert "EU Cocaine Route Programme" in _split(crimjust["partOf"])
    aircop = _has(answers["programmes"], programme=AIRCOP)
    assert "United Nations Office on Drugs and Crime" in _split(aircop["implementers"])
    assert "European Union" in _split(aircop["funders"])


def test_programme_partners_with_roles(answers: dict[str, list[Row]]) -> None:
    rows = answers["programme-partners"]
    _has(rows, programme=CRIMJUST, role="implementer", partner=UNODC)
    _has(rows, programme=CRIMJUST, role="funder", partner=EU)
    # "implemented by UNODC in partnership with INTERPOL and Transparency International"
    _has(rows, programme=CRIMJUST, role={"partner", "implementer"}, partner=INTERPOL)
    _has(rows, programme=CRIMJUST, role={"partner", "implementer"}, partner=TI)
    _has(rows, programme=AIRCOP, role="implementer", partner=UNODC)
    _has(rows, programme=AIRCOP, role={"partner", "implementer"}, partner=WCO)
    _has(rows, programme=SEACOP, role="funder", partner=EU)


def test_programme_components(answers: dict[str, list[Row]]) -> None:
    rows = answers["programme-components"]
    _has(rows, parent=EU_CRP, component=CRIMJUST, direct=True)
    _has(rows, parent=EU_CRP, component=SEACOP, direct=True)


def test_partners_shared_by_two_programmes(answers: dict[str, list[Row]]) -> None:
    rows = answers["shared-partners"]
    _has(rows, partner=UNODC, programmeA=AIRCOP, programmeB=CRIMJUST)
    _has(rows, partner=INTERPOL, programmeA=AIRCOP, programmeB=CRIMJUST)
    _has(rows, partner=EU, programmeA=CRIMJUST, programmeB=SEACOP)
    assert all(str(r["programmeA"]) < str(r["programmeB"]) for r in rows)


def test_events_per_region_per_year(answers: dict[str, list[Row]]) -> None:
    rows = answers["events-by-region-year"]
    # Two CRIMJUST/AIRCOP meetings in Santo Domingo in 2019 (February and May).
    assert _has(rows, region="city/santo-domingo", year="2019")["events"] == 2
    assert _has(rows, region="country/dominican-republic", year="2019")["events"] >= 2
    assert _has(rows, region="city/lisbon", year="2018")["events"] == 1
    assert _has(rows, region="city/vienna", year="2018")["events"] == 1
    # A region counts the events held anywhere inside it: Lisbon and Vienna are in Europe.
    assert _has(rows, region="region/europe", year="2018")["events"] >= 2


def test_organisations_that_co_participated_most_often(answers: dict[str, list[Row]]) -> None:
    rows = answers["co-participation"]
    # UNODC and INTERPOL: the Santo Domingo review, the Bogotá workshop and the Lomé steering committee.
    pair = _has(rows, partnerA=INTERPOL, partnerB=UNODC)
    assert pair["events"] >= 2
    counts = [int(str(r["events"])) for r in rows]
    assert counts == sorted(counts, reverse=True), "most frequent pairs come first"


def test_partner_activity(answers: dict[str, list[Row]]) -> None:
    rows = answers["partner-activity"]
    unodc = _has(rows, partner=UNODC)
    assert unodc["programmes"] >= 2 and unodc["eventsOrganised"] >= 4
    assert rows.index(unodc) < 3


def test_programmes_active_in_a_country(answers: dict[str, list[Row]]) -> None:
    rows = answers["programmes-in-country"]
    assert "event" in str(_has(rows, country="country/peru", programme=CRIMJUST)["reasons"])
    assert "event" in str(_has(rows, country="country/senegal", programme=AIRCOP)["reasons"])
    _has(rows, country="country/dominican-republic", programme=CRIMJUST)
    _has(rows, country="country/togo", programme=AIRCOP)


def test_timeline_of_a_programme(answers: dict[str, list[Row]]) -> None:
    crimjust = [r for r in answers["programme-timeline"] if r["programme"] == CRIMJUST]
    lima = _has(crimjust, start="2019-01-22", end="2019-01-24", places=_lists("Lima"))
    santo_domingo = _has(crimjust, start="2019-05-14", end="2019-05-15", places=_lists("Santo Domingo"))
    assert "organiser" in str(lima["roles"]) and "organiser" in str(santo_domingo["roles"])
    assert crimjust.index(lima) < crimjust.index(santo_domingo), "by date"
    _has(answers["programme-timeline"], programme=SEACOP, start="2018-08-19", places=_lists("Lisbon"))


def test_events_with_dates_and_places(answers: dict[str, list[Row]]) -> None:
    rows = answers["events"]
    copolad = _has(rows, start="2018-11-26", end="2018-11-27", places=_lists("Vienna"))
    assert "COPOLAD" in _split(copolad["organisers"])
    _has(rows, start="2018-08-19", end="2018-08-24", places=_lists("Lisbon"))
    starts = [str(r["start"]) for r in rows if r["start"]]
    assert starts == sorted(starts)


def test_evidence_sentence_and_source_for_a_triple(answers: dict[str, list[Row]]) -> None:
    rows = answers["evidence"]
    fact = _has(
        rows,
        subject=CRIMJUST,
        relation="implementedBy",
        object=UNODC,
        source=str(ROOT / "data" / "2018-09-crimjust-panama-expert-meeting.txt"),
    )
    assert str(fact["quote"]).startswith("CRIMJUST is implemented by the United Nations Office on Drugs")
    assert fact["title"] == "CRIMJUST convenes investigators and prosecutors in Panama City"


def test_documents_mentioning_an_entity(answers: dict[str, list[Row]]) -> None:
    rows = answers["documents-mentioning"]
    # "CRIMJUST" appears in ten of the eighteen sample documents.
    crimjust = _has(rows, entity=CRIMJUST)
    assert crimjust["documents"] == 10
    assert "Workshop in Bogotá on parallel financial investigations" in _split(crimjust["titles"], " | ")
    assert _has(rows, entity="event/copolad-conference-2018-11-26")["documents"] == 1


def test_entities_with_several_names(answers: dict[str, list[Row]]) -> None:
    rows = answers["aliases"]
    assert "UNODC" in _split(_has(rows, entity=UNODC)["otherNames"], " | ")
    assert "Airport Communication Project" in _split(_has(rows, entity=AIRCOP)["otherNames"], " | ")
    assert "Seaport Cooperation Programme" in _split(_has(rows, entity=SEACOP)["otherNames"], " | ")
    assert "ECOWAS" in _split(
        _has(rows, label="Economic Community of West African States")["otherNames"], " | "
    )


def test_national_bodies_by_country(answers: dict[str, list[Row]]) -> None:
    rows = answers["partners-by-country"]
    _has(rows, country="country/colombia", partner="partner/national-police-colombia")
    _has(rows, country="country/ghana", partner="partner/narcotics-control-commission-ghana")
    _has(rows, country="country/nigeria", partner="partner/national-drug-law-enforcement-agency-nigeria")
    _has(
        rows,
        country="country/dominican-republic",
        partnerLabel={"National Drug Control Directorate of Dominican Republic"},
    )


def test_programme_coverage(answers: dict[str, list[Row]]) -> None:
    rows = answers["programme-coverage"]
    _has(rows, programme=AIRCOP, place="region/west-africa", basis="covers")
    _has(rows, programme=AIRCOP, place="region/middle-east", basis="covers")
    _has(rows, programme=CRIMJUST, place="region/west-africa", basis="covers")
    _has(rows, programme=CRIMJUST, place="city/lima", basis="event held there")


def test_regions_never_covered(answers: dict[str, list[Row]]) -> None:
    rows = answers["regions-never-covered"]
    # Japan and Canada appear only as AIRCOP donors: no programme covers them and no event was held there.
    _has(rows, region="country/japan")
    _has(rows, region="country/canada")
    covered = {"country/senegal", "country/colombia", "country/ghana", "region/west-africa", "city/lima"}
    assert not covered & {str(r["region"]) for r in rows}


def _normalised(rows: list[list[object]]) -> list[tuple[str, ...]]:
    return sorted(map(unordered_concat, rows))


def test_each_parameter_is_declared_marked_and_projected() -> None:
    with_params = [q for q in named_queries().values() if q.params]
    assert len(with_params) >= 8
    for named in with_params:
        head = named.text.split("WHERE", 1)[0]
        for var in named.params:
            assert f"# bind: {var}" in named.text, (named.name, var)
            assert f"?{var}" in head, (named.name, var)  # so its rows can be told apart


def test_a_parameter_narrows_the_answer_to_exactly_that_entitys_rows(store: Store) -> None:
    """For every parameter: the bound answer equals the full answer's rows for that entity."""
    for named in named_queries().values():
        if not named.params:
            continue
        columns, rows = to_rows(run_query(store, named.text))
        for var in named.params:
            at = columns.index(var)
            counts: dict[object, int] = {}
            for row in rows:
                counts[row[at]] = counts.get(row[at], 0) + 1
            value = max(sorted(counts, key=str), key=lambda v: counts[v])  # the busiest entity
            expected = [row for row in rows if row[at] == value]
            short = str(value).removeprefix(str(ID))
            got_columns, got = to_rows(
                run_query(store, named.text, bindings=named.bindings({var: short}, store))
            )
            assert got_columns == columns, (named.name, var)
            assert _normalised(got) == _normalised(expected), (named.name, var, short)
            assert 0 < len(got) < len(rows) or len(rows) == 1, (named.name, var)


def test_query_command_takes_parameters(store: Store, tmp_path_factory: pytest.TempPathFactory) -> None:
    path = str(store.path)  # type: ignore[attr-defined]
    run = cli("query", "--store", path, "--name", "programme-timeline", "--param", f"programme={CRIMJUST}")
    assert run.code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) >= 3 and all(line.startswith(str(ID[CRIMJUST])) for line in lines[1:])
    wrong = cli("query", "--store", path, "--name", "programme-timeline", "--param", "prog=x/y")
    assert wrong.code == 1 and wrong.stderr.count("\n") == 1 and "takes programme" in wrong.stderr
    misspelt = cli("query", "--store", path, "--name", "evidence", "--param", "subject=CRIMJUTS")
    assert_one_line_error(misspelt, "no entity is called 'CRIMJUTS'", "did you mean 'CRIMJUST'")
    slug = cli("query", "--store", path, "--name", "partner-activity", "--param", "partner=partner/unodc")
    assert_one_line_error(slug, "'partner/unodc' is not in the store", "did you mean")
    own = cli("query", "--store", path, "SELECT * WHERE { ?s ?p ?o }", "--param", "s=partner/x")
    assert_one_line_error(own, "'partner/x' is not in the store")  # a query of one's own, as in Python


@pytest.mark.parametrize(
    "var",
    ["x) { } SERVICE <http://127.0.0.1:9/> { ?a ?b ?c } VALUES (?y", "x }", "", "1x", "x y"],
)
def test_a_binding_name_that_is_no_variable_never_reaches_the_query_text(store: Store, var: str) -> None:
    sparql = "SELECT ?x ?label WHERE { ?x rdfs:label ?label }"
    with pytest.raises(QueryError, match="is no variable name"):
        run_query(store, sparql, bindings={var: "https://w3id.org/crimjust/id/programme/crimjust"})


@pytest.mark.parametrize(
    "given",
    ["CRIMJUST", "crimjust", "programme/crimjust", "programme:crimjust", f"<{ID}programme/crimjust>"],
)
def test_an_entity_is_given_by_name_acronym_slug_or_iri(store: Store, given: str) -> None:
    assert resolve_entity(store, given) == f"{ID}programme/crimjust"


def test_names_in_parameters_answer_as_iris_do(store: Store) -> None:
    path = str(store.path)  # type: ignore[attr-defined]
    by_name = cli("query", "--store", path, "--name", "partner-activity", "--param", "partner=UNODC")
    by_slug = cli(
        "query", "--store", path, "--name", "partner-activity", "--param",
        "partner=partner/united-nations-office-on-drugs-and-crime",
    )  # fmt: skip
    assert by_name.code == 0 and by_name.stdout == by_slug.stdout and len(by_name.stdout.splitlines()) == 2
    rows = query("programme-timeline", store, params={"programme": "AIRCOP"})
    assert isinstance(rows, Rows) and rows.rows
    assert {row[rows.columns.index("programme")] for row in rows.rows} == {f"{ID}programme/aircop"}


def test_entity_prefixes_in_ad_hoc_sparql(store: Store) -> None:
    rows = query("SELECT ?l WHERE { programme:aircop rdfs:label ?l . country:senegal rdfs:label ?c }", store)
    assert isinstance(rows, Rows) and rows.rows == [["AIRCOP"]]
