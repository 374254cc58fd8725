"""Content lint for exercise scripts: trauma-informed writing rules (safety.md T1-T10)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import yaml

from skill.content.problems import Problem, Severity
from skill.core.script import Ask, Breathe, Kind, Pause, PauseMark, Say, Script, ScriptLibrary, Step
from skill.tools.lint.rules import LintRules, lint_rules

MAX_REQUIRED_HOLD_SECONDS = 7.0
"""T8: a breath hold longer than this must be optional."""

MAX_LINGER_SECONDS = 15.0
"""T6: the longest silence on or after a chest, throat or pelvis step."""

STOP_LINE_WITHIN_STEPS = 3
"""T4: the "stop at any time" line comes within this many steps of the start."""

EYES_CHOICE_WITHIN_STEPS = 4
"""T2: the eyes open or closed choice comes within this many steps of the start."""

LINGERING_REGIONS = frozenset({"chest", "throat"})
"""T6: step regions not to linger on (pelvis has no region; it is found by its words)."""

INWARD_KINDS = frozenset({Kind.BODY_SCAN, Kind.BREATHING})
"""Kinds that turn attention inward: they need the eyes choice (T2) and outward anchors (T3)."""


def script_key_lines(path: Path) -> dict[str, int]:
    """The line of each top-level key of a script file, so findings can point at it."""
    try:
        node = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {str(key.value): key.start_mark.line + 1 for key, _ in node.value}


def lint_library(library: ScriptLibrary) -> list[Problem]:
    """Findings for every script of a library; reads each file's key lines for the report."""
    problems: list[Problem] = []
    for script in library:
        problems.extend(lint_script(script, script_key_lines(script.path)))
    return problems


def lint_script(
    script: Script, key_lines: Mapping[str, int] | None = None, rules: LintRules | None = None
) -> list[Problem]:
    """Every finding in one script, as warnings. Pure: `key_lines` (top-level key to line,
    see `script_key_lines`) lets script-wide findings point at their key; without it they
    point at line 1."""
    check = _Check(script, key_lines or {}, rules or lint_rules())
    check.words()
    check.start()
    check.outward()
    check.lingering()
    check.holds()
    check.shorter()
    return sorted(check.problems, key=lambda p: (p.line, p.field, p.message))


def _step_text(step: Step) -> str:
    """The main words of a step: what a say step says or an ask step asks."""
    if isinstance(step, Say):
        return " ".join(p for p in step.parts if isinstance(p, str))
    if isinstance(step, Ask):
        return step.question
    return ""


def _spoken(step: Step) -> Iterator[tuple[str, str]]:
    """Every text of a step that may be spoken, with the field it comes from."""
    if isinstance(step, Say | Ask):
        yield "", _step_text(step)
    if isinstance(step, Ask):
        if step.reprompt:
            yield ".reprompt", step.reprompt
        for index, ack in enumerate(step.acks):
            yield f".acks[{index}]", ack
    if isinstance(step, Breathe):
        cues = step.cues
        yield from ((".cues.in", cues.inhale), (".cues.hold", cues.hold))
        yield from ((".cues.out", cues.exhale), (".cues.rest", cues.rest))
    if step.options.outward:
        yield ".outward", step.options.outward
    if step.options.eyes_open:
        yield ".eyes_open", step.options.eyes_open


class _Check:
    """One script under review, collecting findings."""

    def __init__(self, script: Script, key_lines: Mapping[str, int], rules: LintRules) -> None:
        self.script = script
        self.key_lines = key_lines
        self.rules = rules
        self.problems: list[Problem] = []

    def add(self, line: int, field: str, message: str) -> None:
        self.problems.append(Problem(self.script.path, line, field, message, Severity.WARNING))

    def add_at_key(self, key: str, message: str) -> None:
        self.add(self.key_lines.get(key, 1), key, message)

    def add_at_step(self, index: int, message: str, suffix: str = "") -> None:
        self.add(self.script.steps[index].line, f"steps[{index}]{suffix}", message)

    def in_both_versions(self, holds: Callable[[Sequence[Step]], bool], message: str) -> None:
        """Report once at `steps` when something does not hold for the whole script, or for
        the shorter version (optional steps left out); `{version}` in the message says which."""
        steps = self.script.steps
        if not holds(steps):
            self.add_at_key("steps", message.format(version=""))
        elif not holds([step for step in steps if not step.options.optional]):
            self.add_at_key("steps", message.format(version=" of the shorter version"))

    def words(self) -> None:
        """T1 orders and T10 treatment claims, in everything the skill says."""
        script = self.script
        for key, text in (
            ("title", script.title),
            ("summary", script.summary),
            ("content_note", script.content_note or ""),
        ):
            for message in self._word_messages(text):
                self.add_at_key(key, message)
        for index, step in enumerate(script.steps):
            for suffix, text in _spoken(step):
                for message in self._word_messages(text):
                    self.add_at_step(index, message, suffix)

    def _word_messages(self, text: str) -> Iterator[str]:
        rules = self.rules
        for phrase in rules.orders.found(rules.not_orders.remove(text)):
            yield f"T1: an order, not an invitation: '{phrase}'; try 'if you like' or 'you might'"
        for phrase in rules.treatment_claims.found(text):
            yield f"T10: a treatment claim: '{phrase}'; use wellness words instead"

    def start(self) -> None:
        """T4 the stop line, T2 the eyes choice, and T2 steps that close the eyes."""
        rules, steps = self.rules, self.script.steps
        self.in_both_versions(
            lambda kept: any(
                rules.stop_words.found(text) and rules.any_time_words.found(text)
                for text in map(_step_text, kept[:STOP_LINE_WITHIN_STEPS])
            ),
            f"T4: none of the first {STOP_LINE_WITHIN_STEPS} steps{{version}} says that stop or "
            "pause works at any time",
        )
        if self.script.kind in INWARD_KINDS:
            self.in_both_versions(
                lambda kept: any(
                    isinstance(step, Say) and rules.eyes_choice.found(_step_text(step))
                    for step in kept[:EYES_CHOICE_WITHIN_STEPS]
                ),
                f"T2: none of the first {EYES_CHOICE_WITHIN_STEPS} steps{{version}} offers the "
                "choice of eyes open or closed",
            )
        for index, step in enumerate(steps):
            text = _step_text(step)
            closing = rules.close_eyes.found(text)
            if closing and not step.options.eyes_open and not self._offers_choice(text):
                self.add_at_step(
                    index,
                    f"T2: invites closing the eyes ('{closing[0]}') with no eyes_open alternative",
                )

    def _offers_choice(self, text: str) -> bool:
        """Whether the words leave the eyes open as well as closed."""
        closing = self.rules.close_eyes.phrases
        return any(p not in closing for p in self.rules.eyes_choice.found(text))

    def outward(self) -> None:
        """T3 anchors outside the body, and T6 for body-scan steps on the chest or throat."""
        script = self.script
        if script.kind in INWARD_KINDS and not any(s.options.outward for s in script.steps):
            self.add_at_key(
                "steps",
                "T3: no step offers an outward alternative (sounds, something seen) for a "
                "listener who asks for sounds instead",
            )
        for index, step in enumerate(script.steps):
            if step.options.outward:
                continue
            if isinstance(step, Breathe):
                self.add_at_step(
                    index,
                    "T3: a paced breath with no outward alternative for a listener who asks "
                    "for sounds instead",
                )
            elif script.kind is Kind.BODY_SCAN and (place := self._body_place(step)):
                rule = "T6" if self._lingering_place(step) else "T3"
                self.add_at_step(
                    index, f"{rule}: a body-scan step on the {place} with no outward alternative"
                )

    def lingering(self) -> None:
        """T6: no long silence on or after the chest, throat or pelvis."""
        steps = self.script.steps
        for index, step in enumerate(steps):
            place = self._lingering_place(step)
            if place is None:
                continue
            if isinstance(step, Pause):
                inside = step.seconds
            elif isinstance(step, Say):
                inside = max((p.seconds for p in step.parts if isinstance(p, PauseMark)), default=0)
            else:
                inside = 0.0
            if inside > MAX_LINGER_SECONDS:
                self.add_at_step(index, self._linger_message(place, inside))
            silence = 0.0
            for following in steps[index + 1 :]:
                if not isinstance(following, Pause):
                    break
                silence += following.seconds
            if silence > MAX_LINGER_SECONDS:
                self.add_at_step(index + 1, self._linger_message(place, silence))

    @staticmethod
    def _linger_message(place: str, seconds: float) -> str:
        return (
            f"T6: lingers {seconds:g} s on the {place}; keep silences there to "
            f"{MAX_LINGER_SECONDS:g} s or less"
        )

    def _body_place(self, step: Step) -> str | None:
        if step.options.region:
            return step.options.region.replace("_", " ")
        return self._lingering_place(step)

    def _lingering_place(self, step: Step) -> str | None:
        if step.options.region in LINGERING_REGIONS:
            return step.options.region
        words = self.rules.lingering_words.found(_step_text(step))
        return words[0] if words else None

    def holds(self) -> None:
        """T8: long holds are optional, and a script that holds says breathing normally is fine."""
        breaths = [(i, s) for i, s in enumerate(self.script.steps) if isinstance(s, Breathe)]
        for index, step in breaths:
            longest = max(step.hold_in, step.hold_out)
            if longest > MAX_REQUIRED_HOLD_SECONDS and not step.holds_optional:
                self.add_at_step(
                    index,
                    f"T8: a hold of {longest:g} s must be optional: write holds: optional",
                    ".holds",
                )
        self.in_both_versions(
            lambda kept: (
                not any(isinstance(s, Breathe) and s.has_holds for s in kept)
                or any(
                    isinstance(s, Say) and self.rules.breathe_normally.found(_step_text(s))
                    for s in kept
                )
            ),
            "T8: the breath holds{version} need a line saying breathing normally is fine",
        )

    def shorter(self) -> None:
        """T5: the shorter version leaves out optional steps, never ones that must be heard."""
        for index, step in enumerate(self.script.steps):
            if step.options.optional and not step.options.skippable:
                self.add_at_step(
                    index, "T5: marked optional but also skippable: false; it must be heard"
                )
