"""What a statement calls for, and the outcome of the crisis check for one turn."""

from __future__ import annotations

from enum import StrEnum

from skill.record import record


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
    DEPRESSION = "depression"
    """Depression named or asked about ("I am depressed", "how do I deal with depression"): a
    warm reply that names a doctor or counsellor and the support line (Miner 2016)."""
    PAIN = "pain"
    """Physical pain said plainly, with no emergency sign ("my head hurts", "my foot hurts"):
    leave that part of the body, a doctor if it is bad, the emergency number if severe."""
    ANOTHER_LINE = "another_line"
    """Asking for another number ("is there a different number"): the other lines."""
    SUPPORT = "support"
    """Asking for a person or a number, without crisis words ("who can I call"): the support
    lines, warmly, with no crisis framing."""
    ABOUT_SKILL = "about_skill"
    """Asking how the skill itself feels ("are you depressed?"): an honest answer about what it
    is (a voice app, not a person or a therapist), and the line."""
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
SUPPORT_CATEGORIES = frozenset(
    {
        Category.DEPRESSION,
        Category.PAIN,
        Category.SUPPORT,
        Category.ANOTHER_LINE,
        Category.ABOUT_SKILL,
    }
)
"""Not a crisis and no check-in: a warm answer with the lines, without crisis framing."""


@record
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
