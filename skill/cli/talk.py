"""`steady say` and `steady chat`: talking to the skill without a speaker."""

from __future__ import annotations

import argparse
import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skill.settings import Settings

LOCAL_AUDIO_URL = "https://localhost/audio/"
"""The address tracks are given under when only the simulator will fetch them."""

if TYPE_CHECKING:
    from skill.tools.device import DeviceState, Reply
    from skill.tools.local_audio import TrackSpeaker
    from skill.tools.simulator import Simulator
    from skill.tools.tts import LocalVoice


def _simulator(args: argparse.Namespace, state: DeviceState | None = None) -> Simulator:
    from skill.alexa.app import build_skill
    from skill.alexa.envelope import run
    from skill.content.files import model_file
    from skill.tools.nlu import Matcher
    from skill.tools.player import local_durations
    from skill.tools.simulator import Simulator

    settings = Settings.from_env(db_path=Path(args.db) if args.db else None)
    if settings.audio_base_url is None:
        # The simulated device reads tracks from the audio folder itself, so any address will
        # do; a real device needs the public HTTPS one (STEADY_AUDIO_BASE_URL).
        settings = dataclasses.replace(settings, audio_base_url=LOCAL_AUDIO_URL)
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
        durations=None if args.no_audio_player else local_durations(settings.audio_dir),
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
    if reply.playing:
        print(reply.playing)
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
    voice = speaker = None
    if args.speak:
        from skill.tools.local_audio import TrackSpeaker
        from skill.tools.tts import LocalVoice

        voice = LocalVoice()
        speaker = TrackSpeaker(Settings.from_env().audio_dir)
    print(
        "Talk to Steady Ground. Start with 'open steady ground'. An empty line is silence;"
        " '/wait 5m' lets time pass; '/voice mum' speaks as a voice Alexa"
        " recognises; 'quit' or Ctrl-D leaves."
    )
    try:
        return _chat_loop(simulator, voice, speaker)
    finally:
        if speaker is not None:
            speaker.close()


def _chat_loop(simulator: Simulator, voice: LocalVoice | None, speaker: TrackSpeaker | None) -> int:
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
        if reply.playing:
            print(reply.playing)
        if speaker is not None:
            speaker.follow(simulator.state.player, simulator.player.offset(simulator.now()))
        if reply.ended:
            print("(session ended)")
