"""Alexa's limits on one response (alexa-platform.md), kept here and nowhere else."""

from __future__ import annotations

MAX_SSML_CHARS = 8000
"""Output speech may hold at most this many characters, tags included."""
MAX_BREAK_SECONDS = 10.0
"""One `<break>` may last at most this long; longer silences are chains."""
MAX_RESPONSE_SECONDS = 240.0
"""Speech plus breaks in one response, at most."""

# What the engine aims for, leaving room for the conversation's own words around a segment.
SEGMENT_BUDGET_SECONDS = 200.0
SEGMENT_BUDGET_CHARS = 6500
LAST_WORDS_BUDGET_SECONDS = 215.0
"""A script's closing words may stretch a segment this far, so nobody says "next" only to
hear "that's the end"; the conversation's own closing words still fit under the limit."""

MAX_TOKEN_CHARS = 1024
"""An AudioPlayer stream token may not be longer (the AudioPlayer interface reference)."""
