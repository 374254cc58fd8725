"""The web layer over real HTTP on 127.0.0.1: verification, bad input, health.

Amazon's private signing key cannot exist here, so signed requests use a root CA and a
signing certificate the test makes itself, trusted in place of the real roots; the chain is
downloaded over real HTTP from a local server standing in for Amazon's S3 bucket.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from ask_sdk_core.skill import CustomSkill
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.verification import Store
from werkzeug.serving import make_server

from skill.alexa.app import build_skill
from skill.settings import Settings
from skill.store import StorageError
from skill.store.memory import MemoryAdapter
from skill.tools.bench.servers import ChainServer as BenchChainServer
from skill.verify import RequestVerifier, fetch_pem
from skill.web import Health, create_app
from tests.certs_helper import build_leaf, build_root, new_key, sign, to_pem
from tests.serving import free_port, serving

SKILL_ID = "amzn1.ask.skill.test-steady"
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem"


class ChainServer(BenchChainServer):
    """The bench's server of a chain (any path, as S3 would), fetched as the skill fetches."""

    def fetch(self, url: str) -> bytes:
        host, port = self.server_address[:2]
        return fetch_pem(f"http://{host!s}:{port}{urlsplit(url).path}")


class Signer:
    def __init__(self) -> None:
        now = datetime.now(UTC)
        root_key, self.key = new_key(), new_key()
        root = build_root(root_key, now - timedelta(days=1), now + timedelta(days=30))
        leaf = build_leaf(
            self.key, root, root_key, now - timedelta(days=1), now + timedelta(days=7)
        )
        self.pem = to_pem(leaf, root)
        self.store = Store([root])

    def headers(self, body: bytes, key: rsa.RSAPrivateKey | None = None) -> dict[str, str]:
        return {
            "SignatureCertChainUrl": CERT_URL,
            "Signature-256": sign(key or self.key, body),
            "Content-Type": "application/json",
        }


def serve_app(app: Any) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    with serving(server):
        yield f"http://127.0.0.1:{server.server_port}"


@pytest.fixture(scope="module")
def signer() -> Signer:
    return Signer()


@pytest.fixture
def verified_url(signer: Signer, skill_factory: Any) -> Iterator[str]:
    with serving(ChainServer(signer.pem)) as chain:
        settings = Settings(skill_id=SKILL_ID)
        verifier = RequestVerifier(SKILL_ID, fetch_chain=chain.fetch, trust_store=signer.store)
        yield from serve_app(create_app(settings, skill_factory(settings), verifier))


@pytest.fixture
def skill_factory(db_path: Path) -> Any:
    from skill.alexa.app import build_skill

    def make(settings: Settings) -> CustomSkill:
        return build_skill(Settings(skill_id=settings.skill_id, db_path=db_path))

    return make


def launch(skill_id: str = SKILL_ID, when: datetime | None = None) -> dict[str, Any]:
    stamp = (when or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ")
    application = {"applicationId": skill_id}
    user = {"userId": "amzn1.ask.account.web-test"}
    return {
        "version": "1.0",
        "session": {
            "new": True,
            "sessionId": "amzn1.echo-api.session.1",
            "application": application,
            "user": user,
            "attributes": {},
        },
        "context": {
            "System": {
                "application": application,
                "user": user,
                "device": {"deviceId": "d1", "supportedInterfaces": {}},
                "apiEndpoint": "https://api.amazonalexa.com",
            }
        },
        "request": {
            "type": "LaunchRequest",
            "requestId": "amzn1.echo-api.request.1",
            "timestamp": stamp,
            "locale": "en-US",
        },
    }


def strict_json(text: bytes) -> Any:
    """A body as Alexa reads it: NaN and Infinity are not JSON."""

    def refuse(name: str) -> Any:
        raise AssertionError(f"{name} in an answer is not JSON")

    return json.loads(text, parse_constant=refuse)


def post(url: str, body: bytes, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    request = urllib.request.Request(
        url + "/alexa", body, headers or {"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, strict_json(answer.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, strict_json(error.read())


def test_signed_request_gets_the_welcome(verified_url: str, signer: Signer) -> None:
    body = json.dumps(launch()).encode()
    status, data = post(verified_url, body, signer.headers(body))
    assert status == 200
    assert "Steady Ground" in data["response"]["outputSpeech"]["ssml"]


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("unsigned", "SignatureCertChainUrl"),
        ("tampered", "signature"),
        ("other key", "signature"),
        ("stale", "timestamp"),
        ("future", "timestamp"),
        ("other skill", "skill"),
    ],
)
def test_untrusted_requests_get_400_with_a_reason(
    verified_url: str, signer: Signer, case: str, reason: str
) -> None:
    now = datetime.now(UTC)
    data = launch(
        skill_id="amzn1.ask.skill.someone-else" if case == "other skill" else SKILL_ID,
        when=now - timedelta(seconds=200)
        if case == "stale"
        else now + timedelta(seconds=200)
        if case == "future"
        else now,
    )
    body = json.dumps(data).encode()
    headers = signer.headers(body, new_key() if case == "other key" else None)
    if case == "unsigned":
        headers = {"Content-Type": "application/json"}
    if case == "tampered":
        body = body.replace(b"LaunchRequest", b"LaunchRequest ")
    status, answer = post(verified_url, body, headers)
    assert status == 400
    assert reason.lower() in answer["error"].lower()


@pytest.fixture
def local_url(skill_factory: Any) -> Iterator[str]:
    settings = Settings(verify=False, max_body_bytes=4096)
    yield from serve_app(create_app(settings, skill_factory(settings)))


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "not a JSON object"),
        (b'{"request": {"type": "Alexa.Surprise"}}', "unknown request type"),
        (b'{"version": "1.0"}', "missing request"),
        (b'{"request": {"type": "LaunchRequest"}}', "missing context"),
        (b"x" * 5000, "larger than"),
        (
            b'{"context": {"System": 5}, "request": {"type": "IntentRequest", "intent": 3}}',
            "malformed",
        ),
    ],
)
def test_malformed_requests_get_400_never_500(local_url: str, body: bytes, reason: str) -> None:
    status, answer = post(local_url, body)
    assert status == 400
    assert reason.lower() in answer["error"].lower()


def test_local_mode_runs_unsigned_requests(local_url: str) -> None:
    status, data = post(local_url, json.dumps(launch()).encode())
    assert status == 200
    assert data["response"]["shouldEndSession"] is False


def test_health_and_unknown_paths(local_url: str) -> None:
    with urllib.request.urlopen(local_url + "/healthz", timeout=5) as answer:
        assert answer.status == 200
        assert json.loads(answer.read())["status"] == "ok"
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(local_url + "/alexa", timeout=5)
    assert info.value.code == 405
    assert "POST" in info.value.headers["Allow"]
    assert json.loads(info.value.read()) == {"error": "method not allowed"}
    info.value.close()


def spoken(answer: Any) -> str:
    ssml: str = answer["response"]["outputSpeech"]["ssml"]
    return ssml.replace('<say-as interpret-as="digits">', "").replace("</say-as>", "")


def intent(name: str, slots: dict[str, str], locale: str = "en-US") -> dict[str, Any]:
    """An IntentRequest in a new session, as a device sends it."""
    data = launch()
    data["request"] = {
        "type": "IntentRequest",
        "requestId": "amzn1.echo-api.request.2",
        "timestamp": data["request"]["timestamp"],
        "locale": locale,
        "intent": {
            "name": name,
            "confirmationStatus": "NONE",
            "slots": {slot: {"name": slot, "value": value} for slot, value in slots.items()},
        },
    }
    return data


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400", "-1e999"])
@pytest.mark.parametrize("where", ["session attributes", "player offset"])
def test_nan_and_infinity_are_refused_with_a_reason(
    local_url: str, number: str, where: str
) -> None:
    data = launch()
    if where == "session attributes":
        data["session"]["attributes"] = {"position": {"step": 1, "offset": "NUMBER"}}
    else:
        data["context"]["AudioPlayer"] = {"offsetInMilliseconds": "NUMBER", "token": "t"}
    body = json.dumps(data).replace('"NUMBER"', number).encode()
    status, answer = post(local_url, body)
    assert status == 400
    assert "nan or infinity" in answer["error"].lower()


@pytest.mark.parametrize(
    "locale", ["/usr-US", "../../../../usr/share", "en-US/../..", "x" * 2000, "", 5, ["en-US"]]
)
def test_a_locale_that_is_no_locale_is_refused_with_a_reason(local_url: str, locale: Any) -> None:
    data = launch()
    data["request"]["locale"] = locale
    status, answer = post(local_url, json.dumps(data).encode())
    assert status == 400
    assert "locale" in answer["error"]


@pytest.mark.parametrize("locale", ["en-NZ", "en-nz", "en_NZ"])
def test_an_unpublished_locale_hears_its_own_countrys_helplines(
    local_url: str, locale: str
) -> None:
    data = intent("CrisisIntent", {"statement": "i want to kill myself"}, locale)
    status, answer = post(local_url, json.dumps(data).encode())
    assert status == 200
    assert "1737" in spoken(answer) and "111" in spoken(answer)


@pytest.fixture
def roomy_url(skill_factory: Any) -> Iterator[str]:
    """A server with the deployment's own body limit (128 KB)."""
    settings = Settings(verify=False)
    yield from serve_app(create_app(settings, skill_factory(settings)))


LONG_FILLER = "the rain on the window is calm and slow " * 3000


@pytest.mark.parametrize(
    ("value", "heard"),
    [
        ("I want to die " + LONG_FILLER, True),
        (LONG_FILLER + " I want to die", True),
        (LONG_FILLER, False),
    ],
)
def test_a_crisis_phrase_at_either_end_of_a_120_kb_slot_value_is_heard(
    roomy_url: str, value: str, heard: bool
) -> None:
    assert len(value) >= 120_000
    status, answer = post(
        roomy_url, json.dumps(intent("FeelingIntent", {"feeling": value})).encode()
    )
    assert status == 200
    assert ("988" in spoken(answer)) is heard


@contextlib.contextmanager
def steady_serve(tmp_path: Path, *options: str) -> Iterator[tuple[str, list[bytes]]]:
    """A real `steady serve` process on a free port; yields its URL and, after exit, stderr."""
    port = free_port()
    env = {**os.environ, "STEADY_DB": str(tmp_path / "s.sqlite3"), "STEADY_SKILL_ID": SKILL_ID}
    process = subprocess.Popen(
        [sys.executable, "-m", "skill.cli", "serve", "--port", str(port), *options],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    stderr: list[bytes] = []
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(url + "/healthz", timeout=1) as answer:
                    assert answer.status == 200
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        else:
            raise AssertionError("steady serve did not start")
        yield url, stderr
    finally:
        process.terminate()
        stderr.append(process.communicate(timeout=10)[1])


def test_steady_serve_refuses_unsigned_and_other_skill_requests(tmp_path: Path) -> None:
    with steady_serve(tmp_path) as (url, stderr):
        status, answer = post(url, json.dumps(launch()).encode())
        assert (status, "SignatureCertChainUrl" in answer["error"]) == (400, True)
        body = json.dumps(launch(skill_id="amzn1.ask.skill.other")).encode()
        status, _ = post(url, body, {"SignatureCertChainUrl": CERT_URL, "Signature-256": "x"})
        assert status == 400
    assert b"Traceback" not in stderr[0]


def test_no_verify_mode_still_enforces_a_configured_skill_id(tmp_path: Path) -> None:
    with steady_serve(tmp_path, "--no-verify") as (url, stderr):
        assert post(url, json.dumps(launch()).encode())[0] == 200
        assert post(url, json.dumps(launch(skill_id="amzn1.ask.skill.other")).encode())[0] == 400
    assert b"verification is OFF" in stderr[0]


def test_steady_serve_refuses_to_start_on_broken_scripts(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "broken.yaml").write_text("id: broken\nsteps: []\n", encoding="utf-8")
    env = {**os.environ, "STEADY_SCRIPTS": str(tmp_path), "STEADY_DB": str(tmp_path / "s.db")}
    result = subprocess.run(
        [sys.executable, "-m", "skill.cli", "serve", "--port", str(free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 1
    assert f"{tmp_path}/en/broken.yaml:2: steps: must not be empty" in result.stderr
    assert "Traceback" not in result.stderr


class BrokenStore(MemoryAdapter):
    """A store that fails every read, or (with `hang`) answers only after `hang` seconds."""

    def __init__(self, hang: float = 0.0) -> None:
        super().__init__()
        self.hang = hang
        self.reads = 0

    def get_attributes(self, request_envelope: Any) -> dict[str, Any]:
        self.reads += 1
        if self.hang:
            time.sleep(self.hang)
            return {}
        raise StorageError("cannot open /secret/path/state.sqlite3: disk I/O error")


def health_of(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=10) as answer:
            return answer.status, strict_json(answer.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, strict_json(error.read())


def test_health_reads_the_store_and_counts_the_scripts(local_url: str) -> None:
    status, body = health_of(local_url)
    assert status == 200
    assert body["status"] == "ok" and body["storage"] == "ok" and body["scripts"] > 10


def test_health_is_503_naming_the_store_when_it_fails(db_path: Path) -> None:
    settings = Settings(verify=False, db_path=db_path)
    skill = build_skill(settings, adapter=BrokenStore())
    for url in serve_app(create_app(settings, skill)):
        status, body = health_of(url)
        assert status == 503
        assert body["status"] == "failing" and body["storage"] == "failed: StorageError"
        assert body["scripts"] > 10
        assert "secret" not in json.dumps(body)  # where it failed goes to the log only


def test_health_waits_a_short_time_for_a_store_that_hangs() -> None:
    store = BrokenStore(hang=2.0)
    health = Health(store, lambda: 12, timeout=0.2)
    started = time.monotonic()
    first, well = health.check()
    second, _ = health.check()  # the read still hanging is waited for, not started again
    assert time.monotonic() - started < 1.0
    assert not well and first["storage"] == second["storage"] == "no answer within 0.2 s"
    assert store.reads == 1


def test_health_is_failing_without_scripts() -> None:
    body, well = Health(MemoryAdapter(), lambda: 0).check()
    assert not well and body == {"status": "failing", "storage": "ok", "scripts": 0}
