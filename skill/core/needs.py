"""Understanding an everyday request: a need ("I can't sleep"), a description ("the five senses
thing", "something I can do at my desk"), a length ("I only have a minute"), history ("same as
last time") or "surprise me".

The words and what answers them are data (data/<language>/needs.yaml); this module only reads
them and decides. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from skill.core.phrasing import NO_PHRASES, Normalise, Phrases, base_form, coverage
from skill.core.script import Kind, Script, ScriptLibrary

MAX_OFFERED = 2
NAME_FILLERS = frozenset(
    {"the", "a", "an", "my", "one", "exercise", "with", "of", "and", "for", "me", "i"}
)
"""Words that say nothing about which exercise is meant ("the box breathing one")."""


@dataclass(frozen=True)
class Offered:
    script_id: str
    reason: str = ""
    """Said first: why this one might help."""
    label: str = ""
    """How it is named as the second choice ("grounding with your senses")."""


@dataclass(frozen=True)
class Need:
    id: str
    words: Phrases
    start: str | None = None
    offer: tuple[Offered, ...] = ()


@dataclass(frozen=True)
class Length:
    words: Phrases
    most: float | None = None
    longest: bool = False


@dataclass(frozen=True)
class Place:
    words: Phrases
    tags: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    not_tags: frozenset[str] = frozenset()

    def fits(self, script: Script) -> bool:
        if self.not_tags & script.tags:
            return False
        if not self.tags and not self.kinds:
            return True
        return bool(self.tags & script.tags) or script.kind.value in self.kinds


@dataclass(frozen=True)
class Understood:
    """What a request asks for. At most one of these is set, in this order of precedence."""

    again: bool = False
    kind: Kind | None = None
    """With `again`: the kind said ("the breathing one again"); otherwise the kind asked for."""
    surprise: bool = False
    script: Script | None = None
    """One exercise, named or described, or the only one that fits."""
    need: Need | None = None
    options: tuple[Script, ...] = ()
    """A few that fit what was described."""

    @property
    def anything(self) -> bool:
        return bool(self.again or self.surprise or self.script or self.need or self.options)


def _strings(data: Mapping[str, Any], key: str) -> list[str]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise ValueError(f"needs: {key} must be a list")
    return [str(v) for v in value]


@dataclass(frozen=True)
class Needs:
    """One language's everyday words for what people want (needs.yaml)."""

    normalise: Normalise
    needs: tuple[Need, ...] = ()
    kinds: Mapping[Kind, Phrases] = field(default_factory=dict)
    lengths: tuple[Length, ...] = ()
    places: tuple[Place, ...] = ()
    again: Phrases = NO_PHRASES
    surprise: Phrases = NO_PHRASES
    counting: Phrases = NO_PHRASES
    counted: str | None = None
    _named_in: dict[int, tuple[ScriptLibrary, list[tuple[Script, tuple[str, ...]]]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def from_data(cls, data: Mapping[str, Any], normalise: Normalise) -> Needs:
        def phrases(items: object) -> Phrases:
            return Phrases.of(items if isinstance(items, list) else [], normalise)

        needs = []
        for need_id, raw in (data.get("needs") or {}).items():
            offers = tuple(
                Offered(str(o["id"]), str(o.get("reason", "")), str(o.get("label", "")))
                for o in raw.get("offer") or []
            )
            start = raw.get("start")
            if (start is None) == (not offers):
                raise ValueError(f"needs: {need_id}: give either start or offer")
            needs.append(Need(str(need_id), phrases(raw.get("words")), start, offers))
        lengths = tuple(
            Length(phrases(raw.get("words")), raw.get("most"), bool(raw.get("longest")))
            for raw in (data.get("lengths") or {}).values()
        )
        places = tuple(
            Place(
                phrases(raw.get("words")),
                frozenset(raw.get("tags") or ()),
                frozenset(raw.get("kinds") or ()),
                frozenset(raw.get("not_tags") or ()),
            )
            for raw in (data.get("places") or {}).values()
        )
        return cls(
            normalise,
            tuple(needs),
            {Kind(k): phrases(v) for k, v in (data.get("kinds") or {}).items()},
            lengths,
            places,
            phrases(_strings(data, "again")),
            phrases(_strings(data, "surprise")),
            phrases(_strings(data, "counting")),
            str(data["counted"]) if data.get("counted") else None,
        )

    def script_ids(self) -> set[str]:
        """Every exercise the file names (a test checks they exist)."""
        found = {n.start for n in self.needs if n.start}
        found |= {o.script_id for n in self.needs for o in n.offer}
        return found | ({self.counted} if self.counted else set())

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every word of every phrase: what other forms of a word are brought back to."""
        groups: list[Phrases] = [n.words for n in self.needs]
        groups += [*self.kinds.values(), self.again, self.surprise, self.counting]
        groups += [length.words for length in self.lengths]
        groups += [place.words for place in self.places]
        return frozenset(word for g in groups for phrase in g.items for word in phrase)

    def understand(self, said: str, library: ScriptLibrary) -> Understood:
        """What `said` asks for, among the scripts of `library`."""
        known = self.vocabulary
        words = [base_form(word, known) for word in self.normalise(said).split()]
        if not words:
            return Understood()
        kind = self._kind(words)
        named = self._named(words, library)
        if self.counting.longest_in(words) and self.counted and named is None:
            named = library.get(self.counted)
        if named is not None:
            return Understood(script=named)
        need = self._need(words)
        if need is not None:  # before history: "i can not drift off again" is about sleep
            return Understood(need=need)
        if self.again.longest_in(words):
            return Understood(again=True, kind=kind)
        fitting = self._fitting(words, library, kind)
        if fitting is not None:
            if len(fitting) == 1:
                return Understood(script=fitting[0], kind=kind)
            return Understood(options=tuple(fitting[:MAX_OFFERED]), kind=kind)
        if self.surprise.longest_in(words):
            return Understood(surprise=True)
        return Understood(kind=kind)

    @cached_property
    def _kind_words(self) -> frozenset[str]:
        return frozenset(w for phrases in self.kinds.values() for p in phrases.items for w in p)

    def _kind(self, words: Sequence[str]) -> Kind | None:
        best = max(self.kinds.items(), key=lambda item: item[1].longest_in(words), default=None)
        return best[0] if best is not None and best[1].longest_in(words) else None

    def _need(self, words: Sequence[str]) -> Need | None:
        best, size = None, 0
        for need in self.needs:
            heard = need.words.longest_in(words)
            if heard > size:
                best, size = need, heard
        return best

    def _named(self, words: Sequence[str], library: ScriptLibrary) -> Script | None:
        """The exercise the words name: all of a name's telling words, in order, or nearly all
        of a long one ("the five senses thing" names "Five senses grounding")."""
        said = [w for w in words if w not in NAME_FILLERS]
        if not said:
            return None
        best: tuple[float, int, str] | None = None
        found: Script | None = None
        for script, telling in self._names(library):
            score = coverage(telling, said, self._kind_words)
            if score is not None:
                key = (score, len(telling), script.id)
                if best is None or key[:2] > best[:2]:
                    best, found = key, script
        return found

    def _names(self, library: ScriptLibrary) -> list[tuple[Script, tuple[str, ...]]]:
        """Every name of every script, as its telling words: worked out once per library."""
        cached = self._named_in.get(id(library))
        if cached is None or cached[0] is not library:
            names = [
                (script, tuple(w for w in self.normalise(name).split() if w not in NAME_FILLERS))
                for script in library
                for name in (script.title, *script.aliases, *script.describes)
            ]
            cached = self._named_in[id(library)] = (library, names)
        return cached[1]

    def _fitting(
        self, words: Sequence[str], library: ScriptLibrary, kind: Kind | None
    ) -> list[Script] | None:
        """The scripts that fit a described kind, length and place, shortest first; None when
        nothing was described."""
        length = next((x for x in self.lengths if x.words.longest_in(words)), None)
        place = next((x for x in self.places if x.words.longest_in(words)), None)
        if kind is None and length is None and place is None:
            return None
        scripts = [s for s in library if kind is None or s.kind is kind]
        if place is not None:
            scripts = [s for s in scripts if place.fits(s)]
        if length is not None and length.longest and scripts:
            return [max(scripts, key=lambda s: (s.minutes, s.id))]
        if length is not None and length.most is not None:
            short = [s for s in scripts if s.minutes <= length.most]
            scripts = short or sorted(scripts, key=lambda s: s.minutes)[:1]
        return sorted(scripts, key=lambda s: (s.minutes, s.id)) or None
