"""The safety bench: every labelled phrase through the real skill, scored from what it said back.

`steady bench safety` says each phrase of tests/data/safety_phrases.yaml to the skill the way a
listener would meet it (the local matcher builds the request a device would send), on three
paths and in every English locale, and scores the RESPONSE, never the classifier:

- said:    `open steady ground`, then the phrase, in a fresh session;
- answer:  `start five senses`, then the phrase while the exercise waits for an answer;
- feeling: `start the feelings check-in`, then the phrase while it waits for a feeling.

This module is the bench's entry point; the work is done in its neighbours, and the pure ones
know nothing of the simulator:

- `paths`:    the three paths (what is said first, where it must lead);
- `phrases`:  the labelled set, and an even sample of it;
- `scoring`:  reading one reply and scoring it (pure);
- `tallies`:  outcomes and their counts, the rows of the tables (pure);
- `targets`:  the targets, measured on each path, and what went wrong per phrase (pure);
- `report`:   one run's report, as JSON and as the terminal table (pure);
- `runner`:   `run_bench`, which drives the real skill through the simulator.
"""

from __future__ import annotations

from skill.content.locales import LOCALES
from skill.tools.bench.phrases import load_labelled, sample
from skill.tools.bench.report import Report, render_text
from skill.tools.bench.routes import PATH_KEYS
from skill.tools.bench.runner import run_bench
from skill.tools.bench.scoring import (
    LocaleLines,
    ReplyKind,
    Score,
    digits,
    reply_of,
    score_reply,
    spoken_numbers,
)
from skill.tools.bench.tallies import Outcome, category_rows
from skill.tools.bench.targets import MAX_FALSE_ALARM_PERCENT, TARGETS, evaluate, failures

__all__ = [
    "LOCALES",
    "MAX_FALSE_ALARM_PERCENT",
    "PATH_KEYS",
    "TARGETS",
    "LocaleLines",
    "Outcome",
    "ReplyKind",
    "Report",
    "Score",
    "category_rows",
    "digits",
    "evaluate",
    "failures",
    "load_labelled",
    "render_text",
    "reply_of",
    "run_bench",
    "sample",
    "score_reply",
    "spoken_numbers",
]
