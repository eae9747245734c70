"""Known bodies and programmes: names any news on the topic uses are found with the right kind."""

from __future__ import annotations

import pytest

from crimjust_graph.documents import document_from_text
from crimjust_graph.extract import extract
from crimjust_graph.model import Kind


def entities(text: str) -> dict[str, Kind]:
    ex = extract(document_from_text("Bodies\n\n" + text, "memory://known", title="Bodies"))
    return {e.label: e.kind for e in ex.entities}


@pytest.mark.parametrize(
    ("sentence", "label", "kind"),
    [
        ("Analysts of the EMSC met harbour officials.", "European Migrant Smuggling Centre", Kind.PARTNER),
        ("The WAPIS team trained clerks.", "West African Police Information System", Kind.PROGRAMME),
        (
            "Funds came through GLO.ACT last year.",
            "Global Action against Trafficking in Persons and the Smuggling of Migrants",
            Kind.PROGRAMME,
        ),
        ("Officers of the EFCC seized parcels.", "Economic and Financial Crimes Commission", Kind.PARTNER),
        (
            "The Passenger and Cargo Border Team trained officers.",
            "Passenger and Cargo Border Team",
            Kind.PROGRAMME,
        ),
        ("Prosecutors of the EPPO met judges.", "European Public Prosecutor's Office", Kind.PARTNER),
    ],
)
def test_a_known_name_has_its_kind(sentence: str, label: str, kind: Kind) -> None:
    assert entities(sentence).get(label) is kind


def test_an_acronym_in_lower_case_is_a_word() -> None:
    assert entities("The eac of the harbour and the nca of the ship were checked.") == {}


def based_in(text: str) -> set[tuple[str, str]]:
    ex = extract(document_from_text("Bodies\n\n" + text, "memory://known", title="Bodies"))
    labels = {e.key: e.label for e in ex.entities}
    return {(labels[r.subject], labels[r.object]) for r in ex.relations if r.predicate.value == "basedIn"}


def test_a_known_national_body_is_based_in_its_country_when_the_text_names_it() -> None:
    assert ("Economic and Financial Crimes Commission", "Nigeria") in based_in(
        "The EFCC seized parcels at the port of Lagos, Nigeria."
    )
    assert based_in("The EFCC seized parcels.") == set()


def test_a_text_defining_a_known_acronym_for_another_name_keeps_its_own() -> None:
    found = entities("The Harbour Scanning Initiative (EMSC) trains port officers. EMSC is young.")
    assert found.get("Harbour Scanning Initiative") is Kind.PROGRAMME
    assert "European Migrant Smuggling Centre" not in found


def test_a_known_acronym_after_its_own_words_stays_the_known_body() -> None:
    found = entities("The Migrant Smuggling Centre (EMSC) of the EU trains port officers.")
    assert found.get("European Migrant Smuggling Centre") is Kind.PARTNER


def test_an_owner_before_a_known_programme_is_named_too() -> None:
    found = entities("The EU CRIMARIO project trained harbour officers.")
    assert found.get("CRIMARIO") is Kind.PROGRAMME
    assert found.get("European Union") is Kind.PARTNER


def test_a_un_office_at_a_city_is_one_body() -> None:
    found = entities("Officers met at the United Nations Office at Nairobi (UNON) last week.")
    assert found.get("United Nations Office at Nairobi") is Kind.PARTNER
    assert "United Nations" not in found


@pytest.mark.parametrize("written", ["MAOC (N)", "MAOC-N", "MAOC"])
def test_the_maritime_centre_in_its_usual_short_forms(written: str) -> None:
    found = entities(f"Analysts of the {written} tracked a harbour tug.")
    assert found.get("Maritime Analysis and Operations Centre - Narcotics") is Kind.PARTNER
