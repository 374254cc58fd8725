"""What a statement calls for, and the outcome of the crisis check for one turn."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    """What a statement calls for, most serious first (the order is the priority)."""

    IMMINENT = "imminent"
    """Danger now: a method at hand, pills already taken, a weapon, a bridge."""
    MEDICAL = "medical"
    """Medical signs: chest pain, not breathing, stroke signs, an overdose."""
    SUICIDE = "suicide"
    """Thoughts of suicide, direct, indirect or passive."""
    SELF_HARM = "self_harm"
    """Hurting oneself."""
    ABUSE = "abuse"
    """Violence, abuse, sexual assault, fear of someone at home."""
    SOMEONE_ELSE = "someone_else"
    """Concern for another person (or the loss of one) in one of the above."""
    AMBIGUOUS = "ambiguous"
    """Could mean suicide, could mean a hard day: one gentle, direct check-in (C7)."""
    DISTRESS = "distress"
    """Not a crisis, but the exercise must change: panic, flashbacks, feeling unreal (C9)."""
    NONE = "none"
    """Nothing that changes the exercise."""

    @property
    def rank(self) -> int:
        """0 for the most serious category, larger for less serious ones."""
        return PRIORITY.index(self)

    def more_serious_than(self, other: Category) -> bool:
        """Whether this category wins over `other` when both are heard."""
        return self.rank < other.rank


PRIORITY: tuple[Category, ...] = tuple(Category)
"""Every category, most serious first."""

CRISIS_CATEGORIES = frozenset(
    {
        Category.IMMINENT,
        Category.MEDICAL,
        Category.SUICIDE,
        Category.SELF_HARM,
        Category.ABUSE,
        Category.SOMEONE_ELSE,
    }
)
EMERGENCY_FIRST = frozenset({Category.IMMINENT, Category.MEDICAL})


@dataclass(frozen=True)
class Assessment:
    """The outcome of the crisis check for one turn."""

    category: Category = Category.NONE
    """The most serious category heard."""
    pattern: str = ""
    """The data pattern that matched: our own words, never the person's (safe to log)."""

    @property
    def is_crisis(self) -> bool:
        """Whether the crisis reply replaces everything else (C2, C3, C5, C6)."""
        return self.category in CRISIS_CATEGORIES

    @property
    def emergency_first(self) -> bool:
        """Whether the emergency number is said before anything else (C3)."""
        return self.category in EMERGENCY_FIRST

    @property
    def needs_response(self) -> bool:
        """Whether the skill must answer this rather than carry on (crisis, C7 or C9)."""
        return self.category is not Category.NONE
