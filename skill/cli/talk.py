"""`steady say` and `steady chat`: talking to the skill without a speaker."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skill.settings import Settings

if TYPE_CHECKING:
    from skill.tools.device import DeviceState, Reply
    from skill.tools.simulator import Simulator


def _simulator(args: argparse.Namespace, state: DeviceState | None = None) -> Simulator:
    from skill.alexa.app import build_skill
    from skill.alexa.envelope import run
    from skill.content.files import model_file
    from skill.tools.nlu import Matcher
    from skill.tools.simulator import Simulator

    settings = Settings.from_env(db_path=Path(args.db) if args.db else None)
    matcher = Matcher.load(model_file(args.locale))
    if args.url:
        transport = _http_transport(args.url)
    else:
        skill = build_skill(settings)

        def transport(data: dict[str, Any]) -> dict[str, Any]:
            return run(skill, data)

    return Simulator(
        transport,
        matcher,
        matcher.invocation_name,
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


def _report(problems: list[Any]) -> int:
    import sys

    for problem in problems:
        print(problem, file=sys.stderr)
    return 1


def say(args: argparse.Namespace) -> int:
    from skill.content.bundle import InvalidScripts
    from skill.tools.device import DeviceState

    state_path = Path(args.state) if args.state else None
    state = DeviceState.load(state_path) if state_path else DeviceState()
    try:
        simulator = _simulator(args, state)
    except InvalidScripts as exc:
        return _report(exc.problems)
    reply = simulator.say(" ".join(args.utterance))
    _print_reply(reply, args.json)
    if state_path:
        simulator.state.save(state_path)
    return 0


def chat(args: argparse.Namespace) -> int:
    from skill.content.bundle import InvalidScripts

    try:
        simulator = _simulator(args)
    except InvalidScripts as exc:
        return _report(exc.problems)
    voice = None
    if args.speak:
        from skill.tools.tts import LocalVoice

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
