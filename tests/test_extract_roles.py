"""An event's participants, organisers and venue from the clause that names them."""

from __future__ import annotations

from crimjust_graph.documents import document_from_text
from crimjust_graph.extract import extract
from crimjust_graph.model import Extraction, Kind


def run(text: str) -> Extraction:
    return extract(document_from_text("Roles\n\n" + text, "memory://roles", title="Roles"))


def roles(ex: Extraction, predicate: str) -> set[str]:
    label = {e.key: e.label for e in ex.entities}
    return {label[r.object] for r in ex.relations if r.predicate.value == predicate}


def test_countries_a_few_words_after_from_took_part() -> None:
    ex = run(
        "On 3 May 2021 a regional workshop was held in Accra, Ghana. It brought together officials from "
        "police forces and courts in Togo, Benin and Niger."
    )
    assert {"Togo", "Benin", "Niger"} <= roles(ex, "hasParticipant")


def test_countries_listed_after_a_dash_following_from() -> None:
    ex = run(
        "On 3 May 2021 a regional workshop was held in Accra, Ghana. Attendees included delegates from the "
        "four partner countries - Togo, Benin, Niger and Mali."
    )
    assert {"Togo", "Benin", "Niger", "Mali"} <= roles(ex, "hasParticipant")


def test_a_country_list_in_another_phrase_is_no_participant() -> None:
    ex = run(
        "On 3 May 2021 a regional workshop was held in Accra, Ghana, with experts from the port authority. "
        "The workshop discussed cocaine routes to Togo, Benin and Niger."
    )
    assert not {"Togo", "Benin", "Niger"} & roles(ex, "hasParticipant")


def test_a_planned_event_keeps_its_place() -> None:
    ex = run(
        "Agencies met in Brussels, Belgium, in July 2019 to review routes. The meeting was organised by the "
        "European Commission. Partners were invited to the next session, to be held in Lisbon, Portugal."
    )
    places = roles(ex, "heldIn")
    assert {"Brussels", "Belgium"} <= places
    assert not {"Lisbon", "Portugal"} & places
    (meeting,) = [e for e in ex.entities if e.kind is Kind.EVENT]
    assert meeting.start == "2019-07"


def test_a_place_where_the_event_was_held_is_kept() -> None:
    ex = run("The meeting was organised by the European Commission. It was held in Lisbon, Portugal.")
    assert {"Lisbon", "Portugal"} <= roles(ex, "heldIn")


def test_people_a_body_sends_stand_for_it() -> None:
    ex = run(
        "On 3 May 2021 a regional workshop was held in Accra, Ghana. INTERPOL staff presented the notice "
        "system, and the Public Ministry of Panama described recent cases."
    )
    took_part = roles(ex, "hasParticipant")
    assert "INTERPOL" in took_part
    assert any("Public Ministry" in name for name in took_part)


def test_a_possessive_country_in_a_list_gives_its_body_not_itself() -> None:
    ex = run(
        "On 3 May 2021 a regional workshop was held in Accra, Ghana. Delegations from INTERPOL and the "
        "Dominican Republic's National Drug Control Directorate took part."
    )
    took_part = roles(ex, "hasParticipant")
    assert "Dominican Republic" not in took_part
    assert any("National Drug Control Directorate" in name for name in took_part)


def test_the_dateline_city_is_the_venue_when_the_event_names_none() -> None:
    ex = run(
        "DUSHANBE, 15 August 2014 – A week-long workshop for border officers concluded today. Officers "
        "from Tajikistan and Iran took part."
    )
    assert {"Dushanbe", "Tajikistan"} <= roles(ex, "heldIn")
    ex = run("24-25 October 2022, Bucharest, Romania: The expert meeting on precursors was hosted by SELEC.")
    assert {"Bucharest", "Romania"} <= roles(ex, "heldIn")


def test_the_dateline_city_yields_to_the_venue_the_event_names() -> None:
    ex = run("DAKAR, 15 August 2014 – A workshop for border officers opened today in Accra, Ghana.")
    assert roles(ex, "heldIn") == {"Accra", "Ghana"}


def test_where_bodies_sit_or_people_come_from_is_no_venue() -> None:
    ex = run(
        "On 3 May 2021 a regional workshop was held in Accra, Ghana, with officials from agencies in Togo "
        "and Benin. The centres based in Niger and Mali sent analysts."
    )
    assert not {"Togo", "Benin", "Niger", "Mali"} & roles(ex, "heldIn")


def test_a_venue_city_takes_its_country_named_in_another_sentence() -> None:
    ex = run("The regional workshop was held in Accra on 3 May 2021. Ghana hosts the regional office.")
    assert {"Accra", "Ghana"} <= roles(ex, "heldIn")


def test_organisers_across_a_short_phrase_or_an_insertion() -> None:
    ex = run("On 3 May 2021 a regional meeting was organised in Accra by the World Customs Organization.")
    assert "World Customs Organization" in roles(ex, "organisedBy")
    ex = run("The course, held on 3 May 2021 in Accra, was co-organised with INTERPOL.")
    assert "INTERPOL" in roles(ex, "organisedBy")
    ex = run(
        "INTERPOL, within the framework of the Harbour Shield Programme, held a regional meeting in Accra "
        "on 3 May 2021."
    )
    assert {"INTERPOL", "Harbour Shield Programme"} <= roles(ex, "organisedBy")


def test_no_organiser_from_another_clause() -> None:
    ex = run("On 3 May 2021 a regional meeting was organised in Accra, and officers praised INTERPOL.")
    assert "INTERPOL" not in roles(ex, "organisedBy")


def test_a_topic_place_is_no_venue() -> None:
    ex = run(
        "On 3 May 2021 a regional workshop opened in Accra, Ghana. In the workshop the security situation "
        "in Mali was discussed."
    )
    assert "Mali" not in roles(ex, "heldIn")
    assert {"Accra", "Ghana"} <= roles(ex, "heldIn")


def test_a_list_after_including_took_part() -> None:
    ex = run(
        "On 3 May 2021 a regional workshop opened in Accra, Ghana. It was attended by 20 participants, "
        "including representatives of the G5 Sahel and INTERPOL."
    )
    assert {"G5 Sahel", "INTERPOL"} <= roles(ex, "hasParticipant")


def test_a_planned_event_lends_no_participants() -> None:
    ex = run(
        "On 3 May 2019 a joint maritime operation ended in Cartagena, Colombia. A similar operation is "
        "planned along the coast of West Africa, with the participation of ECOWAS member states."
    )
    assert "Economic Community of West African States" not in roles(ex, "hasParticipant")
    ex = run(
        "On 3 May 2019 a joint maritime operation ended in Cartagena, Colombia. The operation saw the "
        "participation of ECOWAS."
    )
    assert "Economic Community of West African States" in roles(ex, "hasParticipant")


def test_delegations_of_countries_took_part() -> None:
    ex = run(
        "On 3 May 2021 a regional workshop was held in Accra, Ghana. The delegations of Togo and Benin "
        "shared their practices."
    )
    assert {"Togo", "Benin"} <= roles(ex, "hasParticipant")


def test_those_in_attendance_and_the_co_chairs_took_part() -> None:
    ex = run(
        "Co-chaired by Malta and Norway, the harbour security meeting was held in Valletta on 3 May 2021. "
        "Also in attendance were INTERPOL cooperating partners, including the World Customs Organization, "
        "Harbour Watch Bureau Nine, and Europol."
    )
    found = roles(ex, "hasParticipant")
    assert {"Malta", "Norway", "World Customs Organization", "Europol"} <= found
    assert "INTERPOL" not in found  # it only qualifies the partners named after 'including'


def test_a_list_in_attendance_is_no_participant_without_an_event() -> None:
    ex = run("Malta and Norway were in attendance of the vote on the harbour law.")
    assert not roles(ex, "hasParticipant")


def test_an_event_under_a_programme_is_organised_by_it() -> None:
    ex = run(
        "On 3 May 2021 a study visit of port officers took place in Valletta, Malta, under the Harbour "
        "Shield Programme."
    )
    assert "Harbour Shield Programme" in roles(ex, "organisedBy")


def test_a_programme_a_funder_pays_under_organises_nothing() -> None:
    ex = run(
        "On 3 May 2021 a study visit of port officers took place in Valletta, Malta. It was funded by the "
        "European Commission under the Harbour Shield Programme."
    )
    assert "Harbour Shield Programme" not in roles(ex, "organisedBy")


def test_a_place_based_modifier_does_not_end_the_list_of_attendees() -> None:
    ex = run(
        "On 3 May 2021 a harbour security workshop was held in Valletta, Malta. Representatives of the "
        "Athens-based Harbour Watch Centre and the Tunis-based Joint Planning Cell also attended."
    )
    assert {"Harbour Watch Centre", "Joint Planning Cell"} <= roles(ex, "hasParticipant")


def test_a_titled_group_then_including_names_who_took_part() -> None:
    ex = run(
        "The meeting was held in Valletta, Malta, on 3 May 2021. It brought together Heads of Regional "
        "Harbour Chiefs’ Organizations, including: the Harbour Watch Bureau (HWB), INTERPOL and Europol."
    )
    assert {"Harbour Watch Bureau", "INTERPOL", "Europol"} <= roles(ex, "hasParticipant")


def test_a_titled_group_of_a_body_without_including_names_no_list() -> None:
    ex = run(
        "The meeting was held in Valletta, Malta, on 3 May 2021. It brought together Heads of Harbour "
        "Units to hear INTERPOL and Europol on their reports."
    )
    assert not {"INTERPOL", "Europol"} & roles(ex, "hasParticipant")


def test_a_list_of_countries_after_in_is_no_list_of_venues() -> None:
    ex = run(
        "On 3 May 2021 a regional workshop on harbour crime took place, involving the units in charge in "
        "Togo, Benin and Niger."
    )
    assert not {"Benin", "Niger"} & roles(ex, "heldIn")


def test_a_city_then_its_country_are_both_venues() -> None:
    ex = run("On 3 May 2021 a regional workshop on harbour crime took place in Cotonou, Benin.")
    assert {"Cotonou", "Benin"} <= roles(ex, "heldIn")


def test_the_owner_of_the_organising_unit_organised_too() -> None:
    ex = run("On 3 May 2021 INTERPOL's Harbour Prevention Team organized in Valletta a regional workshop.")
    assert {"Harbour Prevention Team", "INTERPOL"} <= roles(ex, "organisedBy")


def test_a_unit_named_without_its_owner_brings_no_owner() -> None:
    ex = run("On 3 May 2021 the Harbour Prevention Team organized in Valletta a workshop for INTERPOL.")
    assert "INTERPOL" not in roles(ex, "organisedBy")


def test_a_body_that_sent_people_took_part() -> None:
    ex = run(
        "On 3 May 2021 a regional workshop was held in Accra, Ghana. The Togo Revenue Authority sent two "
        "observers and the Benin Harbour Police sent a liaison officer."
    )
    assert {"Revenue Authority of Togo", "Benin Harbour Police"} <= roles(ex, "hasParticipant")


def test_a_body_that_sent_a_letter_did_not_take_part() -> None:
    ex = run(
        "On 3 May 2021 a regional workshop was held in Accra, Ghana. The Togo Revenue Authority sent a "
        "letter of thanks afterwards."
    )
    assert "Revenue Authority of Togo" not in roles(ex, "hasParticipant")


def test_the_body_before_an_aside_took_part_not_the_place_inside_it() -> None:
    ex = run(
        "On 3 May 2021 a conference was held in Vienna, Austria. The Harbour Board, based in Lisbon, "
        "Portugal, also took part and described its system."
    )
    assert "Harbour Board" in roles(ex, "hasParticipant")
    assert "Portugal" not in roles(ex, "hasParticipant")


def test_a_country_opening_the_clause_still_took_part() -> None:
    ex = run(
        "On 3 May 2021 a conference was held in Vienna, Austria. Portugal, Spain and Italy also took part."
    )
    assert {"Portugal", "Spain", "Italy"} <= roles(ex, "hasParticipant")


def test_places_of_earlier_sessions_are_not_the_venue() -> None:
    ex = run(
        "On 3 May 2021 a training course opened in Accra, Ghana. The course was the third of its kind, after "
        "similar sessions in Lomé, Togo, and Cotonou, Benin."
    )
    assert roles(ex, "heldIn") == {"Accra", "Ghana"}


def test_who_delivered_the_event_organised_it() -> None:
    ex = run(
        "On 3 May 2021 a training course opened in Accra, Ghana. The course was delivered by the Harbour "
        "Shield Programme (HSP), which is run by UNODC in partnership with INTERPOL."
    )
    assert roles(ex, "organisedBy") == {"Harbour Shield Programme"}


def test_a_partnership_of_the_event_itself_names_its_organisers() -> None:
    ex = run("On 3 May 2021 a meeting, which is held in cooperation with INTERPOL, opened in Accra, Ghana.")
    assert "INTERPOL" in roles(ex, "organisedBy")


def test_trainers_from_a_body_took_part() -> None:
    ex = run(
        "On 3 May 2021 a training course opened in Accra, Ghana. Trainers from the World Customs "
        "Organization taught risk profiling."
    )
    assert "World Customs Organization" in roles(ex, "hasParticipant")


def test_who_is_invited_to_the_next_session_did_not_take_part_in_this_one() -> None:
    ex = run(
        "On 3 May 2021 a meeting opened in Accra, Ghana. Europol took part. Representatives of INTERPOL were "
        "invited to the next session, to be held in Lomé, Togo."
    )
    assert roles(ex, "hasParticipant") == {"Europol"}
    assert roles(ex, "heldIn") == {"Accra", "Ghana"}


def test_the_body_that_invited_organised_and_the_one_represented_took_part() -> None:
    ex = run(
        "At the invitation of the Harbour Police Organization (HPO), the Harbour Shield Programme was "
        "represented at the HPO annual meeting held in Accra, Ghana, on 3 May 2021."
    )
    assert roles(ex, "organisedBy") == {"Harbour Police Organization"}
    assert roles(ex, "hasParticipant") == {"Harbour Shield Programme"}


def test_a_body_that_delivered_a_workshop_organised_it() -> None:
    ex = run("On 3 May 2021, the Harbour Police Organization delivered a workshop on port controls in Accra.")
    assert roles(ex, "organisedBy") == {"Harbour Police Organization"}
    assert roles(ex, "hasParticipant") == set()


def test_a_body_that_delivered_a_speech_at_a_workshop_took_part() -> None:
    ex = run(
        "On 3 May 2021 a workshop on port controls opened in Accra. The Harbour Police Organization "
        "delivered a speech on seizures."
    )
    assert roles(ex, "hasParticipant") == {"Harbour Police Organization"}


def test_colleagues_from_a_countrys_body_give_the_body() -> None:
    ex = run(
        "A workshop took place in Accra, Ghana, on 9 April 2019. Officers from the Ghana Police Service took "
        "part, along with colleagues from Togo's Harbour Police and from Benin and Niger."
    )
    found = roles(ex, "hasParticipant")
    assert {"Police Service of Ghana", "Benin", "Niger"} <= found
    assert "Togo" not in found
    assert any("Harbour Police" in name for name in found), found


def test_present_tense_participation_of_countries_named_by_adjective() -> None:
    ex = run(
        "A meeting on ports opened in Accra, Ghana, on 3 May 2021. Togolese and Beninese authorities "
        "participate in the meeting."
    )
    assert {"Togo", "Benin"} <= roles(ex, "hasParticipant")


def test_a_date_after_the_topic_is_not_part_of_the_events_name() -> None:
    ex = run("An exchange mission on police cooperation on 3 May 2021 brought officers to Accra, Ghana.")
    labels = {e.label for e in ex.entities if e.kind is Kind.EVENT}
    assert labels == {"exchange mission on police cooperation"}


def test_bodies_in_a_helping_aside_took_part_too() -> None:
    ex = run(
        "From 2 to 6 October 2022 the Harbour Sweep operation targeted arms smuggling in ports. In all, 14 "
        "countries, backed by INTERPOL, Frontex and a few other partners, took part in the operation."
    )
    assert {"INTERPOL", "Frontex"} <= roles(ex, "hasParticipant")


def test_an_aside_that_only_describes_the_subject_adds_no_participant() -> None:
    ex = run(
        "From 2 to 6 October 2022 the Harbour Sweep operation targeted arms smuggling in ports. Port police, "
        "trained in 2020 with INTERPOL material, took part in the operation."
    )
    assert "INTERPOL" not in roles(ex, "hasParticipant")


def test_a_helping_phrase_cut_off_by_a_relative_clause_adds_no_participant() -> None:
    ex = run(
        "From 2 to 6 October 2022 the Harbour Sweep operation targeted arms smuggling in ports. Port police, "
        "supported by Frontex, which has trained 300 officers, also took part."
    )
    assert "Frontex" not in roles(ex, "hasParticipant")


def test_a_body_qualifying_the_event_noun_organised_it() -> None:
    ex = run("The first regional INTERPOL meeting for heads of police academies took place in Seoul in 2023.")
    assert roles(ex, "organisedBy") == {"INTERPOL"}


def test_a_body_qualifying_the_event_noun_yields_to_a_named_host() -> None:
    ex = run(
        "The World Customs Organization hosted the first Blue Reef Programme Steering Committee meeting in "
        "Brussels on 4 May 2023."
    )
    assert "Blue Reef Programme" not in roles(ex, "organisedBy")
    assert "World Customs Organization" in roles(ex, "organisedBy")


def test_a_body_after_a_preposition_in_the_event_phrase_organised_nothing() -> None:
    ex = run("A regional meeting on INTERPOL databases took place in Seoul in May 2023.")
    assert "INTERPOL" not in roles(ex, "organisedBy")


def test_experts_of_a_body_who_gave_an_update_speak_for_it() -> None:
    ex = run(
        "The expert group meeting on precursors was held in Vienna on 3 May 2023. The experts of the "
        "International Narcotics Control Board provided an update on precursor control, and UNODC gave an "
        "overview of seizures."
    )
    assert {"International Narcotics Control Board", "United Nations Office on Drugs and Crime"} <= roles(
        ex, "hasParticipant"
    )


def test_a_report_about_a_body_that_gave_an_update_adds_no_participant() -> None:
    ex = run(
        "The expert group meeting on precursors was held in Vienna on 3 May 2023. A study of the "
        "International Narcotics Control Board provided an update on precursor control."
    )
    assert "International Narcotics Control Board" not in roles(ex, "hasParticipant")


def test_bodies_before_a_long_aside_who_made_contributions_took_part() -> None:
    ex = run(
        "The regional workshop on port control was held in Accra, Ghana, on 3 May 2023. INTERPOL and the "
        "World Customs Organization, key partners in the implementation of the programme in West Africa and "
        "the Sahel, also provided valuable contributions to the workshop."
    )
    assert {"INTERPOL", "World Customs Organization"} <= roles(ex, "hasParticipant")


def test_a_place_inside_a_long_aside_is_no_participant() -> None:
    ex = run(
        "The regional workshop on port control was held in Accra, Ghana, on 3 May 2023. The World Customs "
        "Organization, whose experts work in ports across Togo and Benin and the wider region, took part."
    )
    found = roles(ex, "hasParticipant")
    assert "World Customs Organization" in found
    assert not {"Togo", "Benin"} & found
