"""Three-way merge of stored documents, for a save that lost a race.

When two requests for one account overlap (two devices, two server processes), the later save
finds the document changed since it was read. Rather than lose either update, what this turn
changed is laid over what the other writer left, key by key, as deep as both are dicts.
"""

from __future__ import annotations

from typing import Any

_MISSING: Any = object()


def merge(base: Any, ours: Any, theirs: Any) -> Any:
    """`theirs` with every change from `base` to `ours` applied; where both changed one
    value, ours wins (it is the turn being answered now)."""
    if isinstance(base, dict) and isinstance(ours, dict) and isinstance(theirs, dict):
        merged: dict[str, Any] = {}
        for key in list(theirs) + [k for k in ours if k not in theirs]:
            was = base.get(key, _MISSING)
            mine = ours.get(key, _MISSING)
            other = theirs.get(key, _MISSING)
            if mine is _MISSING:
                if was is _MISSING:
                    merged[key] = other  # theirs alone added it
                continue  # we removed it (or neither has it)
            if other is _MISSING:
                if was is _MISSING or mine != was:
                    merged[key] = mine  # we added or changed it; they had removed it
                continue
            merged[key] = merge(was, mine, other) if was is not _MISSING else mine
        return merged
    return ours if ours != base else theirs
