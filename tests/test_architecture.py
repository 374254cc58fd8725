"""The shape of the package, as docs/architecture.md draws it: layers import only downward, the
core does no I/O and knows nothing of Alexa, there are no import cycles, and no module grows past
300 lines. A contributor who breaks one of these hears it here, with the module and the line."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "skill"
MAX_LINES = 300

# Each layer, and the layers it may import (besides itself). Most specific prefix wins.
ALLOWED: dict[str, frozenset[str]] = {
    "skill.core": frozenset(),
    "skill.core.safety": frozenset({"skill.core"}),
    "skill.core.conversation": frozenset({"skill.core", "skill.core.safety"}),
    "skill.speech": frozenset({"skill.core"}),
    "skill.content": frozenset({"skill.core", "skill.core.safety"}),
    "skill.settings": frozenset({"skill.content"}),
    "skill.store": frozenset(),
    "skill.verify": frozenset(),
    "skill.alexa": frozenset(
        {
            "skill.core",
            "skill.core.safety",
            "skill.core.conversation",
            "skill.content",
            "skill.speech",
            "skill.store",
            "skill.settings",
            "skill.audio",
        }
    ),
    "skill.audio": frozenset({"skill.core", "skill.speech"}),
    "skill.web": frozenset(
        {"skill.alexa", "skill.settings", "skill.verify", "skill.web_audio", "skill.web_alexa"}
    ),
    "skill.web_alexa": frozenset({"skill.alexa", "skill.verify"}),
    "skill.web_audio": frozenset({"skill.settings"}),
    "skill.lambda_function": frozenset({"skill.alexa", "skill.settings"}),
    "skill.tools": frozenset(
        {
            "skill.core",
            "skill.core.safety",
            "skill.core.conversation",
            "skill.content",
            "skill.speech",
            "skill.alexa",
            "skill.audio",
            "skill.settings",
            "skill.store",
            "skill.verify",
        }
    ),
    "skill.cli": frozenset(
        {
            "skill.core",
            "skill.content",
            "skill.alexa",
            "skill.audio",
            "skill.settings",
            "skill.store",
            "skill.verify",
            "skill.tools",
            "skill.web",
        }
    ),
    "skill.record": frozenset(),
    "skill": frozenset(),
}
FOUNDATION = "skill.record"
"""Every layer may import it: `@record`, the frozen dataclass of the whole package."""

# What the pure layers must never import: Alexa, the web, storage, the network, files, processes.
IMPURE = frozenset(
    {
        "ask_sdk_core",
        "ask_sdk_model",
        "ask_sdk_runtime",
        "flask",
        "werkzeug",
        "boto3",
        "botocore",
        "sqlite3",
        "urllib",
        "http",
        "socket",
        "subprocess",
        "yaml",
        "jsonschema",
        "pyttsx3",
        "importlib",
    }
)
PURE = ("skill.core", "skill.speech")


@dataclass(frozen=True)
class Import:
    module: str
    """The importing module."""
    target: str
    """What it imports (a module, or a name's module)."""
    line: int
    path: Path


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports() -> Iterator[Import]:
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield Import(module, node.module, node.lineno, path)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    yield Import(module, alias.name, node.lineno, path)


def layer_of(module: str) -> str:
    return max(
        (name for name in ALLOWED if module == name or module.startswith(f"{name}.")), key=len
    )


def where(found: Import) -> str:
    return (
        f"{found.path.relative_to(PACKAGE.parent)}:{found.line}: {found.module} -> {found.target}"
    )


def test_every_module_belongs_to_a_layer() -> None:
    strays = [
        module_name(path)
        for path in PACKAGE.rglob("*.py")
        if layer_of(module_name(path)) == "skill" and module_name(path) != "skill"
    ]
    assert strays == [], "modules outside every layer: add them to docs/architecture.md too"


def test_layers_import_only_downward() -> None:
    wrong = []
    for found in imports():
        if not found.target.startswith("skill"):
            continue
        mine, theirs = layer_of(found.module), layer_of(found.target)
        if theirs not in (mine, FOUNDATION) and theirs not in ALLOWED[mine]:
            wrong.append(where(found))
    assert wrong == []


@pytest.mark.parametrize("layer", PURE)
def test_the_pure_layers_do_no_io_and_know_nothing_of_alexa(layer: str) -> None:
    impure = [
        where(found)
        for found in imports()
        if layer_of(found.module).startswith(layer) and found.target.split(".")[0] in IMPURE
    ]
    assert impure == []


def test_there_are_no_import_cycles() -> None:
    graph: dict[str, set[str]] = {}
    known = {module_name(path) for path in PACKAGE.rglob("*.py")}
    for found in imports():
        target = found.target
        while target not in known and "." in target:
            target = target.rsplit(".", 1)[0]
        if target in known and target != found.module:
            graph.setdefault(found.module, set()).add(target)

    def cycle_from(start: str) -> list[str] | None:
        path: list[str] = []
        done: set[str] = set()

        def visit(module: str) -> list[str] | None:
            if module in path:
                return [*path[path.index(module) :], module]
            if module in done:
                return None
            path.append(module)
            for following in sorted(graph.get(module, ())):
                found = visit(following)
                if found:
                    return found
            path.pop()
            done.add(module)
            return None

        return visit(start)

    cycles = {" -> ".join(c) for m in sorted(graph) if (c := cycle_from(m))}
    assert cycles == set()


def test_no_module_is_over_300_lines() -> None:
    long = {
        str(path.relative_to(PACKAGE.parent)): lines
        for path in PACKAGE.rglob("*.py")
        if (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}
