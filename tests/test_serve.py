"""`steady serve` as it runs in production: a real gunicorn process on 127.0.0.1, started as a
subprocess and stopped with SIGTERM, with slow clients, bad settings and its JSON log."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from skill.cli.serve import prerender
from skill.cli.whole_requests import request_state
from skill.settings import Settings
from skill.tools.nlu import Matcher
from skill.tools.simulator import Simulator
from tests.test_web import free_port, launch, post

SLOW_CLIENTS = 300
ACCOUNT = "amzn1.ask.account.serve-test"


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path
    db: Path

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def lines(self) -> list[dict[str, Any]]:
        """Every line of its log so far, each parsed as JSON (a line that is not fails here)."""
        text = self.log.read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STEADY_")}
    env.update(STEADY_DB=str(tmp_path / "state.sqlite3"), STEADY_LOG_FORMAT="json")
    env.update(settings)
    return env


@contextlib.contextmanager
def steady(tmp_path: Path, *flags: str, **settings: str) -> Iterator[Server]:
    """`steady serve` on a free port with the settings given as STEADY_* variables; stopped with
    SIGTERM on the way out, which must end it cleanly (status 0) within a few seconds."""
    port = free_port()
    env = environment(tmp_path, STEADY_PORT=str(port), **settings)
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [sys.executable, "-m", "skill.cli", "serve", *flags],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=sink,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log, Path(env["STEADY_DB"]))
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and process.poll() is None:
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(server.url + "/healthz", timeout=1) as answer,
            ):
                if answer.status == 200:
                    break
            time.sleep(0.1)
        else:
            raise AssertionError(f"steady serve did not start:\n{log.read_text()}")
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        started = time.monotonic()
        code = process.wait(timeout=20)
        stopped_in = time.monotonic() - started
    assert code == 0, log.read_text()
    assert stopped_in < 5, f"SIGTERM took {stopped_in:.1f} s"


def health(url: str) -> tuple[int, dict[str, Any], float]:
    started = time.monotonic()
    with urllib.request.urlopen(url + "/healthz", timeout=10) as answer:
        body = json.loads(answer.read())
        return answer.status, body, time.monotonic() - started


def test_the_production_server_answers_health_and_a_launch(tmp_path: Path) -> None:
    with steady(tmp_path, "--no-verify") as server:
        status, body, _ = health(server.url)
        assert status == 200
        assert body["status"] == "ok" and body["storage"] == "ok" and body["scripts"] > 10
        status, answer = post(server.url, json.dumps(launch()).encode())
        assert status == 200
        assert "Steady Ground" in answer["response"]["outputSpeech"]["ssml"]
        messages = [line.get("message", "") for line in server.lines()]
    assert "Starting gunicorn 27.0.1" in messages  # gunicorn, not Flask's development server
    assert "Using worker: SteadyWorker" in messages
    assert f"serving on 127.0.0.1:{server.port} with 2 workers x 32 threads" in messages


def open_slow_clients(port: int) -> list[socket.socket]:
    """Clients that start a request and go quiet: a third send half a header, a third whole
    headers and part of a body, a third nothing at all."""
    partial_head = b"POST /alexa HTTP/1.1\r\nHost: localhost\r\nContent-Ty"
    partial_body = (
        b"POST /alexa HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        b'Content-Length: 1000\r\n\r\n{"version": "1.0", "sess'
    )
    clients = []
    for n in range(SLOW_CLIENTS):
        client = socket.create_connection(("127.0.0.1", port), timeout=5)
        if n % 3 < 2:
            client.sendall(partial_head if n % 3 == 0 else partial_body)
        clients.append(client)
    return clients


def test_300_slow_clients_do_not_stop_health_from_answering_within_a_second(
    tmp_path: Path,
) -> None:
    """With the default workers and threads: idle half-sent requests hold no thread."""
    with steady(tmp_path, "--no-verify") as server:
        clients = open_slow_clients(server.port)
        try:
            time.sleep(0.5)  # every one of them accepted and waiting
            took = []
            for _ in range(5):
                status, body, seconds = health(server.url)
                assert (status, body["status"]) == (200, "ok")
                took.append(seconds)
            status, _ = post(server.url, json.dumps(launch()).encode())
            assert status == 200
        finally:
            for client in clients:
                client.close()
    print(f"\n/healthz under {SLOW_CLIENTS} slow clients: {max(took) * 1000:.1f} ms at most")
    assert max(took) < 1.0, took


def test_a_client_that_sends_nothing_in_time_is_closed(tmp_path: Path) -> None:
    with steady(tmp_path, "--no-verify", STEADY_READ_TIMEOUT="1") as server:
        port = server.port
        with socket.create_connection(("127.0.0.1", port), timeout=10) as silent:
            silent.sendall(b"GET /healthz HTTP/1.1\r\nHo")
            started = time.monotonic()
            assert silent.recv(100) == b""  # closed, with no answer
            assert 0.5 < time.monotonic() - started < 4


def test_keep_alive_pipelined_and_chunked_requests_are_answered(tmp_path: Path) -> None:
    body = json.dumps(launch()).encode()
    with steady(tmp_path, "--no-verify") as server:
        port = server.port
        with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
            get = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
            chunked = (
                b"POST /alexa HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + f"{len(body):x}\r\n".encode()
                + body
                + b"\r\n0\r\n\r\n"
            )
            client.sendall(get + get)  # two requests in one write
            client.sendall(chunked[:50])
            time.sleep(0.2)
            client.sendall(chunked[50:])
            seen = b""
            while b"Steady Ground" not in seen:
                chunk = client.recv(65536)
                assert chunk, seen
                seen += chunk
        assert seen.count(b"HTTP/1.1 200 OK") == 3


def test_a_body_over_the_limit_is_refused_before_it_arrives(tmp_path: Path) -> None:
    with steady(tmp_path, "--no-verify") as server:
        port = server.port
        with socket.create_connection(("127.0.0.1", port), timeout=10) as client:
            client.sendall(b"POST /alexa HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n")
            answer = client.recv(1000)
        assert answer.startswith(b"HTTP/1.1 400") and b"body larger than 131072 bytes" in answer


@pytest.mark.parametrize(
    ("data", "state"),
    [
        (b"GET / HTTP/1.1\r\nHost: x", "more"),
        (b"GET / HTTP/1.1\r\nHost: x\r\n\r\n", "done"),
        (b"POST / HTTP/1.1\r\nContent-Length: 4\r\n\r\nab", "more"),
        (b"POST / HTTP/1.1\r\ncontent-length: 4\r\n\r\nabcd", "done"),
        (b"POST / HTTP/1.1\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n", "continue"),
        (b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n", "done"),  # the parser refuses it
        (b"POST / HTTP/1.1\r\nContent-Length: 200\r\n\r\n", "body larger than 100 bytes"),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n", "more"),
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n", "done"),
        (b"GET / HTTP/1.1\r\nX: " + b"y" * 70_000, "headers too large"),
    ],
)
def test_a_request_goes_to_a_thread_only_when_it_is_whole(data: bytes, state: str) -> None:
    assert request_state(data, 100) == state


def run_serve(tmp_path: Path, *flags: str, **settings: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "skill.cli", "serve", *flags],
        env=environment(tmp_path, **settings),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_invalid_settings_stop_it_with_status_2_and_one_line_each(tmp_path: Path) -> None:
    result = run_serve(
        tmp_path,
        STEADY_PORT="eighty",
        STEADY_VERIFY="maybe",
        STEADY_STORE="postgres",
        STEADY_AUDIO_BASE_URL="http://example.org/audio/",
        STEADY_SKILL_ID="my-skill",
        STEADY_ID_SECRET="hunter2",
        STEADY_SCRIPTS=str(tmp_path / "nowhere"),
        STEADY_WORKERS="0",
        STEADY_READ_TIMEOUT="-1",
    )
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert lines == [
        "steady: STEADY_PORT=eighty: must be a whole number from 1 to 65535",
        "steady: STEADY_WORKERS=0: must be a whole number from 1 to 32",
        "steady: STEADY_READ_TIMEOUT=-1: must be a number of seconds from 1 to 300",
        "steady: STEADY_VERIFY=maybe: must be `on` or `off` (or true/false, yes/no, 1/0)",
        "steady: STEADY_SKILL_ID=my-skill: must be a skill id: `amzn1.ask.skill.` and letters, "
        "digits and hyphens",
        "steady: STEADY_STORE=postgres: must be one of `sqlite`, `dynamodb`",
        "steady: STEADY_ID_SECRET=(hidden): must be at least 32 characters, no spaces "
        "(e.g. `openssl rand -hex 32`)",
        f"steady: STEADY_SCRIPTS={tmp_path / 'nowhere'}: no such folder",
        "steady: STEADY_AUDIO_BASE_URL=http://example.org/audio/: must be an https:// URL "
        "(devices play only https)",
    ]
    assert "hunter2" not in result.stderr and "Traceback" not in result.stderr


def test_settings_that_only_fail_together_stop_it_the_same_way(tmp_path: Path) -> None:
    result = run_serve(tmp_path, STEADY_STORE="dynamodb")
    assert (result.returncode, result.stderr) == (
        2,
        "steady: STEADY_DYNAMODB_TABLE: must be set when STEADY_STORE is `dynamodb`\n",
    )


def test_an_invalid_flag_names_the_flag_and_its_variable(tmp_path: Path) -> None:
    result = run_serve(tmp_path, "--port", "70000", "--threads", "0")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "steady: --port 70000 (or STEADY_PORT): must be a whole number from 1 to 65535",
        "steady: --threads 0 (or STEADY_THREADS): must be a whole number from 1 to 256",
    ]


def test_verification_can_be_turned_off_by_the_environment_alone(tmp_path: Path) -> None:
    with steady(tmp_path, STEADY_VERIFY="off") as server:
        assert post(server.url, json.dumps(launch()).encode())[0] == 200
    assert any("verification is OFF" in line.get("message", "") for line in server.lines())


def test_verification_is_on_without_a_setting(tmp_path: Path) -> None:
    with steady(tmp_path) as server:
        status, answer = post(server.url, json.dumps(launch()).encode())
    assert status == 400 and "SignatureCertChainUrl" in answer["error"]


class HttpTransport:
    """A simulated device talking to the server over HTTP."""

    def __init__(self, url: str) -> None:
        self.url = url

    def __call__(self, data: dict[str, Any]) -> dict[str, Any]:
        status, answer = post(self.url, json.dumps(data).encode())
        assert status == 200, answer
        result: dict[str, Any] = answer
        return result


SAID = [
    "open steady ground",
    "start five senses",
    "a purple lampshade",
    "I feel kind of glorpy",
    "stop",
    "start a body scan for grandpa",
    "the radiator ticking",
    "stop",
]
WORDS = ["purple", "lampshade", "glorpy", "grandpa", "radiator", "serve-test"]


def test_the_log_is_one_json_line_per_turn_with_hashed_ids_and_no_words(
    tmp_path: Path, matcher: Matcher
) -> None:
    with steady(tmp_path, "--no-verify") as server:
        device = Simulator(
            HttpTransport(server.url), matcher, matcher.invocation_name, user="serve-test"
        )
        for words in SAID:
            device.say(words)
        lines = server.lines()  # parsing every line as JSON is part of the test
    turns = [line for line in lines if line.get("event") == "turn"]
    assert len(turns) == len(SAID)
    for turn in turns:
        assert set(turn) >= {"time", "level", "logger", "request_id", "type", "intent"}
        assert set(turn) >= {"handler", "mode", "outcome", "ms", "user", "person", "actions"}
        assert turn["request_id"].startswith("amzn1.echo-api.request.")
        assert isinstance(turn["ms"], float) and turn["ms"] >= 0
    assert [t["type"] for t in turns[:2]] == ["LaunchRequest", "IntentRequest"]
    assert turns[1]["intent"] == "StartExerciseIntent"
    assert {t["handler"] for t in turns} == {"ConversationTurns"}
    assert turns[0]["rule"] == "launch" and turns[1]["rule"] == "start_exercise"
    assert turns[0]["outcome"] == "listening" and turns[4]["outcome"] == "ended"
    secret = Path(f"{server.db}.id-secret").read_text().strip().encode()
    keyed = hmac.new(secret, f"amzn1.ask.account.{'serve-test'}".encode(), hashlib.sha256)
    assert {t["user"] for t in turns} == {keyed.hexdigest()[:12]}
    assert len({t["person"] for t in turns}) == 2  # the account holder, then grandpa
    text = server.log.read_text(encoding="utf-8").lower()
    assert [word for word in WORDS if word in text] == []
    assert "amzn1.ask.account" not in text


def test_the_development_server_is_still_there(tmp_path: Path) -> None:
    with steady(tmp_path, "--dev", "--no-verify") as server:
        assert health(server.url)[0] == 200
        assert post(server.url, json.dumps(launch()).encode())[0] == 200
    assert not any("gunicorn" in line["logger"] for line in server.lines())


def test_tracks_from_a_bucket_are_never_rendered_locally(tmp_path: Path) -> None:
    base = "https://audio.example.org/audio/"
    on_s3 = Settings(audio_dir=tmp_path, audio_base_url=base, audio_s3="s3://bucket/audio")
    assert prerender(on_s3) is None
    assert list(tmp_path.iterdir()) == []
