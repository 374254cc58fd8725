"""`steady package`: what a deployment uploads.

`steady package OUT` writes the ASK skill package, the layout the ASK CLI and the developer
console's import use: `OUT/skill-package/skill.json` and one interaction model per locale in
`OUT/skill-package/interactionModels/custom/<locale>.json` (plus `OUT/ask-resources.json` when
there is none). `--lambda PATH` writes the Lambda function's code, a folder or a `.zip`: the
runtime only (no tools, no command line, no web server, no tests) with `requirements.txt`,
the pinned libraries it needs, for `sam build` to install for the function's architecture.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from skill.cli.bytecode import BytecodeError, compiled, runtime_version
from skill.content.files import models_dir
from skill.content.locales import LOCALES
from skill.content.snapshot import CACHE_SETTING, PACKAGED

DISTRIBUTION = "steady-ground"
CHECKOUT = Path(__file__).resolve().parents[2]
MANIFEST = Path("skill-package") / "skill.json"
"""The skill manifest, relative to the checkout (it is not part of the installed package)."""
MODELS = Path("skill-package") / "interactionModels" / "custom"
ASK_RESOURCES = {
    "askcliResourcesVersion": "2020-03-31",
    "profiles": {"default": {"skillMetadata": {"src": "./skill-package"}}},
}
"""An ASK CLI project that deploys the skill's metadata only; the code goes with `sam deploy`."""

RUNTIME_PACKAGES = ("skill", "skill.content.scripts", "skill.content.models")
"""Where the function's code and data are (the scripts and models live outside `skill/` in a
checkout and are packaged into it, so each is found where Python finds it)."""
LEFT_OUT = (
    "skill.tools",
    "skill.cli",
    "skill.web",
    "skill.web_alexa",
    "skill.web_audio",
    "skill.verify",
)
"""Never on Lambda's request path: the developer tools, the command line, the web server and
its signature checks (Lambda's trigger checks the caller)."""
SUFFIXES = frozenset({".py", ".yaml", ".json"})
"""Code and the data files the skill reads; caches, type markers and anything else stay out."""
LAMBDA_DEPENDENCIES = ("ask-sdk-core", "ask-sdk-model", "pyyaml", "jsonschema", "numpy", "boto3")
"""The libraries the function imports (numpy: planning a track's key; boto3: DynamoDB and
S3), pinned as this package pins them. Flask, gunicorn, cryptography and the speech engines are
for `steady serve` and rendering, not for Lambda."""
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
"""Every entry's timestamp: the same code gives the same bytes, whenever it is built."""


class PackageError(ValueError):
    """Something `steady package` cannot build, in words fit to show a person."""


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    packing = commands.add_parser(
        "package", help="the ASK skill package (manifest and models) and the Lambda code"
    )
    packing.add_argument("out", nargs="?", metavar="OUT", help="folder for the skill package")
    packing.add_argument(
        "--endpoint",
        metavar="ARN_OR_URL",
        help="the skill's endpoint: the Lambda function's ARN or an HTTPS URL "
        "(default: as in skill.json)",
    )
    packing.add_argument(
        "--manifest", help="the skill manifest (default: skill-package/skill.json)"
    )
    packing.add_argument(
        "--lambda", dest="lambda_out", metavar="PATH", help="the Lambda code: a folder or a .zip"
    )
    packing.add_argument(
        "--bytecode",
        metavar="PYTHON",
        help="also put bytecode in the Lambda code, compiled by PYTHON: the function's runtime "
        "(template.yaml), so that a cold start does not compile the skill (skill/cli/bytecode.py)",
    )
    packing.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if not args.out and not args.lambda_out:
        print(
            "steady package: give OUT (the skill package), --lambda PATH, or both", file=sys.stderr
        )
        return 2
    try:
        if args.out:
            manifest = read_manifest(Path(args.manifest) if args.manifest else None)
            written = skill_package(Path(args.out), manifest, args.endpoint)
            print(f"skill package: {len(written)} files in {Path(args.out) / 'skill-package'}")
        if args.lambda_out:
            out = Path(args.lambda_out)
            files = lambda_code(out, args.bytecode)
            size = out.stat().st_size if out.suffix == ".zip" else folder_size(out)
            print(f"lambda code: {files} files, {size / 1e6:.2f} MB, in {out}")
    except (PackageError, BytecodeError, OSError) as error:
        print(f"steady package: {error}", file=sys.stderr)
        return 1
    return 0


# -- the ASK skill package --------------------------------------------------------------------


def read_manifest(path: Path | None = None) -> dict[str, Any]:
    """The skill manifest: `path`, or skill-package/skill.json here or in this checkout."""
    candidates = [path] if path else [Path.cwd() / MANIFEST, CHECKOUT / MANIFEST]
    for candidate in candidates:
        if candidate.is_file():
            try:
                data = json.loads(candidate.read_text(encoding="utf-8"))
            except ValueError as error:
                raise PackageError(f"{candidate} is not JSON: {error}") from error
            if not isinstance(data, dict) or not isinstance(data.get("manifest"), dict):
                raise PackageError(f"{candidate} has no manifest object")
            return data
    raise PackageError(f"no skill manifest at {' or '.join(map(str, candidates))}")


def with_endpoint(manifest: dict[str, Any], endpoint: str) -> dict[str, Any]:
    """The manifest with the skill's requests (and its events) sent to `endpoint`."""
    if endpoint.startswith("arn:aws:lambda:"):
        where: dict[str, Any] = {"uri": endpoint}
    elif endpoint.startswith("https://"):
        custom = manifest["manifest"].get("apis", {}).get("custom", {})
        certificate = custom.get("endpoint", {}).get("sslCertificateType", "Trusted")
        where = {"uri": endpoint, "sslCertificateType": certificate}
    else:
        raise PackageError(
            f"the endpoint must be a Lambda ARN or an https:// URL, not {endpoint!r}"
        )
    changed: dict[str, Any] = copy.deepcopy(manifest)
    changed["manifest"].setdefault("apis", {}).setdefault("custom", {})["endpoint"] = where
    if "events" in changed["manifest"]:
        changed["manifest"]["events"]["endpoint"] = {"uri": endpoint}
    return changed


def skill_package(out: Path, manifest: dict[str, Any], endpoint: str | None = None) -> list[Path]:
    """Write the skill package under `out`; the paths written."""
    if endpoint:
        manifest = with_endpoint(manifest, endpoint)
    written = [_write_json(out / MANIFEST, manifest)]
    for locale in LOCALES:
        source = models_dir() / f"{locale}.json"
        if not source.is_file():
            raise PackageError(f"no interaction model for {locale} at {source}")
        model = json.loads(source.read_text(encoding="utf-8"))
        written.append(_write_json(out / MODELS / f"{locale}.json", model))
    if not (out / "ask-resources.json").exists():  # the ASK CLI adds the skill id to it
        written.append(_write_json(out / "ask-resources.json", ASK_RESOURCES))
    return written


def _write_json(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


# -- the Lambda function's code ---------------------------------------------------------------


def runtime_files() -> dict[str, Path]:
    """The function's files: the name each has in the artifact, and where it is now."""
    found: dict[str, Path] = {}
    for root in RUNTIME_PACKAGES:
        base = Path(str(resources.files(root)))
        prefix = root.replace(".", "/")
        for path in _walk(base):
            name = f"{prefix}/{path.relative_to(base).as_posix()}"
            module = name.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
            if not any(module == out or module.startswith(f"{out}.") for out in LEFT_OUT):
                found[name] = path
    return dict(sorted(found.items()))


def _walk(base: Path) -> Iterator[Path]:
    for folder, dirs, names in os.walk(base):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
        for name in sorted(names):
            path = Path(folder, name)
            if path.suffix in SUFFIXES and path.is_file() and not path.is_symlink():
                yield path


def requirements() -> list[str]:
    """`LAMBDA_DEPENDENCIES` as this package pins them (its own metadata is the one list)."""
    pins: dict[str, str] = {}
    for line in metadata.requires(DISTRIBUTION) or []:
        spec = line.split(";")[0].strip()
        name = re.match(r"[A-Za-z0-9._-]+", spec)
        if name:
            pins[_normalise(name.group())] = spec
    missing = [name for name in LAMBDA_DEPENDENCIES if _normalise(name) not in pins]
    if missing:
        raise PackageError(f"{DISTRIBUTION} does not pin {', '.join(missing)}")
    return [pins[_normalise(name)] for name in LAMBDA_DEPENDENCIES]


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


SNAPSHOT_CHILD = (
    "from skill.content.bundle import bundle\n"
    "from skill.content.locales import LOCALES\n"
    "for locale in LOCALES:\n"
    "    bundle(locale).load_all()\n"
)
"""What a Lambda start loads, at once or on first use: run once in a child process whose
snapshots go into the code."""


def snapshots() -> dict[str, bytes]:
    """The snapshots a Lambda start would otherwise make itself (content/snapshot.py): parsed
    crisis patterns and the scripts' schema checks, by the name the function looks for."""
    with tempfile.TemporaryDirectory(prefix="steady-snapshots-") as folder:
        env = {**os.environ, CACHE_SETTING: folder}
        subprocess.run([sys.executable, "-c", SNAPSHOT_CHILD], env=env, check=True, timeout=300)
        return {
            f"skill/data/{PACKAGED}/{path.name}": path.read_bytes()
            for path in sorted(Path(folder).glob("*.json"))
        }


def lambda_code(out: Path, bytecode: str | None = None) -> int:
    """Write the function's code to `out`, a `.zip` or a folder; the number of files. With
    `bytecode` (an interpreter of the function's runtime), its compiled modules too."""
    files: dict[str, Path | bytes] = {**runtime_files(), **snapshots()}
    if bytecode is not None:
        sources = {name: _bytes(source) for name, source in files.items() if name.endswith(".py")}
        files.update(compiled(sources, bytecode, runtime_version()))
    pinned = ("\n".join(requirements()) + "\n").encode()
    if out.suffix == ".zip":
        out.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=".part-", suffix=".zip")
        os.close(handle)
        try:
            with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
                for name, source in files.items():
                    _add(archive, name, _bytes(source))
                _add(archive, "requirements.txt", pinned)
            os.replace(temporary, out)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return len(files) + 1
    _fresh_folder(out)
    for name, source in files.items():
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(_bytes(source))
    (out / "requirements.txt").write_bytes(pinned)
    return len(files) + 1


def _bytes(source: Path | bytes) -> bytes:
    return source if isinstance(source, bytes) else source.read_bytes()


def _add(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    entry = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    entry.external_attr = 0o644 << 16
    entry.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(entry, data, compresslevel=9)


def _fresh_folder(out: Path) -> None:
    """An empty `out`: made, or emptied when it holds an earlier build (and nothing else)."""
    if out.exists() and any(out.iterdir()):
        if not (out / "skill" / "lambda_function.py").is_file():
            raise PackageError(f"{out} is not empty and is not an earlier Lambda build")
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)


def folder_size(folder: Path) -> int:
    return sum(path.stat().st_size for path in folder.rglob("*") if path.is_file())
