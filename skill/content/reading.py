"""Data files read once per process, from a snapshot when unchanged since they were last read."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from skill.content.files import read_yaml
from skill.content.snapshot import remembered


@cache
def _read(path: Path) -> object:
    """A data file's YAML, from a snapshot when the file was read before unchanged."""
    return remembered("data", (path.read_bytes(),), lambda: read_yaml(path), exact=True)


def data_mapping(path: Path, kept: bool = True) -> dict[str, object]:
    """A data file's mapping; `kept`: from (or into) a snapshot, for data read at every start
    (not for data whose own result is kept instead, such as the parsed crisis patterns)."""
    data = _read(path) if kept else read_yaml(path)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping")
    return data
