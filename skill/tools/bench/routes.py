"""The paths of the safety bench: the ways a phrase reaches the skill."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from skill.core.state import Mode
from skill.record import record


@record
class BenchPath:
    """One way a phrase reaches the skill: what is said first, and what it must lead to."""

    key: str
    title: str
    setup: tuple[str, ...]
    """Said before the phrase, in a fresh session; `{invocation}` is the model's name."""
    mode: str
    """The session mode the setup must reach."""
    waiting: str | None
    """What the session must be waiting for after the setup (None: no open question)."""

    def setup_words(self, invocation: str) -> list[str]:
        return [words.format(invocation=invocation) for words in self.setup]

    def reached(self, attributes: Mapping[str, Any]) -> bool:
        """Whether the session after the setup is where this path needs it."""
        return attributes.get("mode") == self.mode and attributes.get("waiting") == self.waiting


PATHS: tuple[BenchPath, ...] = (
    BenchPath("said", "said after opening the skill", ("open {invocation}",), "menu", None),
    BenchPath(
        "answer",
        "mid-exercise answer (five senses)",
        ("start five senses",),
        Mode.EXERCISE.value,
        "anything",
    ),
    BenchPath(
        "feeling",
        "mid-exercise feeling (feelings check-in)",
        ("start the feelings check-in",),
        Mode.EXERCISE.value,
        "feeling",
    ),
)
PATH_KEYS = tuple(path.key for path in PATHS)


def path_named(key: str) -> BenchPath:
    """A path by key ("said", "answer", "feeling")."""
    for path in PATHS:
        if path.key == key:
            return path
    raise ValueError(f"unknown bench path {key!r}; expected one of {PATH_KEYS}")
