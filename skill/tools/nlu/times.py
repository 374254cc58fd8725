"""AMAZON.TIME slots as Alexa fills them: "21:00", "09:30", or a part of the day ("MO", "NI").

A time of day is 24-hour "HH:MM": "9 pm", "9pm", "9 p.m.", "nine pm" and "nine o'clock at night"
are "21:00"; "21:00", "9:30", "nine thirty", "half past nine", "quarter to eight" are as said;
"noon" is "12:00" and "midnight" "00:00". A part of the day said alone is Alexa's code for it:
"morning" or "in the morning" is MO, "afternoon" AF, "in the evening" EV, "tonight" or "at night"
NI. The English words are data: the ``times`` table of skill/data/en/typed.yaml.

An hour said without am, pm or a part of the day is given as said, in 24-hour time: "nine" is
"09:00" and "twenty one" "21:00". Alexa leaves that ambiguity to the skill (it can't know whether
"nine" means the morning or the evening) and returns such an hour as heard, so the matcher does
too; the skill decides, or asks. "quarter to one" is "12:45", read on the 12-hour clock people
speak.

Words shaped like a time that are no time ("twenty five o'clock", "13 pm", "nine seventy") give
None, and the matcher does not match a sample on them. An hour is 0 to 23, or 1 to 12 before am,
pm or a part of the day; minutes are 0 to 59; "past" takes 1 to 30 minutes and "to" 1 to 29.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from skill.core.wordlists import alternation, word_list, word_table
from skill.record import record
from skill.tools.nlu.words import TYPED_FILE, normalise, number_value, typed_data, typed_words

TIME_TYPE = "AMAZON.TIME"
MORNING, AFTERNOON, EVENING, NIGHT = "MO", "AF", "EV", "NI"
_SOURCE = f"{TYPED_FILE}: times"
_CLOCK = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")
_AFTER_DIGIT = r"(?:(?<=[0-9])\s*|\s+)"
"""Between an hour in digits and "pm" no space is needed ("9pm"); between words, one is."""


def _group(name: str, body: str, named: bool) -> str:
    return f"(?P<{name}>{body})" if named else f"(?:{body})"


def _minutes_table(data: Mapping[str, Any]) -> dict[str, int]:
    value = data.get("fractions")
    if not isinstance(value, Mapping) or not all(isinstance(n, int) for n in value.values()):
        raise ValueError(f"{_SOURCE}: fractions must map words to numbers of minutes")
    return {normalise(str(k)): int(v) for k, v in value.items()}


def _key(text: str) -> str:
    return " ".join(text.split())


@record
class TimeWords:
    """The ``times`` table of typed.yaml, and the regular expressions built from it."""

    named: Mapping[str, str]
    """Words that are one time ("noon" -> "12:00")."""
    periods: Mapping[str, str]
    """Parts of the day -> Alexa's code ("in the evening" -> "EV")."""
    oh: frozenset[str]
    """Words said before the minutes from 1 to 9 ("oh" in "nine oh five")."""
    fractions: Mapping[str, int]
    """Minutes said as a word before "past" or "to" ("quarter" -> 15)."""
    pattern: str
    """Regex for a time inside a sample (no groups of its own)."""
    parser: re.Pattern[str]
    """The same regex, with named groups, for reading one time."""

    @classmethod
    def from_data(cls, data: object) -> TimeWords:
        """Build from typed.yaml's ``times`` table; raises ValueError on one it can't read."""
        if not isinstance(data, Mapping):
            raise ValueError(f"{_SOURCE}: expected a mapping of tables")
        named = {_key(k): v for k, v in word_table(data, "named", _SOURCE).items()}
        if not all(_CLOCK.fullmatch(value) for value in named.values()):
            raise ValueError(f"{_SOURCE}: named times must be HH:MM, 00:00 to 23:59")
        periods = {_key(k): v.upper() for k, v in word_table(data, "periods", _SOURCE).items()}
        if not set(periods.values()) <= {MORNING, AFTERNOON, EVENING, NIGHT}:
            raise ValueError(f"{_SOURCE}: periods must be one of MO, AF, EV, NI")
        keys = ("am", "pm", "oclock", "oh", "past", "to")
        lists = {key: word_list(data, key, _SOURCE) for key in keys}
        fractions = _minutes_table(data)
        table = typed_words()
        ones = alternation(word for word, n in table.units.items() if 1 <= n <= 9)
        teens = alternation(word for word, n in table.units.items() if 10 <= n <= 19)
        tens = alternation(table.tens)

        def grammar(named_groups: bool) -> str:
            def group(name: str, body: str) -> str:
                return _group(name, body, named_groups)

            number = table.number_pattern
            minutes = (
                rf"[0-9]{{2}}|(?:{alternation(lists['oh'])})\s+(?:{ones})"
                rf"|(?:{tens})(?:\s+(?:{ones}))?|(?:{teens})"
            )
            clock = (
                rf"{group('hour', number)}"
                rf"(?:\s+{group('minutes', minutes)}|\s+(?:{alternation(lists['oclock'])}))?"
            )
            relative = (
                rf"{group('before', f'{alternation(fractions)}|{number}')}\s+"
                rf"(?:{group('past', alternation(lists['past']))}"
                rf"|{group('to', alternation(lists['to']))})"
                rf"\s+{group('of', number)}(?:\s+(?:{alternation(lists['oclock'])}))?"
            )
            suffix = (
                rf"{_AFTER_DIGIT}{group('am', alternation(lists['am']))}"
                rf"|{_AFTER_DIGIT}{group('pm', alternation(lists['pm']))}"
                rf"|\s+{group('part', alternation(periods))}"
            )
            return (
                rf"{group('named', alternation(named))}|{group('period', alternation(periods))}"
                rf"|(?:{clock}|{relative})(?:{suffix})?"
            )

        return cls(
            named=named,
            periods=periods,
            oh=frozenset(map(_key, lists["oh"])),
            fractions=fractions,
            pattern=grammar(named_groups=False),
            parser=re.compile(grammar(named_groups=True)),
        )


@cache
def time_words() -> TimeWords:
    """English's times of day, read once."""
    return TimeWords.from_data(typed_data().get("times"))


def _number(text: str) -> int | None:
    value = number_value(text)
    return None if value is None else int(value)


def _minutes(text: str, oh: frozenset[str]) -> int | None:
    first, _, rest = text.partition(" ")
    return _number(rest) if first in oh else _number(text)


def _in_half(hour: int, half: str) -> int:
    """An hour from 1 to 12 in 24-hour time, said before am, pm or a part of the day."""
    if half in ("am", MORNING):
        return hour % 12
    if half == NIGHT:  # "nine at night" is 21:00; "twelve at night" 00:00; "two at night" 02:00
        return 0 if hour == 12 else hour + 12 if hour >= 6 else hour
    return hour % 12 + 12  # pm, afternoon, evening


def time_value(text: str) -> str | None:
    """The AMAZON.TIME value for these words ("21:00", "09:30", "NI"), or None if no time."""
    words = time_words()
    found = words.parser.fullmatch(normalise(text))
    if found is None:
        return None
    if found["named"]:
        return words.named[_key(found["named"])]
    if found["period"]:
        return words.periods[_key(found["period"])]
    said = _number(found["hour"] or found["of"])
    if found["hour"]:
        minutes = _minutes(found["minutes"], words.oh) if found["minutes"] else 0
    else:
        before = _key(found["before"])
        minutes = words.fractions.get(before, _number(before))
    if said is None or minutes is None or not 0 <= said <= 23 or not 0 <= minutes <= 59:
        return None
    hour = said
    if found["past"] and not 1 <= minutes <= 30:
        return None
    if found["to"]:
        if not 1 <= minutes <= 29:
            return None
        # The hour before, on the clock people speak: "quarter to one" is twelve forty-five.
        hour, minutes = (12 if said == 1 else (said - 1) % 24), 60 - minutes
    half = "am" if found["am"] else "pm" if found["pm"] else None
    if found["part"]:
        half = words.periods[_key(found["part"])]
    if half is not None:
        if not 1 <= said <= 12:
            return None
        hour = _in_half(hour, half)
    return f"{hour:02d}:{minutes:02d}"
