"""Which exercises the skill offers at particular moments, from skill/data/offers.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import yaml

from skill.paths import DATA_DIR


@dataclass(frozen=True)
class Offers:
    """Script ids offered at particular moments."""

    after_feeling: tuple[str, ...]
    orienting: str


@cache
def offers() -> Offers:
    """The offers table, read once."""
    with (DATA_DIR / "offers.yaml").open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return Offers(tuple(data["after_feeling"]), str(data["orienting"]))
