"""Clause frames: sentences cut into clauses, each saying who did what, with whom, where and as which action.

The sentences are invented for these tests.
"""

from __future__ import annotations

from crimjust_graph.documents import document_from_text
from crimjust_graph.extract import frames
from crimjust_graph.extract.frames import ClauseKind, Frame, Modality
from crimjust_graph.extract.lists import Mentions
from crimjust_graph.extract.mentions import find_mentions
from crimjust_graph.extract.tokens import Context

UNODC = "United Nations Office on Drugs and Crime"


def read(body: str) -> tuple[Context, Mentions, Mentions]:
    ctx = Context.build(document_from_text("A news item\n\n" + body, "memory://frames", title="Frames"))
    found_bodies, found_places = find_mentions(ctx)
    return ctx, Mentions(ctx, found_bodies), Mentions(ctx, found_places)


def clauses(body: str) -> list[tuple[Context, Frame]]:
    """Every frame of the body's sentences (the headline's left out)."""
    ctx, bodies, places = read(body)
    return [(ctx, f) for s in range(1, len(ctx.sentences)) for f in frames.frames_of(bodies, places, s)]


def labels(mentions: tuple[object, ...]) -> list[str]:
    return [m.known.label for m in mentions]  # type: ignore[attr-defined]


def test_a_participial_phrase_is_a_clause_of_its_own() -> None:
    found = clauses("UNODC organised a workshop in Accra, funded by the European Union.")
    kinds = [f.clause.kind for _, f in found]
    assert kinds == [ClauseKind.MAIN, ClauseKind.PARTICIPIAL]
    main, funded = (f for _, f in found)
    assert labels(main.actors) == [UNODC]
    assert labels(main.places) == ["Accra"]
    assert labels(funded.agents) == ["European Union"]
    assert labels(funded.supporters) == ["European Union"]
    assert labels(main.supporters) == []


def test_a_relative_clause_ends_where_the_main_clause_resumes() -> None:
    found = clauses(
        "The Harbour Shield Programme, which is run by UNODC in partnership with the WCO, supports Ghana."
    )
    kinds = [f.clause.kind for _, f in found]
    assert kinds == [ClauseKind.MAIN, ClauseKind.RELATIVE, ClauseKind.MAIN]
    relative, resumed = found[1][1], found[2][1]
    assert labels(relative.agents) == [UNODC]
    assert labels(relative.partners) == ["World Customs Organization"]
    assert labels(resumed.actors) == ["Harbour Shield Programme"]  # the programme supports Ghana, not the WCO
    assert resumed.clause.modality is Modality.PRESENT


def test_a_semicolon_starts_a_clause_and_a_planned_event_is_planned() -> None:
    found = clauses("INTERPOL held a meeting in Lyon; the next session is to be held in Madrid.")
    first, second = (f for _, f in found)
    assert second.clause.kind is ClauseKind.COORDINATED
    assert first.clause.modality is Modality.PAST
    assert second.clause.modality is Modality.PLANNED
    assert labels(first.places) == ["Lyon"]
    assert labels(second.places) == ["Madrid"]


def test_a_previous_event_is_told_as_previous() -> None:
    ((_, frame),) = clauses("After similar sessions in Dakar, officers met in Banjul.")
    assert frame.clause.modality is Modality.PREVIOUS
    ((_, frame),) = clauses("Officers met in Banjul.")
    assert frame.clause.modality is Modality.PAST


def test_a_programme_frame_and_the_cues_of_the_table() -> None:
    ((ctx, frame),) = clauses("The WCO hosted a seminar as part of the Harbour Shield Programme.")
    assert labels(frame.programmes) == ["Harbour Shield Programme"]
    assert frame.clause.verb is not None and ctx.words[frame.clause.verb] == "hosted"
    assert {h.cue.phrase for h in frame.clause.cues} >= {"hosted", "as part of"}
    ((_, frame),) = clauses("The WCO hosted a seminar on the Harbour Shield Programme.")
    assert labels(frame.programmes) == []


def test_that_after_a_verb_opens_no_relative_clause() -> None:
    found = clauses("UNODC said that the course trained forty officers.")
    assert [f.clause.kind for _, f in found] == [ClauseKind.MAIN]


def test_frames_are_built_once_per_sentence() -> None:
    ctx, bodies, places = read("UNODC organised a workshop in Accra. INTERPOL took part.")
    first = frames.frames_of(bodies, places, 1)
    assert frames.frames_of(bodies, places, 1) is first
    assert frames.frame_at(bodies, places, ctx.sentence_ranges[2].start) in frames.frames_of(
        bodies, places, 2
    )


def test_planned_sentence_reads_the_frames() -> None:
    _, bodies, places = read("A workshop took place in Accra. The next workshop will be held in Lomé.")
    assert not frames.planned_sentence(bodies, places, 1)
    assert frames.planned_sentence(bodies, places, 2)
