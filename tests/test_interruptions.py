"""An interruption picks up at the step the listener was hearing, judged by the time between
requests, not at the start of a long segment they had mostly heard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ask_sdk_core.skill import CustomSkill

from skill.core.engine import REWIND_SECONDS, next_segment, position_heard
from skill.core.phrases import Phrases
from skill.core.position import Position
from skill.core.preferences import Preferences
from skill.core.script import ScriptLibrary
from skill.tools.nlu import Matcher
from tests.conftest import make_simulator
from tests.test_engine import BUDGET, opening


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 21, 22, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_position_heard_follows_the_marks(library: ScriptLibrary, phrases: Phrases) -> None:
    script = library.scripts["bedtime-body-scan"]
    segment = next_segment(script, Position(), Preferences(), BUDGET, opening(script, phrases))
    assert position_heard(segment, 0) == Position()
    assert position_heard(segment, 10_000) == segment.end
    seconds, middle = segment.marks[len(segment.marks) // 2]
    assert position_heard(segment, seconds + REWIND_SECONDS + 0.1) == middle
    assert position_heard(segment, seconds + REWIND_SECONDS - 0.1) != middle


def test_slower_said_a_minute_in_does_not_replay_the_introduction(
    skill: CustomSkill, matcher: Matcher
) -> None:
    clock = Clock()
    simulator = make_simulator(skill, matcher)
    simulator.clock = clock
    simulator.say("open steady ground")
    first = simulator.say("start the bedtime body scan")
    assert "Bedtime body scan" in first.text
    clock.now += timedelta(seconds=90)
    slower = simulator.say("slower")
    assert "slow" in slower.text.split(".", 1)[0]
    assert "Bedtime body scan" not in slower.text
    assert "stop or pause at any time" not in slower.text
    picked_up = slower.text.split(".", 1)[1].strip()[:40]
    assert picked_up and picked_up in first.text  # the step being heard, from the same segment


def test_pause_right_away_resumes_from_the_start_of_the_segment(
    skill: CustomSkill, matcher: Matcher
) -> None:
    clock = Clock()
    simulator = make_simulator(skill, matcher)
    simulator.clock = clock
    simulator.say("open steady ground")
    simulator.say("start the bedtime body scan")
    clock.now += timedelta(seconds=2)
    simulator.say("pause")
    resumed = simulator.say("resume")
    assert "stop or pause at any time" in resumed.text
