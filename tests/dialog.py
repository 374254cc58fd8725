"""A small readable format for dialog tests, and its runner.

# a comment
> open steady ground          what the listener says ("> " alone is silence)
< which would you like        the reply contains this (case and punctuation ignored)
< okay | alright              ... one of these
<! I didn't understand        the reply does not contain this
<end                          the session has closed
<open                         the session is still open, listening
<silent                       nothing is said
<@ playing: bedtime body scan the audio player's state after the turn contains this
> /wait 5m                    let five minutes pass on the device (the track plays on)

Every response to an event of the audio player is checked too: directives at most, no speech.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skill.speech.limits import MAX_TOKEN_CHARS
from skill.speech.ssml import check
from skill.tools.device import Reply
from skill.tools.simulator import Simulator


@dataclass
class DialogTurn:
    said: str
    line: int
    expect: list[str] = field(default_factory=list)
    refuse: list[str] = field(default_factory=list)
    ended: bool | None = None
    silent: bool = False
    playing: list[str] = field(default_factory=list)


def parse(path: Path) -> list[DialogTurn]:
    turns: list[DialogTurn] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith(">"):
            turns.append(DialogTurn(line[1:].strip(), number))
        elif not turns:
            raise ValueError(f"{path}:{number}: an expectation before any turn")
        elif line == "<end":
            turns[-1].ended = True
        elif line == "<open":
            turns[-1].ended = False
        elif line == "<silent":
            turns[-1].silent = True
        elif line.startswith("<@"):
            turns[-1].playing.append(line[2:].strip())
        elif line.startswith("<!"):
            turns[-1].refuse.append(line[2:].strip())
        elif line.startswith("<"):
            turns[-1].expect.append(line[1:].strip())
        else:
            raise ValueError(f"{path}:{number}: lines start with >, <, <!, <end, <open or #")
    return turns


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^\w' ]", " ", text.lower().replace("’", "'")).split())


def run(simulator: Simulator, path: Path) -> list[tuple[str, Reply]]:
    """Play the dialog; fail with the file and line of the first mismatch."""
    transcript = []
    for turn in parse(path):
        reply = simulator.say(turn.said)
        transcript.append((turn.said, reply))
        where = f"{path.name}:{turn.line} ({turn.said!r})"
        heard = _plain(reply.text)
        for wanted in turn.expect:
            options = [_plain(option) for option in wanted.split("|")]
            assert any(o in heard for o in options), (
                f"{where}: expected {wanted!r} in: {reply.text}"
            )
        for unwanted in turn.refuse:
            assert _plain(unwanted) not in heard, f"{where}: did not expect {unwanted!r}"
        if turn.silent:
            assert not reply.text, f"{where}: expected silence, heard: {reply.text}"
        for wanted in turn.playing:
            status = _plain(reply.playing or "")
            assert _plain(wanted) in status, f"{where}: expected {wanted!r} in {reply.playing}"
        for request, answer in reply.events:
            kind = request["request"]["type"]
            said = answer.get("response") or {}
            assert not {"outputSpeech", "reprompt", "card"} & said.keys(), f"{where}: {kind}"
            assert "shouldEndSession" not in said, f"{where}: {kind} got shouldEndSession"
        if turn.ended is not None:
            assert reply.ended == turn.ended, f"{where}: ended={reply.ended}"
        if reply.ssml:
            assert check(reply.ssml) == [], f"{where}: {check(reply.ssml)}"
        response = (reply.response or {}).get("response") or {}
        reprompt = ((response.get("reprompt") or {}).get("outputSpeech") or {}).get("ssml")
        if reprompt:
            assert check(reprompt) == [], f"{where}: reprompt {check(reprompt)}"
        assert "card" not in response or response["card"] is None, f"{where}: a card was sent"
        for sent in [response] + [(answer.get("response") or {}) for _, answer in reply.events]:
            problems = check_directives(sent)
            assert not problems, f"{where}: {problems}"
    return transcript


def check_directives(response: dict[str, Any]) -> list[str]:
    """What is wrong with a response's AudioPlayer directives, by the platform's rules."""
    problems = []
    directives = response.get("directives") or []
    plays = [d for d in directives if d.get("type") == "AudioPlayer.Play"]
    if len(plays) > 1:
        problems.append("more than one Play")
    for play in plays:
        stream = play["audioItem"]["stream"]
        if not stream["url"].startswith("https://"):
            problems.append(f"not https: {stream['url']}")
        if not 0 < len(stream["token"]) <= MAX_TOKEN_CHARS:
            problems.append(f"token of {len(stream['token'])} characters")
        if stream.get("offsetInMilliseconds", 0) < 0:
            problems.append("negative offset")
        if play.get("playBehavior") == "ENQUEUE" or "expectedPreviousToken" in stream:
            problems.append("enqueued (the skill plays one track per exercise)")
        if response.get("shouldEndSession") is False:
            problems.append("Play in a response that keeps listening (the stream would pause)")
    return problems
