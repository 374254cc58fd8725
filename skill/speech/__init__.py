"""Rendering timelines for a listener: SSML within Alexa's limits, and plain text."""
