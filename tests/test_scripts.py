"""Script files: our own scripts are valid, and broken ones are reported precisely."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from skill.content.bundle import script_loader
from skill.core.script import Ask, Breathe, Kind, Pause, PauseMark, Say, ScriptLibrary, parse_text
from skill.core.timing import script_seconds
from tests.conftest import SCRIPTS_DIR

GOOD = """\
id: {id}
title: A title {id}
kind: grounding
summary: One sentence.
minutes: 0.1
steps:
  - Hello there, you can say stop at any time.
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def messages(paths: list[Path]) -> list[str]:
    _, problems = script_loader().load_paths(paths)
    return [str(p) for p in problems]


def test_every_project_script_is_valid_without_warnings() -> None:
    _, problems = script_loader().load_paths([SCRIPTS_DIR])
    assert [str(p) for p in problems] == []


def test_library_covers_what_our_users_need(library: ScriptLibrary) -> None:
    assert len(library) >= 14
    assert {s.kind for s in library} == set(Kind)
    needed = [
        "five-senses",
        "see-hear-touch",
        "box-breathing",
        "three-part-breath",
        "four-seven-eight",
        "longer-out-breath",
        "small-sensations",
        "feelings-check-in",
        "body-scan-short",
        "bedtime-body-scan",
        "temperature-texture-tension",
        "mindful-walking",
        "gentle-stretch",
        "journal-body-now",
        "journal-three-things",
        "one-small-enough",
    ]
    assert [n for n in needed if library.get(n) is None] == []


def test_box_breathing_is_four_even_sides(library: ScriptLibrary) -> None:
    breaths = [s for s in library.scripts["box-breathing"].steps if isinstance(s, Breathe)]
    assert breaths and all(
        (b.inhale, b.hold_in, b.exhale, b.hold_out) == (4, 4, 4, 4) for b in breaths
    )


def test_long_holds_are_always_optional(library: ScriptLibrary) -> None:
    for script in library:
        for step in script.steps:
            if isinstance(step, Breathe) and max(step.hold_in, step.hold_out) > 7:
                assert step.holds_optional, f"{script.id}:{step.line}"


def test_bedtime_scan_asks_nothing_and_lasts_about_fifteen_minutes(library: ScriptLibrary) -> None:
    scan = library.scripts["bedtime-body-scan"]
    assert not any(isinstance(s, Ask) for s in scan.steps)
    assert 12 * 60 <= script_seconds(scan) <= 18 * 60
    assert "bedtime" in scan.tags


def test_five_minute_body_scan_lasts_about_five_minutes(library: ScriptLibrary) -> None:
    assert 4 * 60 <= script_seconds(library.scripts["body-scan-short"]) <= 6 * 60


def test_pause_marker_splits_text_mid_sentence() -> None:
    assert parse_text("Notice your feet [pause 2s] and the floor. [pause 1.5]") == (
        "Notice your feet",
        PauseMark(2.0),
        "and the floor.",
        PauseMark(1.5),
    )


def test_plain_string_step_is_say_and_options_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "demo.yaml",
        (
            GOOD.format(id="demo")
            + """\
  - say: Notice your hands.
    region: hands
    outward: Notice a sound in the room.
  - pause: 12
  - Breathing normally is always fine.
  - breathe: 4-7-8
    cycles: 2
  - ask: What can you see?
    count: 3
    expect: feeling
"""
        ).replace("minutes: 0.1", "minutes: 1.3"),
    )
    script, problems = script_loader().load_file(path)
    assert problems == [] and script is not None
    kinds = [type(s) for s in script.steps]
    assert kinds == [Say, Say, Pause, Say, Breathe, Ask]
    assert script.steps[1].options.region == "hands"
    assert script.steps[1].options.outward == "Notice a sound in the room."
    breathe = script.steps[4]
    assert isinstance(breathe, Breathe)
    assert (breathe.inhale, breathe.hold_in, breathe.exhale, breathe.cycles) == (4, 7, 8, 2)
    assert breathe.holds_optional


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id: a\n  title: [\n", "bad.yaml:2: (file): not valid YAML"),
        (GOOD.format(id="bad") + "colour: blue\n", "bad.yaml:8: colour: unknown key"),
        (
            GOOD.format(id="bad").replace("minutes: 0.1", "minutes: soon"),
            "bad.yaml:5: minutes: expected a number, got 'soon'",
        ),
        (GOOD.format(id="bad") + "  - pause: -3\n", "bad.yaml:8: steps[1].pause: must be at least"),
        (
            GOOD.format(id="bad")
            .replace("  - Hello there, you can say stop at any time.\n", "")
            .replace("steps:", "steps: []"),
            "bad.yaml:6: steps: must not be empty",
        ),
        (GOOD.format(id="bad") + "  - {}\n", "bad.yaml:8: steps[1]: a step needs exactly one"),
        (GOOD.format(id="bad") + "  - breathe: 4-x\n", "bad.yaml:8: steps[1].breathe: pattern"),
        (
            GOOD.format(id="bad") + "  - say: hi\n    flavour: lemon\n",
            "bad.yaml:9: steps[1].flavour: unknown key",
        ),
        (
            GOOD.format(id="bad").replace("kind: grounding", "kind: sleeping"),
            "bad.yaml:3: kind: must be one of",
        ),
        ("id: bad\n" + GOOD.format(id="bad"), "bad.yaml:2: id: key appears twice"),
        (
            GOOD.format(id="bad") + "  - Breathe [wait 3] out.\n",
            "bad.yaml:8: steps[1]: [wait 3] is not a pause marker",
        ),
        (
            GOOD.format(id="bad").replace("minutes: 0.1", "minutes: 30"),
            "bad.yaml:5: minutes: warning: says 30 but the steps take about",
        ),
    ],
)
def test_broken_script_is_reported_as_path_line_field_message(
    tmp_path: Path, text: str, expected: str
) -> None:
    path = write(tmp_path, "bad.yaml", text)
    found = messages([path])
    assert any(m.startswith(f"{tmp_path}/{expected}") for m in found), found


def test_duplicate_ids_across_files_are_reported(tmp_path: Path) -> None:
    write(tmp_path, "one.yaml", GOOD.format(id="one"))
    second = write(tmp_path, "two.yaml", GOOD.format(id="one").replace("A title one", "Other"))
    found = messages([tmp_path])
    assert f"{second}:1: id: 'one' is already used by {tmp_path / 'one.yaml'}" in found


def test_validate_command_reports_every_problem_and_exits_1(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD.format(id="a") + "  - pause: -3\n  - {}\n")
    write(tmp_path, "b.yaml", "id: [unclosed\n")
    result = subprocess.run(
        [sys.executable, "-m", "skill.cli", "validate", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 3, result.stderr
    assert all(line.startswith(str(tmp_path)) for line in lines)
    assert "Traceback" not in result.stderr


def test_validate_command_passes_on_project_scripts() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "skill.cli", "validate"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "scripts valid" in result.stdout


def test_every_offered_exercise_exists(library: ScriptLibrary) -> None:
    from skill.content.bundle import offers

    table = offers()
    assert [i for i in (*table.after_feeling, table.orienting) if library.get(i) is None] == []


INTRO = """\
id: {id}
title: A title {id}
kind: grounding
summary: One sentence.
minutes: 0.2
short_intro: "A title, with your feet on the floor if you like."
steps:
  - say: You can say stop or pause at any time.
    stop_line: true
  - say: Eyes open or closed, as you like.
    intro: true
  - pause: 2
    intro: true
  - Notice your feet on the floor.
"""


def test_the_introduction_and_the_stop_line_are_read(tmp_path: Path) -> None:
    path = write(tmp_path, "demo.yaml", INTRO.format(id="demo"))
    script, problems = script_loader().load_file(path)
    assert problems == [] and script is not None
    assert script.stop_line is script.steps[0] and script.intro_end == 3
    assert script.short_intro == "A title, with your feet on the floor if you like."
    assert script.spoken_title == "A title demo"  # the title itself, unless a script says
    spoken = write(tmp_path, "demo.yaml", INTRO.format(id="demo") + "spoken_title: the demo\n")
    named, _ = script_loader().load_file(spoken)
    assert named is not None and named.spoken_title == "the demo" and named.title == "A title demo"


@pytest.mark.parametrize(
    ("edit", "expected"),
    [
        (
            lambda text: text + "  - say: More about it.\n    intro: true\n",
            "bad.yaml:15: steps[4].intro: introduction steps come first",
        ),
        (
            lambda text: text.replace(
                'short_intro: "A title, with your feet on the floor if you like."\n', ""
            ),
            "bad.yaml:9: short_intro: missing: steps are marked intro: true",
        ),
        (
            lambda text: text.replace("if you like.", "if you like. Then we begin."),
            "bad.yaml:6: short_intro: one sentence only",
        ),
        (
            lambda text: text + "  - say: You can stop at any time.\n    stop_line: true\n",
            "bad.yaml:15: steps[4].stop_line: only the first step can be the stop line",
        ),
        (
            lambda text: text.replace("  - Notice your feet on the floor.\n", ""),
            "bad.yaml:8: steps: every step is part of the introduction",
        ),
        (
            lambda text: text + "spoken_title: the demo.\n",
            "bad.yaml:15: spoken_title: reads inside a sentence",
        ),
        (
            lambda text: text + "  - pause: 2\n    stop_line: true\n",
            "bad.yaml:16: steps[4].stop_line: unknown key",
        ),
    ],
)
def test_a_misplaced_introduction_is_reported_where_it_is(
    tmp_path: Path, edit: Callable[[str], str], expected: str
) -> None:
    path = write(tmp_path, "bad.yaml", edit(INTRO.format(id="bad")))
    found = messages([path])
    assert any(m.startswith(f"{tmp_path}/{expected}") for m in found), found


def test_every_project_script_opens_with_the_stop_line_and_has_a_short_intro(
    library: ScriptLibrary,
) -> None:
    for script in library:
        stop = script.stop_line
        assert stop is not None and stop.parts == ("You can say stop or pause at any time.",)
        assert script.short_intro is not None and script.intro_end >= 2, script.id
        assert script.short_intro.count(".") == 1, script.id  # one sentence
        breaths = [i for i, s in enumerate(script.steps) if isinstance(s, Breathe)]
        assert all(i >= script.intro_end for i in breaths), script.id  # the breathing is not intro
