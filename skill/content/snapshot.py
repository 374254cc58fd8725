"""Work done on data files, kept between processes: a start need not do it again.

Parsing the crisis patterns and checking the scripts against their schema take most of a cold
start, and the answer only changes when a data file or the code does. `remembered` keeps such
an answer as JSON, named by a hash of its inputs and of every Python file of the skill, so a
changed file can never be answered from an old snapshot: it is simply worked out again.

Snapshots are looked for in two folders: `skill/data/snapshots/` (written into the Lambda code
by `steady package --lambda`, read-only there) and a cache folder (`STEADY_CACHE_DIR`, or
`$XDG_CACHE_HOME/steady-ground`, or `~/.cache/steady-ground`; `STEADY_CACHE_DIR=off` turns it
off). They are JSON, never pickles: a snapshot can hold wrong data at worst, never code. One that
cannot be read is ignored; one that cannot be written is not kept. Neither stops the skill.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from skill.content.files import data_dir

Json = TypeVar("Json")

PACKAGED = "snapshots"
"""The folder under skill/data/ that a packaged build carries its snapshots in."""
CACHE_SETTING = "STEADY_CACHE_DIR"


NOT_HASHED = (
    "tools/",
    "cli/",
    "content/scripts/",
    "content/models/",
    "web.py",
    "web_alexa.py",
    "web_audio.py",
    "verify.py",
)
"""Folders left out of `code_version`: the Lambda code has no tools or command line, and the
scripts and models are data (found elsewhere in a checkout). A snapshot made by the tools'
code names that code in its own inputs (`sources`)."""


@cache
def code_version() -> str:
    """A hash of the skill's runtime Python files: a snapshot made by other code is not used.
    The same in a checkout, an installed wheel and the Lambda code."""
    root = Path(__file__).resolve().parent.parent
    names: list[str] = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [name for name in subfolders if name not in _NO_CODE]
        inside = Path(folder).relative_to(root).as_posix()
        prefix = "" if inside == "." else f"{inside}/"
        names.extend(f"{prefix}{name}" for name in files if name.endswith(".py"))
    digest = hashlib.sha256()
    for name in sorted(names):
        if not name.startswith(NOT_HASHED):
            digest.update(name.encode())
            digest.update((root / name).read_bytes())
    return digest.hexdigest()[:16]


_NO_CODE = frozenset({"data", "__pycache__"})
"""Folders under skill/ that hold no Python of the skill's (walked past: a start saves the time)."""


def sources(*modules: str) -> tuple[bytes, ...]:
    """The source of modules whose code shapes a snapshot but `code_version` leaves out."""
    found = []
    for module in modules:
        spec = importlib.util.find_spec(module)
        origin = spec.origin if spec is not None else None
        found.append(Path(origin).read_bytes() if origin else module.encode())
    return tuple(found)


def cache_dir() -> Path | None:
    """Where this machine keeps snapshots, or None when that is turned off."""
    chosen = os.environ.get(CACHE_SETTING, "").strip()
    if chosen.lower() == "off":
        return None
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "steady-ground"


def snapshot_name(kind: str, inputs: Iterable[bytes]) -> str:
    """The file name of the snapshot of `kind` made from these inputs by this code."""
    digest = hashlib.sha256(code_version().encode())
    for item in inputs:
        digest.update(len(item).to_bytes(8, "big"))
        digest.update(item)
    return f"{kind}-{digest.hexdigest()[:32]}.json"


def remembered(
    kind: str, inputs: Iterable[bytes], build: Callable[[], Json], exact: bool = False
) -> Json:
    """`build()`, or what it gave before for the same inputs and code. The result must be JSON
    (dicts, lists, strings, numbers); tuples come back as lists. `exact`: keep it only if it
    comes back from JSON as it is (not if it holds tuples, dates or numbers as keys)."""
    name = snapshot_name(kind, inputs)
    folders = [data_dir() / PACKAGED, cache_dir()]
    for folder in folders:
        found = _read(folder / name) if folder is not None else None
        if found is not None:
            return found[0]  # type: ignore[no-any-return]
    value = build()
    if folders[1] is not None:
        write(folders[1], name, value, exact)
    return value


def write(folder: Path, name: str, value: Any, exact: bool = False) -> bool:
    """Keep a snapshot (atomically: a reader sees all of it or none); False if it can't be,
    or if `exact` and JSON would not give back the same value."""
    try:
        text = json.dumps([value], separators=(",", ":"), allow_nan=False)
        if exact and json.loads(text) != [value]:
            return False
        folder.mkdir(parents=True, exist_ok=True)
        import tempfile  # only when a snapshot is written: not on a start that reads them

        handle, temporary = tempfile.mkstemp(dir=folder, prefix=".writing-", suffix=".json")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, folder / name)
        finally:
            Path(temporary).unlink(missing_ok=True)
        return True
    except (OSError, TypeError, ValueError):
        return False


def _read(path: Path) -> list[Any] | None:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, list) and len(found) == 1 else None
