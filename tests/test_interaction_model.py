"""Checks of every locale's interaction model: ASK shape, the intent contract, self-consistency.

Every test runs once per committed model (en-US, which is edited by hand, and the models that
skill/locale_models.py builds from it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from skill.content.crisis_check import classifier as classifier_for
from skill.core.preferences import Control
from skill.core.safety.categories import Category
from skill.core.script import Kind
from skill.tools.nlu import Matcher, normalise, statement_key
from skill.tools.nlu.times import time_value
from tests.conftest import REGION_IDS, SCRIPT_IDS

ROOT = Path(__file__).resolve().parents[1]
MODEL_PATHS = sorted((ROOT / "interaction_model").glob("*.json"))
SLOT = re.compile(r"\{(\w+)\}")
# Lower-case words (inner apostrophes allowed) and {slots}, single spaces; no digits.
TOKEN = r"(?:[a-z]+(?:'[a-z]+)*|\{[A-Za-z_]+\})"
VALID_SAMPLE = re.compile(rf"{TOKEN}(?: {TOKEN})*")

CONTRACT_SLOTS = {
    "StartExerciseIntent": {"exercise", "person", "minutes"},
    "AnswerIntent": {"answer"},
    "FeelingIntent": {"feeling"},
    "CrisisIntent": {"statement"},
    "ListExercisesIntent": {"kind"},
    "AboutIntent": set(),
}
# CrisisIntent's statement values: one per category of skill.safety.Category (the id is what the
# request interceptor takes as a category hint).
CRISIS_IDS = {category.value for category in Category if category is not Category.NONE}
# Spoken controls (the handlers rely on these names and ids).
CONTROL_SLOTS = {
    "ControlIntent": {"setting": "CONTROL_SETTING", "person": "PERSON"},
    "SkipRegionIntent": {"region": "BODY_REGION"},
}
CONTROL_IDS = {control.value for control in Control}
"""The model offers every spoken control the skill has, and no other."""
# FEELING ids that handlers and tests rely on (T7, T9).
STABLE_FEELING_IDS = {"nothing", "numb", "blank", "dont_know", "worse", "panicky", "unreal"}
BUILTIN_NAMES: tuple[str, ...] = (
    "Help",
    "Stop",
    "Cancel",
    "Fallback",
    "Next",
    "Previous",
    "Repeat",
    "Pause",
)
BUILTIN_NAMES += ("Resume", "StartOver", "Yes", "No", "NavigateHome")
REQUIRED_BUILTINS = {f"AMAZON.{name}Intent" for name in BUILTIN_NAMES}
EXERCISE_IDS = SCRIPT_IDS | {f"kind:{kind}" for kind in Kind} | {"tag:bedtime", "tag:short"}
# Types whose bare values are samples of their own ("{answer}", "{feeling}", "{setting}"):
# one spelling must belong to one of them only, or a bare word would be ambiguous.
BARE_VALUE_TYPES = ("ANSWER", "FEELING", "EXERCISE", "CONTROL_SETTING", "CRISIS_STATEMENT")
# Intents whose carrier phrases may be shared with other intents: their matches need listed
# values (closed lists for the controls; a listed statement, whole or inside the words, for
# CrisisIntent), so the values decide ("um {answer}" and "um {statement}").
SHARING_INTENTS = {"ControlIntent", "SkipRegionIntent", "CrisisIntent"}


@pytest.fixture(scope="module", params=MODEL_PATHS, ids=lambda path: path.stem)
def model_path(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


@pytest.fixture(scope="module")
def raw(model_path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(model_path.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def language_model(raw: dict[str, Any]) -> dict[str, Any]:
    model: dict[str, Any] = raw["interactionModel"]["languageModel"]
    return model


@pytest.fixture(scope="module")
def intents(language_model: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {intent["name"]: intent for intent in language_model["intents"]}


@pytest.fixture(scope="module")
def types(language_model: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {slot_type["name"]: slot_type["values"] for slot_type in language_model["types"]}


@pytest.fixture(scope="module")
def builtin_phrases() -> dict[str, list[str]]:
    text = resources.files("skill").joinpath("data/builtin_intents.yaml").read_text("utf-8")
    data: dict[str, list[str]] = yaml.safe_load(text)
    return data


@pytest.fixture(scope="module")
def matcher(model_path: Path) -> Matcher:
    return Matcher.load(model_path)


def test_every_english_locale_has_a_model() -> None:
    # Irish users use en-GB, New Zealanders en-AU: there is no en-IE or en-NZ model.
    assert [path.stem for path in MODEL_PATHS] == ["en-AU", "en-CA", "en-GB", "en-IN", "en-US"]


def spellings(value: dict[str, Any]) -> list[str]:
    return [value["name"]["value"], *value["name"].get("synonyms", [])]


def all_samples(intents: dict[str, dict[str, Any]]) -> Iterator[tuple[str, str]]:
    for name, intent in intents.items():
        for sample in intent.get("samples", []):
            yield name, sample


def test_model_has_the_ask_shape(raw: dict[str, Any]) -> None:
    assert set(raw) == {"interactionModel"}
    language_model = raw["interactionModel"]["languageModel"]
    assert isinstance(language_model["invocationName"], str)
    for intent in language_model["intents"]:
        assert set(intent) <= {"name", "slots", "samples"}
        assert isinstance(intent["name"], str)
        assert all(isinstance(sample, str) for sample in intent.get("samples", []))
        for slot in intent.get("slots", []):
            assert set(slot) <= {"name", "type", "samples"}
    for slot_type in language_model["types"]:
        assert set(slot_type) == {"name", "values"}
        for value in slot_type["values"]:
            assert set(value) <= {"id", "name"}
            assert set(value["name"]) <= {"value", "synonyms"}
            assert value["name"]["value"].strip()


def test_invocation_name_is_two_or_more_lower_case_words(language_model: dict[str, Any]) -> None:
    name = language_model["invocationName"]
    assert re.fullmatch(r"[a-z]+(?: [a-z]+)+", name)


def test_samples_are_valid_ask_text(intents: dict[str, dict[str, Any]]) -> None:
    for intent, sample in all_samples(intents):
        assert VALID_SAMPLE.fullmatch(sample), f"{intent}: {sample!r}"
        assert len(sample) <= 200, f"{intent}: {sample!r}"
        slots = SLOT.findall(sample)
        assert len(slots) == len(set(slots)), f"{intent}: a slot twice in {sample!r}"
        assert not re.search(r"\} \{", sample), f"{intent}: adjacent slots in {sample!r}"


def test_every_sentence_the_crisis_check_rebuilds_is_a_sample_of_its_intent(
    intents: dict[str, dict[str, Any]], model_path: Path
) -> None:
    """The crisis check puts back together sentences a sample cuts into slots (rejoined in
    crisis_phrases.yaml): each must be a sample of that intent, or it rebuilds what nobody says."""
    rejoiner = classifier_for(model_path.stem).rejoiner
    assert rejoiner.templates
    for intent, templates in rejoiner.templates.items():
        for template in templates:
            assert template in intents[intent]["samples"], (intent, template)


def test_samples_use_only_declared_slots(intents: dict[str, dict[str, Any]]) -> None:
    for intent, sample in all_samples(intents):
        declared = {slot["name"] for slot in intents[intent].get("slots", [])}
        assert set(SLOT.findall(sample)) <= declared, f"{intent}: {sample!r}"


def test_every_declared_slot_is_used_and_typed(
    intents: dict[str, dict[str, Any]], types: dict[str, list[dict[str, Any]]]
) -> None:
    for name, intent in intents.items():
        used = {slot for sample in intent.get("samples", []) for slot in SLOT.findall(sample)}
        for slot in intent.get("slots", []):
            assert slot["name"] in used, f"{name}: slot {slot['name']} is in no sample"
            assert slot["type"] in types or slot["type"].startswith("AMAZON."), slot


def test_no_sample_is_in_two_intents(
    intents: dict[str, dict[str, Any]], builtin_phrases: dict[str, list[str]]
) -> None:
    owner: dict[str, str] = {}
    phrases = list(all_samples(intents))
    phrases += [(intent, phrase) for intent, items in builtin_phrases.items() for phrase in items]
    for intent, sample in phrases:
        key = normalise(SLOT.sub(r"SLOT\1", sample))
        assert owner.setdefault(key, intent) == intent, f"{sample!r}: {owner[key]} and {intent}"


def slot_types_of(intent: dict[str, Any], sample: str) -> tuple[str, ...]:
    declared = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
    return tuple(declared[name] for name in SLOT.findall(sample))


def test_a_shared_carrier_phrase_is_told_apart_by_its_slot_types(
    intents: dict[str, dict[str, Any]], types: dict[str, list[dict[str, Any]]]
) -> None:
    """Two intents may share "i'd like {}" only when their slot types share no spelling."""
    owners: dict[str, dict[str, tuple[str, ...]]] = {}
    for intent, sample in all_samples(intents):
        shape = SLOT.sub("{}", sample)
        owners.setdefault(shape, {})[intent] = slot_types_of(intents[intent], sample)
    for shape, by_intent in owners.items():
        if len(by_intent) < 2:
            continue
        seen: dict[str, str] = {}
        for intent, slot_types in by_intent.items():
            assert len(slot_types) == 1, f"{shape!r}: only one-slot carriers may be shared"
            if slot_types == ("AMAZON.TIME",):
                continue  # told apart from the others' values below: none of them is a time
            assert all(t in types for t in slot_types), f"{shape!r}: {intent} {slot_types}"
            for value in types[slot_types[0]]:
                for spelling in spellings(value):
                    key = normalise(spelling)
                    assert seen.setdefault(key, intent) == intent, f"{shape!r}: {spelling!r}"
        if any(t == ("AMAZON.TIME",) for t in by_intent.values()):
            times = [spelling for spelling in seen if time_value(spelling) is not None]
            assert not times, f"{shape!r}: {times} would be heard as times"


def test_shared_carriers_are_only_those_of_controls_and_crisis(
    intents: dict[str, dict[str, Any]],
) -> None:
    """Only intents whose matches need listed values share carrier phrases."""
    owner: dict[str, str] = {}
    for intent, sample in all_samples(intents):
        shape = SLOT.sub("{}", sample)
        if shape == "{}" or intent in SHARING_INTENTS:
            continue
        assert owner.setdefault(shape, intent) == intent, f"{sample!r}: {owner[shape]}, {intent}"


def test_the_phrase_commit_suicide_is_nowhere(model_path: Path) -> None:
    builtin = resources.files("skill").joinpath("data/builtin_intents.yaml").read_text("utf-8")
    for text in (model_path.read_text(encoding="utf-8"), builtin):
        assert "commit suicide" not in " ".join(text.lower().split())
        assert "committed suicide" not in " ".join(text.lower().split())


def test_contract_intents_and_slots_exist(intents: dict[str, dict[str, Any]]) -> None:
    for name, slots in CONTRACT_SLOTS.items():
        assert name in intents
        assert {slot["name"] for slot in intents[name].get("slots", [])} == slots
    start_slots = {slot["name"]: slot["type"] for slot in intents["StartExerciseIntent"]["slots"]}
    assert start_slots["minutes"] == "AMAZON.NUMBER"
    assert set(intents) >= REQUIRED_BUILTINS


def test_control_intents_slots_and_ids(
    intents: dict[str, dict[str, Any]], types: dict[str, list[dict[str, Any]]]
) -> None:
    for name, slots in CONTROL_SLOTS.items():
        assert {slot["name"]: slot["type"] for slot in intents[name]["slots"]} == slots
    assert {value["id"] for value in types["CONTROL_SETTING"]} == CONTROL_IDS
    assert {value["id"] for value in types["BODY_REGION"]} == set(REGION_IDS)
    assert {value["id"] for value in types["FEELING"]} >= STABLE_FEELING_IDS


def test_builtin_phrases_are_for_builtins_in_the_model(
    intents: dict[str, dict[str, Any]], builtin_phrases: dict[str, list[str]]
) -> None:
    assert set(builtin_phrases) <= set(intents)
    assert all(name.startswith("AMAZON.") for name in builtin_phrases)
    assert all(isinstance(phrase, str) for items in builtin_phrases.values() for phrase in items)


def test_enough_samples_and_values(
    intents: dict[str, dict[str, Any]], types: dict[str, list[dict[str, Any]]]
) -> None:
    assert len(intents["StartExerciseIntent"]["samples"]) >= 30
    assert len(intents["CrisisIntent"]["samples"]) >= 30
    assert len(intents["AboutIntent"]["samples"]) >= 25
    assert sum(len(spellings(value)) for value in types["CRISIS_STATEMENT"]) >= 2000
    assert len(types["ANSWER"]) >= 300
    assert len(types["FEELING"]) >= 160
    assert len(intents["ControlIntent"]["samples"]) >= 60
    assert len(intents["SkipRegionIntent"]["samples"]) >= 30
    for value in types["CONTROL_SETTING"]:
        assert len(spellings(value)) >= 15, value["id"]
    for value in types["BODY_REGION"]:
        assert value["name"]["value"] == value["id"]


def test_every_exercise_id_exists(types: dict[str, list[dict[str, Any]]]) -> None:
    assert {value["id"] for value in types["EXERCISE"]} == EXERCISE_IDS
    kinds = {value["id"] for value in types["EXERCISE_KIND"]}
    assert kinds == {
        "grounding",
        "breathing",
        "emotion_naming",
        "body_scan",
        "journaling",
        "movement",
    }


# Script aliases kept out of the voice model, with the reason.
ALIASES_LEFT_OUT = {
    "enough for today": 'sounds like stopping ("that\'s enough for today")',
}


def test_every_script_title_and_alias_starts_it(matcher: Matcher) -> None:
    paths = sorted((ROOT / "scripts" / "en").glob("*.yaml"))
    if not paths:
        pytest.skip("no scripts yet")
    wrong = []
    for path in paths:
        script = yaml.safe_load(path.read_text(encoding="utf-8"))
        for name in [script["title"], *script.get("aliases", [])]:
            if normalise(name) in ALIASES_LEFT_OUT:
                continue
            got = matcher.match(f"start {name}")
            exercise = got.slots.get("exercise")
            if exercise is None or exercise.resolved_id != script["id"]:
                wrong.append(f"{path.name}: {name!r} -> {exercise}")
    assert not wrong, "add these to the EXERCISE slot type:\n" + "\n".join(wrong)


def test_slot_values_and_synonyms_are_unique(types: dict[str, list[dict[str, Any]]]) -> None:
    for type_name, values in types.items():
        ids = [value.get("id", value["name"]["value"]) for value in values]
        assert len(ids) == len(set(ids)), type_name
        seen: dict[str, str] = {}
        for value, value_id in zip(values, ids, strict=True):
            for spelling in spellings(value):
                key = normalise(spelling)
                assert key, f"{type_name}: empty spelling in {value_id}"
                assert seen.setdefault(key, value_id) == value_id, f"{type_name}: {spelling!r}"


def test_bare_value_types_do_not_share_spellings(types: dict[str, list[dict[str, Any]]]) -> None:
    owner: dict[str, str] = {}
    for type_name in BARE_VALUE_TYPES:
        for value in types[type_name]:
            for spelling in spellings(value):
                key = normalise(spelling)
                assert owner.setdefault(key, type_name) == type_name, f"{spelling!r}"


def first_value(types: dict[str, list[dict[str, Any]]], slot_type: str) -> str:
    if slot_type == "AMAZON.NUMBER":
        return "five"
    if slot_type == "AMAZON.TIME":
        return "nine pm"
    if slot_type in types:
        name: str = types[slot_type][0]["name"]["value"]
        return name
    return "something"


def fill(sample: str, slot_types: dict[str, str], types: dict[str, list[dict[str, Any]]]) -> str:
    return SLOT.sub(lambda found: first_value(types, slot_types[found[1]]), sample)


def test_every_sample_matches_its_own_intent(
    matcher: Matcher,
    intents: dict[str, dict[str, Any]],
    types: dict[str, list[dict[str, Any]]],
) -> None:
    failures = []
    for name, intent in intents.items():
        slot_types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            filled = fill(sample, slot_types, types)
            got = matcher.match(filled)
            if got.intent != name:
                failures.append(f"{filled!r}: {got.intent}, not {name}")
            for slot in SLOT.findall(sample):
                if slot not in got.slots:
                    failures.append(f"{filled!r}: slot {slot} not filled")
    assert not failures, "\n".join(failures)


def test_every_builtin_phrase_matches_its_own_intent(
    matcher: Matcher, builtin_phrases: dict[str, list[str]]
) -> None:
    for intent, phrases in builtin_phrases.items():
        for phrase in phrases:
            assert matcher.match(phrase).intent == intent, phrase
            assert matcher.match(phrase, expecting="answer").intent == intent, phrase


# Bare words that are also built-in phrases: the built-in wins, as it does on a device.
BUILTIN_WINS = {"okay", "ok", "alright"}


@pytest.mark.parametrize(
    ("type_name", "intent"),
    [
        ("ANSWER", "AnswerIntent"),
        ("FEELING", "FeelingIntent"),
        ("EXERCISE", "StartExerciseIntent"),
        ("CONTROL_SETTING", "ControlIntent"),
    ],
)
def test_every_listed_value_alone_matches_its_intent(
    matcher: Matcher, types: dict[str, list[dict[str, Any]]], type_name: str, intent: str
) -> None:
    wrong = [
        f"{spelling!r}: {got}"
        for value in types[type_name]
        for spelling in spellings(value)
        if spelling not in BUILTIN_WINS and (got := matcher.match(spelling).intent) != intent
    ]
    assert not wrong


# --- crisis statements: their words and their category reach the skill -----------------------


def test_crisis_statement_ids_are_the_categories(types: dict[str, list[dict[str, Any]]]) -> None:
    assert {value["id"] for value in types["CRISIS_STATEMENT"]} == CRISIS_IDS


def test_every_crisis_sample_carries_the_words(intents: dict[str, dict[str, Any]]) -> None:
    # A sample without the slot would reach the skill with no words at all.
    literal = [text for text in intents["CrisisIntent"]["samples"] if "{statement}" not in text]
    assert not literal


def test_the_classifier_agrees_with_every_statement_id(
    types: dict[str, list[dict[str, Any]]],
) -> None:
    """The id is only a hint for words that were lost: the words alone must say the same."""
    classifier = classifier_for("en")
    wrong = [
        f"{value['id']}: {spelling!r} is {found.value}"
        for value in types["CRISIS_STATEMENT"]
        for spelling in spellings(value)
        if (found := classifier.assess(spelling).category).value != value["id"]
    ]
    assert not wrong, "\n".join(wrong[:50])


def test_statements_are_told_apart_when_compared_loosely(
    types: dict[str, list[dict[str, Any]]],
) -> None:
    """The matcher compares statements without fillers and contractions: no two categories and
    no other bare value may then look the same."""
    owner: dict[tuple[str, ...], str] = {}
    for value in types["CRISIS_STATEMENT"]:
        for spelling in spellings(value):
            key = statement_key(spelling)
            assert owner.setdefault(key, value["id"]) == value["id"], spelling
    for type_name in BARE_VALUE_TYPES:
        if type_name == "CRISIS_STATEMENT":
            continue
        for value in types[type_name]:
            for spelling in spellings(value):
                assert statement_key(spelling) not in owner, f"{type_name}: {spelling!r}"


def test_every_statement_alone_resolves_to_its_category(
    matcher: Matcher, types: dict[str, list[dict[str, Any]]]
) -> None:
    wrong = []
    for value in types["CRISIS_STATEMENT"]:
        for spelling in spellings(value):
            got = matcher.match(spelling)
            slot = got.slots.get("statement")
            if slot is None or slot.resolved_id != value["id"] or slot.value != normalise(spelling):
                wrong.append(f"{spelling!r}: {got.intent} {slot}")
    assert not wrong, "\n".join(wrong[:50])


# --- no spoken phrase belongs to two intents ---------------------------------------------------

Step = tuple[str, str | int]
"""One step of a sample: ("word", "skip") or ("slot", the trie node of its slot type's words)."""


def expansion_conflicts(
    intents: dict[str, dict[str, Any]],
    types: dict[str, list[dict[str, Any]]],
    builtin_phrases: dict[str, list[str]],
) -> dict[str, list[str]]:
    """Every phrase that two intents can both be said as: each sample with every value and
    synonym of its slots (across all intents), and each built-in phrase, compared word for word
    once normalised.

    Written out in full that is millions of phrases (a sample with two slots is the product of
    their lists), so it is walked as a tree instead: a sample is a path of words, a slot a
    branch into a trie of its type's spellings, and the walk goes on only while the words said
    so far can still be two intents' words. A built-in slot type (AMAZON.NUMBER) is one word of
    its own ("<AMAZON.NUMBER>"): equal only to the same type in the same place.
    """
    nodes: list[tuple[dict[str, int], list[bool]]] = []

    def new_node() -> int:
        nodes.append(({}, [False]))
        return len(nodes) - 1

    tries: dict[str, int] = {}
    for type_name, values in types.items():
        tries[type_name] = root = new_node()
        for value in values:
            for spelling in spellings(value):
                at = root
                for word in normalise(spelling).split():
                    following = nodes[at][0]
                    if word not in following:
                        following[word] = new_node()
                    at = following[word]
                nodes[at][1][0] = True
    samples: list[tuple[str, tuple[Step, ...]]] = []
    for name, intent in intents.items():
        declared = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            steps: list[Step] = []
            for part in re.split(r"(\{\w+\})", sample):
                slot = SLOT.fullmatch(part)
                if slot is None:
                    steps.extend(("word", word) for word in normalise(part).split())
                elif declared[slot[1]] in tries:
                    steps.append(("slot", tries[declared[slot[1]]]))
                else:
                    steps.append(("word", f"<{declared[slot[1]]}>"))
            samples.append((name, tuple(steps)))
    for name, phrases in builtin_phrases.items():
        for phrase in phrases:
            samples.append((name, tuple(("word", word) for word in normalise(phrase).split())))

    State = tuple[int, int, int]  # (sample, step, trie node inside a slot or -1)

    def closure(states: list[State]) -> set[State]:
        done: set[State] = set()
        todo = list(states)
        while todo:
            state = todo.pop()
            if state in done:
                continue
            done.add(state)
            sample, step, at = state
            steps = samples[sample][1]
            if at == -1 and step < len(steps) and steps[step][0] == "slot":
                todo.append((sample, step, int(steps[step][1])))
            elif at != -1 and nodes[at][1][0]:
                todo.append((sample, step + 1, -1))
        return done

    found: dict[str, list[str]] = {}

    def walk(states: list[State], said: tuple[str, ...]) -> None:
        reached = closure(states)
        complete = {
            samples[s][0] for s, step, at in reached if at == -1 and step == len(samples[s][1])
        }
        if len(complete) > 1:
            found[" ".join(said)] = sorted(complete)
        following: dict[str, list[State]] = {}
        for sample, step, at in reached:
            steps = samples[sample][1]
            if at == -1:
                if step < len(steps) and steps[step][0] == "word":
                    following.setdefault(str(steps[step][1]), []).append((sample, step + 1, -1))
            else:
                for word, child in nodes[at][0].items():
                    following.setdefault(word, []).append((sample, step, child))
        for word, next_states in following.items():
            if len({samples[s][0] for s, _, _ in next_states}) > 1:
                walk(next_states, (*said, word))

    walk([(index, 0, -1) for index in range(len(samples))], ())
    return found


def test_no_expansion_belongs_to_two_intents(
    intents: dict[str, dict[str, Any]],
    types: dict[str, list[dict[str, Any]]],
    builtin_phrases: dict[str, list[str]],
) -> None:
    """Every sample with every slot value and synonym, across all intents and the built-in
    phrases: no phrase may be two intents' ("i'm having a panic attack" both a feeling and a
    crisis statement; "skip back" both a region skip and going back). A crisis, distress or
    check-in statement belongs to CrisisIntent (safety.md C1, C7, C9), not to a feeling."""
    conflicts = expansion_conflicts(intents, types, builtin_phrases)
    shown = [f"{said!r}: {', '.join(owners)}" for said, owners in sorted(conflicts.items())]
    assert not shown, "\n".join(shown[:50])


def test_the_conflict_search_finds_what_it_should() -> None:
    intents = {
        "FeelingIntent": {
            "slots": [{"name": "feeling", "type": "FEELING"}],
            "samples": ["i'm {feeling}", "i think {feeling}", "i feel {feeling}"],
        },
        "CrisisIntent": {
            "slots": [{"name": "statement", "type": "CRISIS_STATEMENT"}],
            "samples": ["{statement}", "honestly {statement}"],
        },
        "SleepTimerIntent": {
            "slots": [{"name": "minutes", "type": "AMAZON.NUMBER"}],
            "samples": ["stop in {minutes} minutes"],
        },
        "OtherIntent": {
            "slots": [{"name": "count", "type": "AMAZON.NUMBER"}],
            "samples": ["stop in {count} minutes", "stop in five minutes"],
        },
    }
    types = {
        "FEELING": [
            {"id": "panicky", "name": {"value": "panicky", "synonyms": ["having a panic attack"]}}
        ],
        "CRISIS_STATEMENT": [{"id": "distress", "name": {"value": "I'm having a panic attack!"}}],
    }
    builtin = {"AMAZON.YesIntent": ["I think panicky"], "AMAZON.StopIntent": ["stop"]}
    assert expansion_conflicts(intents, types, builtin) == {
        "i'm having a panic attack": ["CrisisIntent", "FeelingIntent"],
        "i think panicky": ["AMAZON.YesIntent", "FeelingIntent"],
        "stop in <AMAZON.NUMBER> minutes": ["OtherIntent", "SleepTimerIntent"],
    }
