"""What fits what was described: a kind, a length and a place ("a quick breathing exercise",
"something I can do at my desk"), on their own or narrowing the exercises that suit a need
("something quick for my nerves"). Pure: no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from skill.core.phrasing import Phrases, refused
from skill.core.script import Kind, Script
from skill.record import record


@record
class Length:
    words: Phrases
    most: float | None = None
    longest: bool = False


@record
class Place:
    words: Phrases
    tags: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    not_tags: frozenset[str] = frozenset()
    first: frozenset[str] = frozenset()
    """Kinds offered first here ("on the train": breathing, which nobody notices)."""

    def fits(self, script: Script) -> bool:
        if self.not_tags & script.tags:
            return False
        if not self.tags and not self.kinds:
            return True
        return bool(self.tags & script.tags) or script.kind.value in self.kinds


@record
class Described:
    """A kind, a length and a place, each None when not said."""

    kind: Kind | None = None
    most: float | None = None
    """Minutes at most."""
    longest: bool = False
    place: Place | None = None
    not_kind: Kind | None = None
    """A kind turned down ("not a breathing one")."""
    near: bool = False
    """The minutes were said as a number ("the fifteen minute scan"): what takes at least half
    of them comes first, not everything shorter."""

    @property
    def anything(self) -> bool:
        return self.not_kind is not None or self.asks

    @property
    def asks(self) -> bool:
        """Whether something is asked for, not only turned down."""
        return self.kind is not None or self.most is not None or self.longest or bool(self.place)


def kinds_said(
    kinds: Mapping[Kind, Phrases], words: Sequence[str]
) -> tuple[Kind | None, Kind | None]:
    """The kind asked for (the longest phrase heard), and one turned down ("not a scan")."""
    found = ((k, p.found_in(words, denying=False)) for k, p in kinds.items())
    heard = [(k, f) for k, f in found if f is not None]  # "not breathing": found, then refused
    said = [(k, len(f[0]), refused(words, f[1][0])) for k, f in heard]
    wanted = max((s for s in said if not s[2]), key=lambda s: s[1], default=None)
    unwanted = max((s for s in said if s[2]), key=lambda s: s[1], default=None)
    return (wanted[0] if wanted else None), (unwanted[0] if unwanted else None)


def _by_length(scripts: list[Script]) -> list[Script]:
    return sorted(scripts, key=lambda s: (s.minutes, s.id))


def described(
    scripts: Iterable[Script], said: Described, refusing: bool = False
) -> list[Script] | None:
    """The scripts that fit a described kind, length and place, shortest first; None when
    nothing was described (or, unless `refusing`, a kind was only turned down)."""
    if not (said.anything if refusing else said.asks):
        return None
    found = [s for s in scripts if said.kind is None or s.kind is said.kind]
    found = [s for s in found if s.kind is not said.not_kind]
    first: frozenset[str] = frozenset()
    if said.place is not None:
        found = [s for s in found if said.place.fits(s)]
        first = said.place.first
    ordered = _by_length(_lengthwise(found, said))
    return sorted(ordered, key=lambda s: s.kind.value not in first) or None


def narrowed(suiting: list[Script], said: Described) -> list[Script]:
    """Those of a need's exercises (best first) that also fit what was described, in the same
    order. A kind or a place that none of them fits is let go: the need comes first."""
    found = [s for s in suiting if s.kind is not said.not_kind] or suiting
    if said.kind is not None:
        found = [s for s in found if s.kind is said.kind] or found
    if said.place is not None:
        place = said.place
        found = [s for s in found if place.fits(s)] or found
    return _lengthwise(found, said)


def _lengthwise(scripts: list[Script], said: Described) -> list[Script]:
    """The longest, or those within the length said (the shortest when none is)."""
    if said.longest and scripts:
        return [max(scripts, key=lambda s: (s.minutes, s.id))]
    if said.most is not None:
        most = said.most
        within = [s for s in scripts if s.minutes <= most]
        if said.near:
            within = [s for s in within if s.minutes >= most / 2] or within
        return within or _by_length(scripts)[:1]
    return scripts
