"""Bytecode for the Lambda code (`steady package --lambda PATH --bytecode PYTHON`).

Lambda cannot write a `__pycache__`, so without bytecode in the code every cold start compiles
the skill's modules again (about 35 ms, `steady bench coldstart --bytecode source`). Bytecode is
written by the interpreter that will read it: the runtime of the function in template.yaml
(python3.13), whose bytecode no other version reads. `--invalidation-mode unchecked-hash` makes
the runtime use it without comparing the source's time stamps, which a zip does not keep.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"
_RUNTIME = re.compile(r"^\s*Runtime:\s*python(\d+\.\d+)\s*$", re.MULTILINE)
_VERSION = "import sys; print('%d.%d' % sys.version_info[:2])"


class BytecodeError(Exception):
    """Bytecode that cannot be written as asked, in words fit to show a person."""


def runtime_version(template: Path = TEMPLATE) -> str:
    """The Python version the function runs ("3.13"), as template.yaml names its runtime."""
    found = _RUNTIME.findall(template.read_text(encoding="utf-8"))
    if len(set(found)) != 1:
        raise BytecodeError(f"{template}: expected one python runtime, found {found or 'none'}")
    return str(found[0])


def interpreter_version(python: str) -> str:
    """The version of the interpreter `python` ("3.13"), run to ask it."""
    try:
        done = subprocess.run(
            [python, "-c", _VERSION], capture_output=True, text=True, timeout=60, check=True
        )
    except subprocess.CalledProcessError as exc:
        said = (exc.stderr or "").strip().splitlines()[-1:] or [f"exit status {exc.returncode}"]
        raise BytecodeError(f"cannot run {python}: {said[0]}") from exc
    except (OSError, subprocess.SubprocessError) as exc:
        raise BytecodeError(f"cannot run {python}: {exc}") from exc
    return done.stdout.strip()


def compiled(sources: dict[str, bytes], python: str, version: str) -> dict[str, bytes]:
    """The bytecode of every `.py` in `sources` (code path -> text), compiled by `python`,
    which must be Python `version`: code path of each `.pyc` -> its bytes."""
    running = interpreter_version(python)
    if running != version:
        raise BytecodeError(
            f"{python} is Python {running}, but the function runs Python {version}: its "
            "bytecode would be ignored (give that version's interpreter, or leave out --bytecode)"
        )
    with tempfile.TemporaryDirectory(prefix="steady-bytecode-") as folder:
        root = Path(folder)
        for name, text in sources.items():
            if name.endswith(".py"):
                target = root / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(text)
        command = [python, "-m", "compileall", "-q", "-j", "0"]
        command += ["--invalidation-mode", "unchecked-hash", "-s", folder, "-p", "", folder]
        try:
            subprocess.run(command, capture_output=True, timeout=300, check=True)
        except (OSError, subprocess.SubprocessError) as exc:
            raise BytecodeError(f"{python} could not compile the code: {exc}") from exc
        return {
            path.relative_to(root).as_posix(): path.read_bytes()
            for path in sorted(root.rglob("*.pyc"))
        }
