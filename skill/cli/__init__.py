"""The `steady` command line: serve, validate, say, chat, render, package, bench."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from skill.cli import bench, package, render, serve, talk, validate
from skill.content.locales import DEFAULT_LOCALE, LOCALES
from skill.settings import SettingsError


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `steady`."""
    parser = argparse.ArgumentParser(prog="steady", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    checking = commands.add_parser("validate", help="check exercise script files")
    checking.add_argument("paths", nargs="*", help="files or folders (default: the scripts)")
    checking.add_argument(
        "--strict", action="store_true", help="treat warnings (content lint, minutes) as errors"
    )
    checking.set_defaults(run=validate.run)

    serving = commands.add_parser(
        "serve",
        help="run the skill as a web service",
        description="Every flag overrides a STEADY_* variable (docs/serving.md).",
    )
    serving.add_argument("--host", help="address to listen on (STEADY_HOST, default 127.0.0.1)")
    serving.add_argument("--port", type=int, help="port (STEADY_PORT, default 5000)")
    serving.add_argument("--workers", type=int, help="server processes (STEADY_WORKERS)")
    serving.add_argument("--threads", type=int, help="threads per process (STEADY_THREADS)")
    serving.add_argument(
        "--no-verify", action="store_true", help="skip Amazon signature checks (local testing only)"
    )
    serving.add_argument("--db", help="SQLite file for stored state (default: var/steady.sqlite3)")
    serving.add_argument(
        "--dev", action="store_true", help="Flask's development server instead, for debugging"
    )
    serving.set_defaults(run=serve.run)

    for name, helptext in (("say", "say one thing to the skill"), ("chat", "talk to the skill")):
        sub = commands.add_parser(name, help=helptext)
        sub.add_argument("--locale", default=DEFAULT_LOCALE)
        sub.add_argument("--user", default="local-user", help="who is speaking (a made-up id)")
        sub.add_argument("--db", help="SQLite file for stored state")
        sub.add_argument("--url", help="send requests to a running `steady serve` instead")
        sub.add_argument(
            "--no-audio-player",
            action="store_true",
            help="a device that cannot stream audio (hands-free scripts are spoken in turns)",
        )
        if name == "say":
            sub.add_argument("--state", help="file keeping the session between calls")
            sub.add_argument("--json", action="store_true", help="print the response envelope")
            sub.add_argument("utterance", nargs="+", help='what you say; "" is silence')
            sub.set_defaults(run=talk.say)
        else:
            sub.add_argument("--speak", action="store_true", help="read replies aloud")
            sub.set_defaults(run=talk.chat)

    render.add_parser(commands)
    package.add_parser(commands)

    benching = commands.add_parser("bench", help="benchmarks of the whole skill")
    benches = benching.add_subparsers(dest="bench", required=True)
    safety = benches.add_parser(
        "safety", help="every labelled safety phrase through the real skill, scored per category"
    )
    safety.add_argument(
        "--locale",
        action="extend",
        nargs="+",
        choices=LOCALES,
        help="locales to run (default: all five)",
    )
    safety.add_argument("--json", action="store_true", help="print the report as JSON")
    safety.add_argument(
        "--sample", type=int, metavar="N", help="only N phrases per category (default: all)"
    )
    safety.add_argument("--phrases", help="labelled phrase file (default: the tests' set)")
    safety.add_argument(
        "--misses", action="store_true", help="also list every phrase that missed a target"
    )
    safety.set_defaults(run=bench.safety)
    timing = benches.add_parser(
        "render", help="seconds of audio per CPU-second, cold and cached, for each speech engine"
    )
    timing.add_argument(
        "--engine",
        action="append",
        choices=("pyttsx3", "espeak", "piper", "polly"),
        help="engines to time (default: the offline ones)",
    )
    timing.add_argument("--json", action="store_true", help="print the timings as JSON")
    timing.set_defaults(run=bench.render)
    understood = benches.add_parser(
        "understanding", help="everyday requests through the real skill: did they get a fit?"
    )
    understood.add_argument(
        "--requests", help="requests file (default: tests/data/understanding_heldout.yaml)"
    )
    understood.add_argument("--fits", help="groups file (default: beside the requests file)")
    understood.add_argument("--locale", default="en-US", choices=LOCALES)
    understood.add_argument("--json", action="store_true", help="print the report as JSON")
    understood.add_argument("--misses", action="store_true", help="list what did not fit")
    understood.set_defaults(run=bench.understanding)
    bench.add_speed_parsers(benches)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `steady` console script."""
    args = build_parser().parse_args(argv)
    try:
        code: int = args.run(args)
    except SettingsError as problems:  # a wrong STEADY_* variable: say which, no traceback
        for problem in problems.problems:
            print(f"steady: {problem}", file=sys.stderr)
        return 2
    return code
