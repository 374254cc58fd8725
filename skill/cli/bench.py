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

    labelled = load_labelled(Path(args.phrases)) if args.phrases else None
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
