"""Reading script files into the core's Script objects, reporting every problem as
`path:line: field: message`."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from skill.content.files import scripts_dir
from skill.content.problems import Problem, Severity
from skill.content.schema_check import SchemaCheck
from skill.content.snapshot import remembered
from skill.content.yaml_lines import Located, compose_yaml, field_name, is_yaml_error
from skill.core.handsfree import HANDS_FREE_TAG
from skill.core.script import (
    Ask,
    BreathCues,
    Breathe,
    Expect,
    Kind,
    OnSilence,
    Pause,
    Say,
    Script,
    ScriptLibrary,
    Step,
    StepOptions,
    parse_text,
    stray_marks,
)
from skill.core.timing import script_seconds

MINUTES_TOLERANCE = 0.25
"""How far `minutes` may stray from the computed duration before a warning."""


class ScriptLoader:
    """Reads script files, reporting every problem as `path:line: field: message`."""

    def __init__(self, cues: BreathCues, schema: Mapping[str, Any] | None = None) -> None:
        if schema is None:
            schema = json.loads((scripts_dir() / "schema.json").read_text(encoding="utf-8"))
        self._schema = SchemaCheck(schema)
        self._cues = cues

    def load_file(self, path: Path) -> tuple[Script | None, list[Problem]]:
        """One script and the problems found in it."""
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return None, [Problem(path, 1, "(file)", f"cannot read: {exc}")]
        try:
            parsed = remembered("script-yaml", (text.encode(),), lambda: _parsed(text), exact=True)
        except Exception as exc:
            if not is_yaml_error(exc):
                raise
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 1 if mark is not None else 1
            problem = getattr(exc, "problem", None) or str(exc)
            return None, [Problem(path, line, "(file)", f"not valid YAML: {problem}")]
        data, located = parsed["data"], Located.from_json(parsed)
        problems = [
            Problem(path, line, field_name(p), "key appears twice; the second one would win")
            for p, line in located.duplicates
        ]
        if not isinstance(data, dict):
            problems.append(
                Problem(path, 1, "(file)", "expected a mapping with id, title, steps...")
            )
            return None, problems
        problems += self._schema.problems(path, text, data, located)
        if any(p.severity is Severity.ERROR for p in problems):
            return None, sorted(problems, key=lambda p: p.line)
        script, more = _build_script(path, data, located, self._cues)
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


def _parsed(text: str) -> dict[str, Any]:
    """A script file's data and the line of each part, as JSON (kept as a snapshot: a file
    read before, unchanged, is not parsed again)."""
    located = Located()
    node = compose_yaml(text)
    data = located.build(node) if node is not None else None
    return {"data": data, **located.to_json()}


def _expand(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.rglob("*.yaml")) + sorted(path.rglob("*.yml")))
        else:
            files.append(path)
    return files


def _build_script(
    path: Path, data: dict[str, Any], located: Located, cues: BreathCues
) -> tuple[Script, list[Problem]]:
    problems: list[Problem] = []
    steps: list[Step] = []
    for index, raw in enumerate(data["steps"]):
        where: list[str | int] = ["steps", index]
        line = located.line(where)
        step, found = _build_step(path, raw, line, where, cues)
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
        describes=tuple(" ".join(str(d).split()) for d in data.get("describes", [])),
        content_note=(data.get("content_note") or "").strip() or None,
        spoken_title=" ".join(str(data.get("spoken_title") or "").split()),
        short_intro=" ".join(str(data.get("short_intro") or "").split()) or None,
    )
    problems += [  # the opening: introduction, short intro, stop line, spoken title
        Problem(path, located.line([name]) if i is None else script.steps[i].line, name, text)
        for i, name, text in script.opening_problems()
    ]
    if path.stem != script.id:
        problems.append(
            Problem(
                path,
                located.line(["id"]),
                "id",
                f"'{script.id}' should match the file name '{path.stem}'",
            )
        )
    if HANDS_FREE_TAG in script.tags and script.interactive:
        problems.append(
            Problem(
                path,
                located.line(["tags"]),
                "tags",
                "hands_free scripts are played as one track and cannot ask anything; "
                "remove the tag or the ask steps",
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
        intro=bool(raw.get("intro", False)),
        stop_line=bool(raw.get("stop_line", False)),
    )


def _text_problems(path: Path, text: str, line: int, name: str) -> list[Problem]:
    leftover = stray_marks(text)
    return [
        Problem(path, line, name, f"{mark} is not a pause marker; write [pause 3s]")
        for mark in leftover
    ]


def _build_step(
    path: Path, raw: Any, line: int, where: list[str | int], cues: BreathCues
) -> tuple[Step, list[Problem]]:
    name = field_name(where)
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
        return _build_breathe(path, raw, line, name, options, cues)
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
    path: Path,
    raw: Mapping[str, Any],
    line: int,
    name: str,
    options: StepOptions,
    defaults: BreathCues,
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
        for name in (script.title, *script.aliases, *script.describes):
            key = " ".join(name.lower().split())
            other = seen.get(key)
            if other is not None and other.id != script.id:
                problems.append(
                    Problem(script.path, 1, "aliases", f"'{name}' is also a name of {other.id}")
                )
            seen[key] = script
