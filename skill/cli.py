"""The `steady` command line: serve, validate, say, chat."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from skill.paths import SCRIPTS_DIR
from skill.problems import errors


def _cmd_validate(args: argparse.Namespace) -> int:
    from skill.scripts import ScriptLoader

    paths = [Path(p) for p in args.paths] or [SCRIPTS_DIR]
    missing = [p for p in paths if not p.exists()]
    for path in missing:
        print(f"{path}:1: (file): no such file or folder", file=sys.stderr)
    library, problems = ScriptLoader().load_paths(p for p in paths if p.exists())
    for problem in problems:
        print(problem, file=sys.stderr)
    failed = bool(errors(problems)) or bool(missing)
    if not failed:
        warnings = len(problems)
        tail = f", {warnings} warning{'s' * (warnings != 1)}" if warnings else ""
        print(f"{len(library)} scripts valid{tail}")
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of `steady`."""
    parser = argparse.ArgumentParser(prog="steady", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check exercise script files")
    validate.add_argument("paths", nargs="*", help="files or folders (default: scripts/)")
    validate.set_defaults(run=_cmd_validate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `steady` console script."""
    args = build_parser().parse_args(argv)
    code: int = args.run(args)
    return code


if __name__ == "__main__":
    sys.exit(main())
