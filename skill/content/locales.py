"""The locales the skill is published in, and the fallback chain of their data files."""

from __future__ import annotations

LOCALES: tuple[str, ...] = ("en-US", "en-CA", "en-GB", "en-AU", "en-IN")
"""Every locale with an interaction model, each with its own helplines (the one list)."""
DEFAULT_LOCALE = "en-US"
"""The locale of a request that names none, and the base of every generated model."""
DEFAULT_LANGUAGE = "en"
"""The language whose data stands in where a language has none of its own."""


def language_of(locale: str) -> str:
    """The language of a locale ("en-GB" -> "en")."""
    return locale.replace("_", "-").split("-")[0].lower() or DEFAULT_LANGUAGE


def fallback_chain(locale: str) -> tuple[str, ...]:
    """Where a locale's data files are looked for, most specific first:
    "en-GB" -> ("en-GB", "en"); "fr-CA" -> ("fr-CA", "fr", "en")."""
    chain = [locale.replace("_", "-"), language_of(locale), DEFAULT_LANGUAGE]
    return tuple(dict.fromkeys(name for name in chain if name))
