"""Exercise scripts, shipped inside the package as skill.content.scripts (data, not code)."""
