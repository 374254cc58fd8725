"""Words that ask for a person rather than an exercise: depression named, or low for a long
time ("i have felt low for weeks"); a counsellor or a number asked for. They get the crisis
check's own reply for that support category (conversation/crisis.py), with no crisis framing;
the crisis check itself still comes first. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Sequence

from skill.core.phrasing import NO_PHRASES, Phrases
from skill.record import record


@record
class Referral:
    """Words that ask for a person rather than an exercise: `words` alone, or one phrase of each
    group in `together` ("felt low" and "for weeks" is depression), unless a phrase of `unless`
    says the words mean something else ("really low on energy every day" is tiredness)."""

    id: str
    words: Phrases = NO_PHRASES
    together: tuple[Phrases, ...] = ()
    unless: Phrases = NO_PHRASES

    def heard(self, words: Sequence[str]) -> bool:
        if self.unless.longest_in(words):
            return False
        if self.words.longest_in(words):
            return True
        return bool(self.together) and all(g.longest_in(words) for g in self.together)
