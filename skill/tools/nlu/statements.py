"""Crisis statements: how they are compared (statement_key), and finding one as a clause."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from skill.content.crisis_check import normaliser
from skill.content.files import data_file
from skill.content.snapshot import remembered, sources
from skill.record import record
from skill.tools.nlu.slots import SlotType, Value
from skill.tools.nlu.words import TYPED_FILE, is_number, spoken, typed_words

_MIN_CLAUSE_WORDS = 2


def statement_key(text: str) -> tuple[str, ...]:
    """The words of a crisis statement as they are compared: written out in full by the crisis
    check's own normaliser (words.yaml), fillers left out, every number alike ("I'm REALLY going
    to take 30 pills" and "i am going to take fifty pills" are the same)."""
    fillers = typed_words().statement_fillers
    words = normaliser("en").normalise(spoken(text)).split()
    return tuple("#" if is_number(word) else word for word in words if word not in fillers)


def statement_keys(texts: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """`statement_key` of many texts (the model's thousands of crisis spellings), kept between
    processes (content/snapshot.py): working them out is most of what loading a model costs."""
    texts = sorted(set(texts))
    inputs = (
        *sources("skill.tools.nlu.statements", "skill.tools.nlu.words"),
        data_file("words.yaml", "en").read_bytes(),
        data_file(TYPED_FILE, "en").read_bytes(),
        "\n".join(texts).encode(),
    )
    found: dict[str, list[str]] = remembered(
        "statement-keys", inputs, lambda: {text: list(statement_key(text)) for text in texts}
    )
    return {text: tuple(found[text]) for text in texts}


@record
class Statements:
    """The listed crisis statements: loose resolution, and finding them inside longer words."""

    type_name: str
    """CrisisIntent's statement slot type."""
    keyed: Mapping[tuple[str, ...], Value]
    """Every listed spelling by its statement_key."""
    clauses: Mapping[str, tuple[tuple[tuple[str, ...], Value | None], ...]]
    """Listed statements that may be found inside longer words, by their first word."""

    @classmethod
    def build(cls, slot_type: SlotType, literal: Iterable[str]) -> Statements:
        """From the statement slot type's values and CrisisIntent's samples without a slot."""
        subjects = typed_words().clause_subjects
        literal = list(literal)
        keys = statement_keys([*slot_type.exact, *literal])
        keyed: dict[tuple[str, ...], Value] = {}
        clauses: dict[str, list[tuple[tuple[str, ...], Value | None]]] = {}
        found: list[tuple[tuple[str, ...], Value | None]] = []
        for spelling, value in slot_type.exact.items():
            key = keys[spelling]
            if key:
                keyed.setdefault(key, value)
                found.append((key, value))
        found.extend((keys[text], None) for text in literal)
        for key, listed in found:
            if len(key) >= _MIN_CLAUSE_WORDS and key[0] in subjects:
                clauses.setdefault(key[0], []).append((key, listed))
        return cls(slot_type.name, keyed, {word: tuple(items) for word, items in clauses.items()})

    def resolve(self, text: str) -> Value | None:
        """The listed statement these words loosely are, if any."""
        key = statement_key(text)
        return self.keyed.get(key) if key else None

    def holds_clause(self, text: str) -> bool:
        """Whether the words hold a listed statement as a whole clause."""
        breaks = typed_words().clause_breaks
        key = statement_key(text)
        for start, word in enumerate(key):
            for clause, _ in self.clauses.get(word, ()):
                end = start + len(clause)
                if key[start:end] == clause and (end == len(key) or key[end] in breaks):
                    return True
        return False
