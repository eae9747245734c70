"""Mentions: where one capitalised run is two bodies, and where it stays one."""

from __future__ import annotations

from crimjust_graph.documents import document_from_text
from crimjust_graph.extract import extract
from crimjust_graph.model import Kind


def partners(text: str) -> set[str]:
    ex = extract(document_from_text("Bodies\n\n" + text, "memory://bodies", title="Bodies"))
    return {name for e in ex.entities if e.kind is Kind.PARTNER for name in (e.label, *e.aliases)}


def test_two_names_each_with_its_head_are_two_bodies() -> None:
    found = partners("Trainers of the Canada Border Services Agency and French Border Police took part.")
    assert "Canada Border Services Agency" in found
    assert "French Border Police" in found
    assert not any(" and " in name for name in found)


def test_and_inside_one_name_keeps_it_whole() -> None:
    found = partners("Officers of the Harbour Customs and Border Protection Agency took part.")
    assert "Harbour Customs and Border Protection Agency" in found


def test_a_short_name_in_brackets_is_the_same_body() -> None:
    ex = extract(
        document_from_text(
            "Bodies\n\nJudges met at the Sahel Judicial Harbour Platform (the Harbour Platform). "
            "Since 2010, the Harbour Platform has helped courts.",
            "memory://bodies",
            title="Bodies",
        )
    )
    programmes = [e for e in ex.entities if e.kind is Kind.PROGRAMME]
    assert [(e.label, "Harbour Platform" in e.aliases) for e in programmes] == [
        ("Sahel Judicial Harbour Platform", True)
    ]


def test_an_acronym_and_a_named_body_are_two() -> None:
    found = partners("Officers of the KPA and Kenya Navy inspected the port.")
    assert "Kenya Navy" in found
    assert not any(" and " in name for name in found)


def test_a_countrys_institution_in_lower_case_is_a_body_based_there() -> None:
    ex = extract(
        document_from_text(
            "Bodies\n\nThe course was opened by the head of the Maltese police, "
            "and the Norway embassy took part.",
            "memory://bodies",
            title="Bodies",
        )
    )
    labels = {e.key: e.label for e in ex.entities}
    based = {(labels[r.subject], labels[r.object]) for r in ex.relations if r.predicate.value == "basedIn"}
    assert ("Police of Malta", "Malta") in based
    assert ("Embassy of Norway", "Norway") in based


def test_officers_of_several_countries_police_are_no_body() -> None:
    found = partners("Maltese police officers and Greek, Cypriot and Maltese police met in Valletta.")
    assert not any("police" in name.casefold() for name in found)


def test_a_regional_office_of_unodc_is_unodc() -> None:
    ex = extract(
        document_from_text(
            "Bodies\n\nThe UNODC Regional Office for Central Asia organized a study visit to Tashkent, "
            "Uzbekistan on 3 May 2021.",
            "memory://bodies",
            title="Bodies",
        )
    )
    labels = {e.key: e.label for e in ex.entities}
    assert "United Nations Office on Drugs and Crime" in labels.values()
    assert not any("Regional Office" in label for label in labels.values())
    organisers = {labels[r.object] for r in ex.relations if r.predicate.value == "organisedBy"}
    assert organisers == {"United Nations Office on Drugs and Crime"}


def test_a_regional_office_of_another_body_stays_its_own() -> None:
    found = partners("The INTERPOL Regional Bureau in Nairobi, Kenya, hosted officers.")
    assert any("Regional Bureau" in name for name in found)


def test_a_known_acronym_before_a_new_bodys_name_is_part_of_it() -> None:
    found = partners("Trainers of the OSCE Harbour Management Staff College took part.")
    assert "OSCE Harbour Management Staff College" in found


def test_a_known_acronym_before_a_committees_meeting_stays_apart() -> None:
    found = partners("The 12th OSCE Harbour Coordinating Committee (HCC) meeting took place in Vienna.")
    assert "OSCE Harbour Coordinating Committee" not in found


def based_in(text: str) -> set[tuple[str, str]]:
    ex = extract(document_from_text("Bodies\n\n" + text, "memory://bodies", title="Bodies"))
    labels = {e.key: e.label for e in ex.entities}
    return {(labels[r.subject], labels[r.object]) for r in ex.relations if r.predicate.value == "basedIn"}


def test_a_country_opening_a_bodys_name_is_its_seat() -> None:
    assert ("Malta Harbour Services Agency", "Malta") in based_in(
        "Trainers of the Malta Harbour Services Agency took part."
    )


def test_a_country_before_a_body_in_another_phrase_is_not_its_seat() -> None:
    found = based_in("Trainers came from Malta. The Harbour Services Agency took part.")
    assert not any(body == "Harbour Services Agency" for body, _ in found)


def test_a_company_is_a_body() -> None:
    assert "Harbourware Ltd" in partners("The training was delivered by a team from Harbourware Ltd.")


def test_a_bare_company_suffix_is_no_body() -> None:
    assert not partners("The Ltd stayed closed.")


def test_an_unknown_acronym_based_somewhere_is_a_body_based_there() -> None:
    assert ("HWCX", "Malta") in based_in("The centres are HWCX based in Malta and others.")


def test_an_unknown_acronym_alone_is_no_body() -> None:
    assert "HWCX" not in partners("The centres use HWCX software in Malta.")


def programmes(text: str) -> set[str]:
    ex = extract(document_from_text("Bodies\n\n" + text, "memory://bodies", title="Bodies"))
    return {e.label for e in ex.entities if e.kind is Kind.PROGRAMME}


def test_an_acronym_in_brackets_inside_a_programmes_name_stays_in_it() -> None:
    assert "Better Harbour Management (BHM) Programme" in programmes(
        "The course is part of the Better Harbour Management (BHM) Programme."
    )


def test_an_acronym_in_brackets_after_a_name_ends_it() -> None:
    found = programmes("The Harbour Watch Programme (HWP) Training started.")
    assert "Harbour Watch Programme" in found
    assert not any("(" in name for name in found)


def test_a_project_named_after_its_head_word_is_a_programme() -> None:
    assert "Project Nightjar" in programmes("INTERPOL's Project Nightjar trains police academies.")


def test_a_project_post_is_no_programme() -> None:
    assert not programmes("The Project Manager trained police academies.")


def test_coordinated_embassies_are_one_body_each() -> None:
    found = based_in("Representatives from the Maltese and Norwegian Embassies and the Greek Embassy met.")
    for country in ("Malta", "Norway", "Greece"):
        assert (f"Embassy of {country}", country) in found


def test_embassies_without_a_country_are_no_body() -> None:
    assert not partners("Representatives from several Embassies met.")


def test_a_programme_for_a_region_keeps_the_region_in_its_name() -> None:
    assert "Regional Programme for West Africa" in programmes(
        "The workshop is part of the Regional Programme for West Africa (2016-2021)."
    )


def test_a_body_for_a_region_is_still_cut_before_it() -> None:
    assert "Regional Office for West Africa" not in partners("The Regional Office for West Africa met.")


def test_a_known_bodys_delegation_in_a_country_is_a_body_based_there() -> None:
    assert ("European Union delegation in Malta", "Malta") in based_in(
        "Officials from the European Union delegation in Malta took part."
    )


def test_a_known_bodys_delegation_without_a_place_is_the_body() -> None:
    assert not any("delegation" in name for name in partners("The European Union delegation took part."))


def test_a_known_bodys_delegation_named_alone_is_a_body() -> None:
    assert "EU Delegation" in partners("Representatives from the EU Delegation took part.")


def test_a_known_bodys_other_unit_named_alone_stays_the_body() -> None:
    assert "EU Headquarters" not in partners("Representatives from the EU Headquarters took part.")


def test_a_generic_police_name_keeps_its_country() -> None:
    found = partners("The Judiciary Police of Cabo Verde hosted the centre.")
    assert "Judiciary Police of Cabo Verde" in found


def test_a_body_known_by_its_english_and_its_own_name() -> None:
    text = (
        "The programme is implemented by the International and Ibero-American Foundation for Administration "
        "and Public Policies (FIIAPP)."
    )
    ex = extract(document_from_text("Bodies\n\n" + text, "memory://bodies", title="Bodies"))
    (fiiapp,) = [e for e in ex.entities if e.kind is Kind.PARTNER]
    assert fiiapp.acronym == "FIIAPP"
    assert (
        "International and Ibero-American Foundation for Administration and Public Policies" in fiiapp.aliases
    )


def test_a_plural_head_before_a_country_list_names_one_body_per_country() -> None:
    ex = extract(
        document_from_text(
            "Bodies\n\nThe meeting brought together the Customs Services of Ghana, Togo and Benin.",
            "memory://bodies",
            title="Bodies",
        )
    )
    label = {e.key: e.label for e in ex.entities}
    based = {(label[r.subject], label[r.object]) for r in ex.relations if r.predicate.value == "basedIn"}
    assert based == {
        ("Customs Service of Ghana", "Ghana"),
        ("Customs Service of Togo", "Togo"),
        ("Customs Service of Benin", "Benin"),
    }
    assert {e.label for e in ex.entities if e.kind is Kind.COUNTRY} == {"Ghana", "Togo", "Benin"}


def test_a_plural_head_before_one_country_is_left_alone() -> None:
    assert not any("Customs Service of" in name for name in partners("The Customs Services of Ghana met."))


def test_a_country_after_and_belongs_to_the_next_body() -> None:
    found = based_in(
        "Officers of Malta's National Drug Control Directorate and the Norway Narcotics Control Commission "
        "took part."
    )
    assert ("National Drug Control Directorate of Malta", "Malta") in found
    assert ("Narcotics Control Commission of Norway", "Norway") in found
    assert not any(body.startswith("National Drug") and place == "Norway" for body, place in found)


def test_a_country_after_of_still_names_the_bodys_seat() -> None:
    found = based_in("Officers of the National Harbour Directorate of Malta took part.")
    assert any(place == "Malta" for _, place in found)


def test_a_division_is_a_body_of_its_country() -> None:
    found = based_in("Officers of the Anti-Smuggling Division of Malta took part.")
    assert ("Anti-Smuggling Division", "Malta") in found


def test_a_division_of_labour_is_no_body() -> None:
    assert partners("The division of labour between Malta's agencies was discussed.") == set()


def test_an_acute_accent_as_apostrophe_keeps_the_name_whole() -> None:
    found = partners("Prosecutors from the Attorney General´s Office of Malta took part.")
    assert "Attorney General´s Office of Malta" in found


def test_a_city_opening_a_generic_name_is_the_bodys_seat() -> None:
    ex = extract(
        document_from_text(
            "Bodies\n\nTrainers came from the Boston Police Department.", "memory://b", title="Bodies"
        )
    )
    labels = {e.key: e.label for e in ex.entities}
    based = {(labels[r.subject], labels[r.object]) for r in ex.relations if r.predicate.value == "basedIn"}
    assert ("Boston Police Department", "Boston") in based
    assert "Boston" in labels.values()  # the city still counts as mentioned


def test_a_city_in_another_sentence_is_no_seat() -> None:
    assert based_in("Officers met in Boston. The Police Department trained them.") == set()


def test_coordinated_qualifiers_before_police_are_two_forces() -> None:
    found = based_in("Trainers came from the judicial and national police in Malta.")
    assert ("Judicial Police of Malta", "Malta") in found
    assert ("National Police of Malta", "Malta") in found


def test_police_officers_of_a_country_are_no_force() -> None:
    assert partners("Police officers of Malta and the police of Norway met.") == set()


def test_a_venue_named_after_its_city_is_not_based_there() -> None:
    assert not any(place == "Vienna" for _, place in based_in("Experts met at the Vienna Harbour Centre."))


def test_a_policy_framework_is_no_programme() -> None:
    ex = extract(
        document_from_text(
            "Bodies\n\nUnder the EU Policy Cycle - EMPACT, harbour police of ten countries checked ships.",
            "memory://b",
            title="Bodies",
        )
    )
    assert not [e.label for e in ex.entities if e.kind is Kind.PROGRAMME]


def test_two_peoples_before_one_head_name_no_body() -> None:
    found = partners("Yesterday, the Central Asian and Maltese Customs officials met in Valletta.")
    assert not any("Customs" in name for name in found)


def test_a_country_named_with_and_still_heads_its_body() -> None:
    assert "Trinidad and Tobago Harbour Police Service" in partners(
        "Officers of the Trinidad and Tobago Harbour Police Service met."
    )


def test_two_hyphenated_owners_before_a_programme_are_one_surface() -> None:
    ex = extract(
        document_from_text(
            "Bodies\n\nThe UNODC-WCO Harbour Screening Programme trained officers.",
            "memory://b",
            title="Bodies",
        )
    )
    [programme] = [e for e in ex.entities if e.kind is Kind.PROGRAMME]
    assert "UNODC-WCO Harbour Screening Programme" in programme.aliases


def test_an_acronym_after_and_the_names_only_the_second_body() -> None:
    found = partners("Yesterday, the Royal Harbour Police and the Port Screening Agency (PSA) met.")
    assert "Port Screening Agency" in found
    assert not any(name.startswith("Police and") for name in found)


def test_an_acronym_after_and_the_region_keeps_the_region_in_its_name() -> None:
    ex = extract(
        document_from_text(
            "Bodies\n\nThe Harbour Data Network for Asia and the Pacific (HDNAP) shares alerts.",
            "memory://b",
            title="Bodies",
        )
    )
    assert "Harbour Data Network for Asia and the Pacific" in {e.label for e in ex.entities}


def test_a_demonym_before_a_body_the_text_defines_is_its_country() -> None:
    found = based_in("Yesterday, the Dutch Harbour Fraud Investigation Service (HFIS) raided offices.")
    assert ("Harbour Fraud Investigation Service", "Netherlands") in found


def test_a_demonym_before_a_known_international_body_is_no_seat() -> None:
    assert based_in("Yesterday, the Dutch Europol liaison officers met.") == set()


def test_hellenic_names_greece() -> None:
    assert ("Police of Greece", "Greece") in based_in("Yesterday, the Hellenic Police arrested suspects.")


def test_a_name_closed_by_its_country_and_a_second_name_are_two_bodies() -> None:
    found = based_in("Yesterday, the Harbour Administration of Montenegro and Albanian Customs met.")
    assert ("Harbour Administration", "Montenegro") in found
    assert ("Customs of Albania", "Albania") in found


def test_a_country_named_with_and_closes_no_name() -> None:
    assert ("Harbour Ministry", "Trinidad and Tobago") in based_in(
        "Yesterday, the Harbour Ministry of Trinidad and Tobago met."
    )


def test_a_country_after_a_bracketed_acronym_is_the_bodys_seat() -> None:
    found = based_in("Yesterday, the Harbour Drug Secretariat (HDS) of Paraguay seized cocaine.")
    assert ("Harbour Drug Secretariat", "Paraguay") in found


def test_a_region_after_a_bracketed_acronym_is_no_seat() -> None:
    assert based_in("Yesterday, the Harbour Drug Secretariat (HDS) of the Caribbean met.") == set()


def test_a_known_acronym_before_a_new_bodys_name_is_named_too() -> None:
    found = partners("Trainers of the OSCE Harbour Management Staff College took part.")
    assert {
        "OSCE Harbour Management Staff College",
        "Organization for Security and Co-operation in Europe",
    } <= found
