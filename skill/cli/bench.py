"""`steady bench`: benchmarks of the whole skill, printed as a table or JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def safety(args: argparse.Namespace) -> int:
    from skill.content.bundle import InvalidScripts
    from skill.content.locales import LOCALES
    from skill.tools.bench.safety import load_labelled, render_text, run_bench

    try:
        labelled = load_labelled(Path(args.phrases)) if args.phrases else None
    except (OSError, ValueError) as exc:  # a phrases file that is missing or not a labelled set
        print(f"steady: {exc}", file=sys.stderr)
        return 2
    try:
        report = run_bench(
            locales=args.locale or LOCALES,
            labelled=labelled,
            per_category=args.sample,
            progress=lambda line: print(line, file=sys.stderr, flush=True),
        )
    except InvalidScripts as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(report.to_dict(with_misses=args.misses), indent=1))
    else:
        print(render_text(report, with_misses=args.misses))
    return 0  # the bench reports; the tests hold the targets


def render(args: argparse.Namespace) -> int:
    from skill.content.bundle import bundle
    from skill.core.handsfree import is_hands_free
    from skill.core.timing import script_seconds
    from skill.settings import Settings
    from skill.tools.bench.render import OFFLINE_ENGINES, render_text, run_bench

    settings = Settings.from_env()
    library = bundle(settings.default_locale, settings.scripts_dir).library
    longest = max((s for s in library if is_hands_free(s)), key=script_seconds)
    print(f"Rendering {longest.id} with each engine, cold then cached...", file=sys.stderr)
    timings = run_bench(longest, args.engine or OFFLINE_ENGINES)
    if args.json:
        print(json.dumps([t.to_dict() for t in timings], indent=1))
    else:
        print(render_text(timings))
    return 0


def understanding(args: argparse.Namespace) -> int:
    from skill.tools.bench.understanding import load_fits, load_requests, render_text, run_bench

    data = Path(args.requests).parent if args.requests else Path("tests/data")
    requests = load_requests(Path(args.requests or data / "understanding_heldout.yaml"))
    fits = load_fits(Path(args.fits or data / "understanding_fits.yaml"))
    report = run_bench(requests, fits, locale=args.locale)
    if args.json:
        print(json.dumps(report.to_dict(), indent=1))
    else:
        print(render_text(report, with_misses=args.misses))
    return 0  # the bench reports; the tests hold the targets


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def requests(args: argparse.Namespace) -> int:
    from skill.tools.bench.requests import STORES, render_text, run_bench

    report = run_bench(args.store or STORES, args.rounds, args.warmup, _progress)
    print(json.dumps(report.to_dict(), indent=1) if args.json else render_text(report))
    return 0  # the bench reports; the tests hold the targets


def coldstart(args: argparse.Namespace) -> int:
    from skill.tools.bench.coldstart import TARGETS, render_text, run_bench

    starts = run_bench(
        args.target or TARGETS,
        args.bytecode or ("cached",),
        args.runs,
        _progress,
        args.snapshots or ("kept",),
    )
    if args.json:
        print(json.dumps({"bench": "coldstart", "starts": [s.to_dict() for s in starts]}, indent=1))
    else:
        print(render_text(starts))
    return 0


def verify(args: argparse.Namespace) -> int:
    from skill.tools.bench.verification import render_text, run_bench

    report = run_bench(args.warm, args.cold)
    print(json.dumps(report.to_dict(), indent=1) if args.json else render_text(report))
    return 0


def http(args: argparse.Namespace) -> int:
    from skill.tools.bench.throughput import render_text, run_bench

    report = run_bench(args.requests, args.concurrency, args.rounds, args.warmup, _progress)
    print(json.dumps(report.to_dict(), indent=1) if args.json else render_text(report))
    return 0


def add_speed_parsers(benches: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`steady bench requests | coldstart | verify | http`: speed next to a hello-world skill."""
    timed = benches.add_parser(
        "requests", help="per-request latency in process, next to a hello-world skill"
    )
    timed.add_argument(
        "--store", action="append", choices=("sqlite", "memory"), help="default: both"
    )
    timed.add_argument("--rounds", type=int, default=300, help="timed rounds (default 300)")
    timed.add_argument("--warmup", type=int, default=30, help="untimed rounds first (default 30)")
    timed.add_argument("--json", action="store_true", help="print the report as JSON")
    timed.set_defaults(run=requests)
    cold = benches.add_parser(
        "coldstart", help="a fresh process to its first response, next to a hello-world skill"
    )
    cold.add_argument(
        "--target",
        action="append",
        choices=("lambda", "web", "say", "serve"),
        help="default: all four",
    )
    cold.add_argument(
        "--bytecode",
        action="append",
        choices=("cached", "source"),
        help="cached bytecode (as installed; the default) or none (as a .py-only Lambda zip)",
    )
    cold.add_argument(
        "--snapshots",
        action="append",
        choices=("kept", "off"),
        help="a snapshot folder the starts share (the default) or none (docs/serving.md)",
    )
    cold.add_argument("--runs", type=int, default=5, help="timed starts of each (default 5)")
    cold.add_argument("--json", action="store_true", help="print the report as JSON")
    cold.set_defaults(run=coldstart)
    checks = benches.add_parser("verify", help="request signature checks, chain cached and not")
    checks.add_argument("--warm", type=int, default=2000, help="checks with the chain cached")
    checks.add_argument("--cold", type=int, default=50, help="checks that fetch the chain")
    checks.add_argument("--json", action="store_true", help="print the report as JSON")
    checks.set_defaults(run=verify)
    served = benches.add_parser(
        "http", help="throughput over HTTP on the production server, verified, next to hello-world"
    )
    served.add_argument(
        "--requests", type=int, default=4000, help="timed requests to each app (default 4000)"
    )
    served.add_argument("--rounds", type=int, default=4, help="alternating rounds (default 4)")
    served.add_argument("--warmup", type=int, default=200, help="untimed requests to each first")
    served.add_argument("--concurrency", type=int, default=8, help="client threads (default 8)")
    served.add_argument("--json", action="store_true", help="print the report as JSON")
    served.set_defaults(run=http)


def bench_server(arguments: str) -> int:
    """The production server of `steady serve` (skill.cli.production) for `steady bench http`,
    run in a child process: Steady Ground, verifying requests against the bench's own chain
    (its root trusted, fetched from the bench's local server), or the hello-world app without
    verification. `arguments`: JSON from skill.tools.bench.throughput."""
    import dataclasses
    import urllib.request

    from cryptography import x509
    from cryptography.x509.verification import Store

    from skill.cli import logs, production
    from skill.settings import Settings
    from skill.tools.bench.envelopes import AUDIO_BASE_URL, SKILL_ID, EveryTrack

    config = json.loads(arguments)
    settings = dataclasses.replace(
        Settings.from_env(),
        host="127.0.0.1",
        port=int(config["port"]),
        workers=int(config["workers"]),
        threads=int(config["threads"]),
        skill_id=SKILL_ID,
        db_path=Path(config["db"]),
        audio_base_url=AUDIO_BASE_URL,
    )
    logs.configure(settings.log_format, settings.log_level)
    if config["app"] == "hello":
        from skill.tools.bench.hello import create_app as hello_app

        app = hello_app()
    else:
        from skill.alexa.app import build_skill
        from skill.content.crisis_check import prepare_crisis_checks
        from skill.verify import RequestVerifier
        from skill.web import create_app

        root = x509.load_pem_x509_certificate(Path(config["root"]).read_bytes())
        chain_url = str(config["chain_url"])

        def fetch(_url: str) -> bytes:
            """The chain from the bench's own server, whatever certificate URL was signed."""
            with urllib.request.urlopen(chain_url, timeout=5) as answer:
                pem: bytes = answer.read()
            return pem

        verifier = RequestVerifier(SKILL_ID, fetch_chain=fetch, trust_store=Store([root]))
        app = create_app(settings, build_skill(settings, tracks=EveryTrack()), verifier)
        prepare_crisis_checks()  # as `steady serve` does, before the workers fork
    return production.serve(app, settings, lambda age: None)
