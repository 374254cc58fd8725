"""Segments already worked out, kept for the next listener at the same place.

A segment depends only on the script, where it starts, the listener's preferences, the budget
and the opening words, and working it out (timing every breath, measuring the SSML as it grows)
is most of what starting an exercise costs. Many listeners start the same exercise with the
usual preferences, so a few hundred recent segments are kept. Each caller gets its own copy of
the timeline, so nothing one request adds to it reaches another.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

KEPT = 512
"""Segments kept; the least recently used goes first."""

Segment = TypeVar("Segment")


class SegmentMemo(Generic[Segment]):
    """Recently built segments, by the objects and values they were built from. `copy` gives
    each caller a segment of its own."""

    def __init__(self, copy: Callable[[Segment], Segment], size: int = KEPT) -> None:
        self._copy = copy
        self._size = size
        self._kept: OrderedDict[Hashable, tuple[tuple[object, ...], Segment]] = OrderedDict()
        self._lock = threading.Lock()

    def get(
        self,
        owners: tuple[object, ...],
        values: Hashable,
        build: Callable[[], Segment],
    ) -> Segment:
        """The segment built from `owners` (compared by identity: a script, a budget) and
        `values` (compared by value), built now if it is not kept."""
        key = (tuple(id(owner) for owner in owners), values)
        with self._lock:
            found = self._kept.get(key)
            if found is not None and all(a is b for a, b in zip(found[0], owners, strict=True)):
                self._kept.move_to_end(key)
                return self._copy(found[1])
        segment = build()
        with self._lock:
            # The owners are kept with the segment, so their ids cannot be reused meanwhile.
            self._kept[key] = (owners, self._copy(segment))
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)
        return segment
