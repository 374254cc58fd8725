"""Escaping text for SSML, as `xml.sax.saxutils` does it, without importing that module: it
imports `urllib.request` (and with it http.client and ssl), 15 ms of every cold start."""

from __future__ import annotations

_ATTRIBUTE = {"\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}


def escape(text: str) -> str:
    """`&`, `<` and `>` as entities (saxutils.escape); most text holds none of them."""
    if "&" not in text and "<" not in text and ">" not in text:
        return text
    return text.replace("&", "&amp;").replace(">", "&gt;").replace("<", "&lt;")


def quoteattr(text: str) -> str:
    """An attribute value with its quotes, escaped (saxutils.quoteattr): double quotes, unless
    the value holds one and no single quote."""
    text = escape(text)
    for character, entity in _ATTRIBUTE.items():
        text = text.replace(character, entity)
    if '"' in text:
        if "'" in text:
            return '"{}"'.format(text.replace('"', "&quot;"))
        return f"'{text}'"
    return f'"{text}"'
