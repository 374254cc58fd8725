"""The skill manifest keeps the platform rules of safety.md (A1-A5)."""

from __future__ import annotations

import json
import re

from skill.content.files import models_dir
from tests.conftest import REPO as PROJECT_ROOT

MANIFEST = json.loads((PROJECT_ROOT / "skill-package" / "skill.json").read_text(encoding="utf-8"))
CLAIMS = re.compile(
    r"\b(save[sd]? lives?|life-?saving|cures?|treats?|treatment|therapy|prevents?)\b", re.IGNORECASE
)


def test_every_model_locale_is_published_with_the_health_notice() -> None:
    published = MANIFEST["manifest"]["publishingInformation"]["locales"]
    models = {path.stem for path in models_dir().glob("*.json")}
    assert set(published) == models
    for locale, info in published.items():
        text = info["description"]
        assert "not a substitute for professional care" in text, locale  # A1
        assert "emergency number" in text, locale
        assert not CLAIMS.search(
            info["name"]
            + info["summary"]
            + text.replace("not a substitute for professional care", "")
        ), locale  # A3


def test_privacy_policy_children_and_events() -> None:
    privacy = MANIFEST["manifest"]["privacyAndCompliance"]
    assert all(v["privacyPolicyUrl"].startswith("https://") for v in privacy["locales"].values())
    assert (PROJECT_ROOT / "PRIVACY.md").exists()  # A2: the page the URL points at
    assert privacy["isChildDirected"] is False  # A5
    assert privacy["containsAds"] is False  # P4
    events = MANIFEST["manifest"]["events"]["subscriptions"]
    assert {"eventName": "SKILL_DISABLED"} in events  # P3: deletion on disable


def test_every_published_locale_has_a_model_helplines_and_a_listing() -> None:
    """content.locales.LOCALES is the one list: each locale in it has an interaction model, the
    countries its helplines serve, a store listing and privacy policy, and (but the base) the
    generator's differences; and nothing lists a locale that is not in it."""
    from skill.content.bundle import helplines
    from skill.content.files import data_file, read_yaml
    from skill.content.locales import DEFAULT_LOCALE, LOCALES

    published = set(LOCALES)
    info = MANIFEST["manifest"]
    assert {path.stem for path in models_dir().glob("*.json")} == published
    assert set(helplines().locales) == published
    assert set(info["publishingInformation"]["locales"]) == published
    assert set(info["privacyAndCompliance"]["locales"]) == published
    generated = set(read_yaml(data_file("locale_models.yaml")))
    assert generated == published - {DEFAULT_LOCALE}


def test_the_manifest_declares_what_the_skill_uses() -> None:
    """Alexa refuses AudioPlayer directives from a skill that does not declare the interface,
    and refuses API calls for permissions the manifest does not ask for."""
    custom = MANIFEST["manifest"]["apis"]["custom"]
    assert {"type": "AUDIO_PLAYER"} in custom["interfaces"]
    permissions = {p["name"] for p in MANIFEST["manifest"]["permissions"]}
    assert {
        "alexa::alerts:reminders:skill:readwrite",  # daily reminders
        "alexa::person_id:read",  # recognised voices
        "alexa::devices:all:address:country_and_postal_code:read",  # helplines by country
    } <= permissions
