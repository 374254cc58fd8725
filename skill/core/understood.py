"""What an everyday request asks for (`Understood`), and the needs it can name: the types
core/needs.py fills in from needs.yaml. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Sequence

from skill.core.fitting import Described
from skill.core.phrasing import NO_PHRASES, Phrases
from skill.core.script import Kind, Script
from skill.record import record


@record
class Offered:
    script_id: str
    reason: str = ""
    """Said first: why this one might help."""
    label: str = ""
    """How it is named as the second choice ("grounding with your senses")."""


@record
class Need:
    id: str
    words: Phrases
    start: str | None = None
    offer: tuple[Offered, ...] = ()
    also: tuple[str, ...] = ()
    """Other exercises that suit it, kept when more is said ("something quick for my nerves")."""
    hints: Phrases = NO_PHRASES
    """Words that hint at it beside another need ("late" beside racing thoughts), never alone."""

    @property
    def answer(self) -> tuple[str, ...]:
        """What it starts or offers when nothing else is said."""
        return (self.start,) if self.start else tuple(o.script_id for o in self.offer)

    @property
    def suits(self) -> tuple[str, ...]:
        """Everything that suits it, best first."""
        return (*self.answer, *self.also)


@record
class Understood:
    """What a request asks for. At most one of these is set, in this order of precedence."""

    again: bool = False
    kind: Kind | None = None
    """With `again`: the kind said ("the breathing one again"); otherwise the kind asked for."""
    again_as: Described | None = None
    """With `again`: a length or place said with it ("that again, but the shorter one")."""
    surprise: bool = False
    script: Script | None = None
    """One exercise, named or described, or the only one that fits."""
    need: Need | None = None
    options: tuple[Script, ...] = ()
    """A few that fit what was described."""
    referral: str | None = None
    """A support category ("depression", "support"): the crisis check's reply for it."""

    @classmethod
    def one_or_options(cls, found: Sequence[Script], most: int) -> Understood:
        """The one exercise that fits, or the first `most` of them to choose from."""
        return cls(script=found[0]) if len(found) == 1 else cls(options=tuple(found[:most]))

    @property
    def anything(self) -> bool:
        found = self.again or self.surprise or self.script or self.need or self.options
        return bool(found or self.referral)
