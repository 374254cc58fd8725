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
