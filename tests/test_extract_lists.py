"""Coordinated lists: which mentions a list after a cue holds, read straight from `lists.Mentions`."""

from __future__ import annotations

from crimjust_graph.documents import document_from_text
from crimjust_graph.extract.lists import ACTORS, Mentions
from crimjust_graph.extract.mentions import find_mentions
from crimjust_graph.extract.tokens import Context
from crimjust_graph.model import PLACE_KINDS


def _mentions_at(sentence: str, cue: str) -> tuple[Mentions, int]:
    """The sentence's mentions, and the token just after its first `cue`."""
    ctx = Context.build(document_from_text("Lists\n\n" + sentence, "memory://lists", title="Lists"))
    bodies, places = find_mentions(ctx)
    return Mentions(ctx, [*bodies, *places]), ctx.folded.index(cue, ctx.sentence_ranges[1].start) + 1


def listed_after(sentence: str, cue: str) -> list[str]:
    """The labels of the list that follows the first token `cue` in `sentence`."""
    mentions, at = _mentions_at(sentence, cue)
    return [m.known.label for m in mentions.after(at, ACTORS)]


def test_a_group_in_brackets_lists_its_members() -> None:
    found = listed_after(
        "The course was opened to national agencies (INTERPOL, Frontex and the WCO) last week.", "to"
    )
    assert found == ["INTERPOL", "Frontex", "World Customs Organization"]


def test_a_group_before_including_lists_its_members() -> None:
    found = listed_after("Officers came from law enforcement bodies, including Europol and Frontex.", "from")
    assert found == ["Europol", "Frontex"]


def test_a_group_before_such_as_lists_its_members() -> None:
    assert listed_after("Help came from partners such as Europol and Frontex.", "from") == [
        "Europol",
        "Frontex",
    ]


def test_a_list_goes_on_after_including() -> None:
    found = listed_after("Help came from INTERPOL, Frontex, including Europol and the WCO.", "from")
    assert found == ["INTERPOL", "Frontex", "Europol", "World Customs Organization"]


def test_as_well_as_joins_two_items() -> None:
    assert listed_after("Help came from INTERPOL as well as Europol.", "from") == ["INTERPOL", "Europol"]


def test_a_group_with_a_remark_in_brackets_lists_nothing() -> None:
    assert listed_after("Help came from officials (mostly former staff of Europol).", "from") == []


def test_a_group_then_a_verb_lists_nothing() -> None:
    assert listed_after("Help came from agencies that Europol trained.", "from") == []


def test_including_opens_no_list_of_its_own() -> None:
    assert listed_after("Help came from many sides, including Europol.", "from") == []


def test_a_unit_named_with_its_owner_in_front_is_the_item() -> None:
    found = listed_after(
        "Help came from Europol, the OSCE Harbour Management Staff College and Frontex.", "from"
    )
    assert found == ["Europol", "OSCE Harbour Management Staff College", "Frontex"]


def places_after(sentence: str, cue: str) -> list[str]:
    """The labels of the place list that `Mentions.forward` reads after the first token `cue`."""
    mentions, at = _mentions_at(sentence, cue)
    return [m.known.label for m in mentions.forward(at, PLACE_KINDS)]


def test_a_list_of_places_goes_on_after_a_repeated_in() -> None:
    found = places_after(
        "The scheme runs in Latin America (LAC) and in West and Central Africa (WCA) countries.", "in"
    )
    assert found == ["Latin America", "West and Central Africa"]


def test_a_repeated_in_before_a_body_ends_the_list() -> None:
    found = places_after("The scheme runs in Peru and in INTERPOL's view it works.", "in")
    assert found == ["Peru"]
