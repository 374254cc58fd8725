"""The understanding bench: everyday requests through the real skill, scored by what it did.

`steady bench understanding` says each request of a requests file (by default the held-out set,
tests/data/understanding_heldout.yaml) after "open steady ground", in a fresh account, on a
device without an audio player (so every exercise is spoken and its id is in the session), and
reads the response:

- **fits**:   it started one exercise of the request's group, offered only exercises of it, or
              gave the referral asked for;
- **wrong**:  it started or offered an exercise outside the group, or answered a request for an
              exercise with a referral (or the other way round);
- **missed**: anything else (the general menu, "I don't have that one", a feelings reply).

The groups (tests/data/understanding_fits.yaml) say which exercises fit which kind of request;
they were written from the scripts' summaries before any matching existed.
"""

from __future__ import annotations

import itertools
import re
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import field
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from skill.core.state import Mode
from skill.record import mutable_record, record

REFERRALS = ("support", "depression")
PROFESSIONAL = re.compile(r"\b(doctor|gp|counsell?or|therapist|professional)\b", re.IGNORECASE)
STARTED_MODES = frozenset(
    {Mode.EXERCISE.value, Mode.PAUSED.value, Mode.FINISHED.value, Mode.RESUME_OFFER.value}
)


DISTRESS = "distress"
ORIENTING_FITS = frozenset({"disconnected"})
"""Requests that safety.md C9 answers itself ("I feel like I'm not real"): its eyes-open
orienting to the room is a fitting answer to them, and the safety rules come first."""


class Verdict(StrEnum):
    FITS = "fits"
    WRONG = "wrong"
    MISSED = "missed"


@record
class Request:
    """One everyday request, and what would answer it."""

    said: str
    fit: str | None = None
    """A group of understanding_fits.yaml."""
    referral: str | None = None
    """ "support" or "depression"."""
    after: tuple[str, ...] = ()
    """Said after opening the skill, before the request."""


@record
class Did:
    """What the skill did with a request, read from its response."""

    started: str | None = None
    offered: tuple[str, ...] = ()
    referred: bool = False
    professional: bool = False
    text: str = ""
    crisis: str | None = None
    """The category of a crisis or distress reply, if the skill gave one."""


@record
class Scored:
    request: Request
    did: Did
    verdict: Verdict


@mutable_record
class UnderstandingReport:
    scored: list[Scored] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, verdict: Verdict) -> int:
        return sum(1 for s in self.scored if s.verdict is verdict)

    def percent(self, verdict: Verdict) -> float:
        return 100.0 * self.count(verdict) / len(self.scored) if self.scored else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "requests": len(self.scored),
            "fits": self.count(Verdict.FITS),
            "wrong": self.count(Verdict.WRONG),
            "missed": self.count(Verdict.MISSED),
            "fits_percent": round(self.percent(Verdict.FITS), 1),
            "seconds": round(self.seconds, 1),
            "results": [
                {
                    "said": s.request.said,
                    "after": list(s.request.after),
                    "expected": s.request.fit or f"referral:{s.request.referral}",
                    "verdict": s.verdict.value,
                    "started": s.did.started,
                    "offered": list(s.did.offered),
                    "referred": s.did.referred,
                }
                for s in self.scored
            ],
        }


def load_requests(path: Path) -> list[Request]:
    """A requests file: a list of {said, fit | referral, after?}."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of requests")
    found = []
    for number, item in enumerate(data, 1):
        if not isinstance(item, dict) or not isinstance(item.get("said"), str):
            raise ValueError(f"{path}: request {number}: needs `said`")
        fit, referral = item.get("fit"), item.get("referral")
        if (fit is None) == (referral is None) or (referral and referral not in REFERRALS):
            raise ValueError(f"{path}: request {number}: needs one of `fit` or `referral`")
        found.append(Request(item["said"], fit, referral, tuple(item.get("after") or ())))
    return found


def load_fits(path: Path) -> dict[str, frozenset[str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {str(name): frozenset(map(str, ids)) for name, ids in data.items()}


def did_of(envelope: Mapping[str, Any] | None, text: str, line: str) -> Did:
    """What a response did: an exercise started, a choice offered, the support line given."""
    attributes = (envelope or {}).get("sessionAttributes") or {}
    mode, script = attributes.get("mode"), attributes.get("script")
    started = script if mode in STARTED_MODES and isinstance(script, str) else None
    choices = attributes.get("choices") or []
    offered = tuple(c for c in choices if isinstance(c, str)) if mode == Mode.CHOOSING else ()
    spoken = " ".join(text.split())
    referred = bool(line) and line in re.sub(r"\D", "", spoken) if line else False
    crisis = attributes.get("crisis") if mode == Mode.CRISIS else None
    return Did(
        started,
        offered,
        referred,
        bool(PROFESSIONAL.search(spoken)),
        spoken,
        crisis if isinstance(crisis, str) else None,
    )


def verdict_of(request: Request, did: Did, fits: Mapping[str, frozenset[str]]) -> Verdict:
    exercises = ([did.started] if did.started else []) + list(did.offered)
    if request.referral is not None:
        if exercises and not did.referred:
            return Verdict.WRONG
        if not did.referred:
            return Verdict.MISSED
        if request.referral == "depression" and not did.professional:
            return Verdict.MISSED
        return Verdict.FITS
    group = fits[request.fit or ""]
    if did.crisis == DISTRESS and request.fit in ORIENTING_FITS:
        return Verdict.FITS  # "I feel like I'm not really here": eyes-open orienting (C9)
    if did.referred or did.crisis is not None:
        return Verdict.WRONG  # an everyday request answered as a crisis or a referral
    if not exercises:
        return Verdict.MISSED
    return Verdict.FITS if all(e in group for e in exercises) else Verdict.WRONG


def _ids(index: int) -> Callable[[], str]:
    """Request and session ids for the `index`-th request's turns: fixed, not random."""
    turns = itertools.count()
    return lambda: f"understanding-{index}-{next(turns)}"


def run_bench(
    requests: Sequence[Request],
    fits: Mapping[str, frozenset[str]],
    locale: str = "en-US",
    progress: Callable[[str], None] | None = None,
) -> UnderstandingReport:
    """Say every request to the real skill (a fresh SQLite file, a fresh account each)."""
    from skill.alexa.app import build_skill
    from skill.alexa.envelope import run
    from skill.content import bundle as content
    from skill.content.files import model_file
    from skill.settings import Settings
    from skill.tools.device import DeviceState
    from skill.tools.nlu import Matcher
    from skill.tools.simulator import Simulator

    unknown = {r.fit for r in requests if r.fit is not None and r.fit not in fits}
    if unknown:
        raise ValueError(f"groups not in the fits file: {', '.join(sorted(map(str, unknown)))}")
    matcher = Matcher.load(model_file(locale))
    directory = content.helplines()

    def line_for(said: str) -> str:
        """The crisis line a referral must give: the locale's, or that of the one country
        the request names ("a helpline in canada"), as the replies choose it."""
        wanted = directory.for_request(locale, directory.named_in([said]))
        return re.sub(r"\D", "", wanted.crisis_line.number)

    report = UnderstandingReport()
    began = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="steady-understanding-") as folder:
        skill = build_skill(Settings(db_path=Path(folder) / "bench.sqlite3"))

        def transport(data: dict[str, Any]) -> dict[str, Any]:
            return run(skill, data)

        simulator = Simulator(transport, matcher, matcher.invocation_name, locale=locale)
        for index, request in enumerate(requests):
            simulator.state = DeviceState()
            simulator.user_id = f"amzn1.ask.account.steady-understanding-{index}"
            simulator.new_id = _ids(index)  # the same ids, so the same picks, every run
            simulator.say(f"open {matcher.invocation_name}")
            for words in request.after:
                simulator.say(words)
            reply = simulator.say(request.said)
            did = did_of(reply.response, reply.text, line_for(request.said))
            report.scored.append(Scored(request, did, verdict_of(request, did, fits)))
    report.seconds = time.perf_counter() - began
    if progress is not None:
        progress(f"{len(requests)} requests in {report.seconds:.1f} s")
    return report


def render_text(report: UnderstandingReport, with_misses: bool = False) -> str:
    total = len(report.scored)
    lines = [
        f"Understanding: {total} everyday requests",
        f"  fits    {report.count(Verdict.FITS):4d}  {report.percent(Verdict.FITS):5.1f} %",
        f"  wrong   {report.count(Verdict.WRONG):4d}  {report.percent(Verdict.WRONG):5.1f} %",
        f"  missed  {report.count(Verdict.MISSED):4d}  {report.percent(Verdict.MISSED):5.1f} %",
        "Goal: at least 90 % fit, none wrong.",
    ]
    if with_misses:
        for s in report.scored:
            if s.verdict is not Verdict.FITS:
                what = s.did.started or ",".join(s.did.offered) or s.did.text[:70]
                lines.append(f"  {s.verdict.value:6s} {s.request.said!r}: {what}")
    return "\n".join(lines)
