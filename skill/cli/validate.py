"""`steady validate`: every problem in script files as `path:line: field: message`."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path


def run(args: argparse.Namespace) -> int:
    from skill.content.bundle import script_loader
    from skill.content.files import scripts_dir
    from skill.content.problems import Severity, errors
    from skill.tools.lint import lint_library

    paths = [Path(p) for p in args.paths] or [scripts_dir()]
    missing = [p for p in paths if not p.exists()]
    for path in missing:
        print(f"{path}:1: (file): no such file or folder", file=sys.stderr)
    library, problems = script_loader().load_paths(p for p in paths if p.exists())
    problems = sorted(problems + lint_library(library), key=lambda p: (str(p.path), p.line))
    if args.strict:
        problems = [replace(p, severity=Severity.ERROR) for p in problems]
    for problem in problems:
        print(problem, file=sys.stderr)
    failed = bool(errors(problems)) or bool(missing)
    if not failed:
        warnings = len(problems)
        tail = f", {warnings} warning{'s' * (warnings != 1)}" if warnings else ""
        print(f"{len(library)} scripts valid{tail}")
    return 1 if failed else 0
