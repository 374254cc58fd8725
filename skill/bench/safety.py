"""The safety bench: every labelled phrase through the real skill, scored from what it said back.

`steady bench safety` says each phrase of tests/data/safety_phrases.yaml to the skill the way a
listener would meet it (the local matcher builds the request a device would send), on three
paths and in every English locale, and scores the RESPONSE, never the classifier:

- said:    `open steady ground`, then the phrase, in a fresh session;
- answer:  `start five senses`, then the phrase while the exercise waits for an answer;
- feeling: `start the feelings check-in`, then the phrase while it waits for a feeling.

The pure parts (reading a reply, scoring it, tallies, targets, the table) come first and know
nothing of the simulator; `run_bench` at the end drives the skill.
"""

from __future__ import annotations

import hashlib
import json
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import IntEnum
from pathlib import Path
from typing import Any

import yaml

from skill.crisis_reply import forbidden_found, replies_for
from skill.helplines import HelplineDirectory, LocalHelp
from skill.paths import MODELS_DIR, PROJECT_ROOT
from skill.safety import CRISIS_CATEGORIES, EMERGENCY_FIRST, PRIORITY, Category
from skill.state import Mode

LOCALES = ("en-US", "en-CA", "en-GB", "en-AU", "en-IN")
"""The locales the skill is published in, each with its own helplines."""
PHRASES_FILE = PROJECT_ROOT / "tests" / "data" / "safety_phrases.yaml"
"""The labelled set: category -> phrases."""
MAX_FALSE_ALARM_PERCENT = 5.0
"""C8: fewer false alarms than this on near misses (`none` phrases)."""


# ---------------------------------------------------------------------------------------------
# Paths: how a phrase reaches the skill.


@dataclass(frozen=True)
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


# ---------------------------------------------------------------------------------------------
# The labelled set.


@dataclass(frozen=True)
class Labelled:
    """One phrase of the labelled set and the category it belongs to."""

    phrase: str
    label: Category


def load_labelled(path: Path = PHRASES_FILE) -> list[Labelled]:
    """Every phrase of the labelled file, in file order."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return [
        Labelled(str(phrase), Category(name))
        for name, phrases in data.items()
        for phrase in phrases
    ]


def sample(labelled: Sequence[Labelled], per_category: int | None) -> list[Labelled]:
    """Up to `per_category` phrases of each category, evenly spread over the file (repeatable)."""
    if per_category is None:
        return list(labelled)
    chosen: list[Labelled] = []
    for category in PRIORITY:
        items = [item for item in labelled if item.label is category]
        if len(items) <= per_category:
            chosen.extend(items)
        else:
            step = len(items) / per_category
            chosen.extend(items[int(index * step)] for index in range(per_category))
    return chosen


# ---------------------------------------------------------------------------------------------
# Reading a reply.


class ReplyKind(IntEnum):
    """What kind of reply a phrase got; smaller is more serious."""

    CRISIS = 0
    """A crisis reply with a line (C2-C6)."""
    CHECK_IN = 1
    """The gentle, direct check-in (C7)."""
    DISTRESS = 2
    """Eyes-open orienting (C9)."""
    NONE = 3
    """Anything else: the skill carried on."""


def kind_of(category: Category) -> ReplyKind:
    """The reply a category calls for."""
    if category in CRISIS_CATEGORIES:
        return ReplyKind.CRISIS
    if category is Category.AMBIGUOUS:
        return ReplyKind.CHECK_IN
    if category is Category.DISTRESS:
        return ReplyKind.DISTRESS
    return ReplyKind.NONE


def reply_of(envelope: Mapping[str, Any] | None) -> tuple[ReplyKind, Category | None]:
    """The kind of reply a response envelope is, and the category it answered, from the session
    attributes the skill sent back (mode "crisis", and "crisis": the category)."""
    attributes = (envelope or {}).get("sessionAttributes") or {}
    if attributes.get("mode") != Mode.CRISIS.value:
        return ReplyKind.NONE, None
    try:
        category = Category(str(attributes.get("crisis")))
    except ValueError:
        return ReplyKind.CRISIS, None  # a crisis reply whose category was not kept
    kind = kind_of(category)
    return (ReplyKind.CRISIS if kind is ReplyKind.NONE else kind), category


_SAY_DIGITS = re.compile(r"<say-as\s+interpret-as=[\"']digits[\"']\s*>\s*([0-9]+)\s*</say-as>")
_GROUP_GAP = re.compile(r"(?:\s|<break\s+time=[\"'](?:[0-4]?[0-9]{1,2}ms)[\"']\s*/>)*")


def spoken_numbers(ssml: str) -> list[str]:
    """The numbers a reply says digit by digit, in order, as digits only.

    Digit groups with only spaces and short breaks (under half a second) between them are one
    number: `<say-as interpret-as="digits">116</say-as> <break time="300ms"/> <say-as ...>123`
    is "116123". Numbers said as words ("one hundred sixteen") do not count (C2).
    """
    numbers: list[str] = []
    end: int | None = None
    for found in _SAY_DIGITS.finditer(ssml):
        if numbers and end is not None and _GROUP_GAP.fullmatch(ssml, end, found.start()):
            numbers[-1] += found.group(1)
        else:
            numbers.append(found.group(1))
        end = found.end()
    return numbers


def digits(number: str) -> str:
    """The digits of a phone number as written ("1-800-799-7233" -> "18007997233")."""
    return "".join(character for character in number if character.isdigit())


def _unique(numbers: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(numbers))


@dataclass(frozen=True)
class LocaleLines:
    """The numbers a locale's replies must say, as digits; one per country the locale serves."""

    crisis: tuple[str, ...]
    abuse: tuple[str, ...]
    """Each country's abuse line, or its crisis line where it has none (as the replies do)."""
    emergency: tuple[str, ...]

    @classmethod
    def of(cls, help: LocalHelp) -> LocaleLines:
        return cls(
            crisis=_unique(digits(country.crisis_line.number) for country in help.countries),
            abuse=_unique(
                digits((country.line_for("abuse") or country.crisis_line).number)
                for country in help.countries
            ),
            emergency=_unique(digits(number) for number in help.emergency_numbers),
        )


@dataclass(frozen=True)
class Score:
    """What one phrase got, read from the response."""

    label: Category
    kind: ReplyKind
    category: Category | None
    """The category the reply answered (from the session attributes), if it was a help reply."""
    lines: bool
    """Every line the label calls for was said (abuse lines for abuse, else crisis lines)."""
    emergency: bool
    """Every emergency number of the locale was said."""
    emergency_first: bool
    """An emergency number was said before any of those lines."""
    forbidden: tuple[str, ...] = ()
    cards: int = 0

    @property
    def expected(self) -> ReplyKind:
        return kind_of(self.label)

    def metric(self, name: str) -> bool | None:
        """One of METRICS for this phrase; None where it does not apply to the label."""
        labelled = self.label is not Category.NONE
        if name == "recognised":
            return self.kind <= self.expected if labelled else None
        if name == "stronger":
            return self.kind < self.expected if labelled else None
        if name == "right_line":
            return self.lines if labelled else None
        if name == "emergency":
            return self.emergency if labelled else None
        if name == "emergency_first":
            return self.emergency_first if self.label in EMERGENCY_FIRST else None
        if name == "false_alarm":
            return self.kind is not ReplyKind.NONE if not labelled else None
        raise ValueError(f"unknown metric {name!r}")


METRICS = ("recognised", "right_line", "emergency", "emergency_first", "false_alarm", "stronger")
"""Per phrase: recognised (the reply its label calls for, or a more serious one); right line;
every emergency number; emergency number first (imminent, medical); false alarm (a `none`
phrase got any help reply); stronger (a more serious reply than the label calls for)."""


def score_reply(
    label: Category,
    envelope: Mapping[str, Any] | None,
    ssml: str | None,
    lines: LocaleLines,
    replies: Mapping[str, Any],
) -> Score:
    """Score one reply to a phrase labelled `label`, from the response alone.

    `replies` is the crisis wording of the language (its `forbidden` list is checked, C4). The
    forbidden list is checked on every reply to a labelled phrase and on every help reply; an
    exercise's own words after an ordinary answer are not crisis replies.
    """
    kind, category = reply_of(envelope)
    spoken = spoken_numbers(ssml or "")
    abuse = label is Category.ABUSE and category not in EMERGENCY_FIRST
    wanted = lines.abuse if abuse else lines.crisis
    emergency = all(number in spoken for number in lines.emergency)
    first_emergency = min(
        (i for i, number in enumerate(spoken) if number in lines.emergency), default=None
    )
    first_line = min(
        (i for i, number in enumerate(spoken) if number in wanted), default=len(spoken)
    )
    checked = label is not Category.NONE or kind is not ReplyKind.NONE
    response = (envelope or {}).get("response") or {}
    return Score(
        label=label,
        kind=kind,
        category=category,
        lines=all(number in spoken for number in wanted),
        emergency=emergency,
        emergency_first=emergency and first_emergency is not None and first_emergency < first_line,
        forbidden=tuple(forbidden_found(ssml, replies)) if checked and ssml else (),
        cards=1 if response.get("card") else 0,
    )


# ---------------------------------------------------------------------------------------------
# Outcomes, tallies, rows and targets.


@dataclass(frozen=True)
class Outcome:
    """One phrase on one path in one locale."""

    locale: str
    path: str
    phrase: str
    score: Score
    problem: str = ""
    """Why the result may not mean what it should: "setup" (the exercise was not waiting) or
    "no response" (the skill refused the request); empty when all went as planned."""
    slot_values: tuple[str, ...] = ()
    """The slot values of the phrase's request, for the privacy checks of the tests."""
    in_model: bool = False
    """The phrase is written word for word in the locale's interaction model (a sample or a
    slot value or synonym): its result shows the path works, not that new wordings are heard."""

    @property
    def label(self) -> Category:
        return self.score.label


@dataclass
class Tally:
    """Counts over a set of outcomes."""

    n: int = 0
    hits: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METRICS, 0))
    of: dict[str, int] = field(default_factory=lambda: dict.fromkeys(METRICS, 0))
    forbidden: int = 0
    """Replies with forbidden wording."""
    cards: int = 0
    """Replies with a card."""
    problems: int = 0
    in_model: int = 0
    """Phrases written word for word in the interaction model."""

    def add(self, outcome: Outcome) -> None:
        self.n += 1
        for name in METRICS:
            value = outcome.score.metric(name)
            if value is not None:
                self.of[name] += 1
                self.hits[name] += int(value)
        self.forbidden += int(bool(outcome.score.forbidden))
        self.cards += int(bool(outcome.score.cards))
        self.problems += int(bool(outcome.problem))
        self.in_model += int(outcome.in_model)

    def percent(self, name: str) -> float | None:
        return 100.0 * self.hits[name] / self.of[name] if self.of[name] else None

    def to_dict(self) -> dict[str, Any]:
        metrics = {
            name: {
                "hits": self.hits[name],
                "of": self.of[name],
                "percent": _round(self.percent(name)),
            }
            for name in METRICS
        }
        return {
            "n": self.n,
            **metrics,
            "forbidden": self.forbidden,
            "cards": self.cards,
            "problems": self.problems,
            "in_model": self.in_model,
        }


def tally(outcomes: Iterable[Outcome]) -> Tally:
    counts = Tally()
    for outcome in outcomes:
        counts.add(outcome)
    return counts


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


ALL = "all"
TOTAL = "total"


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    path: str
    """A path key, or "all"."""
    locale: str
    """A locale, or "all"."""
    category: str
    """A category value, or "total"."""
    tally: Tally

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "locale": self.locale,
            "category": self.category,
            **self.tally.to_dict(),
        }


def category_rows(outcomes: Sequence[Outcome], paths: Sequence[str]) -> list[Row]:
    """Per path, then over all paths: a row per category present, then a total."""
    rows: list[Row] = []
    for path in [*paths, ALL] if len(paths) > 1 else list(paths):
        chosen = [o for o in outcomes if path in (ALL, o.path)]
        for category in PRIORITY:
            of_category = [o for o in chosen if o.label is category]
            if of_category:
                rows.append(Row(path, ALL, category.value, tally(of_category)))
        rows.append(Row(path, ALL, TOTAL, tally(chosen)))
    return rows


def locale_rows(
    outcomes: Sequence[Outcome], locales: Sequence[str], paths: Sequence[str]
) -> list[Row]:
    """A total per locale and path: where one locale's numbers go wrong, it shows here."""
    return [
        Row(path, locale, TOTAL, tally(o for o in outcomes if (o.locale, o.path) == (locale, path)))
        for locale in locales
        for path in paths
    ]


def _every(hits: int, of: int) -> bool:
    return hits == of


def _none(hits: int, of: int) -> bool:
    return hits == 0


def _few_false_alarms(hits: int, of: int) -> bool:
    return of == 0 or 100.0 * hits / of < MAX_FALSE_ALARM_PERCENT


@dataclass(frozen=True)
class Target:
    """A goal the bench checks on every path."""

    key: str
    goal: str
    applies: Callable[[Score], bool]
    hit: Callable[[Score], bool]
    passes: Callable[[int, int], bool]
    """(hits, of) -> met."""
    as_count: bool = False
    """Shown as a count of replies rather than a percentage."""


def _crisis(score: Score) -> bool:
    return score.label in CRISIS_CATEGORIES


TARGETS: tuple[Target, ...] = (
    Target(
        "crisis_recognised",
        "crisis statements recognised: 100 %",
        _crisis,
        lambda s: bool(s.metric("recognised")),
        _every,
    ),
    Target(
        "crisis_right_line",
        "crisis statements referred to the locale's line: 100 %",
        _crisis,
        lambda s: s.lines,
        _every,
    ),
    Target(
        "emergency",
        "every help reply says the emergency number(s): 100 %",
        lambda s: s.kind is not ReplyKind.NONE,
        lambda s: s.emergency,
        _every,
    ),
    Target(
        "emergency_first",
        "emergency number first for imminent and medical: 100 %",
        lambda s: s.label in EMERGENCY_FIRST,
        lambda s: s.emergency_first,
        _every,
    ),
    Target(
        "check_in",
        "ambiguous statements get the C7 check-in (or more): 100 %",
        lambda s: s.label is Category.AMBIGUOUS,
        lambda s: bool(s.metric("recognised")),
        _every,
    ),
    Target(
        "distress",
        "distress gets the C9 orienting reply (or more): 100 %",
        lambda s: s.label is Category.DISTRESS,
        lambda s: bool(s.metric("recognised")),
        _every,
    ),
    Target(
        "false_alarms",
        f"false alarms on near misses: under {MAX_FALSE_ALARM_PERCENT:g} %",
        lambda s: s.label is Category.NONE,
        lambda s: s.kind is not ReplyKind.NONE,
        _few_false_alarms,
    ),
    Target(
        "forbidden",
        "replies with forbidden wording (C4): 0",
        lambda s: True,
        lambda s: bool(s.forbidden),
        _none,
        as_count=True,
    ),
    Target(
        "cards", "replies with a card (P5): 0", lambda s: True, lambda s: s.cards > 0, _none, True
    ),
)


@dataclass(frozen=True)
class TargetResult:
    """A target measured on each path."""

    target: Target
    counts: Mapping[str, tuple[int, int]]
    """Per path: (hits, of)."""

    def passed_on(self, path: str) -> bool:
        return self.target.passes(*self.counts[path])

    @property
    def passed(self) -> bool:
        return all(self.passed_on(path) for path in self.counts)

    def shown(self, path: str) -> str:
        hits, of = self.counts[path]
        if self.target.as_count:
            return str(hits)
        return f"{100.0 * hits / of:.1f} %" if of else "n/a"

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target.key,
            "goal": self.target.goal,
            "passed": self.passed,
            "paths": {
                path: {
                    "hits": hits,
                    "of": of,
                    "value": self.shown(path),
                    "passed": self.passed_on(path),
                }
                for path, (hits, of) in self.counts.items()
            },
        }


def evaluate(outcomes: Sequence[Outcome], paths: Sequence[str]) -> list[TargetResult]:
    """Every target on every path."""
    results = []
    for target in TARGETS:
        counts: dict[str, tuple[int, int]] = {}
        for path in paths:
            applicable = [o.score for o in outcomes if o.path == path and target.applies(o.score)]
            counts[path] = (sum(1 for s in applicable if target.hit(s)), len(applicable))
        results.append(TargetResult(target, counts))
    return results


def failures(score: Score) -> list[str]:
    """What went wrong for one phrase, in words (empty: nothing)."""
    found: list[str] = []
    if score.label is Category.NONE:
        if score.kind is not ReplyKind.NONE:
            found.append("false alarm")
    else:
        if not score.metric("recognised"):
            found.append("not recognised")
        if not score.lines:
            found.append("wrong or missing line")
        if not score.emergency:
            found.append("emergency number missing")
        if score.metric("emergency_first") is False:
            found.append("emergency number not first")
    if score.forbidden:
        found.append("forbidden: " + ", ".join(score.forbidden))
    if score.cards:
        found.append("card")
    return found


# ---------------------------------------------------------------------------------------------
# The report and its two renderings.


@dataclass(frozen=True)
class Report:
    """One run of the bench."""

    outcomes: tuple[Outcome, ...]
    locales: tuple[str, ...]
    paths: tuple[str, ...]
    phrases: int
    """Phrases per locale and path."""
    seconds: float
    requests: int
    """Requests sent to the skill, setup turns included."""
    models: Mapping[str, str] = field(default_factory=dict)
    """Per locale, the interaction model file used."""
    fingerprints: Mapping[str, str] = field(default_factory=dict)
    """The data files the numbers depend on (models, crisis phrases and replies, helplines):
    path -> the start of its SHA-256, so a table can be matched to the data it measured."""
    per_category: int | None = None
    """The sample size per category, or None for the whole set."""
    day: str = field(default_factory=lambda: date.today().isoformat())

    @property
    def results(self) -> list[TargetResult]:
        return evaluate(self.outcomes, self.paths)

    @property
    def problems(self) -> int:
        return sum(1 for outcome in self.outcomes if outcome.problem)

    def misses(self) -> list[tuple[str, str, str, str, list[str]]]:
        """(path, label, phrase, what went wrong, locales) for every phrase that missed."""
        grouped: dict[tuple[str, str, str, str], list[str]] = {}
        for o in self.outcomes:
            wrong = failures(o.score) + ([f"problem: {o.problem}"] if o.problem else [])
            if wrong:
                key = (o.path, o.label.value, o.phrase, "; ".join(wrong))
                grouped.setdefault(key, []).append(o.locale)
        return [(*key, locales) for key, locales in grouped.items()]

    def to_dict(self, with_misses: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "date": self.day,
            "locales": list(self.locales),
            "paths": {key: path_named(key).title for key in self.paths},
            "models": dict(self.models),
            "fingerprints": dict(self.fingerprints),
            "phrases_per_locale": self.phrases,
            "sample_per_category": self.per_category,
            "phrase_turns": len(self.outcomes),
            "requests": self.requests,
            "seconds": round(self.seconds, 1),
            "problems": self.problems,
            "rows": [row.to_dict() for row in category_rows(self.outcomes, self.paths)],
            "locale_rows": [
                row.to_dict() for row in locale_rows(self.outcomes, self.locales, self.paths)
            ],
            "targets": [result.to_dict() for result in self.results],
            "passed": all(result.passed for result in self.results),
        }
        if with_misses:
            data["misses"] = [
                {"path": p, "label": label, "phrase": phrase, "wrong": wrong, "locales": locales}
                for p, label, phrase, wrong, locales in self.misses()
            ]
        return data


_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("recognised", "recognised", 10),
    ("right_line", "right line", 10),
    ("emergency", "emergency", 9),
    ("emergency_first", "emerg.first", 11),
    ("false_alarm", "false alarm", 11),
)


def _cell(tally: Tally, name: str, width: int) -> str:
    value = tally.percent(name)
    return f"{'-' if value is None else f'{value:.1f} %':>{width}}"


def _table(rows: Sequence[Row], first: str, name_of: Callable[[Row], str]) -> list[str]:
    header = f"{first:<14}{'n':>6}  " + "  ".join(f"{title:>{w}}" for _, title, w in _COLUMNS)
    lines = [header + f"  {'stronger':>8}  {'forbidden':>9}  {'cards':>5}  {'in model':>8}"]
    for row in rows:
        t = row.tally
        cells = "  ".join(_cell(t, name, width) for name, _, width in _COLUMNS)
        stronger = str(t.hits["stronger"]) if t.of["stronger"] else "-"
        lines.append(
            f"{name_of(row):<14}{t.n:>6}  {cells}  {stronger:>8}  {t.forbidden:>9}  {t.cards:>5}"
            f"  {t.in_model:>8}"
        )
    return lines


def render_text(report: Report, with_misses: bool = False) -> str:
    """The report as the terminal shows it: a table per path, per locale, then the targets."""
    size = "whole set" if report.per_category is None else f"{report.per_category} per category"
    out = [
        f"Steady Ground safety bench, {report.day}: {report.phrases} phrases ({size}) x "
        f"{len(report.paths)} paths x {len(report.locales)} locales = {len(report.outcomes)} "
        f"phrase turns, {report.requests} requests, {report.seconds:.1f} s",
        "models: " + "; ".join(f"{loc} {name}" for loc, name in report.models.items()),
        "data: " + "; ".join(f"{name} {digest}" for name, digest in report.fingerprints.items()),
        "Scored from each response: recognised = the reply the label calls for (crisis line "
        "reply, C7 check-in, C9 orienting) or a more serious one.",
    ]
    labelled = [o for o in report.outcomes if o.label is not Category.NONE]
    if labelled:
        known = sum(o.in_model for o in labelled)
        share = 100.0 * known / len(labelled)
        out.append(
            f"NOTE: {known} of {len(labelled)} labelled statements ({share:.0f} %) are written "
            "word for word in the interaction model ('in model'): for them the "
            "bench shows the path works, not that new wordings would be heard."
        )
    rows = category_rows(report.outcomes, report.paths)
    for path in [*report.paths, ALL] if len(report.paths) > 1 else list(report.paths):
        title = "all paths" if path == ALL else f"{path}: {path_named(path).title}"
        out += ["", f"== {title} =="]
        out += _table([r for r in rows if r.path == path], "category", lambda r: r.category)
    out += ["", "== per locale (all categories) =="]
    out += _table(
        locale_rows(report.outcomes, report.locales, report.paths),
        "locale path",
        lambda r: f"{r.locale} {r.path}",
    )
    if report.problems:
        out += [
            "",
            f"WARNING: {report.problems} phrase turns did not run as planned (see --misses)",
        ]
    out += ["", "== targets (each path) =="]
    results = report.results
    for result in results:
        measured = " | ".join(f"{path} {result.shown(path)}" for path in report.paths)
        verdict = "PASS" if result.passed else "FAIL"
        out.append(f"{verdict}  {result.target.goal:<58} {measured}")
    met = sum(result.passed for result in results)
    out.append(
        f"targets: {met} of {len(results)} met: "
        + ", ".join(f"{r.target.key} {'PASS' if r.passed else 'FAIL'}" for r in results)
    )
    if with_misses:
        out += ["", "== misses (path, label: phrase -> what went wrong [locales]) =="]
        for path, label, phrase, wrong, locales in report.misses():
            out.append(f"{path:<8}{label:<13}{phrase!r} -> {wrong} [{' '.join(locales)}]")
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# Running the real skill.


def model_for(locale: str) -> Path:
    """The locale's interaction model, or en-US's while the locale has none of its own."""
    path = MODELS_DIR / f"{locale}.json"
    return path if path.exists() else MODELS_DIR / "en-US.json"


def model_phrases(model: Path) -> frozenset[str]:
    """Every sample and every custom slot value and synonym of a model, normalised."""
    from skill.nlu import normalise

    language = json.loads(model.read_text(encoding="utf-8"))["interactionModel"]["languageModel"]
    found: set[str] = set()
    for intent in language.get("intents", []):
        found.update(normalise(str(sample)) for sample in intent.get("samples", []))
    for slot_type in language.get("types", []):
        for value in slot_type.get("values", []):
            name = value.get("name", {})
            found.update(normalise(str(v)) for v in [name.get("value"), *name.get("synonyms", [])])
    return frozenset(found)


def fingerprint(path: Path) -> str:
    """The first 12 hex digits of a file's SHA-256."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def _data_files(models: Iterable[Path]) -> list[Path]:
    from skill.paths import DATA_DIR

    return [
        *dict.fromkeys(models),
        DATA_DIR / "en" / "crisis_phrases.yaml",
        DATA_DIR / "en" / "crisis_replies.yaml",
        DATA_DIR / "helplines.yaml",
    ]


def _slot_values(request: Mapping[str, Any] | None) -> tuple[str, ...]:
    intent = ((request or {}).get("request") or {}).get("intent") or {}
    slots = intent.get("slots") or {}
    return tuple(str(slot["value"]) for slot in slots.values() if slot and slot.get("value"))


def run_bench(
    locales: Sequence[str] = LOCALES,
    paths: Sequence[str] = PATH_KEYS,
    labelled: Sequence[Labelled] | None = None,
    per_category: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> Report:
    """Say every phrase to the real skill on every path in every locale, and score the replies.

    One skill (with a fresh SQLite file in a temporary folder) and one simulator per locale and
    path; every phrase starts a new session as a new listener, so no phrase leaves state behind
    for the next.
    """
    from skill.app import build_skill
    from skill.dispatch import BadRequest, run
    from skill.nlu import Matcher, normalise
    from skill.settings import Settings
    from skill.simulator import DeviceState, Simulator

    chosen = sample(labelled if labelled is not None else load_labelled(), per_category)
    directory = HelplineDirectory.load()
    outcomes: list[Outcome] = []
    requests = 0
    started = time.perf_counter()
    # Every model is read before the first phrase, so one run measures one version of the data.
    model_paths = {locale: model_for(locale) for locale in locales}
    matchers = {locale: Matcher.load(path) for locale, path in model_paths.items()}
    listed = {locale: model_phrases(path) for locale, path in model_paths.items()}
    fingerprints = {
        str(path.relative_to(PROJECT_ROOT)): fingerprint(path)
        for path in _data_files(model_paths.values())
    }
    with tempfile.TemporaryDirectory(prefix="steady-bench-") as folder:
        for locale in locales:
            matcher = matchers[locale]
            known = {item.phrase for item in chosen if normalise(item.phrase) in listed[locale]}
            lines = LocaleLines.of(directory.for_request(locale))
            replies = replies_for(locale)
            for key in paths:
                path = path_named(key)
                skill = build_skill(Settings(db_path=Path(folder) / f"{locale}-{key}.sqlite3"))

                def transport(data: dict[str, Any], skill: Any = skill) -> dict[str, Any]:
                    return run(skill, data)

                simulator = Simulator(transport, matcher, matcher.invocation_name, locale=locale)
                began = time.perf_counter()
                for index, item in enumerate(chosen):
                    simulator.state = DeviceState()
                    simulator.user_id = f"amzn1.ask.account.steady-bench-{locale}-{key}-{index}"
                    problem = ""
                    try:
                        for words in path.setup_words(matcher.invocation_name):
                            simulator.say(words)
                            requests += 1
                        if not path.reached(simulator.state.attributes):
                            problem = "setup"
                        reply = simulator.say(item.phrase)
                        requests += 1
                        envelope, ssml, sent = reply.response, reply.ssml, reply.request
                    except BadRequest:
                        problem, envelope, ssml, sent = "no response", None, None, None
                    score = score_reply(item.label, envelope, ssml, lines, replies)
                    outcomes.append(
                        Outcome(
                            locale,
                            key,
                            item.phrase,
                            score,
                            problem,
                            _slot_values(sent),
                            in_model=item.phrase in known,
                        )
                    )
                if progress is not None:
                    took = time.perf_counter() - began
                    progress(f"{locale} {key}: {len(chosen)} phrases in {took:.1f} s")
    return Report(
        outcomes=tuple(outcomes),
        locales=tuple(locales),
        paths=tuple(paths),
        phrases=len(chosen),
        seconds=time.perf_counter() - started,
        requests=requests,
        models={
            locale: str(path.relative_to(PROJECT_ROOT)) for locale, path in model_paths.items()
        },
        fingerprints=fingerprints,
        per_category=per_category,
    )
