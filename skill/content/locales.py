"""The locales the skill is published in, and the fallback chain of their data files."""

from __future__ import annotations

import re

LOCALES: tuple[str, ...] = ("en-US", "en-CA", "en-GB", "en-AU", "en-IN")
"""Every locale with an interaction model, each with its own helplines (the one list)."""
DEFAULT_LOCALE = "en-US"
"""The locale of a request that names none, and the base of every generated model."""
DEFAULT_LANGUAGE = "en"
"""The language whose data stands in where a language has none of its own."""

_LOCALE = re.compile(r"[a-z]{2}-[A-Z]{2}")
"""A locale as devices send it: a language and a region, two ASCII letters each."""
_LANGUAGE = re.compile(r"[a-z]{2}")


def well_formed(locale: object) -> str | None:
    """A request's locale written the one way ("en_ie" -> "en-IE"), or None for anything that
    is not a language and a region of two letters each: a path, a long string, a bare word.
    Only a well-formed locale may pick content, helplines or a data file."""
    if not isinstance(locale, str) or len(locale) != 5 or not locale.isascii():
        return None
    written = f"{locale[:2].lower()}-{locale[3:].upper()}" if locale[2] in "-_" else ""
    return written if _LOCALE.fullmatch(written) else None


def language_of(locale: str) -> str:
    """The language of a locale ("en-GB" -> "en")."""
    return locale.replace("_", "-").split("-")[0].lower() or DEFAULT_LANGUAGE


def fallback_chain(locale: str) -> tuple[str, ...]:
    """Where a locale's data files are looked for, most specific first:
    "en-GB" -> ("en-GB", "en"); "fr-CA" -> ("fr-CA", "fr", "en"); "en" -> ("en",).
    Raises ValueError for anything else: no folder is ever named by an unchecked string."""
    written = well_formed(locale)
    if written is None and not _LANGUAGE.fullmatch(locale):
        raise ValueError(f"not a locale: {locale[:40]!r}")
    chain = [written or locale, language_of(locale), DEFAULT_LANGUAGE]
    return tuple(dict.fromkeys(chain))
