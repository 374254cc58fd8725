"""Checking a script file against schema.json, once per version of the file."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skill.content.problems import Problem
from skill.content.snapshot import remembered
from skill.content.yaml_lines import Located, field_name

if TYPE_CHECKING:
    import jsonschema


class SchemaCheck:
    """What the schema finds wrong with a script file, as `path:line: field: message`.

    A file checked before, unchanged, under the same schema and code, is answered from a
    snapshot (content/snapshot.py): checking is most of what loading the scripts costs, and
    `jsonschema` is then not even imported."""

    def __init__(self, schema: Mapping[str, Any]) -> None:
        self._schema = schema
        self._key = json.dumps(schema, sort_keys=True).encode()
        self._validator: jsonschema.Draft202012Validator | None = None

    def problems(
        self, path: Path, text: str, data: dict[str, Any], located: Located
    ) -> list[Problem]:
        found: list[list[Any]] = remembered(
            "script-schema",
            (self._key, text.encode()),
            lambda: [[p.line, p.field, p.message] for p in self._check(path, data, located)],
        )
        return [Problem(path, int(line), str(field), str(text)) for line, field, text in found]

    def _check(self, path: Path, data: dict[str, Any], located: Located) -> list[Problem]:
        if self._validator is None:
            import jsonschema  # only where scripts are checked: never to answer a request

            self._validator = jsonschema.Draft202012Validator(self._schema)
        from skill.content.schema_errors import schema_message  # imports jsonschema

        problems: list[Problem] = []
        for error in sorted(
            self._validator.iter_errors(data), key=lambda e: list(map(str, e.path))
        ):
            where = list(error.absolute_path)
            if error.validator == "additionalProperties" and isinstance(error.instance, dict):
                allowed = error.schema.get("properties", {})
                for key in sorted(set(error.instance) - set(allowed)):
                    problems.append(
                        Problem(
                            path,
                            located.line([*where, key]),
                            field_name([*where, key]),
                            schema_message(error),
                        )
                    )
                continue
            problems.append(
                Problem(path, located.line(where), field_name(where), schema_message(error))
            )
        return problems
