"""The crisis check hears a sentence the model cut into slots put back together."""

from __future__ import annotations

import pytest

from skill.content.crisis_check import classifier
from skill.core.safety.categories import Category
from skill.core.safety.patterns import PatternError
from skill.core.safety.rejoin import Rejoiner

CUT = {"exercise": "i'm ready to check out", "person": "good"}
"""How "{exercise} for {person}" hears "i'm ready to check out for good"."""


def test_the_pieces_alone_miss_what_the_sentence_says_and_rebuilt_it_is_heard() -> None:
    check = classifier("en-GB")
    assert check.assess(list(CUT.values())).category is Category.NONE
    heard = check.rejoiner.texts("StartExerciseIntent", CUT)
    assert heard == ["i'm ready to check out for good"]
    assert check.assess(heard).category is Category.SUICIDE


def test_a_fragment_the_model_cut_raises_no_alarm_the_sentence_does_not() -> None:
    """Cut by "{exercise} for {person}", "my son has a knife" sounds like danger; the whole
    sentence, which is what was said, does not."""
    check = classifier("en-GB")
    cut = {"exercise": "my son has a knife", "person": "whittling"}
    assert check.assess(list(cut.values())).category is not Category.NONE
    assert check.assess(check.rejoiner.texts("StartExerciseIntent", cut)).category is Category.NONE


def test_only_a_template_with_exactly_the_filled_slots_is_rebuilt() -> None:
    rejoiner = Rejoiner({"StartExerciseIntent": ("{exercise} for {person}", "i want {exercise}")})
    assert rejoiner.texts("StartExerciseIntent", {"exercise": "out"}) == ["out", "i want out"]
    assert rejoiner.texts("StartExerciseIntent", {**CUT, "minutes": "5"}) == [*CUT.values(), "5"]
    assert rejoiner.texts("ControlIntent", CUT) == list(CUT.values())


def test_a_name_the_model_lists_is_not_rebuilt_with_words_guessed_for_it() -> None:
    """ "box breathing" resolved to a listed exercise is a name: "i want" changes nothing."""
    rejoiner = Rejoiner({"StartExerciseIntent": ("i want {exercise}",)})
    said = {"exercise": "box breathing"}
    assert rejoiner.texts("StartExerciseIntent", said, ["exercise"]) == ["box breathing"]
    assert rejoiner.texts("StartExerciseIntent", said) == ["box breathing", "i want box breathing"]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"StartExerciseIntent": ["{exercise}"]}, "words of its own"),
        ({"StartExerciseIntent": ["i want it"]}, "needs a slot"),
        ({"StartExerciseIntent": "{exercise} for {person}"}, "expected a list"),
        (["{exercise} for {person}"], "expected a mapping"),
    ],
)
def test_a_rejoined_entry_that_cannot_be_used_is_refused_with_its_reason(
    data: object, problem: str
) -> None:
    with pytest.raises(PatternError, match=problem):
        Rejoiner.from_data(data)
