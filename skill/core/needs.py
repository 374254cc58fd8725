"""Understanding an everyday request: a need ("I can't sleep"), a description ("the five senses
thing", "something I can do at my desk"), a length ("I only have a minute"), history ("same as
last time") or "surprise me".

The words and what answers them are data (data/<language>/needs.yaml); this module only reads
them and decides. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import field, replace
from functools import cached_property

from skill.core import phrasing
from skill.core.fitting import Described, Length, Place, described, kinds_said, narrowed
from skill.core.naming import Names, named_in, names_of
from skill.core.phrasing import NO_PHRASES, Normalise, Phrases, base_form, minutes_said, refused
from skill.core.referrals import Referral
from skill.core.script import Kind, Script, ScriptLibrary
from skill.core.understood import Need, Understood
from skill.core.wordlists import plain_words
from skill.record import record

MAX_OFFERED = 2

Heard = list[tuple[Need, tuple[int, ...]]]
"""Needs heard in what was said, and where their words are."""


def _asked(phrases: Phrases, words: Sequence[str]) -> bool:
    """Whether one of `phrases` is said and not turned down ("not the wee short one")."""
    found = phrases.found_in(words)
    return found is not None and not refused(words, found[1][0])


def _within(where: tuple[int, ...], places: Sequence[tuple[int, ...]]) -> bool:
    """Whether words at `where` are all inside a longer place phrase."""
    return any(len(at) > len(where) and set(where) <= set(at) for at in places)


@record
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
    numbers: Mapping[str, float] = field(default_factory=dict)
    units: Mapping[str, float] = field(default_factory=dict)
    least_most: float = 0.0
    referrals: tuple[Referral, ...] = ()
    same: Mapping[str, str] = field(default_factory=dict)
    """Words said for others when exercises are named or described ("naming stuff around me"
    is "name things around me")."""
    carriers: Phrases = NO_PHRASES
    """Phrases whose first word only carries the request: "walk" in "walk me through a
    breathing thing" is not read (what follows is: "walk me through my body")."""
    requesting: Phrases = NO_PHRASES
    """How a request for an exercise opens ("something to", "can we do"), said while a
    question is open."""
    asking: frozenset[str] = frozenset()
    """Words that only ask, said around a length alone ("can we do a longer one this time")."""
    _named_in: dict[int, tuple[ScriptLibrary, Names]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def script_ids(self) -> set[str]:
        """Every exercise the file names (a test checks they exist)."""
        found = {script_id for n in self.needs for script_id in n.suits}
        return found | ({self.counted} if self.counted else set())

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Every word of every phrase: what other forms of a word are brought back to."""
        groups: list[Phrases] = [n.words for n in self.needs] + [n.hints for n in self.needs]
        groups += [*self.kinds.values(), self.again, self.surprise, self.counting, self.carriers]
        groups += [length.words for length in self.lengths]
        groups += [place.words for place in self.places]
        groups += [r.words for r in self.referrals] + [
            g for r in self.referrals for g in r.together
        ]
        return frozenset(word for g in groups for phrase in g.items for word in phrase)

    def instead_of(self, offered: Sequence[str]) -> tuple[str, ...]:
        """Everything that suits the need whose offer `offered` was, best first: what "something
        else" may offer next (nothing when no need offers exactly these)."""
        wanted = tuple(offered)
        for need in self.needs:
            if need.answer and need.answer[: len(wanted)] == wanted:
                return need.suits
        return ()

    def turned_down(self, said: str) -> Kind | None:
        """The kind of exercise the words turn down, if any ("not a scan", "not breathing,
        something else")."""
        return kinds_said(self.kinds, self._words(said))[1]

    def asks_for_another(self, said: str, library: ScriptLibrary) -> bool:
        """Whether the words, said while an exercise's question is open, ask for another
        exercise rather than answer it: a length and nothing else ("a longer one this time":
        "a long table" is an answer), or words that open by asking for one (`requesting`: "now
        something to get me ready for bed") and name or describe one ("something soft" is an
        answer)."""
        if not any(  # most answers hold no word of a length or a request: read no further
            w.isdigit() or base_form(w, self.vocabulary) in self._telling
            for w in plain_words(said).split()
        ):
            return False
        words = self._words(said)
        lengthy = all(w in self._length_words or w.isdigit() for w in words)
        if words and lengthy and self._only_a_length(words):
            return True
        found = self.requesting.found_in(words)
        if found is None or found[1][0] > 2:  # "now something to", "okay so can we do"
            return False
        got = self.understand(said, library)
        return bool(got.script or got.need or got.options or got.again)

    def _only_a_length(self, words: Sequence[str]) -> bool:
        """Whether words of lengths and `asking` alone say a length, and no kind or place."""
        asked = self._described(words)
        return (asked.most is not None or asked.longest) and not (asked.kind or asked.place)

    @cached_property
    def _length_words(self) -> frozenset[str]:
        """Every word a length alone may be said in: lengths, numbers, units, `asking`."""
        said = {w for length in self.lengths for phrase in length.words.items for w in phrase}
        return frozenset(said | set(self.asking) | set(self.numbers) | set(self.units))

    @cached_property
    def _telling(self) -> frozenset[str]:
        """Those and `requesting`'s words that say something alone (not "a", "the", "to")."""
        said = {w for phrase in self.requesting.items for w in phrase}
        return frozenset((said | self._length_words) - phrasing.FUNCTION_WORDS)

    def _words(self, said: str) -> list[str]:
        """The words as the phrases are written: normalised, each in its base form, without
        a word that only carries the request ("walk" me through a breathing thing)."""
        words = [base_form(word, self.vocabulary) for word in self.normalise(said).split()]
        while (found := self.carriers.found_in(words)) is not None:
            del words[found[1][0]]
        return words

    def understand(
        self,
        said: str,
        library: ScriptLibrary,
        offered: Sequence[str] = (),
        playing: str | None = None,
    ) -> Understood:
        """What `said` asks for, among the scripts of `library`; `offered` is what was just
        offered, which a length, kind or place said alone narrows ("no, something shorter").
        What fits a description is never the exercise `playing` while others fit too
        ("something quicker", during box breathing, is not box breathing again)."""
        words = self._words(said)
        if not words:
            return Understood()
        kind = kinds_said(self.kinds, words)[0]
        heard = self._needs(words)  # a need said beats a name only nearly said
        named = self._named(words, library, partly=not heard)
        counted = self.counting.found_in(words)  # not turned down anywhere: "i hate counting"
        if counted and not any(
            refused(words, at) for at in range(len(words)) if words[at] == counted[0][0]
        ):
            named = named or (library.get(self.counted) if self.counted else None)
        if named is not None:
            return Understood(script=named)
        referral = next((r.id for r in self.referrals if r.heard(words)), None)
        if referral is not None:  # "i have felt low for weeks": a person, not an exercise
            return Understood(referral=referral)
        for_need = self._for_need(words, heard, library)
        if for_need is not None:  # before history: "i can not drift off again" is about sleep
            return for_need
        asked = self._described(words)
        if self.again.longest_in(words):
            return Understood(again=True, kind=kind, again_as=asked)
        if playing is not None and asked.place is not None:
            offered = ()  # "something for the train", during a scan (or offered back): any
        fitting = self._instead(asked, library, offered) or described(library, asked)
        if fitting is not None:
            fitting = [s for s in fitting if s.id != playing] or fitting
            return replace(Understood.one_or_options(fitting, MAX_OFFERED), kind=kind)
        if _asked(self.surprise, words):  # not "i do not want to answer anything"
            return Understood(surprise=True)
        return Understood(kind=kind)

    def _for_need(
        self, words: Sequence[str], heard: Heard, library: ScriptLibrary
    ) -> Understood | None:
        """The need heard, narrowed by a second need ("tense and anxious": what suits both)
        and by a kind, length or place said with it ("a quick stretch for my stiff neck"). A
        kind asked for that nothing suiting the need is comes first ("some writing to wind
        down before bed" is writing)."""
        if not heard:
            return None
        need = heard[0][0]
        suiting = [s for s in map(library.get, need.suits) if s is not None]
        for other, _ in heard[1:]:
            suiting = [s for s in suiting if s.id in other.suits] or suiting
        used = {at for _, where in heard for at in where}
        rest = [w for at, w in enumerate(words) if at not in used]
        said = self._described(rest)
        if said.kind is not None and all(s.kind is not said.kind for s in suiting):
            asked = described(library, said)  # "a bit of writing before bed": writing
            if asked:
                return Understood.one_or_options(asked, MAX_OFFERED)
        kept = narrowed(suiting, said)
        if not kept or set(need.answer) <= {s.id for s in kept}:
            return Understood(need=need)
        return Understood.one_or_options(kept, MAX_OFFERED)

    def _instead(
        self, said: Described, library: ScriptLibrary, offered: Sequence[str]
    ) -> list[Script] | None:
        """What fits a description said about an offer ("something shorter"), among what suits
        the need that offer answered (or the offer itself); for a place only, the offered ones if
        any fits ("can i do it lying down" is the offered scan). None when nothing fits."""
        if not offered or not said.anything:
            return None
        need = next((n for n in self.needs if n.answer == tuple(offered)), None)
        among = [s for s in map(library.get, need.suits if need else offered) if s is not None]
        found = described(among, said, refusing=True)
        most = said.most
        if (
            found
            and most is not None
            and most <= self.least_most
            and all(s.minutes > most for s in found)
        ):  # "one i can do in a minute"; "a shorter one" is shorter than the offer, of its kind
            wider = described(library, said, refusing=True)
            return [s for s in wider or () if s.minutes <= most] or found
        if said.place is None or most is not None:  # "something shorter" is not the offer
            return found
        return [s for s in found or () if s.id in offered] or found

    def _needs(self, words: Sequence[str]) -> Heard:
        """Every need heard and where, the longest phrase first (on a tie, the need written
        first), then needs only hinted at; a need heard only in the words of one before it is
        not another need, but one heard in the very same words is ("frazzled" is listed under
        calm and overwhelmed: what suits both is kept). Words of a longer place are the place's:
        "flat on my back" is lying down, not low energy and a sore back."""
        places = [f[1] for f in (p.words.found_in(words) for p in self.places) if f]
        found = []
        for order, need in enumerate(self.needs):
            for hint, phrases in enumerate((need.words, need.hints)):
                phrase = phrases.found_in(words)
                if phrase is not None and not _within(phrase[1], places):
                    said = phrases.count_in(words)
                    found.append((hint, -said, -len(phrase[0]), order, need, phrase[1]))
                    break
        if all(f[0] for f in found):
            return []  # hints alone are not a need
        heard: Heard = []
        for *_, need, where in sorted(found, key=lambda f: f[:4]):
            if all(where == before or not set(where) & set(before) for _, before in heard):
                heard.append((need, where))
        return heard

    def _described(self, words: Sequence[str]) -> Described:
        """The kind, length and place said in `words`."""
        length = next((x for x in self.lengths if _asked(x.words, words)), None)
        place = next((x for x in self.places if x.words.longest_in(words)), None)
        minutes = minutes_said(words, self.numbers, self.units)
        if minutes is not None:
            length = Length(length.words if length else NO_PHRASES, max(minutes, self.least_most))
        most = length.most if length is not None else None
        longest = bool(length and length.longest)
        kind, not_kind = kinds_said(self.kinds, words)
        return Described(kind, most, longest, place, not_kind, near=minutes is not None)

    @cached_property
    def _kind_words(self) -> frozenset[str]:
        return frozenset(w for phrases in self.kinds.values() for p in phrases.items for w in p)

    def _named(
        self, words: Sequence[str], library: ScriptLibrary, partly: bool = True
    ) -> Script | None:
        """The exercise the words name (core/naming.py), other words for the same taken as
        one (`same`); `partly`: nearly all of a long name is enough."""
        cached = self._named_in.get(id(library))
        if cached is None or cached[0] is not library:
            names = names_of(library, lambda text: self._same(self.normalise(text).split()))
            cached = self._named_in[id(library)] = (library, names)
        said = self._same(words).split()
        return named_in(said, cached[1], library, self.vocabulary, self._kind_words, partly)

    def _same(self, words: Sequence[str]) -> str:
        return " ".join(self.same.get(word, word) for word in words)
