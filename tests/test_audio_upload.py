"""Uploading rendered audio to S3, only what changed, against moto's S3 server.

AWS cannot be reached from here, so moto's server stands in for S3: the code under test talks to
it over real HTTP through a real boto3 client, with real ETags, headers and error responses. The
server runs once for the module on a free loopback port; each test resets its state.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from skill.audio.upload import UploadError, UploadReport, parse_s3_url, upload_changed
from tests.aws import aws_client

BUCKET = "steady-audio"
IMMUTABLE = "public, max-age=31536000, immutable"


@pytest.fixture
def endpoint(moto_endpoint: str) -> str:
    return moto_endpoint


def make_client(endpoint_url: str, **config: Any) -> Any:
    return aws_client("s3", endpoint_url, **config)


@pytest.fixture
def s3(endpoint: str) -> Any:
    """A client on an empty moto, with the bucket made (us-east-1 takes no LocationConstraint)."""
    request = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:
        assert response.status == 200
    client = make_client(endpoint)
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture
def render(tmp_path: Path) -> Path:
    """A render folder as `steady render` leaves it: tracks, manifests and the clip cache."""
    out = tmp_path / "render"
    (out / "tracks").mkdir(parents=True)
    (out / "clips").mkdir()
    (out / "tracks" / "ab12.mp3").write_bytes(b"ID3" + bytes(range(256)) * 40)
    (out / "tracks" / "ab12.json").write_text('{"steps": [0, 1.5]}', encoding="utf-8")
    (out / "index.json").write_text('{"tracks": ["ab12"]}', encoding="utf-8")
    (out / "clips" / "cafe.pcm").write_bytes(b"\x00" * 64)
    return out


def keys(client: Any) -> list[str]:
    listing = client.list_objects_v2(Bucket=BUCKET)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def test_a_first_upload_sends_every_file_under_the_prefix_with_its_headers(
    s3: Any, render: Path
) -> None:
    report = upload_changed(render, f"s3://{BUCKET}/audio/v1", client=s3)

    expected = ["audio/v1/index.json", "audio/v1/tracks/ab12.json", "audio/v1/tracks/ab12.mp3"]
    assert sorted(report.uploaded) == expected
    assert report.unchanged == ()
    assert report.bytes_sent == sum(
        p.stat().st_size for p in render.rglob("*") if p.is_file() and "clips" not in p.parts
    )
    assert keys(s3) == expected
    mp3 = s3.head_object(Bucket=BUCKET, Key="audio/v1/tracks/ab12.mp3")
    assert (mp3["ContentType"], mp3["CacheControl"]) == ("audio/mpeg", IMMUTABLE)
    for key in ("audio/v1/index.json", "audio/v1/tracks/ab12.json"):
        manifest = s3.head_object(Bucket=BUCKET, Key=key)
        assert (manifest["ContentType"], manifest["CacheControl"]) == (
            "application/json",
            "no-cache",
        )


def test_the_bytes_in_s3_are_the_local_bytes(s3: Any, render: Path) -> None:
    upload_changed(render, f"s3://{BUCKET}/", client=s3)

    for path in (render / "tracks" / "ab12.mp3", render / "index.json"):
        key = path.relative_to(render).as_posix()
        assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == path.read_bytes()


def test_a_second_run_sends_nothing(s3: Any, render: Path) -> None:
    first = upload_changed(render, f"s3://{BUCKET}/audio", client=s3)
    heard: list[tuple[str, bool]] = []

    second = upload_changed(
        render, f"s3://{BUCKET}/audio", client=s3, progress=lambda k, s: heard.append((k, s))
    )

    assert second == UploadReport(uploaded=(), unchanged=first.uploaded, bytes_sent=0)
    assert heard == [(key, False) for key in first.uploaded]


def test_changing_one_file_sends_only_that_file(s3: Any, render: Path) -> None:
    upload_changed(render, f"s3://{BUCKET}/audio", client=s3)
    manifest = render / "tracks" / "ab12.json"
    manifest.write_text('{"steps": [0, 2.5]}', encoding="utf-8")
    heard: list[tuple[str, bool]] = []

    report = upload_changed(
        render, f"s3://{BUCKET}/audio", client=s3, progress=lambda k, s: heard.append((k, s))
    )

    assert report.uploaded == ("audio/tracks/ab12.json",)
    assert sorted(report.unchanged) == ["audio/index.json", "audio/tracks/ab12.mp3"]
    assert report.bytes_sent == manifest.stat().st_size
    assert ("audio/tracks/ab12.json", True) in heard
    body = s3.get_object(Bucket=BUCKET, Key="audio/tracks/ab12.json")["Body"].read()
    assert body == manifest.read_bytes()


def test_clips_and_symlinks_are_never_uploaded(s3: Any, render: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.json").write_text("{}", encoding="utf-8")
    (render / "linked.json").symlink_to(outside / "secret.json")
    (render / "linked-dir").symlink_to(outside, target_is_directory=True)
    (render / "tracks" / "clips").mkdir()
    (render / "tracks" / "clips" / "beef.pcm").write_bytes(b"\x01" * 8)

    report = upload_changed(render, f"s3://{BUCKET}", client=s3)

    assert sorted(report.uploaded) == ["index.json", "tracks/ab12.json", "tracks/ab12.mp3"]
    assert keys(s3) == sorted(report.uploaded)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("s3://steady-audio", ("steady-audio", "")),
        ("s3://steady-audio/", ("steady-audio", "")),
        ("s3://steady-audio/audio", ("steady-audio", "audio/")),
        ("s3://steady-audio/audio/v1/", ("steady-audio", "audio/v1/")),
    ],
)
def test_an_s3_url_gives_the_bucket_and_a_slash_ended_prefix(
    url: str, expected: tuple[str, str]
) -> None:
    assert parse_s3_url(url) == expected


@pytest.mark.parametrize(
    "url",
    [
        "steady-audio/audio",
        "https://steady-audio.s3.amazonaws.com/audio",
        "s3://",
        "s3:///audio",
        "s3://Steady_Audio/audio",
        "s3://steady-audio//audio",
        "s3://steady-audio/audio/../etc",
    ],
)
def test_a_bad_url_is_an_upload_error(url: str, tmp_path: Path) -> None:
    with pytest.raises(UploadError, match=r"expected s3://bucket/prefix, got"):
        upload_changed(tmp_path, url, client=object())
    assert issubclass(UploadError, ValueError)


def test_a_missing_bucket_is_an_upload_error_naming_it(s3: Any, render: Path) -> None:
    with pytest.raises(UploadError, match=r"s3://no-such-bucket/audio/index\.json") as caught:
        upload_changed(render, "s3://no-such-bucket/audio", client=s3)
    assert "NoSuchBucket" in str(caught.value)


def test_a_source_that_is_not_a_folder_is_an_upload_error(s3: Any, tmp_path: Path) -> None:
    with pytest.raises(UploadError, match="not a directory"):
        upload_changed(tmp_path / "nowhere", f"s3://{BUCKET}/audio", client=s3)


def test_an_unreachable_endpoint_is_an_upload_error_at_once(render: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = make_client(f"http://127.0.0.1:{port}", connect_timeout=1, retries={"max_attempts": 1})
    started = time.monotonic()

    with pytest.raises(UploadError, match=rf"s3://{BUCKET}/.*Could not connect"):
        upload_changed(render, f"s3://{BUCKET}/audio", client=client)

    assert time.monotonic() - started < 5


def test_the_default_client_comes_from_the_aws_environment(
    endpoint: str, s3: Any, render: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))

    report = upload_changed(render, f"s3://{BUCKET}/audio")

    assert len(report.uploaded) == 3
    assert keys(s3) == sorted(report.uploaded)


def test_importing_the_module_does_not_import_boto3() -> None:
    code = (
        "import sys, skill.audio.upload; "
        "print(sorted(m for m in ('boto3', 'botocore') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
        timeout=60,
    )
    assert done.stdout.strip() == "[]"


def test_steady_render_uploads_only_what_changed(s3: Any, endpoint: str, tmp_path: Path) -> None:
    """The whole command, in its own process, against moto's server over HTTP."""
    env = {
        **os.environ,
        "AWS_ENDPOINT_URL_S3": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "STEADY_DB": str(tmp_path / "s.sqlite3"),
    }
    command = [
        sys.executable, "-m", "skill.cli", "render", "body-scan-short", "--engine", "espeak",
        "--out", str(tmp_path / "audio"), "--upload", f"s3://{BUCKET}/tracks",
    ]  # fmt: skip
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert first.returncode == 0, first.stderr
    assert "uploaded 4 files" in first.stdout and "0 unchanged" in first.stdout
    keys = sorted(o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"])
    assert len(keys) == 4 and all(k.startswith("tracks/") for k in keys)
    assert not any("clips" in k for k in keys)
    again = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert "uploaded 0 files" in again.stdout and "4 unchanged" in again.stdout
