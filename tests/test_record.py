"""`@record` behaves as `@dataclass(frozen=True)` does, and `@mutable_record` as `@dataclass`,
for every use the skill makes of one.

Each test builds the same class body twice, once with each decorator, and compares what a
caller sees: construction, defaults, equality, hashing, repr, immutability, `replace`, `fields`,
`asdict`, copies, pickles and inheritance.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import pickle
from collections.abc import Callable
from dataclasses import FrozenInstanceError, dataclass, field
from functools import cached_property
from typing import Any

import pytest

from skill.record import mutable_record, record

FROZEN: Callable[[type], type] = dataclass(frozen=True)
BOTH = pytest.mark.parametrize("make", [FROZEN, record], ids=["dataclass", "record"])
MUTABLE = pytest.mark.parametrize(
    "make", [dataclass, mutable_record], ids=["dataclass", "mutable_record"]
)


def shapes(make: Callable[[type], Any]) -> dict[str, Any]:
    """The shapes of class the skill uses, made with `make`."""

    class Point:
        x: int
        y: int = 0
        tags: tuple[str, ...] = ()
        seen: list[int] = field(default_factory=list, hash=False)
        secret: str | None = field(default=None, repr=False)
        memo: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

        @cached_property
        def length(self) -> int:
            return abs(self.x) + abs(self.y)

    class Checked:
        text: str

        def __post_init__(self) -> None:
            if not self.text:
                raise ValueError("empty")
            object.__setattr__(self, "text", self.text.strip())

    class Own:
        value: int
        other: int = 0

        def __eq__(self, other: object) -> bool:
            return isinstance(other, type(self)) and self.value == other.value

    class Empty:
        pass

    return {
        "Point": make(Point),
        "Checked": make(Checked),
        "Own": make(Own),
        "Empty": make(Empty),
    }


@BOTH
def test_construction_defaults_and_factories(make: Callable[[type], Any]) -> None:
    point = shapes(make)["Point"]
    first, second = point(1), point(x=1)
    assert (first.x, first.y, first.tags, first.seen, first.secret) == (1, 0, (), [], None)
    assert first.seen is not second.seen  # a factory runs for every instance
    given: list[int] = [5]
    assert point(1, 2, ("a",), given).seen is given
    with pytest.raises(TypeError):
        point()
    with pytest.raises(TypeError):
        point(1, 2, 3, 4, 5, 6, 7)
    with pytest.raises(TypeError):
        point(1, z=3)
    assert list(inspect.signature(point).parameters) == ["x", "y", "tags", "seen", "secret", "memo"]


@BOTH
def test_frozen(make: Callable[[type], Any]) -> None:
    point = shapes(make)["Point"](1)
    with pytest.raises(FrozenInstanceError):
        point.x = 2
    with pytest.raises(FrozenInstanceError):
        del point.x
    with pytest.raises(FrozenInstanceError):
        point.new = 1
    assert point.x == 1
    assert point.length == 1  # a cached property still works


@BOTH
def test_equality_hash_and_repr(make: Callable[[type], Any]) -> None:
    found = shapes(make)
    point = found["Point"]
    assert point(1, 2) == point(1, 2)
    assert point(1, 2) != point(2, 1)
    assert point(1, memo={"a": "b"}) == point(1)  # compare=False
    assert hash(point(1, 2)) == hash(point(1, 2))
    assert len({point(1, 2), point(1, 2), point(3)}) == 2
    assert point(1, 2) != found["Own"](1, 2)
    assert point(1, 2).__eq__((1, 2)) is NotImplemented
    assert repr(point(1, 2, ("a",))).endswith("Point(x=1, y=2, tags=('a',), seen=[])")
    assert "secret" not in repr(point(1, secret="s"))
    assert repr(found["Empty"]()).endswith("Empty()")


@BOTH
def test_own_methods_are_kept(make: Callable[[type], Any]) -> None:
    own = shapes(make)["Own"]
    assert own(1, 2) == own(1, 3)  # the class's own __eq__
    assert hash(own(1, 2)) == hash(own(1, 2))  # and a hash of the fields, as dataclasses add
    assert hash(own(1, 2)) != hash(own(1, 3))  # the hash is of every field, not the class's eq


@BOTH
def test_post_init(make: Callable[[type], Any]) -> None:
    checked = shapes(make)["Checked"]
    assert checked("  word ").text == "word"
    with pytest.raises(ValueError, match="empty"):
        checked("")


@BOTH
def test_the_dataclass_functions(make: Callable[[type], Any]) -> None:
    point = shapes(make)["Point"]
    made = point(1, 2, seen=[3])
    assert dataclasses.is_dataclass(made)
    assert [item.name for item in dataclasses.fields(made)][:3] == ["x", "y", "tags"]
    moved = dataclasses.replace(made, y=5)
    assert (moved.x, moved.y, moved.seen) == (1, 5, [3])
    assert dataclasses.asdict(made) == {
        "x": 1,
        "y": 2,
        "tags": (),
        "seen": [3],
        "secret": None,
        "memo": {},
    }
    assert dataclasses.astuple(made)[:2] == (1, 2)


@BOTH
def test_copies(make: Callable[[type], Any]) -> None:
    point = shapes(make)["Point"]
    made = point(1, 2, seen=[3])
    assert copy.copy(made) == made
    deep = copy.deepcopy(made)
    assert deep == made and deep.seen is not made.seen


@dataclass(frozen=True)
class _PickledDataclass:
    number: int
    name: str


@record
class _PickledRecord:
    number: int
    name: str


@pytest.mark.parametrize("kind", [_PickledDataclass, _PickledRecord])
def test_pickles(kind: Any) -> None:
    made = kind(1, "a")
    again = pickle.loads(pickle.dumps(made))
    assert again == made and again is not made


@BOTH
def test_inheritance(make: Callable[[type], Any]) -> None:
    base = shapes(make)["Point"]

    class Named(base):  # type: ignore[misc,valid-type]
        name: str = "p"

    named = make(Named)
    made = named(1, name="q")
    assert (made.x, made.name) == (1, "q")
    assert made != base(1)
    assert named(1) == named(1)
    with pytest.raises(FrozenInstanceError):
        made.name = "r"


@BOTH
def test_a_class_with_slots(make: Callable[[type], Any]) -> None:
    """A frozen record writes its fields into the instance's __dict__; a class with __slots__
    (no __dict__) is built the way a dataclass is."""

    class Slotted:
        __slots__ = ("x", "y")
        x: int
        y: str

    slotted = make(Slotted)
    made = slotted(1, "a")
    assert (made.x, made.y) == (1, "a")
    assert not hasattr(made, "__dict__")
    assert made == slotted(1, "a") and hash(made) == hash(slotted(1, "a"))
    with pytest.raises(FrozenInstanceError):
        made.x = 2


def test_what_a_record_refuses() -> None:
    class Ordered:
        a: int = 1
        b: int

    with pytest.raises(TypeError):
        record(Ordered)

    class Settable:
        a: int

        def __setattr__(self, name: str, value: object) -> None:
            object.__setattr__(self, name, value)

    with pytest.raises(TypeError, match="__setattr__"):
        record(Settable)


@MUTABLE
def test_a_mutable_record(make: Callable[[type], Any]) -> None:
    found = shapes(make)
    point = found["Point"]
    made = point(1, tags=("a",))
    assert (made.x, made.y, made.seen) == (1, 0, [])
    assert point(1).seen is not point(1).seen
    made.y = 7  # fields may be assigned
    assert made.y == 7 and made == point(1, 7, ("a",))
    assert made != point(1, 8, ("a",))
    with pytest.raises(TypeError):
        hash(made)  # eq without frozen: unhashable, as a dataclass is
    assert repr(made).endswith("Point(x=1, y=7, tags=('a',), seen=[])")
    assert dataclasses.replace(made, x=2).x == 2
    assert found["Checked"](" w ").text == "w"
    own = found["Own"]
    assert own(1, 2) == own(1, 3)
    with pytest.raises(TypeError):
        hash(own(1, 2))
