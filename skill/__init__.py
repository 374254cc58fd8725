"""Steady Ground: a voice skill of short, gentle grounding and breathing exercises."""

__version__ = "0.1.0"
