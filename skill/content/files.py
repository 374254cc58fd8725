"""Where the packaged data lives: found where Python finds the packages, never the source tree.

The exercise scripts (`scripts/` in a checkout) and the interaction models (`interaction_model/`)
are packaged as `skill.content.scripts` and `skill.content.models`; the skill's own data files
are `skill/data`. A deployment may point the scripts at a folder of its own (Settings).
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from typing import Any

from skill.content.locales import DEFAULT_LOCALE, fallback_chain
from skill.content.yaml_lines import load_yaml


class MissingData(FileNotFoundError):
    """A data file the skill needs is not installed."""


def _package_dir(package: str) -> Path:
    # importlib.util, not importlib.resources: that one imports tempfile, shutil, bz2 and lzma
    # (several ms of every cold start) to find the same folder.
    spec = importlib.util.find_spec(package)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    if not locations or not Path(locations[0]).is_dir():
        raise MissingData(f"package data {package} is not installed as files")
    return Path(locations[0])


@cache
def data_dir() -> Path:
    """The skill's own data files (phrases, word tables, helplines, offers)."""
    return _package_dir("skill") / "data"


@cache
def scripts_dir() -> Path:
    """The packaged exercise scripts: one folder per language, and schema.json."""
    return _package_dir("skill.content.scripts")


@cache
def models_dir() -> Path:
    """The packaged interaction models, one JSON file per locale."""
    return _package_dir("skill.content.models")


def data_file(name: str, locale: str | None = None) -> Path:
    """A data file, for a locale: the most specific of data/<locale>/, data/<language>/ and
    data/en/ that has it; without a locale, the one at the top of data/."""
    if locale is None:
        path = data_dir() / name
        if path.is_file():
            return path
        raise MissingData(f"no data file {name}")
    for folder in fallback_chain(locale):
        path = data_dir() / folder / name
        if path.is_file():
            return path
    raise MissingData(f"no data file {name} for {locale}")


def read_yaml(path: Path) -> Any:
    """A YAML file's data (parsed by libyaml where it is installed: skill.content.yaml_lines)."""
    with path.open(encoding="utf-8") as handle:
        return load_yaml(handle)


def scripts_for(locale: str, root: Path | None = None) -> Path:
    """The script folder of a locale's language, falling back down its chain ("en-GB" -> en/)."""
    base = root or scripts_dir()
    for folder in fallback_chain(locale):
        if (base / folder).is_dir():
            return base / folder
    return base / fallback_chain(locale)[-1]


def model_file(locale: str) -> Path:
    """A locale's interaction model, or the default locale's where it has none."""
    for folder in (*fallback_chain(locale), DEFAULT_LOCALE):
        path = models_dir() / f"{folder}.json"
        if path.is_file():
            return path
    raise MissingData(f"no interaction model for {locale}")
