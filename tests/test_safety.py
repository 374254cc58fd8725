"""The crisis check and its replies: labelled phrases, idioms, negations, and safe wording."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from skill.content import bundle, crisis_check
from skill.core.safety.categories import (
    CRISIS_CATEGORIES,
    PRIORITY,
    SUPPORT_CATEGORIES,
    Assessment,
    Category,
)
from skill.core.safety.classifier import HEARD_CHARACTERS, CrisisClassifier
from skill.core.safety.helplines import Country, HelplineDirectory, Line, LocalHelp
from skill.core.safety.normalise import Normaliser
from skill.core.safety.patterns import PatternError
from skill.core.safety.replies import (
    MAX_REPLY_CHARS,
    CrisisWording,
    Wording,
    compose,
    forbidden_found,
)
from skill.core.template import fill
from skill.core.timeline import Timeline
from skill.speech.numbers import digits_ssml
from skill.speech.ssml import body as ssml_body

ENGLISH = crisis_check.normaliser("en")
normalise = ENGLISH.normalise


def assess(texts: list[str], locale: str) -> Assessment:
    """The crisis check of a locale's classifier."""
    return crisis_check.classifier(locale).assess(texts)


def crisis_ssml(category: Category, help: LocalHelp, words: CrisisWording) -> str:
    """The reply to a statement, as the SSML body the skill sends."""
    return ssml_body(compose(Wording.REPLY, category, help, words))


def repeat_number_ssml(category: Category, help: LocalHelp, words: CrisisWording) -> str:
    return ssml_body(compose(Wording.REPEAT, category, help, words))


def continue_ssml(help: LocalHelp, words: CrisisWording) -> str:
    return ssml_body(compose(Wording.CARRY_ON, Category.SUICIDE, help, words))


def check_in_declined_ssml(help: LocalHelp, words: CrisisWording) -> str:
    return ssml_body(compose(Wording.CHECK_IN_DECLINED, Category.AMBIGUOUS, help, words))


PHRASES_FILE = Path(__file__).parent / "data" / "safety_phrases.yaml"
LOCALES = ("en-US", "en-CA", "en-GB", "en-AU", "en-IN")
REPLY_CATEGORIES = [category for category in Category if category is not Category.NONE]
MAX_FALSE_ALARM_RATE = 0.05

# The idioms safety.md C8 and the brief name; every one must be heard as nothing.
DESIGN_IDIOMS = [
    "this exercise is killing me",
    "I'm dying to try box breathing",
    "my foot feels dead",
    "I'm dead tired",
    "kill the music",
    "my leg's gone numb",
    "I could murder a cup of tea",
    "I'm dying of boredom",
    "you're killing it",
    "dead on my feet",
    "killing time",
    "my phone is dead",
    "I'd kill for a nap",
    "I nearly died laughing",
    "this traffic is going to be the death of me",
]


def labelled() -> dict[Category, list[str]]:
    with PHRASES_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return {Category(name): [str(phrase) for phrase in phrases] for name, phrases in data.items()}


LABELLED = labelled()


@pytest.fixture(scope="module")
def classifier() -> CrisisClassifier:
    return crisis_check.classifier("en")


@pytest.fixture(scope="module")
def phrases() -> CrisisWording:
    return bundle.crisis_wording("en")


@pytest.fixture(scope="module")
def directory() -> HelplineDirectory:
    return bundle.helplines()


def acceptable(label: Category, found: Category) -> bool:
    """The right category, or a more serious crisis category; a support category exactly (its
    reply differs from the others', and a crisis reply would be framing nobody asked for)."""
    if label in SUPPORT_CATEGORIES:
        return found is label
    return found is label or (found in CRISIS_CATEGORIES and found.more_serious_than(label))


# --- the labelled set ---------------------------------------------------------------------------


def test_labelled_set_covers_every_category() -> None:
    assert set(LABELLED) == set(Category)
    assert sum(len(phrases) for phrases in LABELLED.values()) >= 120
    for category, phrases in LABELLED.items():
        assert len(phrases) >= 10, category
    everything = [phrase.lower() for phrases in LABELLED.values() for phrase in phrases]
    repeated = sorted({phrase for phrase in everything if everything.count(phrase) > 1})
    assert not repeated, f"listed twice: {repeated}"


@pytest.mark.parametrize(
    "label", [category for category in PRIORITY if category in CRISIS_CATEGORIES]
)
def test_every_crisis_phrase_gets_its_category_or_a_more_serious_one(
    classifier: CrisisClassifier, label: Category
) -> None:
    wrong = [
        (phrase, found.category.value)
        for phrase in LABELLED[label]
        if not acceptable(label, (found := classifier.assess([phrase])).category)
    ]
    assert not wrong, f"{len(wrong)} {label.value} phrases missed: {wrong}"


def test_ambiguous_phrases_get_a_check_in_or_a_crisis_reply(classifier: CrisisClassifier) -> None:
    wrong = [
        (phrase, found.category.value)
        for phrase in LABELLED[Category.AMBIGUOUS]
        if not acceptable(Category.AMBIGUOUS, (found := classifier.assess([phrase])).category)
    ]
    assert not wrong, f"ambiguous phrases not checked in on: {wrong}"


@pytest.mark.parametrize("label", [c for c in PRIORITY if c in SUPPORT_CATEGORIES])
def test_every_support_phrase_gets_its_own_category(
    classifier: CrisisClassifier, label: Category
) -> None:
    wrong = [
        (phrase, found.category.value)
        for phrase in LABELLED[label]
        if not acceptable(label, (found := classifier.assess([phrase])).category)
    ]
    assert not wrong, f"{len(wrong)} {label.value} phrases missed: {wrong}"


def test_distress_phrases_are_never_ignored(classifier: CrisisClassifier) -> None:
    wrong = [
        phrase
        for phrase in LABELLED[Category.DISTRESS]
        if classifier.assess([phrase]).category is Category.NONE
    ]
    assert not wrong, f"distress phrases heard as nothing: {wrong}"


def test_distress_is_not_mistaken_for_a_crisis_too_often(classifier: CrisisClassifier) -> None:
    phrases = LABELLED[Category.DISTRESS]
    raised = [p for p in phrases if classifier.assess([p]).is_crisis]
    assert len(raised) / len(phrases) < MAX_FALSE_ALARM_RATE, raised


def test_false_alarms_are_under_five_percent(classifier: CrisisClassifier) -> None:
    phrases = LABELLED[Category.NONE]
    alarms = [
        (phrase, found.category.value)
        for phrase in phrases
        if (found := classifier.assess([phrase])).needs_response
    ]
    rate = len(alarms) / len(phrases)
    assert rate < MAX_FALSE_ALARM_RATE, f"{rate:.1%} false alarms: {alarms}"


@pytest.mark.parametrize("idiom", DESIGN_IDIOMS)
def test_idioms_are_not_crises(classifier: CrisisClassifier, idiom: str) -> None:
    assert classifier.assess([idiom]).category is Category.NONE


# --- particular cases ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I don't want to live", Category.SUICIDE),
        ("I don't want to wake up", Category.SUICIDE),
        ("I don't want to be alive", Category.SUICIDE),
        ("I'm not suicidal but I don't want to be alive", Category.SUICIDE),
        ("I don't want to die but I don't want to live either", Category.SUICIDE),
        ("I'm not going to kill myself but I do hurt myself", Category.SELF_HARM),
        ("I don't want to die", Category.NONE),
        ("I'm not suicidal", Category.NONE),
        ("I'm not going to hurt myself", Category.NONE),
        ("I would never kill myself", Category.NONE),
        ("I am dead tired of living", Category.SUICIDE),
        ("I'd rather die than live like this", Category.SUICIDE),
        ("I'd rather die than do another burpee", Category.NONE),
    ],
)
def test_negations_and_idioms_never_hide_a_real_statement(
    classifier: CrisisClassifier, text: str, category: Category
) -> None:
    assert classifier.assess([text]).category is category


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("I can't breathe", Category.DISTRESS),
        ("I can't breathe and my chest hurts", Category.MEDICAL),
        ("she can't breathe", Category.MEDICAL),
        ("I think I'm having a panic attack", Category.DISTRESS),
        ("I think I'm having a heart attack", Category.MEDICAL),
    ],
)
def test_cannot_breathe_is_panic_unless_there_are_medical_signs(
    classifier: CrisisClassifier, text: str, category: Category
) -> None:
    assert classifier.assess([text]).category is category


def test_assess_picks_the_most_serious_of_several_texts(classifier: CrisisClassifier) -> None:
    texts = ["I see a lamp", "I feel panicky", "my husband hit me", "I took all my pills"]
    assert classifier.assess(texts).category is Category.IMMINENT
    assert classifier.assess(texts[:3]).category is Category.ABUSE
    assert classifier.assess(texts[:2]).category is Category.DISTRESS
    assert classifier.assess(texts[:1]).category is Category.NONE
    assert classifier.assess([]).category is Category.NONE


def test_assess_takes_a_single_string_and_skips_empty_values(classifier: CrisisClassifier) -> None:
    assert classifier.assess("I want to die").category is Category.SUICIDE
    assert classifier.assess([None, "", "   ", "I want to die"]).category is Category.SUICIDE
    assert assess(["I want to die"], "en-GB").category is Category.SUICIDE
    assert assess(["I want to die"], "xx-XX").category is Category.SUICIDE


LONG_FILLER = "the rain on the window is calm and slow " * 3000
"""About 120 KB of harmless words: far longer than anything a voice fills a slot with."""


def test_a_long_value_is_heard_at_both_ends_and_read_no_further(
    classifier: CrisisClassifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    read: list[int] = []
    normalise_all = Normaliser.normalise

    def counted(self: Normaliser, text: str) -> str:
        read.append(len(text))
        return normalise_all(self, text)

    monkeypatch.setattr(Normaliser, "normalise", counted)
    assert len(LONG_FILLER) >= 120_000
    assert classifier.assess("I want to die " + LONG_FILLER).category is Category.SUICIDE
    assert classifier.assess(LONG_FILLER + " my husband hits me").category is Category.ABUSE
    assert classifier.assess(LONG_FILLER).category is Category.NONE
    assert read and max(read) <= HEARD_CHARACTERS


def test_a_long_value_is_cut_between_words(classifier: CrisisClassifier) -> None:
    """A cut through "diet" must not leave "die" to be heard."""
    before = ("a " * HEARD_CHARACTERS)[: HEARD_CHARACTERS - len("I want to die") - 1] + " "
    text = before + "I want to diet " + LONG_FILLER
    assert text[HEARD_CHARACTERS - 3 : HEARD_CHARACTERS + 1] == "diet"
    assert classifier.assess(text).category is Category.NONE
    assert classifier.assess(before + "I want to die " + LONG_FILLER).category is Category.SUICIDE


def test_an_assessment_names_its_pattern_not_the_words(classifier: CrisisClassifier) -> None:
    found = classifier.assess(["My husband Dave hit me"])
    assert found.category is Category.ABUSE
    assert found.pattern and "dave" not in found.pattern.lower()


def test_assessment_properties() -> None:
    for category in Category:
        found = Assessment(category)
        assert found.is_crisis == (category in CRISIS_CATEGORIES)
        assert found.emergency_first == (category in (Category.IMMINENT, Category.MEDICAL))
        assert found.needs_response == (category is not Category.NONE)
    assert Assessment().category is Category.NONE
    assert list(PRIORITY) == list(Category)
    assert Category.IMMINENT.more_serious_than(Category.MEDICAL)
    assert Category.AMBIGUOUS.more_serious_than(Category.DISTRESS)
    assert not Category.NONE.more_serious_than(Category.DISTRESS)


@pytest.mark.parametrize(
    ("said", "heard"),
    [
        ("I’m NOT ok!", "i am not okay"),
        ("im gonna", "i am going to"),
        ("I dont wanna", "i do not want to"),
        ("I can't", "i can not"),
        ("I cannot", "i can not"),
        ("won't", "will not"),
        ("I'd kill", "i would kill"),
        ("I've", "i have"),
        ("she's not breathing", "she is not breathing"),
        ("he's taken", "he has taken"),
        ("my husband's gun", "my husband gun"),
        ("self-harm", "self harm"),
        ("any more", "anymore"),
        ("my self", "myself"),
        ("whats the point", "what is the point"),
        ("i um took all my uh pills", "i took all my pills"),
        ("take me to the er, erm, now", "take me to the er now"),
    ],
)
def test_normalise_writes_words_out_in_full(said: str, heard: str) -> None:
    assert normalise(said) == heard


@pytest.mark.parametrize(
    ("said", "category"),
    [
        ("i um took all my uh sleeping pills", Category.IMMINENT),
        ("erm i want to umm kill myself", Category.SUICIDE),
        ("my um husband hits me", Category.ABUSE),
        ("um could we do uh box breathing", Category.NONE),
    ],
)
def test_sounds_that_are_not_words_do_not_hide_a_statement(said: str, category: Category) -> None:
    """Spoken English is full of "um" and "erm"; measured on the labelled set, two of them put
    into each crisis statement hid 15 in 100 from the patterns before they were left out."""
    assert assess([said], "en-US").category is category


def test_pattern_language() -> None:
    data = {
        "lists": {"pet": ["cat", "(dog|puppy)"]},
        "idioms": ["my (cat|dog) (is|has) gone (out|for a walk)"],
        "denials": ["not sad"],
        "categories": {
            "distress": {
                "patterns": ["[very] sad", "my <pet> ... gone", "^ lost $"],
                "except": ["sad (film|song)"],
            }
        },
    }
    classifier = CrisisClassifier.from_data(data, ENGLISH)

    def category(text: str) -> Category:
        return classifier.assess([text]).category

    assert category("I am very sad") is Category.DISTRESS
    assert category("sad") is Category.DISTRESS
    assert category("a sad film") is Category.NONE
    assert category("I am not sad") is Category.NONE
    assert category("my puppy has been gone all day") is Category.DISTRESS
    assert category("my dog has gone for a walk") is Category.NONE
    assert category("my cat is happy and we went out and then it was gone") is Category.NONE
    assert category("lost") is Category.DISTRESS
    assert category("I lost my keys") is Category.NONE
    assert category("saddle") is Category.NONE


@pytest.mark.parametrize(
    "data",
    [
        {"categories": {"suicide": {"patterns": ["(want to die"]}}},
        {"categories": {"suicide": {"patterns": ["want to die)?"]}}},
        {"categories": {"suicide": {"patterns": ["<nowhere> to die"]}}},
        {"categories": {"suicide": {"patterns": [""]}}},
        {"categories": {"suicide": {"patterns": ["(a||b)"]}}},
        {"categories": {"sadness": {"patterns": ["sad"]}}},
        {"lists": {"loop": ["<loop>"]}, "categories": {"suicide": {"patterns": ["<loop>"]}}},
    ],
)
def test_bad_patterns_are_refused(data: Mapping[str, Any]) -> None:
    with pytest.raises(PatternError):
        CrisisClassifier.from_data(data, ENGLISH)


def test_every_category_has_patterns_in_the_data(classifier: CrisisClassifier) -> None:
    with (Path(__file__).parent.parent / "skill/data/en/crisis_phrases.yaml").open() as handle:
        data = yaml.safe_load(handle)
    assert set(data["categories"]) == {category.value for category in REPLY_CATEGORIES}
    assert data["idioms"] and data["denials"]


# --- the replies --------------------------------------------------------------------------------


def speak(body: str) -> ET.Element:
    return ET.fromstring(f"<speak>{body}</speak>")


def plain_text(body: str) -> str:
    return " ".join("".join(speak(body).itertext()).split())


def break_seconds(body: str) -> list[float]:
    found = []
    for element in speak(body).iter("break"):
        value = element.get("time", "")
        number = float(re.sub(r"[a-z]+$", "", value))
        found.append(number / 1000 if value.endswith("ms") else number)
    return found


def help_for(directory: HelplineDirectory, locale: str) -> LocalHelp:
    return directory.for_request(locale)


def lines_said(category: Category, country: Country) -> tuple[Line, ...]:
    """The lines a reply of this category must say for a country (besides the emergency
    numbers): the abuse line (or the crisis line) for abuse; the `another` lines (or the crisis
    line) for another_line; none for pain; the crisis line for every other."""
    if category is Category.ABUSE:
        return (country.line_for("abuse") or country.crisis_line,)
    if category is Category.ANOTHER_LINE:
        return country.lines_for("another") or (country.crisis_line,)
    if category is Category.PAIN:
        return ()
    return (country.crisis_line,)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("category", REPLY_CATEGORIES)
def test_every_reply_is_valid_short_and_safe(
    directory: HelplineDirectory,
    phrases: CrisisWording,
    locale: str,
    category: Category,
) -> None:
    local = help_for(directory, locale)
    body = crisis_ssml(category, local, phrases)
    assert not body.startswith("<speak")
    assert len(body) < MAX_REPLY_CHARS
    speak(body)  # parses as XML
    assert not re.search(r"[,;] (You|In|If|That)\b", plain_text(body)), "a sentence runs on"
    assert all(0 < seconds <= 10 for seconds in break_seconds(body))
    assert forbidden_found(body, phrases) == []
    for country in local.countries:
        for line in lines_said(category, country):
            assert digits_ssml(line.number) in body, line
    for number in local.emergency_numbers:
        assert digits_ssml(number) in body


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("category", [Category.IMMINENT, Category.MEDICAL])
def test_emergency_number_comes_first(
    directory: HelplineDirectory, phrases: CrisisWording, locale: str, category: Category
) -> None:
    local = help_for(directory, locale)
    body = crisis_ssml(category, local, phrases)
    first_emergency = body.index(digits_ssml(local.emergency_numbers[0]))
    assert first_emergency < body.index(digits_ssml(local.crisis_line.number))
    assert first_emergency < 60


@pytest.mark.parametrize("category", [Category.SUICIDE, Category.SELF_HARM])
def test_suicide_and_self_harm_replies_follow_c2(
    directory: HelplineDirectory, phrases: CrisisWording, category: Category
) -> None:
    local = help_for(directory, "en-US")
    body = crisis_ssml(category, local, phrases)
    text = plain_text(body)
    assert text.startswith("Thank you for telling me.")
    assert "I'm an automated voice app. I can't call anyone, and no one is listening." in text
    number = digits_ssml(local.crisis_line.number)
    assert body.count(number) >= 2  # the number, then the number again
    assert body.index(number) < body.index("You can also send a text")  # then the text option
    assert "danger right now, please call 911." in text
    assert text.endswith("Would you like me to repeat the number?")


def test_ambiguous_reply_asks_directly_and_mentions_the_line(
    directory: HelplineDirectory, phrases: CrisisWording
) -> None:
    local = help_for(directory, "en-GB")
    text = plain_text(crisis_ssml(Category.AMBIGUOUS, local, phrases))
    assert text.endswith("Are you thinking about ending your life?")
    assert "Samaritans" in text


def test_distress_reply_orients_to_the_room_and_offers_to_stop(
    directory: HelplineDirectory, phrases: CrisisWording
) -> None:
    text = plain_text(crisis_ssml(Category.DISTRESS, help_for(directory, "en-US"), phrases))
    assert "look around" in text and "Name one thing you can see." in text
    assert "Feel your feet on the floor." in text
    assert "stop" in text and "support" in text


def test_en_au_without_a_country_gives_both_emergency_numbers(
    directory: HelplineDirectory, phrases: CrisisWording
) -> None:
    body = crisis_ssml(Category.SUICIDE, help_for(directory, "en-AU"), phrases)
    text = plain_text(body)
    assert "000 in Australia, or 111 in New Zealand" in text
    assert digits_ssml("13 11 14") in body and digits_ssml("1737") in body
    known = crisis_ssml(Category.SUICIDE, directory.for_request("en-AU", "NZ"), phrases)
    assert digits_ssml("000") not in known and digits_ssml("13 11 14") not in known


def test_en_gb_gives_116_123_and_999(directory: HelplineDirectory, phrases: CrisisWording) -> None:
    body = crisis_ssml(Category.SUICIDE, help_for(directory, "en-GB"), phrases)
    assert digits_ssml("116 123") in body
    assert plain_text(body).count("116 123") == 2  # one line for both countries, said twice
    assert "please call 999, or 112 in Ireland." in plain_text(body)
    assert "SHOUT" in body and "HELLO" in body


DISCLOSURES = [
    "my husband hit me",
    "I was beaten up by my husband",
    "I am being abused",
    "I was raped",
    "someone is hurting me",
    "my partner threatens me",
    "I'm scared to go home",
    "my boyfriend strangled me",
    "my dad touches me",
    "I was sexually assaulted",
]
COMMON_WORDS = set(["i", "am", "was", "is", "me", "my", "by", "to", "go", "be", "being", "up"])


@pytest.mark.parametrize("locale", LOCALES)
def test_abuse_reply_does_not_repeat_the_disclosure(
    classifier: CrisisClassifier,
    directory: HelplineDirectory,
    phrases: CrisisWording,
    locale: str,
) -> None:
    local = help_for(directory, locale)
    reply_words = set(normalise(plain_text(crisis_ssml(Category.ABUSE, local, phrases))).split())
    line_words = {
        word
        for country in local.countries
        for line in (*country.also, country.crisis_line)
        for word in normalise(line.spoken_name).split()
    }
    for disclosure in DISCLOSURES:
        assert classifier.assess([disclosure]).category is Category.ABUSE, disclosure
        repeated = (set(normalise(disclosure).split()) - COMMON_WORDS) & (reply_words - line_words)
        assert not repeated, f"{disclosure!r}: reply repeats {repeated}"


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("category", REPLY_CATEGORIES)
def test_repeat_continue_and_check_in_replies_are_valid(
    directory: HelplineDirectory,
    phrases: CrisisWording,
    locale: str,
    category: Category,
) -> None:
    local = help_for(directory, locale)
    for body in (
        repeat_number_ssml(category, local, phrases),
        continue_ssml(local, phrases),
        check_in_declined_ssml(local, phrases),
    ):
        speak(body)
        assert not re.search(r"[,;] (You|In|If|That)\b", plain_text(body)), "a sentence runs on"
        assert len(body) < MAX_REPLY_CHARS
        assert forbidden_found(body, phrases) == []
        assert all(0 < seconds <= 10 for seconds in break_seconds(body))
    repeated = repeat_number_ssml(category, local, phrases)
    assert digits_ssml(local.emergency_numbers[0]) in repeated
    if category in (Category.IMMINENT, Category.MEDICAL):
        assert repeated.index(digits_ssml(local.emergency_numbers[0])) < repeated.index(
            digits_ssml(local.crisis_line.number)
        )


def test_continue_reply_carries_on_only_when_asked(
    directory: HelplineDirectory, phrases: CrisisWording
) -> None:
    text = plain_text(continue_ssml(help_for(directory, "en-US"), phrases))
    assert text.startswith("Okay. We can carry on whenever you're ready.")


def test_every_wording_in_the_file_is_free_of_forbidden_phrases(phrases: CrisisWording) -> None:
    texts = [*phrases.parts.values(), *phrases.replies.values(), *phrases.repeat.values()]
    texts += [phrases.carry_on, phrases.check_in_declined]
    for text in texts:
        assert forbidden_found(text, phrases) == [], text


def test_forbidden_checker_finds_what_it_should(phrases: CrisisWording) -> None:
    assert forbidden_found("Please don't <break/> commit suicide.", phrases) == ["commit suicide"]
    assert "help is on the way" in forbidden_found("Help is on the way.", phrases)
    assert "it gets better" in forbidden_found("It gets better, I promise.", phrases)
    assert forbidden_found("I can't call anyone, and no one is listening.", phrases) == []


def test_no_reply_for_nothing(directory: HelplineDirectory, phrases: CrisisWording) -> None:
    with pytest.raises(ValueError):
        crisis_ssml(Category.NONE, help_for(directory, "en-US"), phrases)


def test_fill_escapes_words_where_they_are_rendered_and_keeps_fields() -> None:
    pause = Timeline().pause(0.6)
    assert ssml_body(fill("Tom & Jerry {x}", x=pause)) == 'Tom &amp; Jerry <break time="600ms"/>'
    assert ssml_body(fill("Call {n}.", n=Timeline().number("988"))) == (
        'Call <say-as interpret-as="digits">988</say-as>.'
    )
    with pytest.raises(KeyError):
        fill("{missing}")
