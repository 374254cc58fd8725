"""`steady package --lambda PATH --bytecode PYTHON`: bytecode a cold start reads as it is.

The function's runtime (python3.13) is not installed on every machine that runs these tests,
so the compiling is shown with the interpreter running them; the refusal of any other version
is shown with it too, since it is not the function's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from skill.cli import main
from skill.cli.bytecode import BytecodeError, compiled, runtime_version
from tests.conftest import REPO

RUNNING = f"{sys.version_info[0]}.{sys.version_info[1]}"


def test_the_runtime_is_the_one_template_yaml_deploys() -> None:
    assert runtime_version(REPO / "template.yaml") == "3.13"
    assert "Runtime: python3.13" in (REPO / "template.yaml").read_text(encoding="utf-8")


def test_bytecode_is_read_without_a_look_at_the_source(tmp_path: Path) -> None:
    """Lambda keeps no time stamps worth comparing and cannot write a cache: the bytecode must
    be used as it is. Changing a module's source after compiling does not change what runs."""
    sources = {"pkg/__init__.py": b"", "pkg/mod.py": b"VALUE = 'compiled'\n", "pkg/data.yaml": b""}
    tag = sys.implementation.cache_tag
    written = compiled(sources, sys.executable, RUNNING)
    assert set(written) == {f"pkg/__pycache__/__init__.{tag}.pyc", f"pkg/__pycache__/mod.{tag}.pyc"}
    for name, data in {**sources, **written}.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    (tmp_path / "pkg/mod.py").write_text("VALUE = 'source'\n")
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTHONPYCACHEPREFIX", None)  # the code's own __pycache__, as on Lambda
    done = subprocess.run(
        [sys.executable, "-c", "import pkg.mod; print(pkg.mod.VALUE)"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "compiled"


def test_bytecode_of_another_version_is_refused_before_anything_is_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(
        BytecodeError, match=rf"is Python {RUNNING}, but the function runs Python 3\.13"
    ):
        compiled({"a.py": b""}, sys.executable, "3.13")
    out = tmp_path / "lambda"
    assert main(["package", "--lambda", str(out), "--bytecode", sys.executable]) == 1
    said = capsys.readouterr().err
    assert f"is Python {RUNNING}, but the function runs Python 3.13" in said
    assert not out.exists()
    assert main(["package", "--lambda", str(out), "--bytecode", str(tmp_path / "nothing")]) == 1
    assert "cannot run" in capsys.readouterr().err
    assert not out.exists()
