"""Reading the shape of answers: how many things, or "move on", never the words themselves."""

from __future__ import annotations

import pytest

from skill.content.bundle import answers
from skill.core.answers import Shape


@pytest.mark.parametrize(
    ("said", "count"),
    [
        ("a lamp", 1),
        ("a lamp, a cup and the window", 3),
        ("a lamp a cup and the window", 3),  # transcripts arrive without commas
        ("the lamp on the table", 1),
        ("the sound of the rain", 1),
        ("um the fridge humming", 1),
        ("my hands my feet", 2),
        ("birds then a car and also the wind", 3),
    ],
)
def test_several_things_in_one_breath_count_as_several(said: str, count: int) -> None:
    reading = answers("en").read(said)
    assert (reading.shape, reading.count) == (Shape.THINGS, count)


@pytest.mark.parametrize("said", ["I don't know", "nothing", "numb", "blank", "not sure", ""])
def test_not_knowing_is_its_own_shape(said: str) -> None:
    assert answers("en").read(said).shape is Shape.NOT_KNOWING


@pytest.mark.parametrize("said", ["skip", "skip this one", "next", "done", "that's it"])
def test_move_on_words(said: str) -> None:
    assert answers("en").read(said).shape is Shape.MOVE_ON
