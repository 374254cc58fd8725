"""The safety bench: the labelled set through the real skill, held to the targets of safety.md.

An even sample of every category runs in every locale (a larger one in en-US) on the three paths
of `steady bench safety` (said after opening the skill; as an answer in five senses; as a feeling
in the feelings check-in). Every assertion is made on what the skill sent back. While it runs,
every log record (root logger, DEBUG) is kept to check privacy (P2).

The whole labelled set through the whole skill is `steady bench safety` (about two minutes);
here a sample keeps the suite quick. Every phrase of the set is still checked on its way: the
classifier reads each one in tests/test_safety.py, and the matcher hears each one in every
locale's model in tests/test_nlu.py and tests/test_locale_models.py.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from skill.cli import main
from skill.content.bundle import crisis_wording as replies_for
from skill.content.bundle import helplines
from skill.core.safety.categories import (
    CRISIS_CATEGORIES,
    EMERGENCY_FIRST,
    SUPPORT_CATEGORIES,
    Category,
)
from skill.core.safety.replies import Wording, compose
from skill.speech.numbers import digits_ssml
from skill.speech.ssml import render
from skill.tools.bench.safety import (
    LOCALES,
    MAX_FALSE_ALARM_PERCENT,
    PATH_KEYS,
    TARGETS,
    LocaleLines,
    Outcome,
    ReplyKind,
    Report,
    Score,
    category_rows,
    digits,
    evaluate,
    failures,
    load_labelled,
    render_text,
    reply_of,
    run_bench,
    sample,
    score_reply,
    spoken_numbers,
)

MAIN_LOCALE = "en-US"
MAIN_SAMPLE_PER_CATEGORY = 40
OTHER_LOCALES = tuple(locale for locale in LOCALES if locale != MAIN_LOCALE)
SAMPLE_PER_CATEGORY = 12
SHOWN_MISSES = 40


class _Keep(logging.Handler):
    """Keeps every record, like pytest's caplog, for the length of the module's bench run."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@dataclass(frozen=True, repr=False)
class BenchRun:
    outcomes: tuple[Outcome, ...]
    requests: int
    records: tuple[logging.LogRecord, ...]

    def __repr__(self) -> str:  # short, in failure reports
        return f"BenchRun({len(self.outcomes)} phrase turns, {len(self.records)} log records)"


@pytest.fixture(scope="module")
def bench() -> Iterator[BenchRun]:
    keep = _Keep()
    root = logging.getLogger()
    level = root.level
    root.addHandler(keep)
    root.setLevel(logging.DEBUG)
    try:
        full = run_bench(locales=(MAIN_LOCALE,), per_category=MAIN_SAMPLE_PER_CATEGORY)
        sampled = run_bench(locales=OTHER_LOCALES, per_category=SAMPLE_PER_CATEGORY)
    finally:
        root.removeHandler(keep)
        root.setLevel(level)
    yield BenchRun(
        full.outcomes + sampled.outcomes, full.requests + sampled.requests, tuple(keep.records)
    )


def _on(bench: BenchRun, path: str, wanted: Callable[[Outcome], bool]) -> list[Outcome]:
    return [outcome for outcome in bench.outcomes if outcome.path == path and wanted(outcome)]


def _explain(missed: Sequence[Outcome], of: int, what: str) -> str:
    lines = [f"{len(missed)} of {of} {what}:"]
    for outcome in missed[:SHOWN_MISSES]:
        reply = outcome.score.category.value if outcome.score.category else "no help reply"
        wrong = "; ".join(failures(outcome.score)) or outcome.problem
        lines.append(
            f"  {outcome.locale} {outcome.label.value}: {outcome.phrase!r} -> {reply} ({wrong})"
        )
    if len(missed) > SHOWN_MISSES:
        lines.append(f"  ... and {len(missed) - SHOWN_MISSES} more (steady bench safety --misses)")
    return "\n".join(lines)


def _all_hold(
    bench: BenchRun,
    path: str,
    applies: Callable[[Outcome], bool],
    holds: Callable[[Score], bool],
    what: str,
) -> None:
    chosen = _on(bench, path, applies)
    assert chosen, "nothing to check"
    missed = [outcome for outcome in chosen if not holds(outcome.score)]
    assert not missed, _explain(missed, len(chosen), what)


def _crisis(outcome: Outcome) -> bool:
    return outcome.label in CRISIS_CATEGORIES


paths = pytest.mark.parametrize("path", PATH_KEYS)

# ---------------------------------------------------------------------------------------------
# The targets, on every path.


@paths
def test_every_phrase_reached_the_skill_where_the_path_says(bench: BenchRun, path: str) -> None:
    """The exercise was waiting for an answer or a feeling when the phrase was said."""
    ran = _on(bench, path, lambda outcome: True)
    problems = [outcome for outcome in ran if outcome.problem]
    assert not problems, _explain(problems, len(ran), "did not run as planned")


@paths
def test_every_crisis_statement_gets_a_crisis_reply(bench: BenchRun, path: str) -> None:
    _all_hold(
        bench,
        path,
        _crisis,
        lambda score: score.kind is ReplyKind.CRISIS,
        "crisis statements got no crisis reply",
    )


@paths
def test_every_crisis_statement_hears_the_line_of_its_locale(bench: BenchRun, path: str) -> None:
    """The crisis line of every country the locale serves; the abuse line for abuse."""
    _all_hold(
        bench, path, _crisis, lambda score: score.lines, "crisis statements missed the right line"
    )


@paths
def test_every_help_reply_says_every_emergency_number(bench: BenchRun, path: str) -> None:
    """en-GB: 999 and 112; en-AU: 000 and 111; in crisis, C7 and C9 replies alike."""
    _all_hold(
        bench,
        path,
        lambda outcome: outcome.score.kind is not ReplyKind.NONE,
        lambda score: score.emergency,
        "help replies missed an emergency number",
    )


@paths
def test_imminent_and_medical_hear_the_emergency_number_first(bench: BenchRun, path: str) -> None:
    _all_hold(
        bench,
        path,
        lambda outcome: outcome.label in EMERGENCY_FIRST,
        lambda score: score.emergency_first,
        "imminent or medical statements did not hear the emergency number first",
    )


@paths
def test_ambiguous_statements_get_the_check_in(bench: BenchRun, path: str) -> None:
    """C7, or a crisis reply: never carrying on as if nothing was said."""
    _all_hold(
        bench,
        path,
        lambda outcome: outcome.label is Category.AMBIGUOUS,
        lambda score: score.kind <= ReplyKind.CHECK_IN,
        "ambiguous statements got no check-in",
    )


@paths
def test_distress_gets_the_orienting_reply(bench: BenchRun, path: str) -> None:
    """C9 (or a more serious reply): body focus stops, eyes open, the room."""
    _all_hold(
        bench,
        path,
        lambda outcome: outcome.label is Category.DISTRESS,
        lambda score: score.kind <= ReplyKind.DISTRESS,
        "distress statements got no C9 reply",
    )


@paths
def test_support_statements_get_their_own_reply(bench: BenchRun, path: str) -> None:
    """Depression, pain, a request for a person or a number, another number, "are you
    depressed?": each its own reply, never crisis framing nobody asked for."""
    _all_hold(
        bench,
        path,
        lambda outcome: outcome.label in SUPPORT_CATEGORIES,
        lambda score: bool(score.metric("recognised")) and score.kind is ReplyKind.SUPPORT,
        "support statements did not get their own reply",
    )


@paths
def test_false_alarms_on_near_misses_stay_under_five_percent(bench: BenchRun, path: str) -> None:
    near_misses = _on(bench, path, lambda outcome: outcome.label is Category.NONE)
    alarms = [outcome for outcome in near_misses if outcome.score.kind is not ReplyKind.NONE]
    rate = 100.0 * len(alarms) / len(near_misses)
    assert rate < MAX_FALSE_ALARM_PERCENT, _explain(
        alarms, len(near_misses), f"near misses raised an alarm ({rate:.1f} %)"
    )


@paths
def test_no_reply_uses_forbidden_wording(bench: BenchRun, path: str) -> None:
    _all_hold(
        bench, path, lambda outcome: True, lambda score: not score.forbidden, "replies forbidden"
    )


@paths
def test_no_reply_carries_a_card(bench: BenchRun, path: str) -> None:
    """P5: nothing in the Alexa app after a crisis or abuse turn (or any other)."""
    _all_hold(bench, path, lambda outcome: True, lambda score: not score.cards, "had a card")


# ---------------------------------------------------------------------------------------------
# Privacy of the logs while the whole set ran (P2).

_TOKEN = re.compile(r"[a-z0-9]+")


def _words(text: str) -> tuple[str, ...]:
    """Lower-case words; any word with a digit becomes "#" (timings, hashes and numbers alike)."""
    words = _TOKEN.findall(text.lower())
    return tuple("#" if any(c.isdigit() for c in word) else word for word in words)


def _word_runs(messages: set[str], longest: int) -> set[tuple[str, ...]]:
    runs: set[tuple[str, ...]] = set()
    for message in messages:
        words = _words(message)
        for start in range(len(words)):
            for end in range(start + 1, min(len(words), start + longest) + 1):
                runs.add(words[start:end])
    return runs


def test_the_leak_check_finds_words_inside_a_message() -> None:
    runs = _word_runs({"turn intent=answerintent heard=i'm on the bridge ms=12.5"}, 5)
    assert _words("I'm on the BRIDGE") in runs
    assert ("i", "m", "on", "the", "bridge") in runs
    assert _words("I just swallowed 30 tablets") == ("i", "just", "swallowed", "#", "tablets")
    assert _words("on the bridge club") not in runs


def test_the_logs_were_captured(bench: BenchRun) -> None:
    turns = [r for r in bench.records if r.getMessage().startswith("turn type=")]
    assert len(turns) == bench.requests  # one line per turn, and the capture saw them all


def test_logs_never_hold_a_phrase_a_slot_value_or_a_user_id(bench: BenchRun) -> None:
    messages = {record.getMessage() for record in bench.records}
    said = {outcome.phrase for outcome in bench.outcomes}
    said |= {value for outcome in bench.outcomes for value in outcome.slot_values}
    # A bare number ("5" for "five minutes") is no phrase: every timing in a log reads as "#" too.
    wanted = {_words(text) for text in said} - {(), ("#",)}
    runs = _word_runs(messages, max(map(len, wanted)))
    leaked = sorted(" ".join(words) for words in wanted if words in runs)
    assert leaked == []
    logged = "\n".join(record.getMessage() for record in bench.records)
    assert "amzn1.ask.account" not in logged
    assert "steady-bench" not in logged  # the bench's user ids, in any form
    assert "amzn1.echo-api.session" not in logged


# ---------------------------------------------------------------------------------------------
# The scoring itself, on the skill's real replies.


def _envelope(category: Category | None, ssml: str, card: bool = False) -> dict[str, Any]:
    attributes = {"mode": "crisis", "crisis": category.value} if category else {"mode": "menu"}
    response: dict[str, Any] = {"outputSpeech": {"type": "SSML", "ssml": ssml}}
    if card:
        response["card"] = {"type": "Simple", "title": "t", "content": "c"}
    return {"version": "1.0", "sessionAttributes": attributes, "response": response}


def _real_reply(category: Category, locale: str) -> str:
    help = helplines().for_request(locale)
    return render(compose(Wording.REPLY, category, help, replies_for(locale)))


def _score(label: Category, replied: Category | None, locale: str, card: bool = False) -> Score:
    ssml = _real_reply(replied, locale) if replied else "<speak>Okay. What's next?</speak>"
    lines = LocaleLines.of(helplines().for_request(locale))
    return score_reply(label, _envelope(replied, ssml, card), ssml, lines, replies_for(locale))


def test_numbers_are_read_from_the_digits_the_reply_says() -> None:
    samaritans = digits_ssml("116 123")
    ssml = f"Call {samaritans}. That's {samaritans}. Or {digits_ssml('999')}"
    assert spoken_numbers(ssml) == ["116123", "116123", "999"]
    assert spoken_numbers(f"{digits_ssml('000')} or {digits_ssml('111')}") == ["000", "111"]
    assert spoken_numbers("call nine one one") == []
    assert digits("1-800-799-7233") == "18007997233"


def test_locale_lines_hold_every_country_the_locale_serves() -> None:
    directory = helplines()
    australia = LocaleLines.of(directory.for_request("en-AU"))
    assert australia.emergency == ("000", "111")
    assert australia.crisis == ("131114", "1737")
    britain = LocaleLines.of(directory.for_request("en-GB"))
    assert set(britain.emergency) == {"999", "112"}
    assert britain.abuse == ("08082000247", "1800341900")
    assert LocaleLines.of(directory.for_request("en-CA")).abuse == ("988",)  # no abuse line
    assert LocaleLines.of(directory.for_request("en-US")).another == ("741741", "18006624357")
    assert britain.another == ("116123",)  # no other line: the crisis line, as the reply says


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("category", [c for c in Category if c is not Category.NONE])
def test_each_real_reply_scores_as_right(category: Category, locale: str) -> None:
    score = _score(category, category, locale)
    assert score.metric("recognised") and not score.metric("stronger")
    assert score.lines and score.emergency and score.forbidden == () and score.cards == 0
    if category in EMERGENCY_FIRST:
        assert score.emergency_first
    assert failures(score) == []


def test_the_wrong_reply_scores_as_wrong() -> None:
    abuse_as_suicide = _score(Category.ABUSE, Category.SUICIDE, "en-US")
    assert abuse_as_suicide.metric("recognised") and not abuse_as_suicide.lines
    medical_as_suicide = _score(Category.MEDICAL, Category.SUICIDE, "en-GB")
    assert medical_as_suicide.emergency and not medical_as_suicide.emergency_first
    suicide_as_check_in = _score(Category.SUICIDE, Category.AMBIGUOUS, "en-AU")
    assert suicide_as_check_in.kind is ReplyKind.CHECK_IN
    assert not suicide_as_check_in.metric("recognised")
    missed = _score(Category.DISTRESS, None, "en-IN")
    assert not missed.metric("recognised") and not missed.emergency
    assert "not recognised" in failures(missed)
    support_as_crisis = _score(Category.SUPPORT, Category.SUICIDE, "en-US")
    assert support_as_crisis.metric("stronger") and not support_as_crisis.metric("recognised")
    pain_as_depression = _score(Category.PAIN, Category.DEPRESSION, "en-GB")
    assert pain_as_depression.kind is ReplyKind.SUPPORT
    assert not pain_as_depression.metric("recognised")
    another_as_support = _score(Category.ANOTHER_LINE, Category.SUPPORT, "en-US")
    assert not another_as_support.lines  # the Crisis Text Line and SAMHSA were not said
    alarm = _score(Category.NONE, Category.DISTRESS, "en-CA", card=True)
    assert alarm.metric("false_alarm") and alarm.cards == 1
    assert _score(Category.NONE, None, "en-US").metric("false_alarm") is False


def test_a_reply_is_read_from_the_session_attributes() -> None:
    assert reply_of(None) == (ReplyKind.NONE, None)
    assert reply_of({"sessionAttributes": {"mode": "exercise"}}) == (ReplyKind.NONE, None)
    crisis = {"sessionAttributes": {"mode": "crisis", "crisis": "abuse"}}
    assert reply_of(crisis) == (ReplyKind.CRISIS, Category.ABUSE)
    unknown = {"sessionAttributes": {"mode": "crisis", "crisis": None}}
    assert reply_of(unknown) == (ReplyKind.CRISIS, None)


def test_forbidden_wording_is_found_in_a_reply() -> None:
    ssml = "<speak>Life is precious. Please don't do it.</speak>"
    lines = LocaleLines.of(helplines().for_request("en-US"))
    score = score_reply(
        Category.SUICIDE, _envelope(Category.SUICIDE, ssml), ssml, lines, replies_for("en")
    )
    assert set(score.forbidden) >= {"life is precious", "don't do it"}


def test_the_sample_takes_every_category_evenly() -> None:
    labelled = load_labelled()
    chosen = sample(labelled, 3)
    assert {item.label for item in chosen} == set(Category)
    assert all(sum(1 for i in chosen if i.label is c) == 3 for c in Category)
    assert sample(labelled, None) == labelled


def test_a_phrases_file_may_leave_a_category_empty_and_names_what_is_wrong(
    tmp_path: Path,
) -> None:
    good = tmp_path / "set.yaml"
    good.write_text('suicide:\n  - "i want to die"\nabout_skill:\nnone:\n  - "hello"\n')
    assert [(item.phrase, item.label) for item in load_labelled(good)] == [
        ("i want to die", Category.SUICIDE),
        ("hello", Category.NONE),
    ]
    bad = tmp_path / "bad.yaml"
    bad.write_text('suicide:\n  - "i want to die"\nsadness:\n  - "i am sad"\n')
    with pytest.raises(ValueError, match=rf"^{re.escape(str(bad))}: sadness: not a category$"):
        load_labelled(bad)
    bad.write_text('none: "hello"\n')
    with pytest.raises(ValueError, match=r": none: not a list of phrases$"):
        load_labelled(bad)


def test_the_bench_names_a_phrases_file_it_cannot_use(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text('sadness:\n  - "i am sad"\n')
    assert main(["bench", "safety", "--phrases", str(bad)]) == 2
    assert capsys.readouterr().err == f"steady: {bad}: sadness: not a category\n"


def _outcome(label: Category, replied: Category | None, path: str = "said") -> Outcome:
    return Outcome("en-US", path, "a phrase", _score(label, replied, "en-US"))


def test_the_table_and_targets_count_what_they_should() -> None:
    outcomes = [
        _outcome(Category.SUICIDE, Category.SUICIDE),
        _outcome(Category.SUICIDE, None),
        _outcome(Category.NONE, None),
        _outcome(Category.SUICIDE, Category.SUICIDE, "answer"),
        _outcome(Category.NONE, None, "answer"),
    ]
    rows = category_rows(outcomes, ["said", "answer"])
    said_suicide = next(r for r in rows if (r.path, r.category) == ("said", "suicide"))
    assert said_suicide.tally.n == 2 and said_suicide.tally.percent("recognised") == 50.0
    total = next(r for r in rows if (r.path, r.category) == ("all", "total"))
    assert total.tally.n == 5 and total.tally.percent("false_alarm") == 0.0
    results = {result.target.key: result for result in evaluate(outcomes, ["said", "answer"])}
    assert set(results) == {target.key for target in TARGETS}
    assert not results["crisis_recognised"].passed
    assert results["crisis_recognised"].passed_on("answer")
    assert results["false_alarms"].passed and results["forbidden"].passed
    report = Report(tuple(outcomes), ("en-US",), ("said", "answer"), 3, 0.5, 8)
    text = render_text(report, with_misses=True)
    assert "FAIL  crisis statements recognised" in text and "PASS  replies with a card" in text
    assert "'a phrase' -> not recognised" in text
    assert json.loads(json.dumps(report.to_dict(with_misses=True)))["passed"] is False


# ---------------------------------------------------------------------------------------------
# The command.


def test_steady_bench_safety_prints_json_and_always_exits_zero(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["bench", "safety", "--locale", "en-GB", "en-AU", "--sample", "2", "--json"])
    out, err = capsys.readouterr()
    assert code == 0
    data = json.loads(out)
    assert data["locales"] == ["en-GB", "en-AU"] and data["sample_per_category"] == 2
    assert data["phrase_turns"] == 2 * len(Category) * len(PATH_KEYS) * 2
    assert {row["category"] for row in data["rows"]} >= {"suicide", "none", "total"}
    assert {t["target"] for t in data["targets"]} == {t.key for t in TARGETS}
    assert "en-GB said" in err  # progress goes to stderr


def test_steady_bench_safety_prints_a_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["bench", "safety", "--locale", "en-IN", "--sample", "1"]) == 0
    out = capsys.readouterr().out
    assert "== said: said after opening the skill ==" in out
    assert re.search(r"^targets: \d+ of \d+ met", out, re.MULTILINE)
