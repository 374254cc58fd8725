"""Where the project's data lives on disk."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SCRIPTS_DIR = PROJECT_ROOT / "scripts"
MODELS_DIR = PROJECT_ROOT / "interaction_model"
DATA_DIR = Path(__file__).resolve().parent / "data"


def scripts_dir_for(locale: str) -> Path:
    """The script folder of a locale's language ("en-GB" -> scripts/en)."""
    return SCRIPTS_DIR / locale.split("-")[0].lower()
