"""Hands-free tracks found in S3 (skill/audio/s3_tracks.py), against moto's S3 server over HTTP.

Tracks are rendered here with pyttsx3 (into the session's shared audio folder, so a track another
test rendered is reused) and sent with the upload code `steady render --upload` uses. The URL a
device is given is the skill's own (`STEADY_AUDIO_BASE_URL` plus the key). On AWS that base is
CloudFront in front of the private bucket, reading with the grant in template.yaml's bucket
policy; here it is moto's path-style address of the same prefix, with that same grant given to
anyone (moto enforces bucket policies on anonymous requests). So a plain HTTP GET of the URL
shows that the device gets the MP3's bytes, and that manifests stay private.
"""

from __future__ import annotations

import json
import logging
import shutil
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skill.alexa.app import build_skill, local_tracks
from skill.audio.engines import make_engine
from skill.audio.engines.base import SpeechEngine
from skill.audio.s3_tracks import S3Tracks
from skill.audio.tracks import LocalTracks, TrackStore
from skill.audio.upload import upload_changed
from skill.core.handsfree import Track, Variant
from skill.core.script import ScriptLibrary
from skill.settings import Settings, audio_url
from skill.tools.nlu import Matcher
from skill.tools.player import local_durations
from tests.aws import aws_client
from tests.conftest import AUDIO_BASE_URL, REPO, FixedClock, make_simulator

SCRIPT = "body-scan-short"
PREFIX = "audio/"


@pytest.fixture
def s3(moto_endpoint: str) -> Any:
    return aws_client("s3", moto_endpoint)


@pytest.fixture
def bucket(s3: Any) -> str:
    """A bucket of this test's own (the moto server is shared by the whole run)."""
    name = f"tracks-{uuid.uuid4().hex[:12]}"
    s3.create_bucket(Bucket=name)
    return name


def grant_like_cloudfront(s3: Any, bucket: str) -> None:
    """template.yaml's grant to CloudFront (MP3s under the prefix, nothing else), to anyone."""
    from samtranslator.yaml_helper import yaml_parse

    template = yaml_parse((REPO / "template.yaml").read_text(encoding="utf-8"))
    policy = template["Resources"]["AudioBucketPolicy"]["Properties"]["PolicyDocument"]
    (grant,) = [s for s in policy["Statement"] if s["Effect"] == "Allow"]
    resource = grant["Resource"]["Fn::Sub"]
    resource = resource.replace("${AudioBucket.Arn}", f"arn:aws:s3:::{bucket}")
    resource = resource.replace("${AudioPrefix}", PREFIX.rstrip("/"))
    statement = {"Effect": "Allow", "Principal": "*", "Action": grant["Action"]}
    document = {"Version": "2012-10-17", "Statement": [{**statement, "Resource": resource}]}
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(document))


def fetch(url: str) -> bytes | int:
    """The body of a plain GET, or the HTTP status when it is refused."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.headers["Content-Type"] == "audio/mpeg"
            body: bytes = response.read()
            return body
    except urllib.error.HTTPError as error:
        return error.code


def pyttsx3(_voice: str | None = None) -> SpeechEngine:
    return make_engine("pyttsx3")


def upload(audio_dir: Path, keys: list[str], url: str, s3: Any, tmp_path: Path) -> None:
    """Send the named tracks (MP3 and manifest) with the code `steady render --upload` runs."""
    folder = tmp_path / "upload"
    folder.mkdir()
    for key in keys:
        for suffix in (".mp3", ".json"):
            shutil.copyfile(audio_dir / f"{key}{suffix}", folder / f"{key}{suffix}")
    upload_changed(folder, url, client=s3)


@pytest.fixture
def rendered(library: ScriptLibrary, audio_dir: Path) -> Track:
    """The short body scan as written, rendered with pyttsx3 (once per run)."""
    script = library.get(SCRIPT)
    assert script is not None
    return TrackStore(audio_dir).render(script, Variant(), pyttsx3()).track


@pytest.fixture
def uploaded(
    rendered: Track, audio_dir: Path, bucket: str, s3: Any, tmp_path: Path
) -> Iterator[Track]:
    upload(audio_dir, [rendered.key], f"s3://{bucket}/{PREFIX}", s3, tmp_path)
    yield rendered


def test_an_uploaded_track_is_found_and_its_url_fetches_the_mp3(
    uploaded: Track,
    library: ScriptLibrary,
    audio_dir: Path,
    bucket: str,
    s3: Any,
    moto_endpoint: str,
) -> None:
    script = library.get(SCRIPT)
    assert script is not None
    tracks = S3Tracks.at(f"s3://{bucket}/{PREFIX}", pyttsx3, client=s3)
    assert tracks.track(script, Variant()) == uploaded
    url = audio_url(f"{moto_endpoint}/{bucket}/{PREFIX}", uploaded.key)
    assert fetch(url) == 403  # a private bucket
    grant_like_cloudfront(s3, bucket)
    assert fetch(url) == (audio_dir / f"{uploaded.key}.mp3").read_bytes()
    assert fetch(url.removesuffix(".mp3") + ".json") == 403  # manifests stay private


def test_a_variant_not_uploaded_is_not_found_and_nothing_is_rendered(
    uploaded: Track, library: ScriptLibrary, bucket: str, s3: Any
) -> None:
    script = library.get(SCRIPT)
    assert script is not None
    tracks = S3Tracks(bucket, PREFIX, pyttsx3, client=s3)
    assert tracks.track(script, Variant(fade=True)) is None
    listed = s3.list_objects_v2(Bucket=bucket)["Contents"]
    assert sorted(o["Key"] for o in listed) == [
        f"{PREFIX}{uploaded.key}.json",
        f"{PREFIX}{uploaded.key}.mp3",
    ]


def test_a_manifest_without_its_mp3_is_no_track(uploaded: Track, bucket: str, s3: Any) -> None:
    """The upload sends `<key>.json` before `<key>.mp3` (sorted): in between, no track."""
    s3.delete_object(Bucket=bucket, Key=f"{PREFIX}{uploaded.key}.mp3")
    assert S3Tracks(bucket, PREFIX, pyttsx3, client=s3).find(uploaded.key) is None


def test_a_broken_manifest_or_a_missing_bucket_is_no_track(
    uploaded: Track, bucket: str, s3: Any, caplog: pytest.LogCaptureFixture
) -> None:
    s3.put_object(Bucket=bucket, Key=f"{PREFIX}{uploaded.key}.json", Body=b"{not json")
    with caplog.at_level(logging.WARNING, logger="skill.audio.s3_tracks"):
        assert S3Tracks(bucket, PREFIX, pyttsx3, client=s3).find(uploaded.key) is None
        assert (
            S3Tracks("no-such-bucket-here", PREFIX, pyttsx3, client=s3).find(uploaded.key) is None
        )
    assert "unreadable" in caplog.text
    assert "NoSuchBucket" in caplog.text


def test_a_track_found_is_remembered(uploaded: Track, bucket: str, s3: Any) -> None:
    """A key's bytes never change, so a track found is never asked for again."""
    sent: list[str] = []
    s3.meta.events.register("before-call.s3", lambda model, **_: sent.append(model.name))
    tracks = S3Tracks(bucket, PREFIX, pyttsx3, client=s3)
    assert tracks.find(uploaded.key) == uploaded
    assert sent == ["GetObject", "HeadObject"]
    assert tracks.find(uploaded.key) == uploaded
    assert sent == ["GetObject", "HeadObject"]


def test_without_the_bucket_setting_tracks_come_from_the_folder(tmp_path: Path) -> None:
    assert Settings.from_env({}).audio_s3 is None
    settings = Settings(audio_dir=tmp_path, audio_base_url=AUDIO_BASE_URL)
    assert isinstance(local_tracks(settings), LocalTracks)
    with_bucket = Settings.from_env({"STEADY_AUDIO_S3": "s3://some-bucket/audio"})
    assert isinstance(local_tracks(with_bucket), S3Tracks)


def test_the_conversation_plays_the_track_from_the_bucket(
    rendered: Track,
    matcher: Matcher,
    audio_dir: Path,
    bucket: str,
    s3: Any,
    moto_endpoint: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same conversation as on a server with a track folder; only the lookup differs. The
    skill's own S3 client is made as on Lambda, from the standard AWS environment."""
    ask = "alexa, ask steady ground for the short body scan"
    local = Settings(
        db_path=tmp_path / "a.sqlite3", audio_dir=audio_dir, audio_base_url="https://x/"
    )
    device = make_simulator(build_skill(local), matcher, durations=local_durations(audio_dir))
    key = _stream(device.say(ask).response)["url"].rsplit("/", 1)[-1].removesuffix(".mp3")
    assert key == rendered.key  # the scan as written: the variant a new listener hears
    upload(audio_dir, [key], f"s3://{bucket}/{PREFIX}", s3, tmp_path)

    for name, value in {
        "AWS_ENDPOINT_URL_S3": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    base = f"{moto_endpoint}/{bucket}/{PREFIX}"
    lambda_like = Settings(
        db_path=tmp_path / "b.sqlite3",
        audio_dir=tmp_path / "no-tracks-here",
        audio_base_url=base,
        audio_s3=f"s3://{bucket}/{PREFIX}",
    )
    echo = make_simulator(
        build_skill(lambda_like), matcher, durations=local_durations(audio_dir), clock=FixedClock()
    )
    reply = echo.say(ask)
    stream = _stream(reply.response)
    assert stream["url"] == f"{base}{key}.mp3" and stream["offsetInMilliseconds"] == 0
    grant_like_cloudfront(s3, bucket)
    assert fetch(stream["url"]) == (audio_dir / f"{key}.mp3").read_bytes()
    assert not (tmp_path / "no-tracks-here").exists()  # nothing rendered or written locally


def _stream(response: dict[str, Any] | None) -> dict[str, Any]:
    for directive in ((response or {}).get("response") or {}).get("directives") or []:
        if directive["type"] == "AudioPlayer.Play":
            stream: dict[str, Any] = directive["audioItem"]["stream"]
            return stream
    raise AssertionError(f"no Play directive in {response}")
