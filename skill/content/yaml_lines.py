"""YAML read with the line of every node, so problems can point at the line they are on.

Text is parsed by libyaml where PyYAML was built with it (`fast_loader`, many times faster);
text libyaml refuses is parsed again by PyYAML's own loader, whose error is the one reported,
so a problem reads the same either way. PyYAML is imported when something is parsed: a start
that finds every file in its snapshots (content/snapshot.py) never imports it.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import yaml


@cache
def fast_loader() -> Any:
    """libyaml's safe loader, or PyYAML's own where libyaml is missing."""
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(stream: str | IO[str]) -> Any:
    """The data of one YAML document (as `yaml.safe_load` gives it)."""
    import yaml

    start = stream.tell() if not isinstance(stream, str) else 0
    try:
        return yaml.load(stream, Loader=fast_loader())
    except yaml.YAMLError:
        if not isinstance(stream, str):
            stream.seek(start)
        return yaml.load(stream, Loader=yaml.SafeLoader)


def compose_yaml(text: str) -> yaml.Node | None:
    """The node tree of one YAML document (as `yaml.compose` gives it), with its lines."""
    import yaml

    try:
        node: yaml.Node | None = yaml.compose(text, Loader=fast_loader())
    except yaml.YAMLError:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    return node


def is_yaml_error(error: BaseException) -> bool:
    """Whether PyYAML raised this (without importing it when nothing was parsed)."""
    import yaml

    return isinstance(error, yaml.YAMLError)


class Located:
    """YAML data plus the line of every node, keyed by its path inside the document."""

    def __init__(self) -> None:
        self.lines: dict[tuple[str | int, ...], int] = {}
        self.duplicates: list[tuple[tuple[str | int, ...], int]] = []
        self._scalars: Any = None

    def build(self, node: yaml.Node, path: tuple[str | int, ...] = ()) -> Any:
        import yaml

        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value)
                if key in result:
                    self.duplicates.append(((*path, key), key_node.start_mark.line + 1))
                result[key] = self.build(value_node, (*path, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if self._scalars is None:
            self._scalars = yaml.constructor.SafeConstructor()
        try:
            return self._scalars.construct_document(node)
        except yaml.YAMLError:  # reported as it always was: from the node written out alone
            self._scalars = yaml.constructor.SafeConstructor()
            return yaml.safe_load(yaml.serialize(node))

    def to_json(self) -> dict[str, list[list[str | int]]]:
        """The lines and duplicates as JSON (each path with its line last)."""
        return {
            "lines": [[*path, line] for path, line in self.lines.items()],
            "duplicates": [[*path, line] for path, line in self.duplicates],
        }

    @classmethod
    def from_json(cls, data: dict[str, list[list[str | int]]]) -> Located:
        located = cls()
        located.lines = {tuple(item[:-1]): int(item[-1]) for item in data["lines"]}
        located.duplicates = [(tuple(item[:-1]), int(item[-1])) for item in data["duplicates"]]
        return located

    def line(self, path: Sequence[str | int]) -> int:
        key = tuple(path)
        while key not in self.lines and key:
            key = key[:-1]
        return self.lines.get(key, 1)


def field_name(path: Sequence[str | int]) -> str:
    name = ""
    for part in path:
        name += f"[{part}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return name or "(file)"
