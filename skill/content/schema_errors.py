"""Plain, short messages for JSON Schema errors in script files."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import jsonschema


def _describe(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def schema_message(error: jsonschema.ValidationError) -> str:
    """A short, plain message for one schema error."""
    kind = error.validator
    if kind == "additionalProperties":
        schema = error.schema if isinstance(error.schema, Mapping) else {}
        keys = sorted(schema.get("properties", {}))
        return f"unknown key; allowed here: {', '.join(keys)}"
    if kind == "required":
        return "missing: " + str(error.message).split(" is a required")[0].strip("'")
    if kind == "type":
        expected = error.validator_value
        names = {
            "string": "text",
            "number": "a number",
            "integer": "a whole number",
            "object": "a mapping of keys",
            "array": "a list",
            "boolean": "true or false",
        }
        want = names.get(str(expected), str(expected))
        return f"expected {want}, got {_describe(error.instance)}"
    if kind == "enum":
        values = error.validator_value
        choices = ", ".join(map(str, values if isinstance(values, list) else [values]))
        return f"must be one of {choices}; got {_describe(error.instance)}"
    if kind in ("minimum", "exclusiveMinimum"):
        return f"must be at least {error.validator_value}, got {_describe(error.instance)}"
    if kind == "maximum":
        return f"must be at most {error.validator_value}, got {_describe(error.instance)}"
    if kind == "minItems":
        return "must not be empty" if error.validator_value == 1 else str(error.message)
    if kind == "minLength":
        return "must not be empty"
    if kind == "maxLength":
        return f"too long: at most {error.validator_value} characters"
    if kind == "oneOf":
        return "a step needs exactly one of: say, pause, breathe, ask"
    if kind == "pattern":
        if error.path and error.path[-1] == "breathe":
            got = _describe(error.instance)
            return f"pattern must be seconds like 4-7-8 (2 to 4 numbers), got {got}"
        if error.path and error.path[-1] == "id":
            return f"use lower-case words joined by '-', got {_describe(error.instance)}"
    if kind == "uniqueItems":
        return "has the same entry twice"
    return str(error.message)
