"""The skill manifest keeps the platform rules of safety.md (A1-A5)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.exceptions import SerializationException
from ask_sdk_core.serialize import DefaultSerializer

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
        "alexa:devices:all:address:country_and_postal_code:read",  # helplines by country
    } <= permissions


def smapi_round_trip(text: str, model: type) -> tuple[Any, Any]:
    """`text` read into one of Amazon's SMAPI model classes (ask-smapi-model, the schema the
    skill management API checks uploads against) and written back out as plain data."""
    serializer = DefaultSerializer()
    loaded = serializer.deserialize(text, model)
    return loaded, serializer.serialize(loaded)


def test_amazons_models_read_the_manifest_and_know_every_permission() -> None:
    """Every field of skill.json is one ask-smapi-model knows (the round trip loses nothing), and
    every permission is one of its PermissionName values: the country-and-postal-code scope is
    spelt `alexa:devices:...` (one colon after alexa), unlike its neighbours."""
    from ask_smapi_model.v1.skill.manifest.permission_name import PermissionName
    from ask_smapi_model.v1.skill.manifest.skill_manifest_envelope import SkillManifestEnvelope

    text = (PROJECT_ROOT / "skill-package" / "skill.json").read_text(encoding="utf-8")
    envelope, written = smapi_round_trip(text, SkillManifestEnvelope)
    assert written == json.loads(text)
    names = [permission.name for permission in envelope.manifest.permissions]
    assert all(isinstance(name, PermissionName) for name in names)
    assert PermissionName.alexa_devices_all_address_country_and_postal_code_read in names
    known = {member.value for member in PermissionName}
    assert {p["name"] for p in MANIFEST["manifest"]["permissions"]} <= known


def test_amazons_models_refuse_the_misspelt_permission() -> None:
    """The check above has teeth: the two-colon spelling this manifest once had is refused."""
    from ask_smapi_model.v1.skill.manifest.skill_manifest_envelope import SkillManifestEnvelope

    text = (PROJECT_ROOT / "skill-package" / "skill.json").read_text(encoding="utf-8")
    misspelt = text.replace('"alexa:devices:all:address:', '"alexa::devices:all:address:')
    assert misspelt != text
    with pytest.raises(SerializationException, match="not a valid PermissionName"):
        smapi_round_trip(misspelt, SkillManifestEnvelope)


@pytest.mark.parametrize("path", sorted(models_dir().glob("*.json")), ids=lambda p: p.stem)
def test_amazons_models_read_every_interaction_model(path: Path) -> None:
    from ask_smapi_model.v1.skill.interaction_model.interaction_model_data import (
        InteractionModelData,
    )

    text = path.read_text(encoding="utf-8")
    model, written = smapi_round_trip(text, InteractionModelData)
    assert written == json.loads(text)
    assert model.interaction_model.language_model.invocation_name
