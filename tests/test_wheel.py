"""The built wheel installs into a fresh virtualenv and runs outside the checkout.

If this fails, a deployer who runs `pip install steady-ground` (or `pip install` of the built
wheel) gets a skill that doesn't work: a package, exercise script, interaction model or data
file missing from the wheel, a dependency not declared, or code that only finds its files
relative to a source checkout. `steady validate`, `steady say` and the Lambda handler would fail
or read the wrong files.

The wheel is built once from a copy of the checkout (so the build leaves no `build/` folder in
the checkout and can't pick up stale files from one), installed with its declared dependencies
into a new virtualenv, and every check runs that venv's executables from an empty folder with no
PYTHONPATH, no STEADY_* settings and no user site-packages.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SCRIPT_COUNT = len(list((REPO / "scripts" / "en").glob("*.yaml")))
"""Exercise scripts in the checkout; the installed `steady validate` must find every one."""
NOT_SOURCE = frozenset(
    {".git", ".venv", "build", "dist", "var", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
)
"""Folders at the top of a checkout that are not part of the source a wheel is built from."""
BUILD_TIMEOUT = 600
RUN_TIMEOUT = 120

LAUNCH = {
    "version": "1.0",
    "session": {
        "new": True,
        "sessionId": "amzn1.echo-api.session.wheel",
        "application": {"applicationId": "amzn1.ask.skill.wheel-test"},
        "user": {"userId": "amzn1.ask.account.wheel"},
    },
    "context": {
        "System": {
            "application": {"applicationId": "amzn1.ask.skill.wheel-test"},
            "user": {"userId": "amzn1.ask.account.wheel"},
        }
    },
    "request": {
        "type": "LaunchRequest",
        "requestId": "amzn1.echo-api.request.wheel",
        "timestamp": "2026-11-21T23:00:00Z",
        "locale": "en-US",
    },
}
LAMBDA_PROGRAM = """
import json, sys
from skill.lambda_function import lambda_handler
result = lambda_handler(json.load(sys.stdin), None)
print(result["response"]["outputSpeech"]["ssml"])
"""
WHERE_PROGRAM = """
import json, sysconfig
import skill
from skill.content.files import data_dir, models_dir, scripts_dir
print(json.dumps({
    "site": sysconfig.get_paths()["purelib"],
    "skill": skill.__file__,
    "scripts": str(scripts_dir()),
    "models": str(models_dir()),
    "data": str(data_dir()),
}))
"""


@dataclass(frozen=True)
class Installed:
    """A fresh virtualenv with the wheel installed, and an empty folder to run things in."""

    venv: Path
    work: Path
    env: dict[str, str]

    def bin(self, name: str) -> Path:
        return self.venv / "bin" / name

    def run(
        self, *args: str | Path, what: str, env: dict[str, str] | None = None, stdin: str = ""
    ) -> subprocess.CompletedProcess[str]:
        return run(args, what=what, cwd=self.work, env={**self.env, **(env or {})}, stdin=stdin)


def run(
    args: Iterable[str | Path],
    *,
    what: str,
    cwd: Path,
    env: dict[str, str],
    stdin: str = "",
    timeout: float = RUN_TIMEOUT,
) -> subprocess.CompletedProcess[str]:
    """Run a command; fail the test, with the command's output, unless it exits 0."""
    command = [str(arg) for arg in args]
    shown = " ".join(command)
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except FileNotFoundError as exc:
        pytest.fail(f"{what}: cannot run `{shown}`: {exc}")
    except subprocess.TimeoutExpired as exc:
        output = "\n".join(_text(part) for part in (exc.stdout, exc.stderr))
        pytest.fail(f"{what}: `{shown}` did not finish within {timeout}s:\n{output}")
    if done.returncode != 0:
        pytest.fail(
            f"{what}: `{shown}` exited {done.returncode} (in {cwd})\n"
            f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"
        )
    return done


def _text(output: str | bytes | None) -> str:
    return output.decode(errors="replace") if isinstance(output, bytes) else output or ""


def clean_env() -> dict[str, str]:
    """This process's environment without anything that could point Python or the skill back at
    the checkout (PYTHONPATH, PYTHONHOME, the dev venv, STEADY_* settings, user site-packages)."""
    dropped = {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "PYTHONSAFEPATH"}
    env = {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("STEADY_")}
    env["PYTHONNOUSERSITE"] = "1"
    return env


def source_filter(root: Path) -> Callable[[str, list[str]], set[str]]:
    """Leave out the checkout's venv, caches, VCS and build output, and all bytecode."""

    def ignore(folder: str, names: list[str]) -> set[str]:
        left_out = {n for n in names if n == "__pycache__" or n.endswith(".pyc")}
        if Path(folder) == root:
            left_out |= {n for n in names if n in NOT_SOURCE or n.endswith(".egg-info")}
        return left_out

    return ignore


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    """Build the wheel and install it (with its dependencies) into a new venv, once."""
    base = tmp_path_factory.mktemp("wheel")
    work = base / "work"
    work.mkdir()
    env = clean_env()

    source = base / "source"
    shutil.copytree(REPO, source, ignore=source_filter(REPO), symlinks=True)
    dist = base / "dist"
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", dist, source],
        what="building the wheel",
        cwd=work,
        env=env,
        timeout=BUILD_TIMEOUT,
    )
    wheels = sorted(dist.glob("steady_ground-*.whl"))
    assert len(wheels) == 1, f"expected one steady_ground wheel in {dist}, found {wheels}"

    # A venv without its own pip: this interpreter's pip installs into it (`pip --python`),
    # which saves seeding a pip copy per run; what gets installed is the same.
    venv = base / "venv"
    run(
        [sys.executable, "-m", "venv", "--without-pip", venv],
        what="creating the virtualenv",
        cwd=work,
        env=env,
    )
    run(
        [sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", wheels[0]],
        what="installing the wheel and its dependencies",
        cwd=work,
        env=env,
        timeout=BUILD_TIMEOUT,
    )
    return Installed(venv=venv, work=work, env=env)


def test_installed_skill_comes_from_the_venv(installed: Installed) -> None:
    done = installed.run(installed.bin("python"), "-c", WHERE_PROGRAM, what="locating skill")
    where = json.loads(done.stdout)
    site = Path(where.pop("site")).resolve()
    assert site.is_relative_to(installed.venv.resolve()), f"site-packages {site} is not the venv's"
    for name, path in where.items():
        resolved = Path(path).resolve()
        assert resolved.is_relative_to(site), f"{name} comes from {resolved}, not {site}"
        assert not resolved.is_relative_to(REPO), f"{name} comes from the checkout: {resolved}"


def test_steady_validate_finds_every_packaged_script(installed: Installed) -> None:
    done = installed.run(installed.bin("steady"), "validate", what="steady validate")
    assert re.search(rf"^{SCRIPT_COUNT} scripts valid\b", done.stdout, re.MULTILINE), (
        f"expected '{SCRIPT_COUNT} scripts valid', got:\n{done.stdout}\n{done.stderr}"
    )


def test_steady_say_opens_the_skill(installed: Installed) -> None:
    db = installed.work / "s.sqlite3"
    done = installed.run(
        installed.bin("steady"), "say", "--db", db, "open steady ground", what="steady say"
    )
    assert "Steady Ground" in done.stdout, f"no welcome:\n{done.stdout}\n{done.stderr}"
    assert db.is_file(), f"steady say kept no state in {db}"


def test_lambda_handler_answers_a_launch(installed: Installed) -> None:
    db = installed.work / "lambda.sqlite3"
    done = installed.run(
        installed.bin("python"),
        "-c",
        LAMBDA_PROGRAM,
        what="lambda_handler",
        env={"STEADY_DB": str(db)},
        stdin=json.dumps(LAUNCH),
    )
    assert "Steady Ground" in done.stdout, f"no welcome:\n{done.stdout}\n{done.stderr}"
    assert db.is_file(), f"the Lambda handler kept no state in {db}"
