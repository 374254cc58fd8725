"""Phrases heard in what was said: as whole words, in order, with a word between them allowed,
not after a negation; and a word brought back to the form the phrases use. Pure."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

from skill.record import record

Normalise = Callable[[str], str]
NEGATIONS = frozenset({"not", "no", "never"})
NEGATED_AFTER = frozenset({"am", "is", "are", "was", "were", "be", "feel", "feeling"})
"""A phrase right after "not" is denied only when "not" follows one of these ("i am not
anxious", "i feel not"); "i can not sleep" still asks about sleep."""


@record
class Phrases:
    """Phrases as word tuples, already written out by the normaliser."""

    items: tuple[tuple[str, ...], ...]

    @classmethod
    def of(cls, phrases: Iterable[object], normalise: Normalise) -> Phrases:
        found = {tuple(normalise(str(p)).split()) for p in phrases}
        return cls(tuple(sorted((p for p in found if p), key=lambda p: (-len(p), p))))

    def longest_in(self, words: Sequence[str]) -> int:
        """The length of the longest phrase said in `words`, its words in order with at most one
        other word between two of them ("thoughts are racing" holds "thoughts racing"), and not
        right after a negation; 0 for none."""
        found = self.found_in(words)
        return len(found[0]) if found else 0

    def found_in(
        self, words: Sequence[str], denying: bool = True
    ) -> tuple[tuple[str, ...], tuple[int, ...]] | None:
        """The longest phrase said in `words` (as `longest_in`) and where its words are.
        `denying=False`: also one right after a negation, for a caller that reads the negation
        itself (a kind turned down: "not breathing, something else")."""
        for phrase in self.items:
            for at in _said_at(phrase, words, denying):
                return phrase, at
        return None

    def count_in(self, words: Sequence[str]) -> int:
        """How many different phrases are said in `words` (as `found_in`), no word counted
        twice: "drained, need a boost" says low energy twice, "wrecked, absolutely wrecked"
        once."""
        used: set[int] = set()
        count = 0
        for phrase in self.items:
            for at in _said_at(phrase, words):
                if not used & set(at):
                    used.update(at)
                    count += 1
                    break
        return count


def _said_at(
    phrase: tuple[str, ...], words: Sequence[str], denying: bool = True
) -> Iterator[tuple[int, ...]]:
    """Where `phrase` is said in `words`, each time: its words in order with at most one other
    word between two of them, and (`denying`) not right after a negation."""
    for start, word in enumerate(words):
        if word != phrase[0]:
            continue
        at = _follows(phrase, words, start)
        if at is None or (denying and _denied(words, start) and phrase[0] not in NEGATIONS):
            continue
        yield at


NO_PHRASES = Phrases(())
"""None at all."""

_ENDINGS = ("ing", "ed", "er", "est", "es", "s", "ly", "ness")


def base_form(word: str, known: frozenset[str]) -> str:
    """A word as the phrases write it: itself if they use it, else the first of its simpler
    forms they use ("calmer" -> "calm", "stressing" -> "stress", "worries" -> "worry")."""
    if word in known or len(word) < 5:
        return word
    for ending in _ENDINGS:
        if not word.endswith(ending):
            continue
        stem = word[: -len(ending)]
        for form in (stem, stem + "e", stem[:-1] if stem[-1:] == stem[-2:-1] else "", stem + "y"):
            if form and form in known:
                return form
        if stem.endswith("i") and stem[:-1] + "y" in known:
            return stem[:-1] + "y"
    return word


def _follows(phrase: Sequence[str], words: Sequence[str], start: int) -> tuple[int, ...] | None:
    """Where the rest of `phrase` follows `words[start]`, skipping at most one word each time;
    None when it does not."""
    at, found = start, [start]
    for wanted in phrase[1:]:
        if at + 1 < len(words) and words[at + 1] == wanted:
            at += 1
        elif at + 2 < len(words) and words[at + 2] == wanted:
            at += 2
        else:
            return None
        found.append(at)
    return tuple(found)


def _denied(words: Sequence[str], start: int) -> bool:
    """Whether the words before `start` deny what follows ("i am not", "not at all")."""
    if start == 0 or words[start - 1] not in NEGATIONS:
        return False
    return start == 1 or words[start - 2] in NEGATED_AFTER


REFUSING = frozenset({"not", "no", "nae", "nothing", "without", "nor", "neither", "less", "hate"})
BETWEEN_REFUSING = frozenset(
    {"a", "an", "the", "any", "more", "another", "want", "like", "with"}
    | {"where", "that", "which", "i", "you", "we", "have", "to", "be"}
)


def refused(words: Sequence[str], start: int) -> bool:
    """Whether the words before `start` turn it down ("not a breathing one", "nothing with
    writing", "i do not want a scan", "no more breathing", "nothing where i have to walk");
    "no, a body scan" and "no, something with writing" ask for it; "too sore to stretch" too."""
    if start >= 3 and words[start - 1] == "to" and words[start - 3] == "too":
        return True
    at = start - 1
    while at >= 0 and start - at <= 4 and words[at] in BETWEEN_REFUSING:
        at -= 1
    if at >= 0 and words[at] in ("no", "neither"):  # "neither, the long one" asks for it
        return all(w == "more" for w in words[at + 1 : start])
    if at >= 1 and words[at] in ("or", "nor"):  # "i can not lie down or walk off"
        return any(w in REFUSING for w in words[max(0, at - 4) : at])
    return at >= 0 and words[at] in REFUSING


FUNCTION_WORDS = frozenset(
    {"i", "am", "is", "are", "how", "to", "in", "on", "at", "of", "a", "the", "my", "me", "and"}
    | {"with", "for", "do", "it", "about", "thing", "get"}
)
"""Words of a name that say nothing of it when it is said only in part ("how am i feeling")."""


def coverage(telling: Sequence[str], said: Sequence[str], generic: frozenset[str]) -> float | None:
    """How fully `said` holds a name's telling words: 1.0 for all of them together, less for
    two thirds or more of a name of three different words or more (words like "am" and "how"
    not counted) said close together, when what was said of it is more than words for a kind
    ("long body scan" is not "Short body scan"); None for too little."""
    if not telling:
        return None
    size = len(telling)
    for start in range(len(said) - size + 1):
        if list(said[start : start + size]) == list(telling):
            return 1.0
    content = set(telling) - FUNCTION_WORDS
    if len(content) < 3:
        return None
    present = [w for w in content if w in said]
    share = len(present) / len(content)
    if share < 2 / 3 or len(present) < 2 or all(w in generic for w in present):
        return None
    at = [said.index(w) for w in present]
    if max(at) - min(at) > len(content):
        return None  # scattered: "out of it after that long flight" is no "long out breath"
    return share


def minutes_said(
    words: Sequence[str], numbers: Mapping[str, float], units: Mapping[str, float]
) -> float | None:
    """Minutes said as a number and a unit ("sixty seconds", "a couple of minutes", "5 min");
    None when none is."""
    for at, word in enumerate(words):
        unit = units.get(word)
        if unit is None or at == 0:
            continue
        number = at - 2 if words[at - 1] == "of" and at > 1 else at - 1
        before = words[number]
        if number > 0 and words[number - 1] in ("every", "each"):
            continue  # "picking up my phone every two seconds" is no length asked for
        value = float(before) if before.isdigit() else numbers.get(before)
        if value:
            return value * unit
    return None
