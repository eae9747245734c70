"""Regions as the text coordinates them: two regions joined by and, or one named by two directions."""

from __future__ import annotations

import pytest

from crimjust_graph.documents import document_from_text
from crimjust_graph.extract import extract
from crimjust_graph.model import Kind


def regions(text: str) -> set[str]:
    ex = extract(document_from_text("Regions\n\n" + text, "memory://regions", title="Regions"))
    return {e.label for e in ex.entities if e.kind is Kind.REGION}


def test_two_regions_joined_by_and_are_two() -> None:
    assert regions("The project works in Latin America and the Caribbean.") == {"Latin America", "Caribbean"}


def test_a_region_with_and_in_its_own_name_stays_one() -> None:
    assert regions("The office covers West and Central Africa.") == {"West and Central Africa"}


@pytest.mark.parametrize(
    ("text", "region"),
    [
        ("Officials from West and Central Asia met.", "West and Central Asia"),
        ("Police chiefs of South and Southeast Asia met.", "South and Southeast Asia"),
    ],
)
def test_directions_coordinated_before_a_region_name_it(text: str, region: str) -> None:
    assert region in regions(text)
    assert "Central Asia" not in regions(text) and "Southeast Asia" not in regions(text)


def test_a_direction_word_elsewhere_changes_nothing() -> None:
    assert regions("Officers came from the west and Central Asia.") == {"Central Asia"}


def test_south_eastern_europe_in_its_usual_spellings() -> None:
    assert regions("Police from South East Europe met.") == {"South-Eastern Europe"}
    assert regions("Police from South-Eastern Europe met.") == {"South-Eastern Europe"}


def test_the_democratic_republic_of_congo_without_the_is_not_the_other_congo() -> None:
    ex = extract(
        document_from_text(
            "Countries\n\nChiefs from Kenya and the Democratic Republic of Congo met.",
            "memory://countries",
            title="Countries",
        )
    )
    countries = {e.label for e in ex.entities if e.kind is Kind.COUNTRY}
    assert "Democratic Republic of the Congo" in countries
    assert "Republic of the Congo" not in countries


def relations_of(text: str) -> set[tuple[str, str, str]]:
    ex = extract(document_from_text("Places\n\n" + text, "memory://places", title="Places"))
    labels = {e.key: e.label for e in ex.entities}
    return {(labels[r.subject], r.predicate.value, labels[r.object]) for r in ex.relations}


def test_a_town_written_in_town_comma_country_is_a_city_of_that_country() -> None:
    found = relations_of("The summit was held in Zorbatown, Equatorial Guinea, on 3 May 2014.")
    assert ("Zorbatown", "inRegion", "Equatorial Guinea") in found


def test_a_name_before_a_country_without_in_or_at_is_no_town() -> None:
    found = relations_of("Officers thanked Zorbatown, Equatorial Guinea and Chad for their help.")
    assert not any(s == "Zorbatown" for s, _, _ in found)


def cities(text: str) -> set[str]:
    ex = extract(document_from_text("Places\n\n" + text, "memory://places", title="Places"))
    return {e.label for e in ex.entities if e.kind is Kind.CITY}


def test_a_city_name_after_a_first_name_is_a_persons() -> None:
    assert "Santos" not in cities("The meeting heard Ambassador Ramón Santos of Spain.")


def test_a_city_after_a_preposition_or_an_acronym_stays_a_city() -> None:
    assert {"Lima", "Dakar"} <= cities("Officers met in Lima. The UNODC Dakar team helped.")


def test_a_region_word_before_and_shares_the_next_regions_noun() -> None:
    assert regions("Harbour links to Latin and Central America grew.") == {"Latin America", "Central America"}


def test_a_country_before_and_shares_no_regions_noun() -> None:
    assert regions("Harbour links between Malta and Central America grew.") == {"Central America"}


def test_an_unknown_word_joined_to_a_known_city_is_a_town() -> None:
    assert cities("Containers were checked at Tema and Harbourtown last week.") == {"Tema", "Harbourtown"}
    assert cities("Cocaine left from the ports of Quayside and Callao.") == {"Quayside", "Callao"}


def test_a_persons_name_after_a_city_is_no_town() -> None:
    assert cities("The ministers met in Accra and Kofi Harbour spoke.") == {"Accra"}


def test_a_lower_case_word_after_a_city_is_no_town() -> None:
    assert cities("The ministers met in Accra and spoke.") == {"Accra"}


def test_a_direction_that_ends_another_region_is_not_borrowed() -> None:
    """'East' ends 'Middle East': the list is two regions, not 'East and Southeast Asia'."""
    found = regions("The scheme has since spread to the Middle East and Southeast Asia.")
    assert found == {"Middle East", "Southeast Asia"}


def test_a_programme_that_expanded_to_regions_covers_them() -> None:
    text = (
        "The Border Watch Project began in West Africa. The project has since expanded to the Middle East "
        "and Southeast Asia."
    )
    ex = extract(document_from_text("Border Watch\n\n" + text, "memory://expanded", title="Border Watch"))
    labels = {e.key: e.label for e in ex.entities}
    covered = {labels[r.object] for r in ex.relations if r.predicate.value == "coversRegion"}
    assert {"Middle East", "Southeast Asia"} <= covered, covered
