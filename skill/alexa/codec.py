"""Reading request envelopes into ask-sdk-model objects and writing responses back, fast.

The SDK's `DefaultSerializer` works out every field's type from its type string on every request:
it imports the module a class name names, matches `list[...]` with a regular expression, and
parses the timestamp with dateutil. That was about half of a hello-world skill's request. The
`Codec` here reads the same type strings once per class and keeps what it learnt as a plan, so a
request is only the walk itself. It gives the same objects and the same dictionaries the SDK
would, and fails on the same malformed data (tests/test_codec.py compares the two): fields the
model does not list are kept as attributes, a discriminator picks the subclass, values are cast
the same way, and an Alexa timestamp ("2026-11-30T03:36:31Z", with or without fractions) is read
by the standard library, any other text by dateutil as before. Unlike the SDK's, its errors
never quote what was sent: a slot value is someone's words (safety.md P2).
"""

from __future__ import annotations

import decimal
import importlib
import json
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any

from ask_sdk_core.exceptions import SerializationException
from ask_sdk_model.services import Serializer

Reader = Callable[[Any], Any]
"""Turns one JSON value into the value of a field (None stays None)."""

_PRIMITIVES = (float, bool, bytes, str, int)
_NATIVE: dict[str, type] = {
    "int": int,
    "long": int,
    "float": float,
    "str": str,
    "bool": bool,
    "date": date,
    "datetime": datetime,
    "object": object,
}
_LIST = re.compile(r"list\[(.*)\]")
_DICT = re.compile(r"dict\(([^,]*), (.*)\)")
_ALEXA_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z")


class Codec(Serializer):
    """A `Serializer` for ask-sdk-model objects whose per-type work is done once."""

    def __init__(self) -> None:
        self._readers: dict[object, Reader] = {}
        self._fields: dict[type, tuple[tuple[tuple[str, str], ...], frozenset[str]]] = {}

    def deserialize(self, payload: str | None, obj_type: object) -> Any:
        if payload is None:
            return None
        try:
            data = json.loads(payload)
        except Exception as exc:
            raise SerializationException("the body is not JSON") from exc  # never the words
        return self.read(data, obj_type)

    def read(self, data: Any, obj_type: object) -> Any:
        """JSON data (already parsed) as an object of `obj_type`, a class or a type string."""
        return None if data is None else self._reader(obj_type)(data)

    def serialize(self, obj: Any) -> Any:
        if obj is None or isinstance(obj, _PRIMITIVES):
            return obj
        if isinstance(obj, list):
            return [self.serialize(item) for item in obj]
        if isinstance(obj, dict):
            return {key: self.serialize(value) for key, value in obj.items()}
        if isinstance(obj, Enum):
            return obj.value
        if isinstance(obj, tuple):
            return tuple(self.serialize(item) for item in obj)
        if isinstance(obj, (datetime, date)):
            return obj.isoformat()
        if isinstance(obj, decimal.Decimal):
            return int(obj) if obj % 1 == 0 else float(obj)
        out = {}
        for attr, key in self._fields_of(type(obj))[0]:
            value = getattr(obj, attr)
            if value is not None:
                out[key] = self.serialize(value)
        return out

    def _fields_of(self, cls: type) -> tuple[tuple[tuple[str, str], ...], frozenset[str]]:
        """A model class's (attribute, JSON key) pairs, and its JSON keys."""
        known = self._fields.get(cls)
        if known is None:
            names: dict[str, str] = getattr(cls, "attribute_map", {})
            types: dict[str, str] = cls.deserialized_types  # type: ignore[attr-defined]
            pairs = tuple((attr, names.get(attr, attr)) for attr in types)
            known = (pairs, frozenset(key for _, key in pairs))
            self._fields[cls] = known
        return known

    def _reader(self, obj_type: object) -> Reader:
        reader = self._readers.get(obj_type)
        if reader is None:
            reader = self._plan(obj_type)
            self._readers[obj_type] = reader
        return reader

    def _plan(self, obj_type: object) -> Reader:
        if isinstance(obj_type, str):
            if obj_type.startswith("list["):
                return self._list_plan(obj_type)
            if obj_type.startswith("dict("):
                return self._dict_plan(obj_type)
            obj_type = _NATIVE.get(obj_type) or _load_class(obj_type)
        if obj_type in _PRIMITIVES:
            return _primitive(obj_type)
        if obj_type is object:
            return _same
        if obj_type is date or obj_type is datetime:
            return _moment(obj_type)
        return self._model_plan(obj_type)

    def _list_plan(self, obj_type: str) -> Reader:
        match = _LIST.match(obj_type)
        if match is None:
            return lambda data: []
        kind = match.group(1).strip()  # no model lists more than one type ("list[a, b]")
        return lambda data: [self.read(item, kind) for item in data]

    def _dict_plan(self, obj_type: str) -> Reader:
        match = _DICT.match(obj_type)
        if match is None:
            return lambda data: {}
        kind = match.group(2)
        return lambda data: {key: self.read(value, kind) for key, value in data.items()}

    def _model_plan(self, cls: Any) -> Reader:
        if isinstance(cls, type) and issubclass(cls, Enum):
            return self._guarded(cls)
        if not hasattr(cls, "deserialized_types"):
            return _same
        if hasattr(cls, "get_real_child_model"):
            return self._guarded(lambda data: self._read_fields(_child_class(cls, data), data))
        return self._guarded(lambda data: self._read_fields(cls, data))

    @staticmethod
    def _guarded(read: Reader) -> Reader:
        """`read`, with every failure a `SerializationException` as the SDK's are."""

        def guarded(data: Any) -> Any:
            try:
                return read(data)
            except SerializationException:
                raise
            except Exception as exc:
                raise SerializationException(str(exc)) from exc

        return guarded

    def _read_fields(self, cls: Any, data: Any) -> Any:
        model = cls()
        types = cls.deserialized_types
        fields, known = self._fields_of(cls)
        for attr, key in fields:
            if key in data:
                value = data[key]
                setattr(model, attr, None if value is None else self._reader(types[attr])(value))
        for extra in data:
            if extra not in known:
                setattr(model, extra, data[extra])
        return model


def _child_class(cls: Any, data: Any) -> Any:
    name = cls.get_real_child_model(data)
    if not name:
        raise SerializationException(
            f"Couldn't resolve object by discriminator type for {cls} class"
        )
    return _load_class(name)


_classes: dict[str, type] = {}


def _load_class(name: str) -> type:
    cls = _classes.get(name)
    if cls is None:
        module, _, attr = name.rpartition(".")
        try:
            cls = getattr(importlib.import_module(module), attr)
        except Exception as exc:
            raise SerializationException(
                f"Unable to resolve class {name} from installed modules: {exc}"
            ) from exc
        _classes[name] = cls
    return cls


def _same(data: Any) -> Any:
    return data


def _primitive(kind: Callable[[Any], Any]) -> Reader:
    def read(data: Any) -> Any:
        try:
            return kind(data)
        except UnicodeEncodeError:
            return str(data)
        except TypeError:
            return data
        except ValueError as exc:
            raise SerializationException(f"a value is not {kind}") from exc  # never the words

    return read


def _moment(kind: type) -> Reader:
    def read(data: Any) -> Any:
        if isinstance(data, str) and _ALEXA_TIME.fullmatch(data):
            moment = datetime.fromisoformat(data[:-1]).replace(tzinfo=UTC)
        else:
            from dateutil.parser import parse  # type: ignore[import-untyped]  # ask-sdk-core's

            try:
                moment = parse(data)
            except ValueError as exc:
                raise SerializationException(f"a value is not {kind}") from exc
        return moment.date() if kind is date else moment

    return read
