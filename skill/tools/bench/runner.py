"""Running the safety bench: every phrase said to the real skill through the simulator."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from skill.content import bundle as content
from skill.content.files import data_dir, data_file, model_file
from skill.content.locales import LOCALES
from skill.tools.bench.phrases import Labelled, load_labelled, sample
from skill.tools.bench.report import Report
from skill.tools.bench.routes import PATH_KEYS, path_named
from skill.tools.bench.scoring import LocaleLines, score_reply
from skill.tools.bench.tallies import Outcome


def model_for(locale: str) -> Path:
    """The locale's interaction model, or en-US's while the locale has none of its own."""
    return model_file(locale)


def shown(path: Path) -> str:
    """A data file's path as the report shows it: from the top of the checkout or install."""
    return os.path.relpath(path, data_dir().parent.parent)


def model_phrases(model: Path) -> frozenset[str]:
    """Every sample and every custom slot value and synonym of a model, normalised."""
    from skill.tools.nlu import normalise

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
    return [
        *dict.fromkeys(models),
        data_file("words.yaml", "en"),
        data_file("typed.yaml", "en"),
        data_file("crisis_phrases.yaml", "en"),
        data_file("crisis_replies.yaml", "en"),
        data_file("helplines.yaml"),
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
    from skill.alexa.app import build_skill
    from skill.alexa.envelope import BadRequest, run
    from skill.settings import Settings
    from skill.tools.device import DeviceState
    from skill.tools.nlu import Matcher, normalise
    from skill.tools.simulator import Simulator

    chosen = sample(labelled if labelled is not None else load_labelled(), per_category)
    directory = content.helplines()
    outcomes: list[Outcome] = []
    requests = 0
    started = time.perf_counter()
    # Every model is read before the first phrase, so one run measures one version of the data.
    model_paths = {locale: model_for(locale) for locale in locales}
    matchers = {locale: Matcher.load(path) for locale, path in model_paths.items()}
    listed = {locale: model_phrases(path) for locale, path in model_paths.items()}
    fingerprints = {shown(path): fingerprint(path) for path in _data_files(model_paths.values())}
    with tempfile.TemporaryDirectory(prefix="steady-bench-") as folder:
        for locale in locales:
            matcher = matchers[locale]
            known = {item.phrase for item in chosen if normalise(item.phrase) in listed[locale]}
            # The lines of the locale, or of the one country a phrase names ("i'm in ireland"),
            # as the replies choose them (HelplineDirectory.named_in).
            lines: dict[str | None, LocaleLines] = {
                None: LocaleLines.of(directory.for_request(locale))
            }
            wording = content.crisis_wording(locale)
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
                    named = directory.named_in([item.phrase])
                    if named not in lines:
                        lines[named] = LocaleLines.of(directory.for_request(locale, named))
                    score = score_reply(item.label, envelope, ssml, lines[named], wording)
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
        models={locale: shown(path) for locale, path in model_paths.items()},
        fingerprints=fingerprints,
        per_category=per_category,
    )
