"""An exercise named in what was said: by all of a name's telling words, nearly all of a long
one ("the five senses thing"), or the one telling word of a two-word name ("the square one").
Pure: no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from skill.core.phrasing import Normalise, coverage, refused
from skill.core.script import Script, ScriptLibrary

NAME_FILLERS = frozenset(
    {"the", "a", "an", "my", "one", "exercise", "with", "of", "and", "for", "me", "i"}
)
"""Words that say nothing about which exercise is meant ("the box breathing one")."""
ASKING = frozenset({"please", "thing", "that", "this", "just", "do", "can", "we", "let", "us"})
"""Words around a name said alone ("the square one please")."""

Names = list[tuple[Script, tuple[str, ...]]]


def names_of(library: ScriptLibrary, normalise: Normalise) -> Names:
    """Every name of every script (title, aliases, descriptions), as its telling words."""
    return [
        (script, tuple(w for w in normalise(name).split() if w not in NAME_FILLERS))
        for script in library
        for name in (script.title, *script.aliases, *script.describes)
    ]


def named_in(
    words: Sequence[str],
    names: Iterable[tuple[Script, tuple[str, ...]]],
    library: ScriptLibrary,
    vocabulary: frozenset[str],
    kind_words: frozenset[str],
    partly: bool = True,
) -> Script | None:
    """The exercise the words name: all of a name's telling words, in order, or nearly all of a
    long one ("the five senses thing" names "Five senses grounding"), or the one word of a
    two-word name that is not a kind ("the square one": "square breathing"), when that word
    means nothing else in the vocabulary. With `partly` false, only all of a name will do."""
    said = [w for w in words if w not in NAME_FILLERS]
    if not said:
        return None
    best: tuple[float, int, str] | None = None
    found: Script | None = None
    alone = [w for w in said if w not in ASKING]
    alone_in: set[str] = set()
    down = _turned_down(words)
    for script, telling in names:
        if telling and telling[0] in down:
            continue  # "nothing where i walk around" names no walk
        score = coverage(telling, said, kind_words)
        if score is not None and (partly or score == 1.0):
            key = (score, len(telling), script.id)
            if best is None or key[:2] > best[:2]:
                best, found = key, script
        elif len(alone) == 1 and alone[0] not in vocabulary and len(telling) == 2:
            other = [w for w in telling if w != alone[0]]
            if len(other) == 1 and other[0] in kind_words:
                alone_in.add(script.id)
    if found is None and len(alone_in) == 1:
        found = library.get(alone_in.pop())
    return found


def _turned_down(words: Sequence[str]) -> frozenset[str]:
    """The words said only turned down: a name that starts with one is not asked for."""
    said = frozenset(words)
    asked = {word for at, word in enumerate(words) if not refused(words, at)}
    return said - asked
