"""The session engine: segments within limits, positions, preferences."""

from __future__ import annotations

from dataclasses import replace

import pytest

from skill.core.engine import (
    Budget,
    Segment,
    Unlimited,
    after_answer,
    next_segment,
    skip_question,
    step_back,
)
from skill.core.phrases import Phrases
from skill.core.position import Position
from skill.core.preferences import Preferences
from skill.core.script import (
    Ask,
    Breathe,
    Pause,
    Say,
    Script,
    ScriptLibrary,
    StepOptions,
    parse_text,
)
from skill.core.timeline import Speech
from skill.core.timing import phase_sounds, script_seconds, speech_seconds
from skill.speech.limits import LAST_WORDS_BUDGET_SECONDS
from skill.speech.plain import plain_text
from skill.speech.ssml import ResponseBudget, check, render

BUDGET = ResponseBudget()
"""One Alexa response's worth, as the skill uses it."""


def opening(script: Script, phrases: Phrases) -> str:
    """The words the skill opens an exercise with."""
    return phrases.say("start", script.id, title=script.title)


PREFERENCES = [
    Preferences(),
    Preferences(pace=1.5),
    Preferences(pace=0.75, no_holds=True),
    Preferences(outward=True, skip_regions=frozenset({"hands", "belly"})),
    Preferences(counting=True),
    Preferences(counting=True, pace=1.5, shorter=True),
]


def walk(
    script: Script,
    prefs: Preferences,
    phrases: Phrases | None,
    answer_all: bool,
    budget: Budget = BUDGET,
) -> list[Segment]:
    """Every segment a listener hears going through the script once (with no phrases, without
    the spoken title)."""
    segments = []
    at = Position()
    for turn in range(200):
        intro = opening(script, phrases) if turn == 0 and phrases is not None else None
        segment = next_segment(script, at, prefs, budget, intro)
        segments.append(segment)
        if segment.finished:
            return segments
        at = segment.end
        if segment.waiting is not None:
            if answer_all:
                more = True
                while more:
                    at, more = after_answer(script, at, prefs)
            else:
                at = skip_question(at)
    raise AssertionError(f"{script.id} did not finish")


@pytest.mark.parametrize("prefs", PREFERENCES)
def test_every_segment_of_every_script_fits_one_response(
    library: ScriptLibrary, phrases: Phrases, prefs: Preferences
) -> None:
    for script in library:
        for answer_all in (True, False):
            for segment in walk(script, prefs, phrases, answer_all):
                ssml = render(segment.timeline)
                assert check(ssml) == [], (script.id, segment.start)
                assert segment.timeline.seconds <= LAST_WORDS_BUDGET_SECONDS + 1


def test_long_pause_is_split_across_responses(phrases: Phrases, library: ScriptLibrary) -> None:
    base = library.scripts["journal-body-now"]
    script = replace(
        base, steps=(Say(parse_text("Begin."), 1), Pause(500, 2), Say(parse_text("End."), 3))
    )
    segments = walk(script, Preferences(), phrases, True)
    quiet = sum(s.timeline.seconds for s in segments)
    assert len(segments) == 3
    assert 500 <= quiet <= 520
    assert segments[1].start == segments[0].end and segments[0].end.offset > 0
    assert plain_text(segments[-1].timeline).endswith("End.")


def test_slower_pace_lengthens_pauses_and_breaths(library: ScriptLibrary, phrases: Phrases) -> None:
    script = library.scripts["box-breathing"]
    normal = sum(s.timeline.seconds for s in walk(script, Preferences(), phrases, True))
    slow = sum(s.timeline.seconds for s in walk(script, Preferences(pace=1.5), phrases, True))
    assert slow > normal * 1.2


def test_no_holds_removes_the_hold_cue(library: ScriptLibrary, phrases: Phrases) -> None:
    script = library.scripts["four-seven-eight"]
    held = " ".join(plain_text(s.timeline) for s in walk(script, Preferences(), phrases, True))
    free = " ".join(
        plain_text(s.timeline) for s in walk(script, Preferences(no_holds=True), phrases, True)
    )
    assert "Hold" in held
    assert "Hold" not in free


def test_segment_stops_at_a_question_and_listens(library: ScriptLibrary, phrases: Phrases) -> None:
    script = library.scripts["five-senses"]
    first = next_segment(script, Position(), Preferences(), BUDGET, opening(script, phrases))
    assert first.waiting is not None
    assert isinstance(script.steps[first.end.step], Ask)
    assert plain_text(first.timeline).endswith(first.waiting.question)


def test_answers_are_counted_until_the_question_has_enough(library: ScriptLibrary) -> None:
    script = library.scripts["five-senses"]
    index = next(i for i, s in enumerate(script.steps) if isinstance(s, Ask))
    step = script.steps[index]
    assert isinstance(step, Ask)
    at, more = Position(index), True
    answers = 0
    while more:
        at, more = after_answer(script, at, Preferences())
        answers += 1
    assert answers == step.count
    assert at == Position(index + 1)


def test_skipping_a_region_leaves_out_its_words(library: ScriptLibrary, phrases: Phrases) -> None:
    script = library.scripts["body-scan-short"]
    regions = {s.options.region for s in script.steps if s.options.region}
    region = sorted(regions)[0]
    region_text = next(s for s in script.steps if s.options.region == region)
    assert isinstance(region_text, Say)
    words = next(p for p in region_text.parts if isinstance(p, str))
    prefs = Preferences(skip_regions=frozenset({region}))
    heard = " ".join(plain_text(s.timeline) for s in walk(script, prefs, phrases, True))
    assert words not in heard


def test_going_back_lands_on_words_not_silence(library: ScriptLibrary) -> None:
    script = library.scripts["bedtime-body-scan"]
    index = next(i for i, s in enumerate(script.steps) if isinstance(s, Pause) and i > 2)
    back = step_back(script, Position(index + 1))
    assert not isinstance(script.steps[back.step], Pause)
    assert back.step < index + 1


def test_positions_and_preferences_survive_plain_data() -> None:
    prefs = Preferences(pace=1.5, no_holds=True, skip_regions=frozenset({"chest"}))
    assert Preferences.from_dict(prefs.to_dict()) == prefs
    assert Position.from_dict(Position(3, 2.0).to_dict()) == Position(3, 2.0)
    assert Position.from_dict({"step": "x"}) == Position()
    assert Preferences.from_dict({"pace": 99}).pace == 2.0


def test_skipping_a_region_also_skips_its_silence(library: ScriptLibrary, phrases: Phrases) -> None:
    base = library.scripts["bedtime-body-scan"]
    steps = (
        Say(parse_text("Feet."), 1, StepOptions(region="feet")),
        Pause(40, 2),
        Pause(20, 3),
        Say(parse_text("Hands."), 4, StepOptions(region="hands")),
        Pause(30, 5),
    )
    script = replace(base, steps=steps)
    prefs = Preferences(skip_regions=frozenset({"feet"}))
    segment = next_segment(script, Position(), prefs, BUDGET)
    assert plain_text(segment.timeline) == "Hands. (30 s pause)"


TIMED = [
    Preferences(),
    Preferences(pace=1.5, pause_scale=0.75),
    Preferences(pace=0.8, no_holds=True),
    Preferences(outward=True, eyes_open=True),
    Preferences(counting=True),
    Preferences(counting=True, pace=0.8),
]


@pytest.mark.parametrize("prefs", TIMED)
def test_each_scripts_timeline_lasts_as_long_as_its_computed_duration(
    library: ScriptLibrary, prefs: Preferences
) -> None:
    """Split into responses or in one piece, the timeline is as long as the script's steps, so
    nothing is dropped or said twice where a pause or a breathing step is split."""
    for script in library:
        computed = script_seconds(script, prefs, answers=False)
        responses = sum(s.timeline.seconds for s in walk(script, prefs, None, False))
        whole = sum(s.timeline.seconds for s in walk(script, prefs, None, False, Unlimited()))
        assert responses == pytest.approx(computed, rel=0.002, abs=0.05), script.id
        assert whole == pytest.approx(computed, rel=0.002, abs=0.05), script.id


def test_without_a_limit_a_script_with_no_questions_is_one_timeline(
    library: ScriptLibrary,
) -> None:
    script = library.scripts["bedtime-body-scan"]
    whole = next_segment(script, Position(), Preferences(), Unlimited())
    assert whole.finished and whole.waiting is None
    assert whole.timeline.seconds > 12 * 60
    steps = [position.step for _, position in whole.marks]
    assert steps == sorted(steps) and steps[-1] == len(script.steps)


def test_counting_fills_a_breath_phase_without_lengthening_it() -> None:
    sounds = phase_sounds("Breathe in", 4.0, 4)
    assert [words for words, _, _ in sounds] == ["Breathe in", "2", "3", "4"]
    assert [phase for _, _, phase in sounds] == pytest.approx([1.0, 1.0, 1.0, 1.0])
    assert sum(speech_seconds(w) + quiet for w, quiet, _ in sounds) == pytest.approx(4.0)
    slower = phase_sounds("Hold", 7 * 1.25, 7)
    assert [words for words, _, _ in slower][1:] == ["2", "3", "4", "5", "6", "7"]
    assert sum(phase for _, _, phase in slower) == pytest.approx(8.75)
    assert phase_sounds("Breathe in", 4.0, 0) == [
        ("Breathe in", pytest.approx(3.13, abs=0.01), 4.0)
    ]


def test_counts_that_would_crowd_the_words_before_them_are_left_out() -> None:
    long_cue = phase_sounds("Breathe out slowly through your mouth", 4.0, 4)
    assert [words for words, _, _ in long_cue] == ["Breathe out slowly through your mouth", "4"]
    quick = phase_sounds("Breathe in", 2.0, 4)  # half a second a count: no room for words
    assert [words for words, _, _ in quick] == ["Breathe in"]
    assert all(quiet > 0 for _, quiet, _ in long_cue + quick)


def test_a_counted_breath_says_its_numbers_between_the_cues(library: ScriptLibrary) -> None:
    script = library.scripts["four-seven-eight"]
    at = Position(next(i for i, s in enumerate(script.steps) if isinstance(s, Breathe)))
    counted = next_segment(script, at, Preferences(counting=True), BUDGET)
    words = plain_text(counted.timeline)
    assert words.startswith("Breathe in 2 3 4 Hold 2 3 4 5 6 7 Breathe out 2 3 4 5 6 7 8")
    plain = next_segment(script, at, Preferences(), BUDGET)
    phases = sum(1 for item in plain.timeline.items if isinstance(item, Speech))
    to_the_ms = 0.001 * phases  # each phase's silence is said to the millisecond
    assert counted.timeline.seconds == pytest.approx(plain.timeline.seconds, abs=to_the_ms)
    assert counted.marks[-1][0] == pytest.approx(plain.marks[-1][0], abs=to_the_ms)


def test_a_short_opening_leaves_out_the_content_note(library: ScriptLibrary) -> None:
    script = library.scripts["box-breathing"]
    assert script.short_intro is not None and script.content_note is not None
    at = Position(script.intro_end)
    short = next_segment(script, at, Preferences(), BUDGET, script.short_intro, note=False)
    assert plain_text(short.timeline).startswith(script.short_intro)
    assert script.content_note not in plain_text(short.timeline)
    full = next_segment(script, Position(), Preferences(), BUDGET, "Box breathing.")
    assert script.content_note in plain_text(full.timeline)


def test_a_segment_worked_out_before_is_the_same_and_nothing_added_to_it_leaks(
    library: ScriptLibrary, phrases: Phrases
) -> None:
    """Segments are kept for the next listener at the same place (engine.next_segment): the
    second listener hears the same words, and what one reply adds around them (an
    acknowledgement, a prompt) never reaches the next one."""
    script = library.get("box-breathing")
    assert script is not None
    first = next_segment(script, Position(), Preferences(), BUDGET, opening(script, phrases))
    heard = list(first.timeline.items)
    first.timeline.say("Words for the first listener only.")
    again = next_segment(script, Position(), Preferences(), BUDGET, opening(script, phrases))
    assert again.timeline.items == heard
    assert (again.start, again.end, again.finished) == (first.start, first.end, first.finished)
    slower = next_segment(
        script, Position(), Preferences(pace=1.5), BUDGET, opening(script, phrases)
    )
    assert slower.timeline.items != again.timeline.items
