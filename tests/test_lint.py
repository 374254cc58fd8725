"""Content lint: each trauma-informed rule (safety.md T1-T10) fires where it should, with the
file, line and rule, and stays quiet on gentle scripts, our own included."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from skill.content.bundle import script_loader
from skill.content.problems import Severity
from skill.tools.lint import LintRules, lint_library, lint_rules, lint_script, script_key_lines
from tests.conftest import SCRIPTS_DIR

STOP_LINE = "  - You can say stop or pause at any time. Eyes open or closed, as you like.\n"


def script_text(steps: str, kind: str = "grounding", extra: str = "") -> str:
    """A script whose header is lines 1-5, then `extra` lines, then `steps:`."""
    return (
        "id: demo\n"
        "title: Demo\n"
        f"kind: {kind}\n"
        "summary: One sentence.\n"
        "minutes: 0.15\n"
        f"{extra}"
        "steps:\n"
        f"{steps}"
    )


def lint_text(folder: Path, text: str) -> list[str]:
    """Write a script, load it, and lint it; the findings as `path:line: field: message`."""
    path = folder / "demo.yaml"
    path.write_text(text, encoding="utf-8")
    script, problems = script_loader().load_file(path)
    assert script is not None, problems
    return [str(p) for p in lint_script(script, script_key_lines(path))]


def has(found: list[str], where: str, rule: str) -> bool:
    """Whether a finding starts with `demo.yaml:<line>: <field>: warning: <rule>:`."""
    return any(f"demo.yaml:{where}: warning: {rule}:" in f for f in found)


def rules_in(found: list[str]) -> set[str]:
    return {f.split(": warning: ")[1].split(":")[0] for f in found}


GOOD_BREATHING = STOP_LINE + (
    "  - If you like, notice a sound. Breathing normally is always fine.\n"
    "  - breathe: 4-4-4-4\n"
    "    outward: Instead of the breath, listen for the sounds around you for a little while.\n"
    "  - say: A few more, if you like.\n"
    "    optional: true\n"
    "  - That's the end.\n"
)

GOOD_BODY_SCAN = STOP_LINE + (
    "  - say: Now your chest, only briefly. [pause 3s]\n"
    "    region: chest\n"
    "    outward: Now a sound in the room. [pause 3s]\n"
    "  - pause: 10\n"
    "  - say: Close your eyes if you like, or keep them open.\n"
    "  - say: Let your eyes close, if that feels all right.\n"
    "    eyes_open: Let your eyes rest on one spot.\n"
    "  - say: Your hands. [pause 5s]\n"
    "    region: hands\n"
    "    outward: Something you can touch. [pause 5s]\n"
)


def test_gentle_scripts_are_quiet(tmp_path: Path) -> None:
    assert lint_text(tmp_path, script_text(STOP_LINE + "  - Notice a sound.\n")) == []
    assert lint_text(tmp_path, script_text(GOOD_BREATHING, "breathing")) == []
    assert lint_text(tmp_path, script_text(GOOD_BODY_SCAN, "body_scan")) == []


def test_an_order_is_reported_with_its_line_and_rule(tmp_path: Path) -> None:
    found = lint_text(tmp_path, script_text(STOP_LINE + "  - You must notice your feet.\n"))
    assert found == [
        f"{tmp_path / 'demo.yaml'}:8: steps[1]: warning: "
        "T1: an order, not an invitation: 'you must'; try 'if you like' or 'you might'"
    ]


@pytest.mark.parametrize(
    ("extra", "step", "where"),
    [
        ("content_note: You have to sit still.\n", "  - Hello.\n", "6: content_note"),
        ("", "  - ask: What now?\n    reprompt: You should answer.\n", "8: steps[1].reprompt"),
        ("", "  - ask: What do you hear?\n    acks: [Relax now.]\n", "8: steps[1].acks[0]"),
        ("", "  - say: Hello.\n    outward: Force yourself to listen.\n", "8: steps[1].outward"),
        ("", "  - say: Hello.\n    eyes_open: Make yourself look.\n", "8: steps[1].eyes_open"),
        (
            "",
            "  - Breathe normally.\n  - breathe: 4-4\n    outward: Sounds.\n"
            "    cues: {in: You need to breathe in}\n",
            "9: steps[2].cues.in",
        ),
    ],
)
def test_orders_are_found_in_everything_the_skill_says(
    tmp_path: Path, extra: str, step: str, where: str
) -> None:
    found = lint_text(tmp_path, script_text(STOP_LINE + step, extra=extra))
    assert has(found, where, "T1"), found


def test_orders_match_whole_words_in_any_case_and_any_apostrophe(tmp_path: Path) -> None:
    found = lint_text(tmp_path, script_text(STOP_LINE + "  - Don’t THINK about it.\n"))
    assert len(found) == 1 and "T1: an order, not an invitation: 'don't think about'" in found[0]
    quiet = "  - A reinforced chair, a forceful wind, your shoulders.\n"
    assert lint_text(tmp_path, script_text(STOP_LINE + quiet)) == []


def test_gentle_phrases_with_order_words_are_not_orders(tmp_path: Path) -> None:
    steps = STOP_LINE + (
        "  - There's nothing you need to do. You don't have to answer.\n"
        "  - There's no need to force anything. You might rest.\n"
    )
    assert lint_text(tmp_path, script_text(steps)) == []


def test_a_treatment_claim_is_reported_where_it_is_made(tmp_path: Path) -> None:
    text = script_text(STOP_LINE + "  - This breath can cure stress.\n").replace(
        "summary: One sentence.", "summary: A breathing exercise that treats anxiety."
    )
    found = lint_text(tmp_path, text)
    assert has(found, "4: summary", "T10") and has(found, "8: steps[1]", "T10"), found
    assert "'treats'" in found[0] and "'cure'" in found[1]


def test_a_breathing_script_must_offer_the_eyes_choice_near_the_start(tmp_path: Path) -> None:
    late = GOOD_BREATHING.replace(" Eyes open or closed, as you like.", "")
    late += "  - Eyes open or closed is up to you.\n"
    found = lint_text(tmp_path, script_text(late, "breathing"))
    assert has(found, "6: steps", "T2"), found
    grounding = script_text(STOP_LINE.replace(" Eyes open or closed, as you like.", ""))
    assert lint_text(tmp_path, grounding) == []


def test_closing_the_eyes_needs_an_eyes_open_alternative(tmp_path: Path) -> None:
    steps = STOP_LINE + "  - Gently close your eyes.\n  - With your eyes closed, rest.\n"
    found = lint_text(tmp_path, script_text(steps))
    assert has(found, "8: steps[1]", "T2") and has(found, "9: steps[2]", "T2"), found
    assert "('close your eyes')" in found[0]


def test_a_script_must_say_stop_works_at_any_time_at_the_start(tmp_path: Path) -> None:
    steps = "  - Hello.\n  - Welcome.\n  - Notice a sound.\n" + STOP_LINE
    found = lint_text(tmp_path, script_text(steps))
    assert has(found, "6: steps", "T4"), found
    for wording in ("Say pause anytime.", "You can stop at any point."):
        assert lint_text(tmp_path, script_text(f"  - {wording}\n")) == []


def test_the_shorter_version_keeps_the_stop_line(tmp_path: Path) -> None:
    steps = STOP_LINE.replace("  - You", "  - say: You") + "    optional: true\n"
    found = lint_text(tmp_path, script_text(steps))
    assert [f.split("warning: ")[1] for f in found] == [
        "T4: none of the first 3 steps of the shorter version says that stop or pause works "
        "at any time"
    ]


def test_a_long_hold_must_be_optional(tmp_path: Path) -> None:
    steps = STOP_LINE + (
        "  - Breathing normally is fine.\n"
        "  - breathe: 4-8-8\n    holds: required\n    outward: Sounds.\n"
        "  - breathe: 4-7-8\n    holds: required\n    outward: Sounds.\n"
        "  - breathe: 4-9-8\n    outward: Sounds.\n"
    )
    found = lint_text(tmp_path, script_text(steps))
    assert found == [
        f"{tmp_path / 'demo.yaml'}:9: steps[2].holds: warning: "
        "T8: a hold of 8 s must be optional: write holds: optional"
    ]


def test_holding_the_breath_needs_a_line_saying_breathing_normally_is_fine(
    tmp_path: Path,
) -> None:
    held = STOP_LINE + "  - breathe: 4-4-4\n    outward: Sounds.\n"
    found = lint_text(tmp_path, script_text(held, "breathing"))
    assert has(found, "6: steps", "T8"), found
    unheld = STOP_LINE + "  - breathe: 4-6\n    outward: Sounds.\n"
    assert lint_text(tmp_path, script_text(unheld, "breathing")) == []


@pytest.mark.parametrize(
    ("step", "where"),
    [
        ("  - say: Your chest.\n    region: chest\n    outward: A sound.\n", "11: steps[2]"),
        ("  - say: Your throat.\n    region: throat\n    outward: A sound.\n", "11: steps[2]"),
        ("  - say: Notice your pelvis.\n    outward: A sound.\n", "10: steps[2]"),
        (
            "  - say: Your chest. [pause 20s]\n    region: chest\n    outward: A sound.\n",
            "8: steps[1]",
        ),
    ],
)
def test_body_scans_do_not_linger_on_chest_throat_or_pelvis(
    tmp_path: Path, step: str, where: str
) -> None:
    lingering = STOP_LINE + step + "  - pause: 10\n  - pause: 10\n  - That's all.\n"
    found = lint_text(tmp_path, script_text(lingering, "body_scan"))
    assert has(found, where, "T6"), found
    assert " s on the " in found[0] and "keep silences there to 15 s or less" in found[0]


def test_a_chest_step_in_a_body_scan_needs_an_outward_alternative(tmp_path: Path) -> None:
    steps = STOP_LINE + (
        "  - say: Your chest, briefly.\n    region: chest\n"
        "  - say: Your hands.\n    region: hands\n    outward: A sound.\n"
    )
    found = lint_text(tmp_path, script_text(steps, "body_scan"))
    assert [f.split(": warning: ")[1] for f in found] == [
        "T6: a body-scan step on the chest with no outward alternative"
    ]
    assert has(found, "8: steps[1]", "T6")


def test_a_body_scan_region_needs_an_outward_alternative(tmp_path: Path) -> None:
    steps = STOP_LINE + (
        "  - say: Your hands.\n    region: hands\n"
        "  - say: Your feet.\n    region: feet\n    outward: A sound.\n"
    )
    found = lint_text(tmp_path, script_text(steps, "body_scan"))
    assert [f.split(": warning: ")[1] for f in found] == [
        "T3: a body-scan step on the hands with no outward alternative"
    ]


def test_an_inward_script_with_no_outward_alternative_is_reported(tmp_path: Path) -> None:
    steps = STOP_LINE + "  - say: Your hands.\n"
    found = lint_text(tmp_path, script_text(steps, "body_scan"))
    assert has(found, "6: steps", "T3"), found
    assert "no step offers an outward alternative" in found[0]


def test_a_paced_breath_needs_an_outward_alternative(tmp_path: Path) -> None:
    steps = STOP_LINE + "  - breathe: 4-6\n  - breathe: 4-6\n    outward: Sounds.\n"
    found = lint_text(tmp_path, script_text(steps))
    assert [f.split(f"{tmp_path}/")[1] for f in found] == [
        "demo.yaml:8: steps[1]: warning: T3: a paced breath with no outward alternative for a "
        "listener who asks for sounds instead"
    ]


def test_a_step_that_must_be_heard_cannot_be_optional(tmp_path: Path) -> None:
    steps = STOP_LINE + "  - say: That's the end.\n    skippable: false\n    optional: true\n"
    found = lint_text(tmp_path, script_text(steps))
    assert has(found, "8: steps[1]", "T5"), found


def test_without_key_lines_script_wide_findings_point_at_line_1(tmp_path: Path) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(script_text("  - Hello.\n"), encoding="utf-8")
    script, _ = script_loader().load_file(path)
    assert script is not None
    found = lint_script(script)
    assert [(p.line, p.field, p.severity) for p in found] == [(1, "steps", Severity.WARNING)]


def test_our_own_scripts_are_lint_clean() -> None:
    library, problems = script_loader().load_paths([SCRIPTS_DIR])
    assert problems == []
    assert [str(p) for p in lint_library(library)] == []


def test_rules_come_from_the_data_file() -> None:
    rules = lint_rules()
    assert "you must" in rules.orders.phrases and "cure" in rules.treatment_claims.phrases
    assert lint_rules() is rules
    with pytest.raises(ValueError, match="orders must be a list"):
        LintRules.from_dict({f.name: ["x"] for f in fields(rules)} | {"orders": "you must"})
    with pytest.raises(ValueError, match="expected exactly the lists"):
        LintRules.from_dict({"orders": ["you must"]})


def validate(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "skill.cli", "validate", *args],
        capture_output=True,
        text=True,
        check=False,
    )


def test_validate_strict_fails_on_an_order(tmp_path: Path) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(script_text(STOP_LINE + "  - You must notice your feet.\n"), encoding="utf-8")
    result = validate("--strict", str(path))
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        f"{path}:8: steps[1]: T1: an order, not an invitation: 'you must'; "
        "try 'if you like' or 'you might'"
    ]
    assert "Traceback" not in result.stderr


def test_validate_without_strict_warns_and_passes(tmp_path: Path) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(script_text(STOP_LINE + "  - You must notice your feet.\n"), encoding="utf-8")
    result = validate(str(path))
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith(f"{path}:8: steps[1]: warning: T1: an order")
    assert "1 scripts valid, 1 warning" in result.stdout


def test_validate_strict_fails_on_wrong_minutes(tmp_path: Path) -> None:
    path = tmp_path / "demo.yaml"
    text = script_text(STOP_LINE + "  - Notice a sound.\n").replace("minutes: 0.15", "minutes: 30")
    path.write_text(text, encoding="utf-8")
    assert validate(str(path)).returncode == 0
    result = validate("--strict", str(path))
    assert result.returncode == 1
    assert result.stderr.startswith(f"{path}:5: minutes: says 30 but the steps take about")


def test_validate_strict_passes_on_our_own_scripts() -> None:
    result = validate("--strict")
    assert result.returncode == 0, result.stderr
    assert result.stderr == "" and "16 scripts valid" in result.stdout
