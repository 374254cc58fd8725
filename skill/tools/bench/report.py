"""The report of a safety bench run: its JSON form and the table the terminal shows."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import field
from datetime import date
from typing import Any

from skill.core.safety.categories import Category
from skill.record import record
from skill.tools.bench.routes import path_named
from skill.tools.bench.tallies import ALL, Outcome, Row, Tally, category_rows, locale_rows
from skill.tools.bench.targets import TargetResult, evaluate, failures


@record
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
        "reply, C7 check-in, C9 orienting) or a more serious one; for a support label "
        "(depression, pain, support, another_line, about_skill) its own reply.",
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
