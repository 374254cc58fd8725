"""Choosing an exercise from what the listener asked for."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import field
from typing import Any

from skill.core.script import Script, ScriptLibrary
from skill.core.wordlists import plain_words
from skill.record import record

MAX_CHOICES = 3
"""An ambiguous request gets a short choice, never a long list."""

KIND_PREFIX = "kind:"
TAG_PREFIX = "tag:"


@record
class ChoiceWords:
    """One language's words for picking from an offer (choosing.yaml)."""

    ordinals: Mapping[str, int]
    """A word and which offer it picks ("second" -> 1)."""
    last: frozenset[str]
    """Words that pick the last offer."""
    filler: re.Pattern[str]
    """Words dropped around a name before names are compared."""
    others: re.Pattern[str] = re.compile(r"(?!)")
    """Words that ask for other exercises than those offered ("something else")."""
    others_alone: frozenset[str] = frozenset()
    """Words that ask for that only when they are all that was passed on ("else")."""
    not_others: re.Pattern[str] = re.compile(r"(?!)")
    """Words that are about a person instead ("someone else")."""
    lines: frozenset[str] = frozenset()
    """Words that make such words about helplines instead ("any other numbers")."""
    numbers: frozenset[str] = frozenset()
    """Ordinals that are numbers: they pick only first or after a word of `counting`."""
    counting: frozenset[str] = frozenset()
    """Words after which a number picks ("option two", "um, one")."""
    agree: frozenset[str] = frozenset()
    """Words that, said alone, agree to what was just offered ("okay, let's do that")."""
    softeners: frozenset[str] = frozenset()
    """Words around an agreement that change nothing ("yeah", "then", "please")."""
    adverbs: frozenset[str] = frozenset()
    """Ordinals that, said last after other words, mean "before anything else" ("something to
    settle me first"): they pick only alone or after "the" or a word of `counting`."""
    not_before: frozenset[str] = frozenset()
    """Words before which a number is not a pick ("one more")."""

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> ChoiceWords:
        """Build from the mapping in choosing.yaml."""
        return cls(
            ordinals={str(word).lower(): int(index) for word, index in data["ordinals"].items()},
            last=frozenset(str(word).lower() for word in data["last"]),
            filler=_any_of(data["fillers"]),
            others=_any_of(data.get("others") or ()),
            others_alone=frozenset(str(word).lower() for word in data.get("others_alone") or ()),
            not_others=_any_of(data.get("not_others") or ()),
            lines=frozenset(str(word).lower() for word in data.get("lines") or ()),
            numbers=frozenset(str(word).lower() for word in data.get("numbers") or ()),
            counting=frozenset(str(word).lower() for word in data.get("counting") or ()),
            agree=frozenset(plain_words(str(p)) for p in data.get("agree") or ()),
            softeners=frozenset(str(word).lower() for word in data.get("softeners") or ()),
            adverbs=frozenset(str(word).lower() for word in data.get("adverbs") or ()),
            not_before=frozenset(str(word).lower() for word in data.get("not_before") or ()),
        )

    def agrees(self, heard: str) -> bool:
        """Whether `heard` is nothing but agreement ("yeah that sounds good", "sure, go on
        then"), softeners at either end let go of, or two agreements one after the other ("go
        on then, i'll give it a whirl")."""
        words = plain_words(heard).split()
        while len(words) > 1 and words[0] in self.softeners:
            words = words[1:]
        while len(words) > 1 and words[-1] in self.softeners:
            words = words[:-1]
        if " ".join(words) in self.agree:
            return True
        return any(
            " ".join(words[:at]) in self.agree and self.agrees(" ".join(words[at:]))
            for at in range(1, len(words))
        )

    def ordinal(self, text: str) -> int | None:
        """Which offer plain words pick by their place ("the second one", "option two", "one"),
        if any: "the walking one" picks none, its "one" is an exercise."""
        words = text.split()
        for at, word in enumerate(words):
            index = self.ordinals.get(word)
            if index is None:
                continue
            after = words[at - 1] if at else None
            if word in self.numbers and words[at + 1 : at + 2] and words[at + 1] in self.not_before:
                continue  # "one more"
            if word in self.adverbs and at == len(words) - 1 and self._not_a_pick(after):
                continue  # "something to settle me first": before anything else
            if word not in self.numbers or after is None or after in self.counting:
                return index
        return None

    def _not_a_pick(self, after: str | None) -> bool:
        """Whether an adverb ordinal said last, after `after`, is not a pick."""
        return after is not None and after != "the" and after not in self.counting

    def asks_for_others(self, heard: str) -> bool:
        """Whether `heard` asks for other exercises than those just offered ("any other
        options?", "neither, something else"), and names no helpline or number."""
        return self._about_offer(plain_words(heard), picking=False)

    def about_the_offer(self, heard: str) -> bool:
        """Whether `heard`, said to an offer of exercises, is about that offer: asks for others
        than those offered, or picks one ("not that one, the other one", "the second"), and
        names no helpline or number."""
        return self._about_offer(plain_words(heard), picking=True)

    def _about_offer(self, text: str, picking: bool) -> bool:
        said = set(text.split())
        if self.lines & said or self.not_others.search(text):
            return False
        if self.others.search(text) or text in self.others_alone:
            return True
        return picking and bool(said & self.last or self.ordinal(text) is not None)


def _any_of(phrases: Any) -> re.Pattern[str]:
    """A pattern that finds any of `phrases` as whole words, the longest first (none: never)."""
    found = sorted((str(p).lower() for p in phrases), key=len, reverse=True)
    return re.compile(r"\b(" + "|".join(map(re.escape, found)) + r")\b" if found else r"(?!)")


@record
class Selection:
    """Either one script to start, or a few to choose from, or nothing that fits."""

    script: Script | None = None
    options: list[Script] = field(default_factory=list)


def _closest(scripts: list[Script], minutes: float | None) -> list[Script]:
    if minutes is None:
        return scripts
    return sorted(scripts, key=lambda s: (abs(s.minutes - minutes), s.minutes))


def _narrow(scripts: list[Script], minutes: float | None) -> Selection:
    if not scripts:
        return Selection()
    ranked = _closest(scripts, minutes)
    if len(ranked) == 1 or minutes is not None:
        return Selection(script=ranked[0])
    return Selection(options=ranked[:MAX_CHOICES])


def _by_words(library: ScriptLibrary, words: str) -> list[Script]:
    wanted = " ".join(words.lower().split())
    if not wanted:
        return []
    exact = [
        s for s in library if wanted in {n.lower() for n in (s.title, *s.aliases)} or wanted == s.id
    ]
    if exact:
        return exact
    return [s for s in library if any(wanted in n.lower() for n in (s.title, *s.aliases))]


def select(
    library: ScriptLibrary, resolved: str | None, heard: str | None, minutes: float | None
) -> Selection:
    """What to start for a request such as "a five minute body scan".

    `resolved` is the slot's resolved id (a script id, "kind:breathing" or "tag:bedtime"),
    `heard` the raw words, `minutes` the optional length asked for.
    """
    if resolved:
        if resolved.startswith(KIND_PREFIX):
            return _narrow(library.of_kind(resolved[len(KIND_PREFIX) :]), minutes)
        if resolved.startswith(TAG_PREFIX):
            return _narrow(library.tagged(resolved[len(TAG_PREFIX) :]), minutes)
        script = library.get(resolved)
        if script is not None:
            if minutes is not None:
                return Selection(script=_closest(library.of_kind(script.kind), minutes)[0])
            return Selection(script=script)
    if heard:
        return _narrow(_by_words(library, heard), minutes)
    if minutes is not None:
        return Selection(options=_closest(list(library), minutes)[:MAX_CHOICES])
    return Selection()


def pick_from(options: list[Script], heard: str, words: ChoiceWords) -> Script | None:
    """Which of the offered scripts the listener meant ("the second one", "box breathing")."""
    said = heard.lower().split()
    if said[:1] in (["no"], ["nah"], ["na"], ["nope"]) and said[1:2] in (["not"], ["neither"]):
        said = said[1:]  # "nah, not the stretch, the four counts one": turned down, not picked
    text = " ".join(said)
    if said[:2] in (["not", "that"], ["not", "this"]):
        if words.last & set(said):
            return options[-1] if options else None  # "not that, the other one"
        rest = said[2:]
        while rest and rest[0] in ("one", "ones"):
            rest = rest[1:]
        if rest:  # "not that one, just the box one": what is named after it
            return pick_from(options, " ".join(rest), words)
    if said[:1] in (["not"], ["nothing"], ["neither"]):
        return None  # "not a breathing one", "neither of those": turned down, not picked
    core = words.filler.sub(" ", text)
    core = " ".join(core.split())
    for script in options:  # a name first: "the stretch one", "the three part breath"
        names = [n.lower() for n in (script.title, *script.aliases, *script.describes)]
        if core and any(core in n or n in text for n in names):
            return script
    if words.last & set(said) and options:
        return options[-1]
    index = words.ordinal(text)
    return options[index] if index is not None and index < len(options) else None
