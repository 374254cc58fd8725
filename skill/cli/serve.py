"""`steady serve`: the skill as a web service."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from skill.settings import Settings


def run(args: argparse.Namespace) -> int:
    from skill.content.bundle import InvalidScripts
    from skill.web import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = Settings.from_env(
        verify=not args.no_verify, db_path=Path(args.db) if args.db else None
    )
    if args.no_verify:
        logging.getLogger("steady").warning(
            "request verification is OFF (--no-verify): for local testing only, never expose "
            "this server to the internet"
        )
    try:
        app = create_app(settings)
    except InvalidScripts as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print("steady: not starting: the exercise scripts have errors", file=sys.stderr)
        return 1
    print(f"Steady Ground on http://{args.host}:{args.port} (POST /alexa, GET /healthz)")
    app.run(host=args.host, port=args.port)
    return 0
