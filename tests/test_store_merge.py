"""A save that lost a race keeps both writers' changes (skill.store.merge)."""

from __future__ import annotations

from skill.store.merge import merge

BASE = {
    "version": 1,
    "first_visit_done": True,
    "resume": {"script": "box-breathing", "position": {"step": 3, "offset": 0.0}},
    "preferences": {"pace": 1.0, "pause_scale": 1.0, "eyes_open": False},
    "playing": None,
}


def changed(**parts: object) -> dict[str, object]:
    return {**BASE, **parts}


def test_changes_to_different_parts_are_both_kept() -> None:
    ours = changed(resume=None)  # this turn finished the exercise
    theirs = changed(preferences={**BASE["preferences"], "pace": 1.25})  # another device: slower
    merged = merge(BASE, ours, theirs)
    assert merged["resume"] is None and merged["preferences"]["pace"] == 1.25


def test_changes_inside_one_part_merge_key_by_key() -> None:
    ours = changed(preferences={**BASE["preferences"], "eyes_open": True})
    theirs = changed(preferences={**BASE["preferences"], "pace": 1.25})
    assert merge(BASE, ours, theirs)["preferences"] == {
        "pace": 1.25,
        "pause_scale": 1.0,
        "eyes_open": True,
    }


def test_where_both_changed_one_value_this_turn_wins() -> None:
    ours = changed(preferences={**BASE["preferences"], "pace": 0.8})
    theirs = changed(preferences={**BASE["preferences"], "pace": 1.25})
    assert merge(BASE, ours, theirs)["preferences"]["pace"] == 0.8


def test_nothing_changed_here_keeps_theirs_whole() -> None:
    theirs = changed(playing={"script": "bedtime-body-scan", "offset_ms": 5000})
    assert merge(BASE, dict(BASE), theirs) == theirs


def test_additions_and_removals_on_either_side() -> None:
    base = {"a": 1, "b": 2}
    assert merge(base, {"a": 1, "b": 2, "c": 3}, {"a": 1}) == {"a": 1, "c": 3}
    assert merge(base, {"a": 1}, {"a": 1, "b": 2, "d": 4}) == {"a": 1, "d": 4}
    assert merge(base, {"a": 1, "b": 5}, {"a": 1}) == {"a": 1, "b": 5}
