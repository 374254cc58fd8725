"""Helplines follow the device's country when the person shared it (Device Address permission).

Amazon's Device Address API cannot be reached here, so a real HTTP server on 127.0.0.1 stands
in for it, answering as the API does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from skill.alexa.app import build_skill
from skill.alexa.envelope import run
from skill.settings import Settings
from tests.serving import serving


class AddressApi(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), AddressHandler)
        self.status = 200
        self.country = "NZ"
        self.paths: list[str] = []
        self.tokens: list[str] = []

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class AddressHandler(BaseHTTPRequestHandler):
    server: AddressApi

    def do_GET(self) -> None:
        self.server.paths.append(self.path)
        self.server.tokens.append(self.headers.get("Authorization", ""))
        body = json.dumps({"countryCode": self.server.country, "postalCode": "0000"}).encode()
        self.send_response(self.server.status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def api() -> Iterator[AddressApi]:
    server = AddressApi()
    with serving(server):
        yield server


def crisis_request(locale: str, endpoint: str, consent: bool = True) -> dict[str, Any]:
    application = {"applicationId": "amzn1.ask.skill.local"}
    user: dict[str, Any] = {"userId": "amzn1.ask.account.country"}
    if consent:
        user["permissions"] = {"consentToken": "consent-token"}
    return {
        "version": "1.0",
        "session": {"new": True, "sessionId": "s", "application": application, "user": user},
        "context": {
            "System": {
                "application": application,
                "user": user,
                "device": {"deviceId": "amzn1.ask.device.kitchen", "supportedInterfaces": {}},
                "apiEndpoint": endpoint,
                "apiAccessToken": "api-token",
            }
        },
        "request": {
            "type": "IntentRequest",
            "requestId": "r",
            "timestamp": "2026-11-21T23:00:00Z",
            "locale": locale,
            "intent": {
                "name": "CrisisIntent",
                "confirmationStatus": "NONE",
                "slots": {"statement": {"name": "statement", "value": "i want to kill myself"}},
            },
        },
    }


def speech(tmp_path: Path, api: AddressApi, locale: str, **options: Any) -> str:
    hosts = options.pop("hosts", frozenset({"127.0.0.1"}))
    settings = Settings(db_path=tmp_path / "s.sqlite3", alexa_api_hosts=hosts, alexa_api_http=True)
    result = run(build_skill(settings), crisis_request(locale, api.endpoint, **options))
    ssml: str = result["response"]["outputSpeech"]["ssml"]
    return ssml.replace('<say-as interpret-as="digits">', "").replace("</say-as>", "")


def test_a_shared_country_picks_that_countrys_lines(tmp_path: Path, api: AddressApi) -> None:
    api.country = "NZ"
    said = speech(tmp_path, api, "en-AU")
    assert "1737" in said and "111" in said
    assert "13 11 14" not in said.replace("<break", " ") and "000" not in said
    assert api.paths == [
        "/v1/devices/amzn1.ask.device.kitchen/settings/address/countryAndPostalCode"
    ]
    assert api.tokens == ["Bearer api-token"]


def test_ireland_on_the_en_gb_model(tmp_path: Path, api: AddressApi) -> None:
    api.country = "IE"
    said = speech(tmp_path, api, "en-GB")
    assert "116" in said and "112" in said and "50808" in said


def test_without_permission_the_locale_decides_and_nothing_is_asked(
    tmp_path: Path, api: AddressApi
) -> None:
    said = speech(tmp_path, api, "en-AU", consent=False)
    assert "000" in said and "111" in said  # Australia and New Zealand both named
    assert api.paths == []


def test_an_api_error_falls_back_to_the_locale(tmp_path: Path, api: AddressApi) -> None:
    api.status = 403
    said = speech(tmp_path, api, "en-AU")
    assert "000" in said and "111" in said


def test_an_endpoint_outside_amazon_is_never_called(tmp_path: Path, api: AddressApi) -> None:
    said = speech(tmp_path, api, "en-AU", hosts=frozenset({"api.amazonalexa.com"}))
    assert "000" in said and "111" in said
    assert api.paths == []


def test_an_unpublished_locale_still_hears_its_own_countrys_lines(
    tmp_path: Path, api: AddressApi
) -> None:
    """A device set to en-NZ (there is no en-NZ model) gets English content and New Zealand's
    lines; with a made-up locale it gets the default's. Neither loads content of its own."""
    from skill.content.bundle import bundle

    skill = build_skill(Settings(db_path=tmp_path / "s.sqlite3"))
    loaded = bundle.cache_info().currsize
    request = crisis_request("en-NZ", api.endpoint, consent=False)
    said = run(skill, request)["response"]["outputSpeech"]["ssml"]
    assert "1737" in said and "111" in said
    for made_up in ("zz-ZZ", "en-XX", "xx", "x" * 200):
        reply = run(skill, crisis_request(made_up, api.endpoint, consent=False))
        assert "988" in reply["response"]["outputSpeech"]["ssml"]
    assert bundle.cache_info().currsize == loaded
