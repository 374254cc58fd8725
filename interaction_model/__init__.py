"""Interaction models, shipped inside the package as skill.content.models (data, not code)."""
