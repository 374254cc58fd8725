"""Sentences the interaction model may take apart, put back together for the crisis check.

A sample's own words never reach the skill, only its slots: "{exercise} for {person}" takes
"i'm ready to check out for good" as the exercise "i'm ready to check out" and the person "good",
and "my son has a knife for whittling" as "my son has a knife" and "whittling"; "i want
{exercise}" takes "i want out of everything" as "out of everything". The pieces say less than
the whole, or something else. So when the filled slots are exactly those of a listed template,
the check hears the sentence rebuilt from it too (`Rejoiner.texts` says when it replaces the
pieces). Only samples whose words can change what the rest means are listed. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import field
from typing import Any

from skill.core.safety.patterns import PatternError
from skill.record import record

_SLOT = re.compile(r"\{(\w+)\}")


def _slot_names(template: str) -> tuple[str, ...]:
    return tuple(_SLOT.findall(template))


@record
class Rejoiner:
    """By intent, samples whose own words the check should hear with the slots ("{exercise}
    for {person}", "i want {exercise}")."""

    templates: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_data(cls, data: Any) -> Rejoiner:
        """From the `rejoined` mapping (intent -> templates); raises PatternError."""
        if not isinstance(data, Mapping):
            raise PatternError("rejoined: expected a mapping of intent name -> templates")
        found: dict[str, tuple[str, ...]] = {}
        for intent, templates in data.items():
            if not isinstance(templates, list) or not all(isinstance(t, str) for t in templates):
                raise PatternError(f"rejoined: {intent}: expected a list of templates")
            for template in templates:
                if not _slot_names(template) or not _SLOT.sub("", template).strip():
                    raise PatternError(
                        f"rejoined: {intent}: {template!r} needs a slot and words of its own"
                    )
            found[str(intent)] = tuple(templates)
        return cls(found)

    def to_json(self) -> dict[str, list[str]]:
        return {intent: list(templates) for intent, templates in self.templates.items()}

    def texts(
        self, intent: str | None, slots: Mapping[str, str], listed: Collection[str] = ()
    ) -> list[str]:
        """What the check hears of a request's slot values: each value as it came and, when the
        filled slots are exactly those of a template, the sentence rebuilt from it. A template
        of two or more slots holds every word of its pieces, in order, so its sentence replaces
        them: they are fragments the model cut, not what was said ("my son has a knife" is not
        "my son has a knife for whittling"). A one-slot template's words are a guess at the
        sample that matched ("i want" for "do"), so its sentence is heard beside the piece, unless
        the value is one the model lists (`listed`: slots resolved to a value, "box breathing"):
        a name no carrier turns into a statement."""
        filled = {name: value for name, value in slots.items() if value}
        guessing = len(filled) == 1
        rebuilt = [
            _SLOT.sub(lambda found: filled[found.group(1)], template)
            for template in self.templates.get(intent or "", ())
            if set(_slot_names(template)) == set(filled)
            and not (guessing and set(filled) <= set(listed))
        ]
        if rebuilt and len(filled) > 1:
            return rebuilt
        return [*filled.values(), *rebuilt]
