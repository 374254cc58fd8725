"""Problems found in data files, reported as `path:line: field: message`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from skill.record import record


class Severity(StrEnum):
    """Errors stop the skill from starting; warnings are worth a look."""

    ERROR = "error"
    WARNING = "warning"


@record
class Problem:
    """One thing wrong in one place of one file."""

    path: Path
    line: int
    field: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        prefix = "warning: " if self.severity is Severity.WARNING else ""
        return f"{self.path}:{self.line}: {self.field}: {prefix}{self.message}"


def errors(problems: list[Problem]) -> list[Problem]:
    """Only the problems that are errors."""
    return [p for p in problems if p.severity is Severity.ERROR]
