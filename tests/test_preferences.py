"""Spoken controls change preferences; the engine applies them to what is heard."""

from __future__ import annotations

from dataclasses import replace

import pytest

from skill.core.engine import next_segment
from skill.core.phrases import Phrases
from skill.core.position import Position
from skill.core.preferences import MAX_FACTOR, MIN_FACTOR, Control, Preferences
from skill.core.script import (
    Ask,
    BreathCues,
    Breathe,
    Pause,
    Say,
    ScriptLibrary,
    StepOptions,
    parse_text,
)
from skill.speech.plain import plain_text
from tests.test_engine import BUDGET, walk


def heard(library: ScriptLibrary, phrases: Phrases, script_id: str, prefs: Preferences) -> str:
    segments = walk(library.scripts[script_id], prefs, phrases, True)
    return " ".join(plain_text(s.timeline, show_pauses_from=0.1) for s in segments)


def seconds(library: ScriptLibrary, phrases: Phrases, script_id: str, prefs: Preferences) -> float:
    return sum(s.timeline.seconds for s in walk(library.scripts[script_id], prefs, phrases, True))


def test_slower_and_faster_stay_within_bounds() -> None:
    prefs = Preferences()
    for _ in range(10):
        prefs = prefs.with_control(Control.SLOWER)
    assert prefs.pace == MAX_FACTOR
    for _ in range(20):
        prefs = prefs.with_control(Control.FASTER)
    assert prefs.pace == MIN_FACTOR
    assert prefs.with_control(Control.NORMAL).pace == 1.0


def test_controls_survive_storage() -> None:
    prefs = Preferences()
    for control in Control:
        if control is not Control.NORMAL:
            prefs = prefs.with_control(control)
    prefs = prefs.skipping("chest")
    assert Preferences.from_dict(prefs.to_dict()) == prefs


@pytest.mark.parametrize(
    ("control", "script_id", "longer"),
    [
        (Control.SLOWER, "box-breathing", True),
        (Control.FASTER, "box-breathing", False),
        (Control.LONGER_PAUSES, "bedtime-body-scan", True),
        (Control.SHORTER_PAUSES, "bedtime-body-scan", False),
        (Control.SHORTER_VERSION, "box-breathing", False),
    ],
)
def test_pace_and_length_controls_change_how_long_it_takes(
    library: ScriptLibrary, phrases: Phrases, control: Control, script_id: str, longer: bool
) -> None:
    before = seconds(library, phrases, script_id, Preferences())
    after = seconds(library, phrases, script_id, Preferences().with_control(control))
    assert (after > before * 1.1) if longer else (after < before * 0.9)


def test_slower_lengthens_breaths_not_just_speech(library: ScriptLibrary, phrases: Phrases) -> None:
    script = library.scripts["box-breathing"]
    step = next(s for s in script.steps if isinstance(s, Breathe))
    one_breath = replace(script, steps=(replace(step, cycles=1),))
    normal = next_segment(one_breath, Position(), Preferences(), BUDGET)
    slow = next_segment(one_breath, Position(), Preferences().with_control(Control.SLOWER), BUDGET)
    assert slow.timeline.seconds >= normal.timeline.seconds * 1.2
    assert plain_text(slow.timeline) == plain_text(normal.timeline)


def test_shorter_version_keeps_the_count_a_question_promises(library: ScriptLibrary) -> None:
    from skill.core.engine import answers_wanted

    ask = next(s for s in library.scripts["five-senses"].steps if isinstance(s, Ask))
    assert answers_wanted(ask, Preferences()) == 5
    assert answers_wanted(ask, Preferences(shorter=True)) == 5  # 5-4-3-2-1 keeps its promise


def test_eyes_open_and_outward_use_the_steps_alternatives(
    library: ScriptLibrary, phrases: Phrases
) -> None:
    base = library.scripts["box-breathing"]
    steps = (
        Say(parse_text("Close your eyes."), 1, StepOptions(eyes_open="Rest your eyes on a spot.")),
        Breathe(
            4,
            4,
            4,
            4,
            3,
            True,
            BreathCues("Breathe in", "Hold", "Breathe out", "Rest"),
            2,
            StepOptions(outward="Listen to the sounds around you instead."),
        ),
        Pause(2, 3),
    )
    script = replace(base, steps=steps)
    plain = plain_text(next_segment(script, Position(), Preferences(), BUDGET).timeline)
    assert "Close your eyes" in plain and "Breathe in" in plain
    prefs = Preferences(eyes_open=True, outward=True)
    segment = next_segment(script, Position(), prefs, BUDGET)
    changed = plain_text(segment.timeline)
    assert "Rest your eyes on a spot" in changed and "Close your eyes" not in changed
    assert "Listen to the sounds" in changed and "Breathe in" not in changed
    assert segment.timeline.seconds >= 3 * 16  # the silence lasts as long as the breathing would


def test_skipped_region_and_shorter_version_leave_steps_out(
    library: ScriptLibrary, phrases: Phrases
) -> None:
    full = heard(library, phrases, "bedtime-body-scan", Preferences())
    short = heard(library, phrases, "bedtime-body-scan", Preferences(shorter=True))
    assert len(short) < len(full)


@pytest.mark.parametrize("stored", [10**400, "nan", float("inf"), -1e308, "fast", None, [1]])
def test_unreadable_stored_numbers_fall_back_to_the_usual(stored: object) -> None:
    prefs = Preferences.from_dict({"pace": stored, "pause_scale": stored})
    assert prefs.pace in (1.0, MIN_FACTOR) and prefs.pause_scale in (1.0, MIN_FACTOR)
    assert Preferences.from_dict(prefs.to_dict()) == prefs
