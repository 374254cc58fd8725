"""`@record`: a frozen dataclass that is four times cheaper to create (`@mutable_record`: a
plain one).

`@dataclass(frozen=True)` writes out and compiles six methods for every class it makes
(`__init__`, `__repr__`, `__eq__`, `__hash__`, `__setattr__`, `__delattr__`): about 0.4 ms a class
on Python 3.11 here. A Lambda instance creates 67 such classes before its first answer, which was
a quarter of its cold start (docs/benchmarks.md). `@record` compiles `__init__` only, since its
parameters differ from class to class; the other five are shared functions that read the class's
field names, kept on it once.

What it makes is a dataclass to everything that reads one (`dataclasses.fields`, `replace`,
`asdict`, `is_dataclass`; mypy, through `dataclass_transform`) and behaves as a frozen one:
`__init__` takes the fields in order, with their defaults and default factories, and calls
`__post_init__` if the class has one; assigning or deleting any attribute raises
`FrozenInstanceError`; two records are equal when they are of the same class and their compared
fields are equal, and hash alike; `repr` shows the fields that have one. A class's own `__repr__`,
`__eq__` or `__hash__` is kept. Not supported (never used here): `InitVar`, keyword-only fields,
and non-record subclasses that add attributes of their own. `@mutable_record` is the same for
`@dataclass`: fields may be assigned, `__init__` assigns them as a plain dataclass's does, and
instances are unhashable unless the class says how. `tests/test_record.py` holds them to
`@dataclass(frozen=True)` and `@dataclass`.
"""

from __future__ import annotations

import dataclasses
import reprlib
from dataclasses import MISSING, Field, FrozenInstanceError
from typing import Any, TypeVar, dataclass_transform

C = TypeVar("C", bound=type)

_FIELDS = "__record_fields__"
"""The class attribute holding (shown in repr, compared, hashed) field names."""


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, Field))
def record(cls: C) -> C:
    """Make `cls` a frozen dataclass (see the module's docstring)."""
    return _make(cls, frozen=True)


@dataclass_transform(field_specifiers=(dataclasses.field, Field))
def mutable_record(cls: C) -> C:
    """Make `cls` a dataclass whose fields may be assigned (see the module's docstring)."""
    return _make(cls, frozen=False)


def _make(cls: C, frozen: bool) -> C:
    own = dict(cls.__dict__)
    if frozen and ("__setattr__" in own or "__delattr__" in own):
        raise TypeError(f"{cls.__qualname__}: a record cannot define __setattr__ or __delattr__")
    made: Any = dataclasses.dataclass(cls, init=False, repr=False, eq=False)
    fields = dataclasses.fields(made)
    if any(field.kw_only is True for field in fields):
        raise TypeError(f"{cls.__qualname__}: a record has no keyword-only fields")
    setattr(
        made,
        _FIELDS,
        (
            tuple(field.name for field in fields if field.repr),
            tuple(field.name for field in fields if field.compare),
            tuple(
                field.name
                for field in fields
                if (field.compare if field.hash is None else field.hash)
            ),
        ),
    )
    made.__init__ = _init(made, fields, frozen)
    if frozen:
        made.__setattr__ = _refuse_set
        made.__delattr__ = _refuse_delete
    if "__repr__" not in own:
        made.__repr__ = _repr
    if "__eq__" not in own:
        made.__eq__ = _eq
    explicit_hash = "__hash__" in own and not (own["__hash__"] is None and "__eq__" in own)
    if not explicit_hash:
        made.__hash__ = _hash if frozen else None
    return cls  # the same class: a dataclass without slots is changed in place


def _init(cls: type, fields: tuple[Field[Any], ...], frozen: bool) -> Any:
    """Compile the class's `__init__`: each field set once, as a dataclass's is (a frozen one's
    past its own `__setattr__`)."""
    space: dict[str, Any] = {"_set": object.__setattr__, "_MISSING": MISSING}
    parameters: list[str] = []
    # A frozen record's fields go straight into its __dict__ (what object.__setattr__ would
    # do, a third faster); a class with __slots__ has no __dict__ to write to.
    direct = frozen and not any("__slots__" in vars(k) for k in cls.__mro__[:-1])
    body: list[str] = ["_d = self.__dict__"] if direct and fields else []
    for number, field in enumerate(fields):
        name, default, factory = field.name, f"_default{number}", f"_factory{number}"
        if field.default is not MISSING:
            space[default] = field.default
            parameter, given, unset = f"{name}={default}", name, default
        elif field.default_factory is not MISSING:
            space[factory] = field.default_factory
            parameter, unset = f"{name}=_MISSING", f"{factory}()"
            given = f"{unset} if {name} is _MISSING else {name}"
        else:
            parameter, given, unset = name, name, ""
        value = given if field.init else unset  # not a parameter: from its default
        if field.init:
            parameters.append(parameter)
        if value:
            if direct:
                body.append(f"_d[{name!r}] = {value}")
            elif frozen:
                body.append(f"_set(self, {name!r}, {value})")
            else:
                body.append(f"self.{name} = {value}")
    if hasattr(cls, "__post_init__"):
        body.append("self.__post_init__()")
    source = f"def __init__(self, {', '.join(parameters)}):\n    " + ("\n    ".join(body) or "pass")
    try:
        exec(source, space)  # the text is made above from field names only
    except SyntaxError as exc:  # a field without a default after one with
        raise TypeError(f"{cls.__qualname__}: {exc.msg}") from None
    init = space["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    return init


def _refuse_set(self: object, name: str, value: object) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _refuse_delete(self: object, name: str) -> None:
    raise FrozenInstanceError(f"cannot delete field {name!r}")


@reprlib.recursive_repr()
def _repr(self: object) -> str:
    shown = getattr(type(self), _FIELDS)[0]
    inside = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
    return f"{type(self).__qualname__}({inside})"


def _eq(self: object, other: object) -> Any:
    if other.__class__ is not self.__class__:
        return NotImplemented
    compared = getattr(type(self), _FIELDS)[1]
    mine = tuple(getattr(self, name) for name in compared)
    return mine == tuple(getattr(other, name) for name in compared)


def _hash(self: object) -> int:
    return hash(tuple(getattr(self, name) for name in getattr(type(self), _FIELDS)[2]))
