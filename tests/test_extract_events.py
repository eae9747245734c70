"""Events: their fullest names, their dates in the common forms, and other events told in passing."""

from __future__ import annotations

import pytest

from crimjust_graph.documents import document_from_text
from crimjust_graph.extract import extract
from crimjust_graph.extract.dates import find_dates, opening_dateline
from crimjust_graph.model import Entity, Extraction, Kind


def run(text: str, issued: str | None = None) -> Extraction:
    return extract(document_from_text(text, "memory://events", title="Events", issued=issued))


def events(ex: Extraction) -> dict[str, Entity]:
    return {e.label: e for e in ex.entities if e.kind is Kind.EVENT}


def places_of(ex: Extraction, event: Entity) -> set[str]:
    label = {e.key: e.label for e in ex.entities}
    return {label[r.object] for r in ex.relations if r.subject == event.key and r.predicate.value == "heldIn"}


def test_an_event_named_by_the_bodies_in_its_noun_phrase() -> None:
    ex = run("Talks\n\nOn 3 May 2022, the 12th INTERPOL Harbour Security Working Group meeting opened.")
    assert "12th INTERPOL Harbour Security Working Group meeting" in events(ex)


def test_a_plain_meeting_gets_no_invented_name() -> None:
    ex = run("Port talks\n\nOn 3 May 2022, a short meeting opened in Accra, Ghana.")
    assert all(not e.label.startswith("On") for e in events(ex).values())
    assert {e.start for e in events(ex).values()} == {"2022-05-03"}


def test_a_previous_event_keeps_its_own_date_and_place() -> None:
    ex = run(
        "Chiefs meet\n\nThe first meeting of the Harbour Committee was held in Accra, Ghana, on 2 July 2014. "
        "The meeting followed up decisions taken during their meeting in Lomé on 10-11 February 2014."
    )
    found = events(ex)
    dated = {e.start: e for e in found.values()}
    assert set(dated) == {"2014-07-02", "2014-02-10"}
    assert "Lomé" not in places_of(ex, dated["2014-07-02"])
    assert "Lomé" in places_of(ex, dated["2014-02-10"])


def test_a_mention_of_the_same_event_is_not_split() -> None:
    ex = run(
        "Chiefs meet\n\nThe regional meeting was held in Accra, Ghana, on 2 July 2014. "
        "The meeting in Accra adopted a plan."
    )
    assert [e.start for e in events(ex).values()] == ["2014-07-02"]


def test_a_named_event_in_passing_takes_no_later_participants() -> None:
    ex = run(
        "Chiefs meet\n\nThe regional meeting was held in Accra, Ghana, on 2 July 2014. It carried out a plan "
        "endorsed by the 23rd Harbour Summit held in Lomé, Togo, on 20-27 June 2014. "
        "Representatives of INTERPOL also participated in the meeting."
    )
    label = {e.key: e.label for e in ex.entities}
    summit = events(ex)["23rd Harbour Summit"]
    assert summit.start == "2014-06-20"
    took_part = {
        (label[r.subject], label[r.object]) for r in ex.relations if r.predicate.value == "hasParticipant"
    }
    assert ("23rd Harbour Summit", "INTERPOL") not in took_part
    assert any(obj == "INTERPOL" for _, obj in took_part)


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("from 30 November to 1 December", "2022-11-30", "2022-12-01"),
        ("between 24 and 26 April", "2022-04-24", "2022-04-26"),
        ("from 5 to 7 November 2019", "2019-11-05", "2019-11-07"),
        ("on 24 July", "2022-07-24", None),
        ("in July 2019", "2019-07", None),
    ],
)
def test_date_ranges_with_the_year_from_context(text: str, start: str, end: str | None) -> None:
    assert [(d.start, d.end) for d in find_dates(text, 2022)] == [(start, end)]


@pytest.mark.parametrize(
    ("body", "issued"),
    [
        ("ADDIS ABABA, Ethiopia, July 3, 2014/Press Agency/ — The meeting", "2014-07-03"),
        ("Bangkok (Thailand), 25 july 2011 - Delegates said", "2011-07-25"),
        ("Nairobi - July 2018 : UNODC today launched", "2018-07"),
        ("Lima, 4 May 2020 – The workshop", "2020-05-04"),
    ],
)
def test_datelines(body: str, issued: str) -> None:
    found = opening_dateline("Title\n\n" + body)
    assert found is not None and found[0] == issued


@pytest.mark.parametrize("body", ["The workshop took place in 2019 - officials said", "Officials met Monday"])
def test_no_dateline_without_a_place_and_a_day_or_month(body: str) -> None:
    assert opening_dateline("Title\n\n" + body) is None


def test_a_span_of_years_is_no_event_date() -> None:
    ex = run("Training\n\nThe workshop, part of the Harbour Programme (2016-2021), trained officers.")
    assert all(e.start is None for e in events(ex).values())


def test_concluded_today_dates_the_end() -> None:
    ex = run("Training\n\nDUSHANBE, 15 August 2014 – A week-long workshop for officers concluded today.")
    (workshop,) = events(ex).values()
    assert (workshop.start, workshop.end) == ("2014-08", "2014-08-15")


def test_opened_today_dates_the_start() -> None:
    ex = run("Training\n\nDUSHANBE, 15 August 2014 – A week-long workshop for officers opened today.")
    (workshop,) = events(ex).values()
    assert workshop.start == "2014-08-15"


def test_the_next_sentence_about_the_event_gives_its_date_and_place() -> None:
    ex = run(
        "Chiefs meet\n\nThe project was represented at the 48th Harbour Chiefs Committee meeting. "
        "This was convened in Accra, Ghana, from 4–6 March 2024."
    )
    (meeting,) = events(ex).values()
    assert meeting.start == "2024-03-04"
    assert {"Accra", "Ghana"} <= places_of(ex, meeting)


def test_an_unnamed_event_is_called_by_its_noun_phrase_with_topic() -> None:
    ex = run("Training\n\nOn 2 March 2015, INTERPOL held a specialised training on document fraud in Dakar.")
    assert "specialised training on document fraud" in events(ex)


def test_two_mentions_joined_by_and_are_one_event() -> None:
    ex = run("Visit\n\nOn 30 November 2022, UNODC promoted an exchange visit and a seminar on port control.")
    assert len(events(ex)) == 1
    ex = run("Visit\n\nOn 30 November 2022, UNODC held a seminar. On 2 December 2022, it held a workshop.")
    assert len(events(ex)) == 2


def test_action_days_are_an_event_and_other_days_are_not() -> None:
    ex = run("Checks\n\nIn May 2023 the EMPACT Joint Action Days targeted firearms trafficking in Greece.")
    assert "EMPACT Joint Action Days" in events(ex)
    ex = run("Checks\n\nIn May 2023 officers spent three days in Greece checking ports.")
    assert not events(ex)


def test_a_date_belongs_to_the_event_nearest_to_it() -> None:
    ex = run(
        "Meeting\n\nOn 24 October 2022 the regional meeting on precursors opened in Bucharest. "
        "Its results will go to the meeting of ministers in Vienna, the 16th Harbour Policy Group Meeting "
        "on 5-6 December 2022."
    )
    starts = {e.label: e.start for e in events(ex).values()}
    assert starts.get("regional meeting on precursors") == "2022-10-24"


def test_a_programme_named_before_an_event_stays_in_its_name() -> None:
    ex = run("Meeting\n\nThe Paris Pact Expert Working Group Meeting opened on 24 October 2022.")
    assert "Paris Pact Expert Working Group Meeting" in events(ex)


def test_an_event_in_a_series_is_dated_and_years_of_operation_are_no_event() -> None:
    ex = run(
        "Training\n\nNairobi - July 2018 : UNODC today launched the first in a series of twenty 5-day "
        "regional training workshops on border control at the UN complex."
    )
    assert [e.start for e in events(ex).values()] == ["2018-07"]
    ex = run("Unit\n\nThe port control unit in Accra marked five years of operation in 2018.")
    assert not events(ex)


def test_a_presentation_is_an_event_only_when_it_presents_a_programme() -> None:
    ex = run(
        "Dialogue\n\nOn 3 December 2018 a regional meeting opened in Abuja, Nigeria. The national agency "
        "delivered a presentation on seizures at Lagos airport."
    )
    assert [e.event_type for e in events(ex).values()] == ["meeting"]
    ex = run("Launch\n\nThe presentation of the Harbour Shield Programme took place in Lima on 4 May 2019.")
    assert [e.event_type for e in events(ex).values()] == ["presentation"]


def test_a_committee_that_met_is_a_meeting_named_by_its_noun_phrase() -> None:
    ex = run(
        "Committee\n\nThe annual steering committee of the Harbour Shield Programme met in Lomé, Togo, from "
        "5 to 7 November 2019. The meeting was organised by UNODC."
    )
    (meeting,) = events(ex).values()
    assert meeting.label == "annual steering committee of the Harbour Shield Programme"
    assert meeting.start == "2019-11-05"
    ex = run("Committee\n\nThe steering committee of the Harbour Shield Programme approved a budget in 2019.")
    assert not events(ex)


def test_a_place_before_the_trigger_tells_which_event_not_a_new_one() -> None:
    ex = run(
        "Port officers train\n\nOn 4 March 2021, UNODC opened a two-day workshop in Mombasa, Kenya. "
        "The officers said the Mombasa workshop would serve as a model for others."
    )
    found = events(ex)
    assert len(found) == 1, found
    (workshop,) = found.values()
    assert workshop.start == "2021-03-04"
    assert "Mombasa workshop" in workshop.aliases
    assert places_of(ex, workshop) == {"Mombasa", "Kenya"}


def test_a_proper_name_before_the_trigger_still_names_an_event() -> None:
    ex = run("Port officers train\n\nOn 4 March 2021, the Harbour Shield workshop opened in Mombasa, Kenya.")
    assert "Harbour Shield workshop" in events(ex)


def test_a_headline_naming_the_event_does_not_hide_the_place_where_agencies_met() -> None:
    ex = run(
        "Accra meeting on port controls\n\nPort agencies met in Accra, Ghana, in July 2021 to review. "
        "The meeting was organised by UNODC."
    )
    (meeting,) = events(ex).values()
    assert places_of(ex, meeting) == {"Accra", "Ghana"}
    assert meeting.start == "2021-07"


def test_announced_and_asked_for_events_are_not_reported_events() -> None:
    ex = run(
        "Port unit\n\nOn 3 May 2021 a ceremony opened the port unit in Accra, Ghana. The Harbour Police "
        "announced new training on container inspection for 2022. The officers asked UNODC to support a "
        "follow-up meeting later in 2021."
    )
    assert len(events(ex)) == 1, events(ex)
    assert not any("training" in name.casefold() or name == "Meeting" for name in events(ex))


def test_an_event_a_body_will_hold_is_still_an_event() -> None:
    ex = run("Summit\n\nThe Harbour Police will hold a ministerial meeting on 12 April 2022 in Accra, Ghana.")
    assert len(events(ex)) == 1


def test_a_verb_before_the_event_is_no_part_of_its_names() -> None:
    ex = run(
        "Talks\n\nOn 3 May 2021 ECOWAS and UNODC hold regional dialogue on drug trafficking in Abuja. "
        "Its secretariat coordinates training and research."
    )
    names = [n for e in events(ex).values() for n in (e.label, *e.aliases)]
    assert names and not [n for n in names if "hold" in n.split() or "coordinates" in n.split()], names


def test_who_will_attend_later_takes_no_part_in_the_reported_event() -> None:
    """A clause about something planned ('officials from Benin will attend later sessions') lends its
    participants to the reported event only when it names that event itself."""
    ex = run(
        "Port workshop\n\nUNODC organised a workshop in Accra on 3 May 2021. Officials from Ghana and Togo "
        "attended the workshop; officials from Benin will attend later sessions."
    )
    label = {e.key: e.label for e in ex.entities}
    taking_part = {label[r.object] for r in ex.relations if r.predicate.value == "hasParticipant"}
    assert taking_part == {"Ghana", "Togo"}
    ex = run(
        "Port workshop\n\nUNODC organised a workshop in Accra on 3 May 2021; officials from Benin will "
        "attend the workshop's second week."
    )
    label = {e.key: e.label for e in ex.entities}
    taking_part = {label[r.object] for r in ex.relations if r.predicate.value == "hasParticipant"}
    assert "Benin" in taking_part  # the planned clause names the reported event itself
