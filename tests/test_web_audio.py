"""Rendered tracks over real HTTP on 127.0.0.1: whole files, byte ranges, caching, and 404 for
everything that is not a `<key>.mp3` file directly inside the audio folder.

Requests go out through http.client with raw paths, so `..` and encoded slashes reach the server
exactly as an attacker would send them."""

from __future__ import annotations

import contextlib
import http.client
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from werkzeug.http import http_date
from werkzeug.serving import make_server

from skill.cli.serve import audio_warnings
from skill.settings import DEFAULT_AUDIO_DIR, Settings, audio_url
from skill.web import create_app
from skill.web_audio import CHUNK, byte_range
from tests.serving import serving

KEY = "0123456789abcdef" * 4
OTHER = "fedcba9876543210" * 4
LINKED = "a" * 64
FOLDER = "b" * 64
DATA = bytes((i * 7 + i // 251) % 256 for i in range(3 * CHUNK + 1234))
"""Any bytes serve as a track; several chunks long, and no two neighbouring chunks alike."""
SIZE = len(DATA)
SECRET = b"outside the audio folder"


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Site:
    port: int
    audio_dir: Path

    def ask(self, path: str, headers: dict[str, str] | None = None, method: str = "GET") -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.putrequest(method, path, skip_accept_encoding=True)
            for name, value in (headers or {}).items():
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            body = response.read()
            return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, body)
        finally:
            connection.close()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("web_audio")
    audio = root / "audio"
    (audio / "clips").mkdir(parents=True)
    (audio / f"{KEY}.mp3").write_bytes(DATA)
    (audio / f"{KEY}.json").write_text('{"manifest": true}', encoding="utf-8")
    (audio / "clips" / f"{OTHER}.mp3").write_bytes(b"a clip")
    (audio / f"{FOLDER}.mp3").mkdir()
    (root / "secret.mp3").write_bytes(SECRET)
    (root / f"{OTHER}.mp3").write_bytes(SECRET)
    (audio / f"{LINKED}.mp3").symlink_to(root / "secret.mp3")
    settings = Settings(verify=False, db_path=root / "state.sqlite3", audio_dir=audio)
    server = make_server("127.0.0.1", 0, create_app(settings), threaded=True)
    with serving(server):
        yield Site(server.server_port, audio)


TRACK = f"/audio/{KEY}.mp3"


def etag_of(site: Site) -> str:
    return site.ask(TRACK, method="HEAD").headers["etag"]


def test_a_track_is_served_whole_with_its_headers(site: Site) -> None:
    answer = site.ask(TRACK)
    assert answer.status == 200
    assert answer.body == DATA
    info = (site.audio_dir / f"{KEY}.mp3").stat()
    headers = answer.headers
    assert headers["content-type"] == "audio/mpeg"
    assert headers["content-length"] == str(SIZE)
    assert headers["accept-ranges"] == "bytes"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["last-modified"] == http_date(info.st_mtime)
    assert headers["etag"].startswith('"') and headers["etag"].endswith('"')
    assert "content-range" not in headers


def test_head_sends_the_headers_without_the_body(site: Site) -> None:
    whole, head = site.ask(TRACK), site.ask(TRACK, method="HEAD")
    assert (head.status, head.body) == (200, b"")
    for name in ("content-type", "content-length", "accept-ranges", "etag", "last-modified"):
        assert head.headers[name] == whole.headers[name]


def test_head_ignores_a_range(site: Site) -> None:
    head = site.ask(TRACK, {"Range": "bytes=0-9"}, method="HEAD")
    assert (head.status, head.headers["content-length"], head.body) == (200, str(SIZE), b"")


@pytest.mark.parametrize(
    ("header", "start", "stop"),
    [
        ("bytes=0-99", 0, 100),
        ("bytes=5-5", 5, 6),
        (f"bytes={CHUNK - 10}-{2 * CHUNK + 10}", CHUNK - 10, 2 * CHUNK + 11),
        ("bytes=1000-", 1000, SIZE),
        ("bytes=-500", SIZE - 500, SIZE),
        (f"bytes=-{SIZE + 1000}", 0, SIZE),
        (f"bytes={SIZE - 3}-{10**30}", SIZE - 3, SIZE),
        (f"bytes={SIZE - 1}-", SIZE - 1, SIZE),
        ("Bytes = 10 - 19", 10, 20),
    ],
)
def test_a_single_range_gets_206_and_exactly_those_bytes(
    site: Site, header: str, start: int, stop: int
) -> None:
    answer = site.ask(TRACK, {"Range": header})
    assert answer.status == 206
    assert answer.body == DATA[start:stop]
    assert answer.headers["content-range"] == f"bytes {start}-{stop - 1}/{SIZE}"
    assert answer.headers["content-length"] == str(stop - start)
    assert answer.headers["content-type"] == "audio/mpeg"


@pytest.mark.parametrize(
    "header", [f"bytes={SIZE}-", f"bytes={SIZE}-{SIZE + 10}", "bytes=-0", f"bytes={10**40}-"]
)
def test_an_unsatisfiable_range_gets_416(site: Site, header: str) -> None:
    answer = site.ask(TRACK, {"Range": header})
    assert answer.status == 416
    assert answer.headers["content-range"] == f"bytes */{SIZE}"
    assert DATA[:64] not in answer.body


@pytest.mark.parametrize(
    "header",
    ["bytes=0-1,5-6", "bytes=9-3", "bytes=", "bytes=-", "items=0-5", "bytes=a-b", "bytes 0-5"],
)
def test_a_malformed_or_multiple_range_is_ignored(site: Site, header: str) -> None:
    answer = site.ask(TRACK, {"Range": header})
    assert (answer.status, answer.body) == (200, DATA)
    assert "content-range" not in answer.headers


def test_if_range_with_the_etag_honours_the_range_and_anything_else_does_not(site: Site) -> None:
    etag = etag_of(site)
    same = site.ask(TRACK, {"Range": "bytes=0-9", "If-Range": etag})
    assert (same.status, same.body) == (206, DATA[:10])
    for stale in ('"old"', f"W/{etag}", "Sat, 01 Jan 2000 00:00:00 GMT"):
        other = site.ask(TRACK, {"Range": "bytes=0-9", "If-Range": stale})
        assert (other.status, other.body) == (200, DATA)


@pytest.mark.parametrize(
    "header", ["{etag}", '"other", {etag}', "W/{etag}", "*", '"other", W/{etag}']
)
def test_a_matching_if_none_match_gets_304_without_a_body(site: Site, header: str) -> None:
    etag = etag_of(site)
    answer = site.ask(TRACK, {"If-None-Match": header.format(etag=etag), "Range": "bytes=0-9"})
    assert (answer.status, answer.body) == (304, b"")
    assert answer.headers["etag"] == etag


def test_a_different_etag_gets_the_track(site: Site) -> None:
    answer = site.ask(TRACK, {"If-None-Match": '"something-else"'})
    assert (answer.status, answer.body) == (200, DATA)


def test_if_modified_since_counts_only_without_if_none_match(site: Site) -> None:
    later = http_date(time.time() + 3600)
    assert site.ask(TRACK, {"If-Modified-Since": later}).status == 304
    assert site.ask(TRACK, {"If-Modified-Since": http_date(0)}).status == 200
    both = {"If-Modified-Since": later, "If-None-Match": '"something-else"'}
    assert site.ask(TRACK, both).status == 200


@pytest.mark.parametrize(
    "path",
    [
        f"/audio/{OTHER}.mp3",  # unknown key (a file of that name exists one folder up)
        f"/audio/{KEY.upper()}.mp3",
        f"/audio/{KEY}.MP3",
        f"/audio/{KEY}.json",  # the manifest, which exists
        f"/audio/{KEY[:-1]}.mp3",
        f"/audio/{KEY}0.mp3",
        f"/audio/{KEY}.mp3.json",
        f"/audio/{KEY}.mp3/",
        f"/audio/{KEY}.mp3%00",
        f"/audio/x{KEY}.mp3",
        f"/audio/{LINKED}.mp3",  # a symlink to a file outside the folder
        f"/audio/{FOLDER}.mp3",  # a folder with a track's name
        f"/audio/clips/{OTHER}.mp3",  # a file in a subfolder
        "/audio/clips",
        "/audio/",
        "/audio/../secret.mp3",
        f"/audio/../{OTHER}.mp3",
        "/audio/%2e%2e%2fsecret.mp3",
        f"/audio/%2e%2e%2f{OTHER}.mp3",
        f"/audio/..%2F{OTHER}.mp3",
        f"/audio/clips%2f{OTHER}.mp3",
        "/audio/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/audio/../../../../etc/passwd",
    ],
)
def test_anything_but_a_track_is_a_short_plain_404(site: Site, path: str) -> None:
    for method in ("GET", "HEAD"):
        answer = site.ask(path, method=method)
        assert answer.status == 404, (method, answer)
        assert answer.headers["content-type"].startswith("text/plain")
        assert SECRET not in answer.body and b"clip" not in answer.body
        assert b"Traceback" not in answer.body
        assert len(answer.body) < 100


def test_post_is_not_allowed(site: Site) -> None:
    assert site.ask(TRACK, method="POST").status == 405


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
def test_every_answer_closes_the_file(site: Site) -> None:
    track = str(site.audio_dir / f"{KEY}.mp3")

    def open_copies() -> int:
        count = 0
        for fd in os.listdir("/proc/self/fd"):
            with contextlib.suppress(OSError):
                count += os.readlink(f"/proc/self/fd/{fd}") == track
        return count

    site.ask(TRACK)
    site.ask(TRACK, method="HEAD")
    site.ask(TRACK, {"Range": "bytes=0-9"})
    site.ask(TRACK, {"Range": f"bytes={SIZE}-"})
    site.ask(TRACK, {"If-None-Match": "*"})
    deadline = time.monotonic() + 5
    while open_copies() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert open_copies() == 0


def test_byte_range_cases_without_a_server() -> None:
    assert byte_range(None, 10) is None
    assert byte_range("bytes=0-0", 10) == range(0, 1)
    assert byte_range("bytes=-3", 10) == range(7, 10)
    assert byte_range("bytes=-3", 0) == range(0)
    assert byte_range("bytes=0-", 0) == range(0)
    assert byte_range("bytes=\u0661-\u0662", 10) is None  # only ASCII digits


def test_settings_read_the_audio_folder_and_base_url_from_the_environment() -> None:
    assert Settings.from_env({}).audio_dir == DEFAULT_AUDIO_DIR == Path("var/audio")
    assert Settings.from_env({}).audio_base_url is None
    env = {"STEADY_AUDIO_DIR": "/srv/audio", "STEADY_AUDIO_BASE_URL": "https://x.org/audio/"}
    settings = Settings.from_env(env)
    assert (settings.audio_dir, settings.audio_base_url) == (
        Path("/srv/audio"),
        "https://x.org/audio/",
    )
    assert Settings.from_env({"STEADY_AUDIO_BASE_URL": ""}).audio_base_url is None


@pytest.mark.parametrize("base", ["https://x.org/audio/", "https://x.org/audio"])
def test_audio_url_joins_without_a_double_slash(base: str) -> None:
    assert audio_url(base, KEY) == f"https://x.org/audio/{KEY}.mp3"


@pytest.mark.parametrize("key", [KEY.upper(), f"../{KEY}", KEY[:-1], ""])
def test_audio_url_refuses_what_is_not_a_key(key: str) -> None:
    with pytest.raises(ValueError, match="not a track key"):
        audio_url("https://x.org/audio/", key)


def test_serve_says_when_hands_free_audio_is_off_or_will_not_play() -> None:
    (off,) = audio_warnings(Settings())
    assert "hands-free audio is off" in off and "STEADY_AUDIO_BASE_URL" in off
    (plain,) = audio_warnings(Settings(audio_base_url="http://x.org/audio/"))
    assert "https" in plain and "http://x.org/audio/" in plain
    assert audio_warnings(Settings(audio_base_url="https://x.org/audio/")) == []
    assert audio_warnings(Settings(audio_base_url="HTTPS://x.org/audio/")) == []
