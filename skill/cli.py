"""The `steady` command line: serve, validate, say, chat, bench."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skill.paths import SCRIPTS_DIR
from skill.problems import Severity, errors
from skill.settings import Settings

if TYPE_CHECKING:
    from skill.simulator import DeviceState, Reply, Simulator


def _cmd_validate(args: argparse.Namespace) -> int:
    from skill.lint import lint_library
    from skill.scripts import ScriptLoader

    paths = [Path(p) for p in args.paths] or [SCRIPTS_DIR]
    missing = [p for p in paths if not p.exists()]
    for path in missing:
        print(f"{path}:1: (file): no such file or folder", file=sys.stderr)
    library, problems = ScriptLoader().load_paths(p for p in paths if p.exists())
    problems = sorted(problems + lint_library(library), key=lambda p: (str(p.path), p.line))
    if args.strict:
        problems = [replace(p, severity=Severity.ERROR) for p in problems]
    for problem in problems:
        print(problem, file=sys.stderr)
    failed = bool(errors(problems)) or bool(missing)
    if not failed:
        warnings = len(problems)
        tail = f", {warnings} warning{'s' * (warnings != 1)}" if warnings else ""
        print(f"{len(library)} scripts valid{tail}")
    return 1 if failed else 0


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(db_path=Path(args.db) if getattr(args, "db", None) else None)


def _cmd_serve(args: argparse.Namespace) -> int:
    from skill.app import InvalidScripts
    from skill.web import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = Settings.from_env(
        verify=not args.no_verify, db_path=Path(args.db) if args.db else None
    )
    if args.no_verify:
        logging.getLogger("steady").warning(
            "request verification is OFF (--no-verify): for local testing only, never expose "
            "this server to the internet"
        )
    try:
        app = create_app(settings)
    except InvalidScripts as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print("steady: not starting: the exercise scripts have errors", file=sys.stderr)
        return 1
    print(f"Steady Ground on http://{args.host}:{args.port} (POST /alexa, GET /healthz)")
    app.run(host=args.host, port=args.port)
    return 0


def _simulator(args: argparse.Namespace, state: DeviceState | None = None) -> Simulator:
    from skill.app import build_skill
    from skill.dispatch import run
    from skill.nlu import Matcher
    from skill.paths import MODELS_DIR
    from skill.simulator import Simulator

    settings = _settings(args)
    model_path = MODELS_DIR / f"{args.locale}.json"
    if not model_path.exists():
        model_path = MODELS_DIR / "en-US.json"
    matcher = Matcher.load(model_path)
    invocation = json.loads(model_path.read_text(encoding="utf-8"))["interactionModel"][
        "languageModel"
    ]["invocationName"]
    if args.url:
        transport = _http_transport(args.url)
    else:
        skill = build_skill(settings)

        def transport(data: dict[str, Any]) -> dict[str, Any]:
            return run(skill, data)

    return Simulator(
        transport,
        matcher,
        invocation,
        locale=args.locale,
        user=args.user,
        skill_id=settings.skill_id,
        state=state,
    )


def _http_transport(url: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    import urllib.request

    def send(data: dict[str, Any]) -> dict[str, Any]:
        body = json.dumps(data).encode()
        post = urllib.request.Request(url, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(post, timeout=10) as answer:
            result: dict[str, Any] = json.loads(answer.read())
        return result

    return send


def _print_reply(reply: Reply, as_json: bool) -> None:
    if as_json:
        print(json.dumps(reply.response or {}, indent=2))
        return
    if reply.text:
        print(reply.text)
    if reply.ended:
        print("(session ended)")


def _cmd_say(args: argparse.Namespace) -> int:
    from skill.app import InvalidScripts
    from skill.simulator import DeviceState

    state_path = Path(args.state) if args.state else None
    state = DeviceState.load(state_path) if state_path else DeviceState()
    try:
        simulator = _simulator(args, state)
    except InvalidScripts as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    reply = simulator.say(" ".join(args.utterance))
    _print_reply(reply, args.json)
    if state_path:
        simulator.state.save(state_path)
    return 0


def _cmd_chat(args: argparse.Namespace) -> int:
    from skill.app import InvalidScripts

    try:
        simulator = _simulator(args)
    except InvalidScripts as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    voice = None
    if args.speak:
        from skill.tts import LocalVoice

        voice = LocalVoice()
    print(
        "Talk to Steady Ground. Start with 'open steady ground'. An empty line is silence;"
        " 'quit' or Ctrl-D leaves."
    )
    while True:
        try:
            line = input("you> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if line.strip().lower() in ("quit", "exit"):
            return 0
        reply = simulator.say(line)
        if reply.text:
            print(f"skill> {reply.text}")
            if voice is not None and reply.ssml:
                voice.speak_ssml(reply.ssml)
        if reply.ended:
            print("(session ended)")


def _cmd_bench_safety(args: argparse.Namespace) -> int:
    from skill.app import InvalidScripts
    from skill.bench.safety import LOCALES, load_labelled, render_text, run_bench

    labelled = load_labelled(Path(args.phrases)) if args.phrases else None
    try:
        report = run_bench(
            locales=args.locale or LOCALES,
            labelled=labelled,
            per_category=args.sample,
            progress=lambda line: print(line, file=sys.stderr, flush=True),
        )
    except InvalidScripts as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(report.to_dict(with_misses=args.misses), indent=1))
    else:
        print(render_text(report, with_misses=args.misses))
    return 0  # the bench reports; the tests hold the targets


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `steady`."""
    parser = argparse.ArgumentParser(prog="steady", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check exercise script files")
    validate.add_argument("paths", nargs="*", help="files or folders (default: scripts/)")
    validate.add_argument(
        "--strict", action="store_true", help="treat warnings (content lint, minutes) as errors"
    )
    validate.set_defaults(run=_cmd_validate)

    serve = commands.add_parser("serve", help="run the skill as a web service")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.add_argument(
        "--no-verify", action="store_true", help="skip Amazon signature checks (local testing only)"
    )
    serve.add_argument("--db", help="SQLite file for stored state (default: var/steady.sqlite3)")
    serve.set_defaults(run=_cmd_serve)

    for name, helptext in (("say", "say one thing to the skill"), ("chat", "talk to the skill")):
        sub = commands.add_parser(name, help=helptext)
        sub.add_argument("--locale", default="en-US")
        sub.add_argument("--user", default="local-user", help="who is speaking (a made-up id)")
        sub.add_argument("--db", help="SQLite file for stored state")
        sub.add_argument("--url", help="send requests to a running `steady serve` instead")
        if name == "say":
            sub.add_argument("--state", help="file keeping the session between calls")
            sub.add_argument("--json", action="store_true", help="print the response envelope")
            sub.add_argument("utterance", nargs="+", help='what you say; "" is silence')
            sub.set_defaults(run=_cmd_say)
        else:
            sub.add_argument("--speak", action="store_true", help="read replies aloud")
            sub.set_defaults(run=_cmd_chat)

    bench = commands.add_parser("bench", help="benchmarks of the whole skill")
    benches = bench.add_subparsers(dest="bench", required=True)
    safety = benches.add_parser(
        "safety", help="every labelled safety phrase through the real skill, scored per category"
    )
    safety.add_argument(
        "--locale",
        action="extend",
        nargs="+",
        choices=("en-US", "en-CA", "en-GB", "en-AU", "en-IN"),
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
    safety.set_defaults(run=_cmd_bench_safety)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `steady` console script."""
    args = build_parser().parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
