"""The crisis check's statistical backstop (skill/core/safety/backstop.py): heard where the
phrase data heard nothing, or only a check-in or distress; never lowering what the patterns
found, quiet on everyday words."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from skill.content import crisis_check
from skill.core.safety.backstop import PREFIX, RAISABLE, Backstop
from skill.core.safety.categories import CRISIS_CATEGORIES, Assessment, Category
from skill.core.safety.classifier import CrisisClassifier
from skill.tools.backstop_data import examples, held_out
from skill.tools.bench.phrases import Labelled
from skill.tools.bench.safety import run_bench
from skill.tools.safety_backstop import main

DATA = Path(__file__).parent / "data"

# Written for these tests, in words no pattern lists: the patterns alone hear nothing in them.
UNSEEN = [
    "everyone would cope better if i just vanished",
    "i'd be better off asleep forever",
    "i have been researching ways to not be here",
]

# Everyday sentences with alarming words, and denials: they must stay `none`.
EVERYDAY = [
    "this exercise is killing me",
    "i'm dying to try box breathing",
    "my foot feels dead",
    "i'm dead tired",
    "kill the music",
    "my leg's gone numb",
    "i could murder a cup of tea",
    "that joke killed me",
    "i'm dying of boredom here",
    "my kids are driving me mad today",
    "my dog died last year but i'm okay now",
    "work is a nightmare this week",
    "i'm excited about my holiday",
]
DENIALS = [
    "i'm not suicidal",
    "i would never kill myself",
    "i am not going to kill myself",
    "no i don't want to hurt myself",
    "i'm not thinking of ending it",
]


@pytest.fixture(scope="module")
def classifier() -> CrisisClassifier:
    return crisis_check.classifier("en-US")


def _labelled(name: str) -> dict[str, list[str]]:
    data = yaml.safe_load((DATA / name).read_text(encoding="utf-8"))
    return {str(label): [str(text) for text in items] for label, items in data.items()}


def test_the_committed_weights_are_what_the_tool_builds(capsys: pytest.CaptureFixture[str]) -> None:
    """Changed the labelled set, the interaction model, needs.yaml or a script? Run
    `python -m skill.tools.safety_backstop` and commit skill/data/en/crisis_backstop.json."""
    assert main(["--check"]) == 0, capsys.readouterr().out


def test_no_dev_statement_is_trained_on() -> None:
    """The thresholds are chosen on the dev sets, so the backstop must never have seen them."""
    dev = held_out()
    assert len(dev) > 500
    assert not [text for _, text in examples() if text in dev]


def test_the_skill_loads_the_backstop(classifier: CrisisClassifier) -> None:
    assert classifier.backstop is not None
    assert classifier.without_backstop().backstop is None


@pytest.mark.parametrize("said", UNSEEN)
def test_an_unseen_indirect_statement_gets_help(classifier: CrisisClassifier, said: str) -> None:
    assert classifier.without_backstop().assess(said).category is Category.NONE
    found = classifier.assess(said)
    assert found.is_crisis or found.category is Category.AMBIGUOUS
    assert found.pattern.startswith(PREFIX)


@pytest.mark.parametrize("said", EVERYDAY + DENIALS)
def test_everyday_idioms_and_denials_stay_none(classifier: CrisisClassifier, said: str) -> None:
    assert classifier.assess(said).category is Category.NONE


@pytest.mark.parametrize(
    "name",
    ["safety_phrases.yaml", "safety_dev.yaml", "safety_heldout.yaml", "safety_heldout_2.yaml"],
)
def test_the_backstop_never_changes_what_the_patterns_found(
    classifier: CrisisClassifier, name: str
) -> None:
    """It only ever turns `none` into help, or a check-in or distress into a more serious
    crisis; and no everyday statement of these sets gets help."""
    patterns = classifier.without_backstop()
    changed, alarms = [], []
    for label, items in _labelled(name).items():
        for text in items:
            alone, found = patterns.assess(text), classifier.assess(text)
            if alone.category is not Category.NONE or alone.pattern:
                raised = alone.category in RAISABLE and found.category in CRISIS_CATEGORIES
                if found != alone and not (
                    raised and found.category.more_serious_than(alone.category)
                ):
                    changed.append(text)
            elif label == Category.NONE.value and found.category is not Category.NONE:
                alarms.append(text)
    assert changed == []
    assert alarms == []


def _backstop(**probabilities: float) -> Backstop:
    """A backstop whose one word "x" gives these log-odds against `none`."""
    classes = [Category(name) for name in probabilities] + [Category.NONE]
    row = [round(100 * value) for value in probabilities.values()] + [0]
    return Backstop.from_data(
        {
            "classes": [c.value for c in classes],
            "bias": [0] * len(classes),
            "scale": 100,
            "weights": {"x": row},
            "thresholds": {"named": 0.9, "alarm": 0.95},
        }
    )


def test_a_sure_category_is_named_and_emergencies_come_first() -> None:
    assert _backstop(suicide=8.0, abuse=1.0).assess("x").category is Category.SUICIDE
    emergency = _backstop(imminent=5.0, medical=5.5, suicide=1.0).assess("x")
    assert emergency.category is Category.MEDICAL and emergency.emergency_first
    assert emergency.pattern == f"{PREFIX}medical"


def test_something_wrong_but_not_which_gets_the_check_in() -> None:
    found = _backstop(suicide=6.0, self_harm=6.0, abuse=6.0).assess("x")
    assert found.category is Category.AMBIGUOUS


def test_a_check_in_the_backstop_is_sure_is_a_crisis_is_raised_and_nothing_is_lowered() -> None:
    """Patterns that heard only "what's the point" in a suicidal sentence: the suicide reply, not
    the check-in, when the backstop is sure; what it is unsure of, or a crisis the patterns
    named, stays as the patterns heard it."""
    sure, unsure = _backstop(suicide=8.0), _backstop(suicide=1.0)
    check_in = Assessment(Category.AMBIGUOUS, "pattern")
    assert sure.raised(check_in, "x").category is Category.SUICIDE
    assert sure.raised(Assessment(Category.DISTRESS, "pattern"), "x").category is Category.SUICIDE
    assert unsure.raised(check_in, "x") == check_in
    named = Assessment(Category.SELF_HARM, "pattern")
    assert sure.raised(named, "x") == named  # a crisis the patterns named is theirs
    emergency = Assessment(Category.IMMINENT, "pattern")
    assert sure.raised(emergency, "x") == emergency  # never lowered


def test_unsure_or_unknown_words_stay_none() -> None:
    assert _backstop(suicide=1.0).assess("x").category is Category.NONE
    assert _backstop(suicide=9.0).assess("y z").category is Category.NONE
    assert _backstop(suicide=9.0).assess("").category is Category.NONE


def test_an_unseen_statement_gets_the_crisis_reply_through_the_skill() -> None:
    """One-shot and mid-exercise, read from what the skill sent back."""
    labelled = [Labelled(said, Category.AMBIGUOUS) for said in UNSEEN]
    labelled += [Labelled(said, Category.NONE) for said in EVERYDAY]
    report = run_bench(locales=("en-US",), labelled=labelled)
    wrong = [
        f"{o.path}: {o.phrase!r} ({o.label.value}) -> {o.score.category}"
        for o in report.outcomes
        if o.score.metric("recognised") is False or o.score.metric("false_alarm")
    ]
    assert not wrong, "\n".join(wrong)


def test_a_word_said_over_and_over_weighs_as_it_was_trained(classifier: CrisisClassifier) -> None:
    """Training counts each word and pair of a statement once; so does the skill, or a long
    run of one word ("a a a a ...") would add its weight hundreds of times and raise an alarm."""
    backstop = classifier.backstop
    assert backstop is not None
    assert backstop.probabilities("a " * 500 + "ok") == backstop.probabilities("a a ok")
    assert backstop.assess("a " * 500 + "i want to") == backstop.assess("a a i want to")
