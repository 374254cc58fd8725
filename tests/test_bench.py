"""The speed benches run and say what they measured: `steady bench requests | coldstart | verify |
http`, each with small counts, as a table and as JSON. They hold no timing targets (the
benches report; docs/benchmarks.md has the figures)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from skill.cli import main
from skill.tools.bench.envelopes import KINDS, LABELS


def bench(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(["bench", *args]) == 0
    return capsys.readouterr().out


def as_json(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    return json.loads(bench(capsys, *args, "--json"))


SPREAD = {"median_ms", "p99_ms", "count"}


def test_bench_requests_has_a_row_per_store_and_request(capsys: pytest.CaptureFixture[str]) -> None:
    out = bench(capsys, "requests", "--rounds", "3", "--warmup", "1")
    header, columns, *rows = out.strip().splitlines()
    assert "3 rounds after 1 of warm-up" in header
    assert columns.split()[:3] == ["store", "request", "steady"]
    assert len(rows) == 2 * len(KINDS)
    expected = [(store, kind) for store in ("sqlite", "memory") for kind in KINDS]
    for row, (store, kind) in zip(rows, expected, strict=True):
        assert row.startswith(f"{store:<7} {LABELS[kind]}")
        assert "met: " in row or "MISSED: " in row


def test_bench_requests_json_holds_both_skills_and_their_ratios(
    capsys: pytest.CaptureFixture[str],
) -> None:
    report = as_json(capsys, "requests", "--store", "memory", "--rounds", "2", "--warmup", "0")
    assert report["bench"] == "requests" and report["rounds"] == 2
    assert set(report["goals"]) == {"median_ratio", "p99_ratio"}
    assert [t["request"] for t in report["timings"]] == list(KINDS)
    for timing in report["timings"]:
        assert timing["store"] == "memory"
        assert set(timing["steady"]) == SPREAD == set(timing["hello"])
        assert timing["steady"]["count"] == 2 and timing["hello"]["median_ms"] > 0
        assert timing["median_ratio"] > 0 and timing["p99_ratio"] > 0
        assert isinstance(timing["met"], bool)


def test_bench_verify_times_warm_and_cold_checks(capsys: pytest.CaptureFixture[str]) -> None:
    out = bench(capsys, "verify", "--warm", "20", "--cold", "2")
    lines = out.strip().splitlines()
    assert lines[1].split() == ["chain", "checks", "median", "p99"]
    assert lines[2].split()[:2] == ["warm", "20"] and "warm median < 0.3 ms" in lines[2]
    assert lines[3].split()[:2] == ["cold", "2"]
    report = as_json(capsys, "verify", "--warm", "20", "--cold", "2")
    assert report["bench"] == "verify" and report["goal"] == {"warm_median_ms": 0.3}
    assert set(report["warm"]) == SPREAD == set(report["cold"])
    assert report["warm"]["count"] == 20 and report["cold"]["count"] == 2
    assert report["cold"]["median_ms"] > report["warm"]["median_ms"] > 0


def test_bench_coldstart_starts_fresh_processes(capsys: pytest.CaptureFixture[str]) -> None:
    out = bench(capsys, "coldstart", "--runs", "1", "--target", "say")
    header, columns, row = out.strip().splitlines()
    assert "median of 1 runs" in header
    names = ["target", "bytecode", "snapshots", "steady", "inside", "hello", "inside", "ratio"]
    assert columns.split() == [*names, "goal"]
    assert row.split()[:3] == ["say", "cached", "kept"] and "< 0.6 s" in row
    report = as_json(capsys, "coldstart", "--runs", "1", "--target", "lambda", "--snapshots", "off")
    (start,) = report["starts"]
    assert start["target"] == "lambda" and start["bytecode"] == "cached" and start["runs"] == 1
    assert start["snapshots"] == "off"
    assert start["steady_s"] > start["steady_inside_s"] > 0
    assert start["hello_s"] > start["hello_inside_s"] > 0
    assert start["ratio"] > 0 and start["goal"] == "<= 1.5x" and isinstance(start["met"], bool)


def test_bench_coldstart_times_the_production_server_until_it_is_healthy(
    capsys: pytest.CaptureFixture[str],
) -> None:
    report = as_json(capsys, "coldstart", "--runs", "1", "--target", "serve")
    (start,) = report["starts"]
    assert start["target"] == "serve" and start["runs"] == 1
    assert start["steady_inside_s"] is None and start["hello_inside_s"] is None
    # Each is a whole server started, answering /healthz: well over a bare interpreter's start.
    assert start["steady_s"] > 0.1 and start["hello_s"] > 0.1
    assert start["ratio"] > 0 and isinstance(start["met"], bool)


def test_bench_http_serves_both_apps_on_the_production_server(
    capsys: pytest.CaptureFixture[str],
) -> None:
    small = ("--requests", "30", "--rounds", "1", "--warmup", "5", "--concurrency", "2")
    out = bench(capsys, "http", *small)
    header, columns, steady, hello, verdict = out.strip().splitlines()
    assert "gunicorn" in header and "concurrency 2" in header
    assert columns.split() == ["app", "requests", "req/s", "median", "p99", "errors"]
    assert steady.startswith("Steady Ground, verified") and steady.split()[-1] == "0"
    assert hello.startswith("hello-world, not verified") and hello.split()[-1] == "0"
    assert verdict.startswith("throughput ratio")
    report = as_json(capsys, "http", *small)
    assert report["bench"] == "http" and report["concurrency"] == 2
    assert report["goal"] == {"throughput_ratio": 0.9}
    for app in ("steady", "hello"):
        run = report[app]
        assert run["requests"] == 30 and run["errors"] == 0 and run["requests_per_second"] > 0
        assert set(run["latency"]) == SPREAD
    assert report["throughput_ratio"] > 0 and isinstance(report["met"], bool)


def test_the_bench_signs_with_the_names_the_verifier_reads() -> None:
    from skill import verify
    from skill.tools.bench import signing

    assert signing.SIGNING_HOST == verify.SIGNING_HOST
    assert signing.CERT_URL_HEADER == verify.CERT_URL_HEADER
    assert signing.SIGNATURE_HEADER == verify.SIGNATURE_HEADER
    assert verify.check_cert_url(signing.CERT_URL) == signing.CERT_URL
