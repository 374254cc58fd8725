"""Content lint for exercise scripts: the trauma-informed writing rules of safety.md, T1-T10."""

from skill.tools.lint.checks import lint_library, lint_script, script_key_lines
from skill.tools.lint.rules import LintRules, PhraseList, lint_rules

__all__ = [
    "LintRules",
    "PhraseList",
    "lint_library",
    "lint_rules",
    "lint_script",
    "script_key_lines",
]
