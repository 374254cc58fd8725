"""`steady package`: the ASK skill package, and the Lambda function's code (the runtime only).

The Lambda artifact is built, opened and checked: what it holds (no tools, no command line, no
web server, no tests), how big it is, that every import inside it resolves inside it, and that
a launch works from it. Its libraries are not in it: building numpy and friends for arm64 needs
PyPI, which tests cannot reach, so the artifact carries `requirements.txt` and `sam build`
installs them. The launch therefore runs the extracted copy in a fresh interpreter whose only
other path is this virtualenv's site-packages (standing in for what `sam build` installs), with
the settings template.yaml gives the function: state in DynamoDB and tracks in S3, both on
moto's server. Every library the launch loads must be one requirements.txt brings.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import sysconfig
import tomllib
import uuid
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from skill.audio.engines import make_engine
from skill.audio.s3_tracks import track_key
from skill.cli import main
from skill.cli.package import LAMBDA_DEPENDENCIES, requirements
from skill.content.files import models_dir
from skill.content.locales import LOCALES
from skill.core.handsfree import Variant
from skill.core.script import ScriptLibrary
from skill.store.dynamodb import create_table
from skill.tools.nlu import Matcher
from skill.tools.simulator import Simulator
from tests.aws import aws_client
from tests.conftest import REPO
from tests.test_manifest import smapi_round_trip

ARN = "arn:aws:lambda:us-east-1:123456789012:function:steady-ground-SkillFunction-abc"
SKILL_ID = "amzn1.ask.skill.00000000-1111-2222-3333-444444444444"
MAX_ZIP_BYTES = 2_000_000
"""About 1.6 MB zipped (2026-12-01; 1.2 MB on 2026-11-30): the code, the models and data, and
the snapshots a start reads instead of parsing (crisis patterns, data files, scripts). The crisis
check is most of it (its parsed snapshot 450 KB, the backstop 335 KB, its patterns 205 KB), and
it grows with each training round (about 0.4 MB over the eighth to nineteenth). 2 MB means
something got in that should not (tools and tests are several MB), or the crisis data has
outgrown inline lists."""
LEFT_OUT = (
    "skill/tools/",
    "skill/cli/",
    "skill/web.py",
    "skill/web_alexa.py",
    "skill/web_audio.py",
    "skill/verify.py",
)


@pytest.fixture(scope="module")
def artifact(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lambda") / "lambda.zip"
    assert main(["package", "--lambda", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def extracted(artifact: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("extracted")
    with zipfile.ZipFile(artifact) as archive:
        archive.extractall(folder)
    return folder


def test_the_skill_package_is_the_manifest_and_every_model(tmp_path: Path) -> None:
    assert main(["package", str(tmp_path), "--endpoint", ARN]) == 0
    package = tmp_path / "skill-package"
    models = package / "interactionModels" / "custom"
    assert sorted(p.name for p in models.iterdir()) == sorted(f"{x}.json" for x in LOCALES)
    for locale in LOCALES:
        written = json.loads((models / f"{locale}.json").read_text(encoding="utf-8"))
        assert written == json.loads((models_dir() / f"{locale}.json").read_text(encoding="utf-8"))
    text = (package / "skill.json").read_text(encoding="utf-8")
    from ask_smapi_model.v1.skill.manifest.skill_manifest_envelope import SkillManifestEnvelope

    _, written = smapi_round_trip(text, SkillManifestEnvelope)  # Amazon's model reads it all
    assert written == json.loads(text)
    manifest = json.loads(text)["manifest"]
    assert manifest["apis"]["custom"]["endpoint"] == {"uri": ARN}
    assert manifest["events"]["endpoint"] == {"uri": ARN}
    source = json.loads((REPO / "skill-package" / "skill.json").read_text(encoding="utf-8"))
    assert manifest["permissions"] == source["manifest"]["permissions"]
    resources = json.loads((tmp_path / "ask-resources.json").read_text(encoding="utf-8"))
    assert resources["profiles"]["default"]["skillMetadata"] == {"src": "./skill-package"}


def test_packaging_again_keeps_what_the_ask_cli_wrote(tmp_path: Path) -> None:
    assert main(["package", str(tmp_path)]) == 0
    resources = tmp_path / "ask-resources.json"
    data = json.loads(resources.read_text(encoding="utf-8"))
    data["profiles"]["default"]["skillId"] = SKILL_ID  # what `ask deploy` adds
    resources.write_text(json.dumps(data), encoding="utf-8")
    assert main(["package", str(tmp_path), "--endpoint", "https://steady.example.net/alexa"]) == 0
    assert json.loads(resources.read_text(encoding="utf-8")) == data
    manifest = json.loads((tmp_path / "skill-package" / "skill.json").read_text(encoding="utf-8"))
    endpoint = manifest["manifest"]["apis"]["custom"]["endpoint"]
    assert endpoint == {"uri": "https://steady.example.net/alexa", "sslCertificateType": "Wildcard"}


def test_package_refuses_what_it_cannot_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["package"]) == 2
    assert main(["package", str(tmp_path), "--endpoint", "http://plain.example"]) == 1
    assert "Lambda ARN or an https:// URL" in capsys.readouterr().err
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    assert main(["package", "--lambda", str(tmp_path)]) == 1
    assert "not empty" in capsys.readouterr().err
    assert (tmp_path / "notes.txt").exists()


def test_the_lambda_artifact_holds_the_runtime_only(artifact: Path) -> None:
    size = artifact.stat().st_size
    assert size < MAX_ZIP_BYTES, f"{size} bytes"
    with zipfile.ZipFile(artifact) as archive:
        names = archive.namelist()
        assert archive.testzip() is None
    assert "skill/lambda_function.py" in names
    assert "skill/content/models/en-US.json" in names
    assert "skill/content/scripts/schema.json" in names
    assert "skill/content/scripts/en/bedtime-body-scan.yaml" in names
    assert "skill/data/helplines.yaml" in names
    assert [n for n in names if n.startswith("skill/data/snapshots/crisis-rules-")]
    assert "skill/audio/s3_tracks.py" in names and "skill/store/dynamodb.py" in names
    assert [n for n in names if n.startswith(LEFT_OUT)] == []
    assert [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".typed"))] == []
    assert {n.split("/")[0] for n in names} == {"skill", "requirements.txt"}
    models = {n for n in names if n.startswith("skill/content/models/") and n.endswith(".json")}
    assert len(models) == len(LOCALES)


def test_the_lambda_artifact_is_the_same_bytes_every_build(artifact: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.zip"
    assert main(["package", "--lambda", str(again)]) == 0
    assert again.read_bytes() == artifact.read_bytes()


def test_a_folder_build_holds_the_same_files(artifact: Path, tmp_path: Path) -> None:
    folder = tmp_path / "build"
    assert main(["package", "--lambda", str(folder)]) == 0
    assert main(["package", "--lambda", str(folder)]) == 0  # an earlier build is replaced
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    with zipfile.ZipFile(artifact) as archive:
        assert files == sorted(archive.namelist())


def test_every_import_inside_the_artifact_resolves_inside_it(extracted: Path) -> None:
    modules = {
        ".".join(p.relative_to(extracted).with_suffix("").parts).removesuffix(".__init__")
        for p in extracted.rglob("*.py")
    }
    missing = []
    for path in sorted(extracted.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
                names += [f"{node.module}.{alias.name}" for alias in node.names]
            for name in names:
                if name.split(".")[0] == "skill" and name not in modules:
                    parent = name.rpartition(".")[0]  # `from skill.x import name_in_x`
                    if parent not in modules:
                        missing.append(f"{path.relative_to(extracted)}: {name}")
    assert missing == []


def test_requirements_are_the_projects_own_pins(extracted: Path) -> None:
    pinned = (extracted / "requirements.txt").read_text(encoding="utf-8").split()
    assert pinned == requirements()
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    declared = set(project["dependencies"]) | set(project["optional-dependencies"]["aws"])
    assert set(pinned) <= declared
    assert [p.split("==")[0] for p in pinned] == list(LAMBDA_DEPENDENCIES)


CHILD = r"""
import json, sys

INSTALLED = frozenset(json.loads(sys.argv[1]))
refused = []


class OnlyWhatSamBuildInstalls:
    # Third-party imports beyond requirements.txt fail here as they would on Lambda.

    def find_spec(self, name, path=None, target=None):
        top = name.partition(".")[0]
        ours = top == "skill" or top.startswith("_")
        if ours or top in sys.stdlib_module_names or top in INSTALLED:
            return None
        refused.append(name)
        raise ModuleNotFoundError(f"No module named {name!r} (not in requirements.txt)", name=name)


sys.meta_path.insert(0, OnlyWhatSamBuildInstalls())
import skill
from skill import lambda_function

print(json.dumps({"skill": skill.__file__}), flush=True)
for line in sys.stdin:
    print(json.dumps(lambda_function.handler(json.loads(line), None)), flush=True)
loaded = sorted({m.partition(".")[0] for m in sys.modules})
print(json.dumps({"modules": loaded, "refused": refused}), flush=True)
"""


class ArtifactProcess:
    """The extracted artifact answering events in a fresh interpreter, one JSON line each."""

    def __init__(
        self, extracted: Path, installed: set[str], env: dict[str, str], log: Path
    ) -> None:
        site = sysconfig.get_paths()["purelib"]
        self.log = log.open("w")
        self.process = subprocess.Popen(
            # -S: no .pth files, so not the editable checkout; only the artifact is `skill`
            [sys.executable, "-S", "-c", CHILD, json.dumps(sorted(installed))],
            cwd=extracted,
            env={**env, "PYTHONPATH": os.pathsep.join([str(extracted), site])},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
        )
        try:
            self.skill_file = self.read()["skill"]
        except BaseException:
            self._shut_down()
            raise

    def read(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            self.log.flush()
            raise AssertionError(Path(self.log.name).read_text(encoding="utf-8")[-3000:])
        data: dict[str, Any] = json.loads(line)
        return data

    def __call__(self, event: dict[str, Any]) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(event) + "\n")
        self.process.stdin.flush()
        return self.read()

    def close(self) -> dict[str, list[str]]:
        """Ends the child; the top-level modules it loaded, and the imports it refused."""
        assert self.process.stdin is not None and self.process.stdout is not None
        try:
            self.process.stdin.close()
            modules = self.read()
            assert self.process.wait(timeout=30) == 0
        finally:
            self._shut_down()
        return modules

    def _shut_down(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.kill()  # this test's own child, by its handle
        self.process.wait(timeout=30)
        self.process.stdin.close()
        self.process.stdout.close()
        self.log.close()


def _closure(pins: list[str]) -> set[str]:
    """The distributions `pins` bring with them (by their installed metadata), by normal name."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    seen: set[str] = set()
    todo = [Requirement(pin) for pin in pins]
    while todo:
        name = canonicalize_name(todo.pop().name)
        if name not in seen:
            seen.add(name)
            needs = [Requirement(r) for r in metadata.requires(name) or []]
            todo += [r for r in needs if r.marker is None or r.marker.evaluate({"extra": ""})]
    return seen


def test_a_launch_and_a_hands_free_start_work_from_the_artifact(
    extracted: Path,
    library: ScriptLibrary,
    matcher: Matcher,
    moto_endpoint: str,
    tmp_path: Path,
) -> None:
    """Only the libraries requirements.txt brings can be imported (jsonschema's optional format
    checkers, present in this virtualenv, are refused as they would be missing on Lambda)."""
    from packaging.utils import canonicalize_name

    table = f"state-{uuid.uuid4().hex[:12]}"
    create_table(aws_client("dynamodb", moto_endpoint), table)
    bucket = f"tracks-{uuid.uuid4().hex[:12]}"
    s3 = aws_client("s3", moto_endpoint)
    s3.create_bucket(Bucket=bucket)
    # A Polly track's manifest and MP3, by the key the function will look for (rendering with
    # Polly needs AWS; the MP3's bytes do not matter to the skill, only that it is there).
    script = library.get("body-scan-short")
    assert script is not None
    key = track_key(script, Variant(), make_engine("polly", "Joanna"))
    manifest = {"key": key, "duration_ms": 600_000, "chapters": [{"ms": 0, "step": 0}]}
    s3.put_object(Bucket=bucket, Key=f"audio/{key}.json", Body=json.dumps(manifest).encode())
    s3.put_object(Bucket=bucket, Key=f"audio/{key}.mp3", Body=b"ID3")
    base = "https://d1234abcd.cloudfront.net/audio/"
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "STEADY_SKILL_ID": SKILL_ID,
        "STEADY_STORE": "dynamodb",
        "STEADY_DYNAMODB_TABLE": table,
        "STEADY_AUDIO_S3": f"s3://{bucket}/audio",
        "STEADY_AUDIO_BASE_URL": base,
        "STEADY_SPEECH_ENGINE": "polly",
        "STEADY_SPEECH_VOICE": "Joanna",
        "AWS_ENDPOINT_URL_DYNAMODB": moto_endpoint,
        "AWS_ENDPOINT_URL_S3": moto_endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "STEADY_CACHE_DIR": "off",  # only the snapshots packaged with the code may be used
    }
    installed = {
        module
        for module, dists in metadata.packages_distributions().items()
        if any(canonicalize_name(d) in _closure(requirements()) for d in dists)
    }
    child = ArtifactProcess(extracted, installed, env, tmp_path / "child.log")
    try:
        assert Path(child.skill_file).is_relative_to(extracted)
        device = Simulator(
            child, matcher, matcher.invocation_name, skill_id=SKILL_ID, durations=lambda _: 600_000
        )
        welcome = device.say("alexa, open steady ground")
        assert "Steady Ground" in welcome.text and "automated voice app" in welcome.text
        device = Simulator(
            child, matcher, matcher.invocation_name, skill_id=SKILL_ID, durations=lambda _: 600_000
        )
        reply = device.say("alexa, ask steady ground for the short body scan")
        plays = [
            d
            for d in (reply.response or {})["response"].get("directives", [])
            if d["type"] == "AudioPlayer.Play"
        ]
        assert [p["audioItem"]["stream"]["url"] for p in plays] == [f"{base}{key}.mp3"]
    finally:
        loaded = child.close()
    stored = aws_client("dynamodb", moto_endpoint).scan(TableName=table)["Items"]
    assert stored  # state went to DynamoDB, not to a SQLite file
    assert not list(extracted.rglob("*.sqlite3"))

    third_party = set(loaded["modules"]) - set(sys.stdlib_module_names) - {"skill"}
    assert {"boto3", "botocore", "numpy", "ask_sdk_core"} <= third_party
    # The scripts' schema checks and the parsed scripts and data came with the code (steady
    # package made them): a cold start neither checks nor parses them again, and imports
    # neither jsonschema nor PyYAML to do it.
    assert "jsonschema" not in third_party and "yaml" not in third_party
    assert {m for m in third_party if not m.startswith("_") and m != "cython_runtime"} <= installed
