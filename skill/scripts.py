"""Exercise scripts: the typed model, and loading and validating YAML files into it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from skill.paths import SCRIPTS_DIR
from skill.problems import Problem, Severity

SPEECH_WORDS_PER_SECOND = 2.3
"""Speaking rate used for estimates: about 140 words a minute, a calm pace."""

SECONDS_PER_ANSWER = 8.0
"""Time allowed for each answer an `ask` step invites, in duration estimates."""

MINUTES_TOLERANCE = 0.25
"""How far `minutes` may stray from the computed duration before a warning."""

_PAUSE_MARK = re.compile(r"\[pause\s+(\d+(?:\.\d+)?)\s*s?\]", re.IGNORECASE)
_STRAY_MARK = re.compile(r"\[[^\]]*\]")
_WORD = re.compile(r"[A-Za-z0-9']+")


class Kind(StrEnum):
    """What sort of exercise a script is."""

    GROUNDING = "grounding"
    BREATHING = "breathing"
    EMOTION_NAMING = "emotion_naming"
    BODY_SCAN = "body_scan"
    JOURNALING = "journaling"
    MOVEMENT = "movement"


class Expect(StrEnum):
    """What an `ask` step listens for."""

    ANYTHING = "anything"
    FEELING = "feeling"


class OnSilence(StrEnum):
    """What an `ask` step does when the listener stays quiet after the reprompt."""

    CONTINUE = "continue"
    END = "end"


@dataclass(frozen=True)
class Silence:
    """A silence inside spoken text, from a `[pause 3s]` marker."""

    seconds: float


TextPart = str | Silence


@dataclass(frozen=True)
class StepOptions:
    """Options any step may carry."""

    region: str | None = None
    """Body region the step is about; the listener may skip it."""
    outward: str | None = None
    """The same moment with an anchor outside the body (T3)."""
    skippable: bool = True
    """False for the few steps that must always be heard."""
    eyes_open: str | None = None
    """The same moment for a listener who keeps their eyes open (T2)."""
    optional: bool = False
    """Left out when the listener asks for the shorter version (T5)."""


@dataclass(frozen=True)
class Say:
    """Words, possibly with silences inside."""

    parts: tuple[TextPart, ...]
    line: int
    options: StepOptions = field(default_factory=StepOptions)


@dataclass(frozen=True)
class Pause:
    """A silence of any length."""

    seconds: float
    line: int
    options: StepOptions = field(default_factory=StepOptions)


@dataclass(frozen=True)
class BreathCues:
    """Words spoken at each phase of a paced breath."""

    inhale: str = "Breathe in"
    hold: str = "Hold"
    exhale: str = "Breathe out"
    rest: str = "Rest"


@dataclass(frozen=True)
class Breathe:
    """A paced breath: in, optional hold, out, optional hold, repeated."""

    inhale: float
    hold_in: float
    exhale: float
    hold_out: float
    cycles: int
    holds_optional: bool
    cues: BreathCues
    line: int
    options: StepOptions = field(default_factory=StepOptions)

    @property
    def cycle_seconds(self) -> float:
        """Length of one full breath, holds included."""
        return self.inhale + self.hold_in + self.exhale + self.hold_out

    @property
    def has_holds(self) -> bool:
        """Whether the pattern holds the breath at all."""
        return self.hold_in > 0 or self.hold_out > 0


@dataclass(frozen=True)
class Ask:
    """A question that waits for the listener."""

    question: str
    count: int
    expect: Expect
    acks: tuple[str, ...]
    reprompt: str | None
    on_silence: OnSilence
    line: int
    options: StepOptions = field(default_factory=StepOptions)


Step = Say | Pause | Breathe | Ask


@dataclass(frozen=True)
class Script:
    """One exercise, ready for the engine."""

    id: str
    title: str
    kind: Kind
    summary: str
    minutes: float
    steps: tuple[Step, ...]
    path: Path
    tags: frozenset[str] = frozenset()
    aliases: tuple[str, ...] = ()
    content_note: str | None = None

    @property
    def interactive(self) -> bool:
        """Whether the script asks the listener anything."""
        return any(isinstance(step, Ask) for step in self.steps)


@dataclass(frozen=True)
class ScriptLibrary:
    """All scripts of one language, by id."""

    scripts: Mapping[str, Script]

    def __iter__(self) -> Iterator[Script]:
        return iter(sorted(self.scripts.values(), key=lambda s: s.id))

    def __len__(self) -> int:
        return len(self.scripts)

    def get(self, script_id: str) -> Script | None:
        """The script with this id, if any."""
        return self.scripts.get(script_id)

    def of_kind(self, kind: Kind | str) -> list[Script]:
        """Scripts of one kind, shortest first."""
        return sorted(
            (s for s in self.scripts.values() if s.kind == kind), key=lambda s: (s.minutes, s.id)
        )

    def tagged(self, tag: str) -> list[Script]:
        """Scripts carrying a tag, shortest first."""
        return sorted(
            (s for s in self.scripts.values() if tag in s.tags), key=lambda s: (s.minutes, s.id)
        )


# ---------------------------------------------------------------------------------------------
# Duration estimates (shared by the validator and the engine).


def speech_seconds(text: str) -> float:
    """Estimated time to speak some text at a calm pace."""
    return len(_WORD.findall(text)) / SPEECH_WORDS_PER_SECOND


def parse_text(text: str) -> tuple[TextPart, ...]:
    """Split text with `[pause Ns]` markers into words and silences."""
    parts: list[TextPart] = []
    pos = 0
    for mark in _PAUSE_MARK.finditer(text):
        before = text[pos : mark.start()].strip()
        if before:
            parts.append(before)
        parts.append(Silence(float(mark.group(1))))
        pos = mark.end()
    rest = text[pos:].strip()
    if rest:
        parts.append(rest)
    return tuple(parts)


def step_seconds(step: Step) -> float:
    """Estimated length of a step as heard, answers included."""
    if isinstance(step, Say):
        return sum(p.seconds if isinstance(p, Silence) else speech_seconds(p) for p in step.parts)
    if isinstance(step, Pause):
        return step.seconds
    if isinstance(step, Breathe):
        return step.cycles * step.cycle_seconds
    return speech_seconds(step.question) + step.count * SECONDS_PER_ANSWER


def script_seconds(script: Script) -> float:
    """Estimated length of a whole script."""
    return sum(step_seconds(step) for step in script.steps)


# ---------------------------------------------------------------------------------------------
# Loading.


class _Located:
    """YAML data plus the line of every node, keyed by its path inside the document."""

    def __init__(self) -> None:
        self.lines: dict[tuple[str | int, ...], int] = {}
        self.duplicates: list[tuple[tuple[str | int, ...], int]] = []

    def build(self, node: yaml.Node, path: tuple[str | int, ...] = ()) -> Any:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                if key in result:
                    self.duplicates.append(((*path, key), key_node.start_mark.line + 1))
                result[key] = self.build(value_node, (*path, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        return yaml.safe_load(yaml.serialize(node))

    def line(self, path: Sequence[str | int]) -> int:
        key = tuple(path)
        while key not in self.lines and key:
            key = key[:-1]
        return self.lines.get(key, 1)


def _field_name(path: Sequence[str | int]) -> str:
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "(file)"


def _describe(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _schema_message(error: jsonschema.ValidationError) -> str:
    """A short, plain message for one schema error."""
    kind = error.validator
    if kind == "additionalProperties":
        schema = error.schema if isinstance(error.schema, Mapping) else {}
        keys = sorted(schema.get("properties", {}))
        return f"unknown key; allowed here: {', '.join(keys)}"
    if kind == "required":
        return "missing: " + str(error.message).split(" is a required")[0].strip("'")
    if kind == "type":
        expected = error.validator_value
        names = {
            "string": "text",
            "number": "a number",
            "integer": "a whole number",
            "object": "a mapping of keys",
            "array": "a list",
            "boolean": "true or false",
        }
        want = names.get(str(expected), str(expected))
        return f"expected {want}, got {_describe(error.instance)}"
    if kind == "enum":
        values = error.validator_value
        choices = ", ".join(map(str, values if isinstance(values, list) else [values]))
        return f"must be one of {choices}; got {_describe(error.instance)}"
    if kind in ("minimum", "exclusiveMinimum"):
        return f"must be at least {error.validator_value}, got {_describe(error.instance)}"
    if kind == "maximum":
        return f"must be at most {error.validator_value}, got {_describe(error.instance)}"
    if kind == "minItems":
        return "must not be empty" if error.validator_value == 1 else str(error.message)
    if kind == "minLength":
        return "must not be empty"
    if kind == "maxLength":
        return f"too long: at most {error.validator_value} characters"
    if kind == "oneOf":
        return "a step needs exactly one of: say, pause, breathe, ask"
    if kind == "pattern":
        if error.path and error.path[-1] == "breathe":
            got = _describe(error.instance)
            return f"pattern must be seconds like 4-7-8 (2 to 4 numbers), got {got}"
        if error.path and error.path[-1] == "id":
            return f"use lower-case words joined by '-', got {_describe(error.instance)}"
    if kind == "uniqueItems":
        return "has the same entry twice"
    return str(error.message)


class ScriptLoader:
    """Reads script files, reporting every problem as `path:line: field: message`."""

    def __init__(self, schema: Mapping[str, Any] | None = None) -> None:
        if schema is None:
            schema = json.loads((SCRIPTS_DIR / "schema.json").read_text(encoding="utf-8"))
        self._validator = jsonschema.Draft202012Validator(schema)

    def load_file(self, path: Path) -> tuple[Script | None, list[Problem]]:
        """One script and the problems found in it."""
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return None, [Problem(path, 1, "(file)", f"cannot read: {exc}")]
        located = _Located()
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
            data = located.build(node) if node is not None else None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 1
            problem = getattr(exc, "problem", None) or str(exc)
            return None, [Problem(path, line, "(file)", f"not valid YAML: {problem}")]
        problems = [
            Problem(path, line, _field_name(p), "key appears twice; the second one would win")
            for p, line in located.duplicates
        ]
        if not isinstance(data, dict):
            problems.append(
                Problem(path, 1, "(file)", "expected a mapping with id, title, steps...")
            )
            return None, problems
        for error in sorted(
            self._validator.iter_errors(data), key=lambda e: list(map(str, e.path))
        ):
            where = list(error.absolute_path)
            if error.validator == "additionalProperties" and isinstance(error.instance, dict):
                allowed = error.schema.get("properties", {})
                for key in sorted(set(error.instance) - set(allowed)):
                    problems.append(
                        Problem(
                            path,
                            located.line([*where, key]),
                            _field_name([*where, key]),
                            _schema_message(error),
                        )
                    )
                continue
            problems.append(
                Problem(path, located.line(where), _field_name(where), _schema_message(error))
            )
        if any(p.severity is Severity.ERROR for p in problems):
            return None, sorted(problems, key=lambda p: p.line)
        script, more = _build_script(path, data, located)
        return script, sorted(problems + more, key=lambda p: p.line)

    def load_paths(self, paths: Iterable[Path]) -> tuple[ScriptLibrary, list[Problem]]:
        """Scripts from files and folders, checked together (ids must be unique)."""
        scripts: dict[str, Script] = {}
        problems: list[Problem] = []
        for path in _expand(paths):
            script, found = self.load_file(path)
            problems.extend(found)
            if script is None:
                continue
            if script.id in scripts:
                first = scripts[script.id].path
                problems.append(Problem(path, 1, "id", f"'{script.id}' is already used by {first}"))
                continue
            scripts[script.id] = script
        _check_aliases(scripts.values(), problems)
        return ScriptLibrary(scripts), problems


def _expand(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.rglob("*.yaml")) + sorted(path.rglob("*.yml")))
        else:
            files.append(path)
    return files


def _build_script(
    path: Path, data: dict[str, Any], located: _Located
) -> tuple[Script, list[Problem]]:
    problems: list[Problem] = []
    steps: list[Step] = []
    for index, raw in enumerate(data["steps"]):
        where: list[str | int] = ["steps", index]
        line = located.line(where)
        step, found = _build_step(path, raw, line, where, located)
        steps.append(step)
        problems.extend(found)
    script = Script(
        id=data["id"],
        title=data["title"].strip(),
        kind=Kind(data["kind"]),
        summary=data["summary"].strip(),
        minutes=float(data["minutes"]),
        steps=tuple(steps),
        path=path,
        tags=frozenset(data.get("tags", [])),
        aliases=tuple(a.strip() for a in data.get("aliases", [])),
        content_note=(data.get("content_note") or "").strip() or None,
    )
    if path.stem != script.id:
        problems.append(
            Problem(
                path,
                located.line(["id"]),
                "id",
                f"'{script.id}' should match the file name '{path.stem}'",
            )
        )
    computed = script_seconds(script) / 60
    if abs(computed - script.minutes) > MINUTES_TOLERANCE * computed:
        problems.append(
            Problem(
                path,
                located.line(["minutes"]),
                "minutes",
                f"says {script.minutes:g} but the steps take about {computed:.1f} minutes",
                Severity.WARNING,
            )
        )
    return script, problems


def _options(raw: Mapping[str, Any]) -> StepOptions:
    return StepOptions(
        region=raw.get("region"),
        outward=(raw.get("outward") or "").strip() or None,
        skippable=bool(raw.get("skippable", True)),
        eyes_open=(raw.get("eyes_open") or "").strip() or None,
        optional=bool(raw.get("optional", False)),
    )


def _text_problems(path: Path, text: str, line: int, name: str) -> list[Problem]:
    leftover = _STRAY_MARK.findall(_PAUSE_MARK.sub("", text))
    return [
        Problem(path, line, name, f"{mark} is not a pause marker; write [pause 3s]")
        for mark in leftover
    ]


def _build_step(
    path: Path, raw: Any, line: int, where: list[str | int], located: _Located
) -> tuple[Step, list[Problem]]:
    name = _field_name(where)
    if isinstance(raw, str):
        raw = {"say": raw}
    options = _options(raw)
    if "say" in raw:
        text = raw["say"]
        problems = _text_problems(path, text, line, name)
        for extra in ("outward", "eyes_open"):
            alternative = getattr(options, extra)
            if alternative:
                problems += _text_problems(path, alternative, line, f"{name}.{extra}")
        return Say(parse_text(text), line, options), problems
    if "pause" in raw:
        return Pause(float(raw["pause"]), line, options), []
    if "breathe" in raw:
        return _build_breathe(path, raw, line, name, options)
    cues_problems = _text_problems(path, raw["ask"], line, name)
    ask = Ask(
        question=raw["ask"].strip(),
        count=int(raw.get("count", 1)),
        expect=Expect(raw.get("expect", "anything")),
        acks=tuple(a.strip() for a in raw.get("acks", [])),
        reprompt=(raw.get("reprompt") or "").strip() or None,
        on_silence=OnSilence(raw.get("on_silence", "continue")),
        line=line,
        options=options,
    )
    return ask, cues_problems


def _build_breathe(
    path: Path, raw: Mapping[str, Any], line: int, name: str, options: StepOptions
) -> tuple[Breathe, list[Problem]]:
    numbers = [float(n) for n in str(raw["breathe"]).split("-")]
    if len(numbers) == 2:
        inhale, hold_in, exhale, hold_out = numbers[0], 0.0, numbers[1], 0.0
    elif len(numbers) == 3:
        inhale, hold_in, exhale, hold_out = numbers[0], numbers[1], numbers[2], 0.0
    else:
        inhale, hold_in, exhale, hold_out = numbers
    problems: list[Problem] = []
    if inhale <= 0 or exhale <= 0:
        problems.append(
            Problem(
                path, line, f"{name}.breathe", "breathing in and out each need at least 1 second"
            )
        )
    cues_raw = raw.get("cues", {})
    defaults = BreathCues()
    cues = BreathCues(
        inhale=cues_raw.get("in", defaults.inhale),
        hold=cues_raw.get("hold", defaults.hold),
        exhale=cues_raw.get("out", defaults.exhale),
        rest=cues_raw.get("rest", defaults.rest),
    )
    step = Breathe(
        inhale,
        hold_in,
        exhale,
        hold_out,
        int(raw.get("cycles", 4)),
        raw.get("holds", "optional") == "optional",
        cues,
        line,
        options,
    )
    return step, problems


def _check_aliases(scripts: Iterable[Script], problems: list[Problem]) -> None:
    seen: dict[str, Script] = {}
    for script in scripts:
        for name in (script.title, *script.aliases):
            key = " ".join(name.lower().split())
            other = seen.get(key)
            if other is not None and other.id != script.id:
                problems.append(
                    Problem(script.path, 1, "aliases", f"'{name}' is also a name of {other.id}")
                )
            seen[key] = script
