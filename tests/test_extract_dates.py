"""Dates and datelines in English, Spanish, French and Portuguese; relative dates need a publication date."""

from __future__ import annotations

from pathlib import Path

import pytest

from crimjust_graph.documents import document_from_text, parse_dateline, read_document
from crimjust_graph.extract import extract
from crimjust_graph.extract.dates import find_dates, opening_dateline
from crimjust_graph.model import Kind


@pytest.mark.parametrize(
    ("line", "iso"),
    [
        ("12/04/2018", "2018-04-12"),
        ("04/25/2018", "2018-04-25"),
        ("15 de enero de 2016", "2016-01-15"),
        ("05 diciembre 2023", "2023-12-05"),
        ("1er juillet 2019", "2019-07-01"),
        ("3 de março de 2021", "2021-03-03"),
        ("2013-07-02 16:25:38", "2013-07-02"),
        ("06 Apr, 2019", "2019-04-06"),
        ("March 5, 2020", "2020-03-05"),
        ("Geneva, 5 March", None),
        ("31/02/2020", None),
    ],
)
def test_datelines(line: str, iso: str | None) -> None:
    assert parse_dateline(line) == iso


def test_dateline_becomes_the_publication_date() -> None:
    doc = document_from_text("Port officers meet\n\n17/07/2017\n\nThe meeting took place.", "memory://d")
    assert doc.issued == "2017-07-17"
    assert document_from_text("Title\n\nBody 17/07/2017 text.", "memory://e").issued is None


@pytest.mark.parametrize(
    ("paragraph", "issued"),
    [
        ("Date: 2021-03-09", "2021-03-09"),
        ("*Published October 2020*", "2020-10"),
        ("Posted on 4 May 2022", "2022-05-04"),
        ("Quito, 8 June 2021", "2021-06-08"),
        ("Quito (Ecuador), June 8, 2021", "2021-06-08"),
        ("Quito, 7-9 June 2021", "2021-06"),  # the days are the story's: only the month is the article's
        ("Quito, June 2021 was busy for the port", None),
        ("The port unit was busy in June 2021.", None),
    ],
)
def test_labelled_and_placed_datelines(paragraph: str, issued: str | None) -> None:
    doc = document_from_text(f"Port unit news\n\n{paragraph}\n\nOfficers met.", "memory://d")
    assert doc.issued == issued


@pytest.mark.parametrize(
    ("name", "issued"),
    [
        ("2021-06-08-quito-port.txt", "2021-06-08"),
        ("2021-06-quito-port.md", "2021-06"),
        ("2020-2021-overview.txt", None),  # two years, no month
        ("quito-2021-06.txt", None),  # the date must open the name
        ("2021-02-30-x.txt", None),  # no such day: not a date
    ],
)
def test_a_file_name_dates_an_undated_document(tmp_path: Path, name: str, issued: str | None) -> None:
    path = tmp_path / name
    path.write_text("Port unit news\n\nOfficers met in Quito.", encoding="utf-8")
    assert read_document(path).issued == issued


def test_the_text_date_wins_over_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "2021-06-quito.txt"
    path.write_text("Port unit news\n\n12/07/2021\n\nOfficers met.", encoding="utf-8")
    assert read_document(path).issued == "2021-07-12"


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("del 6 al 8 de febrero de 2019", "2019-02-06", "2019-02-08"),
        ("del 30 de noviembre al 2 de diciembre de 2019", "2019-11-30", "2019-12-02"),
        ("el 12 de septiembre de 2018", "2018-09-12", None),
        ("du 3 au 5 mars 2019", "2019-03-03", "2019-03-05"),
        ("le 1er juillet 2019", "2019-07-01", None),
        ("de 3 a 5 de março de 2019", "2019-03-03", "2019-03-05"),
        ("em setembro de 2018", "2018-09", None),
        ("from 28 February to 3 March 2023", "2023-02-28", "2023-03-03"),
        ("on the 12th of April 2019", "2019-04-12", None),
    ],
)
def test_dates_in_four_languages(text: str, start: str, end: str | None) -> None:
    assert [(d.start, d.end) for d in find_dates(text)] == [(start, end)]


@pytest.mark.parametrize("text", ["officers may 5 times", "set 3 goals", "from 8 to 10 April", "on Tuesday"])
def test_nothing_invented_without_a_year(text: str) -> None:
    assert find_dates(text) == []


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("on Tuesday", "2019-03-05"),  # issued Friday 2019-03-08
        ("last Friday", "2019-03-01"),
        ("next Monday", "2019-03-11"),
        ("yesterday", "2019-03-07"),
        ("last month", "2019-02"),
        ("ayer", "2019-03-07"),
    ],
)
def test_relative_dates_against_the_publication_date(text: str, start: str) -> None:
    assert [d.start for d in find_dates(text, 2019, issued="2019-03-08")] == [start]


@pytest.mark.parametrize(
    ("body", "issued"),
    [
        ("CARTAGENA, 14 de junio de 2023 – Last week the court met.", "2023-06-14"),
        ("Dakar, le 5 avril 2022 - La réunion a eu lieu.", "2022-04-05"),
        ("Published 20 October 2023\n\nOfficers met.", "2023-10-20"),
        ("Abuja, April 5th 2019. The Commission met.", "2019-04-05"),
        ("In 2019, the Commission met.", None),
        ("Accra, Ghana hosted the 12 May 2022 meeting.", None),
    ],
)
def test_opening_dateline(body: str, issued: str | None) -> None:
    found = opening_dateline(f"Title\n\n{body}")
    assert (found[0] if found else None) == issued


def test_last_week_against_the_dateline_and_not_the_dateline_itself() -> None:
    doc = document_from_text(
        "Title\n\nLIMA, 14 de junio de 2023 – Last week, UNODC held a workshop on port control in Callao.",
        "memory://x",
    )
    (event,) = [e for e in extract(doc).entities if e.kind is Kind.EVENT]
    assert event.start == "2023-06"


@pytest.mark.parametrize(
    ("body", "iso"),
    [
        ("٢٠ يوليو، ٢٠١٨\n\nThe harbour course ended.", "2018-07-20"),
        ("۳ مارس ۲۰۲۱\n\nThe harbour course ended.", "2021-03-03"),
        ("20 July 2018\n\nThe harbour course ended.", "2018-07-20"),
        ("On 20 July 2018 the harbour course ended.\n\nMore.", None),
        ("٢٠ يوليو\n\nThe harbour course ended.", None),
    ],
)
def test_a_date_alone_opening_the_body_is_the_dateline(body: str, iso: str | None) -> None:
    found = opening_dateline("Harbour news\n\n" + body)
    assert (found[0] if found else None) == iso


def test_a_dateline_in_arabic_digits_gives_the_year_of_a_day_without_one() -> None:
    ex = extract(
        document_from_text(
            "Harbour news\n\n٢٠ يوليو، ٢٠١٨\n\nThe 25 June workshop in Lisbon trained harbour officers.",
            "memory://arabic",
            title="Harbour news",
        )
    )
    assert [e.start for e in ex.entities if e.kind is Kind.EVENT] == ["2018-06-25"]


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("Harbour drills ran April 15-26 - with ships.", [("2021-04-15", "2021-04-26")]),
        ("Drills ran from November 30 to December 1, 2022.", [("2022-11-30", "2022-12-01")]),
        ("Drills ran November 30 - December 1 at sea.", [("2021-11-30", "2021-12-01")]),
        ("On Tuesday 5 March the drills began.", [("2021-03-05", None)]),
        ("On Tuesday, the drills began.", [("2021-03-02", None)]),
        ("May 5 and 60 officers joined.", [("2021-05-05", None)]),
    ],
)
def test_american_ranges_and_weekdays_before_dates(text: str, spans: list[tuple[str, str | None]]) -> None:
    assert [(d.start, d.end) for d in find_dates(text, 2021, 0, "2021-03-04")] == spans


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("Harbour drills took place in late June at sea.", [("2021-06", None)]),
        ("In June, harbour drills took place.", [("2021-06", None)]),
        ("Harbour drills may take place.", []),
        ("The drills of last year were shorter.", [("2020", None)]),
        ("The drills of this year were longer.", [("2021", None)]),
        ("The drills began on 24.07.2019 at dawn.", [("2019-07-24", None)]),
        ("The drills began on 07/24/2019 at dawn.", [("2019-07-24", None)]),
        ("The drills began on 05/04/2019 at dawn.", [("2019-04-05", None)]),
        ("Version 3.5 2019 of the manual.", []),
    ],
)
def test_months_without_a_year_numeric_dates_and_years_told_relatively(
    text: str, spans: list[tuple[str, str | None]]
) -> None:
    assert [(d.start, d.end) for d in find_dates(text, 2021, 0, "2021-03-04")] == spans
