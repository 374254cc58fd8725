"""Slots as Alexa sends them: the words heard, and entity resolution for custom slot types."""

from __future__ import annotations

from typing import Any

from ask_sdk_model import Slot, SlotConfirmationStatus
from ask_sdk_model.slu.entityresolution import (
    Resolution,
    Resolutions,
    Status,
    StatusCode,
    Value,
    ValueWrapper,
)


def slot_of(match_slot: Any, skill_id: str) -> Slot:
    resolutions = None
    if not match_slot.slot_type.startswith("AMAZON."):
        authority = f"amzn1.er-authority.echo-sdk.{skill_id}.{match_slot.slot_type}"
        if match_slot.resolved_id is not None:
            status = Status(code=StatusCode.ER_SUCCESS_MATCH)
            values = [
                ValueWrapper(
                    value=Value(
                        name=match_slot.resolved_name or match_slot.value, id=match_slot.resolved_id
                    )
                )
            ]
        else:
            status = Status(code=StatusCode.ER_SUCCESS_NO_MATCH)
            values = None
        resolutions = Resolutions(
            resolutions_per_authority=[
                Resolution(authority=authority, status=status, values=values)
            ]
        )
    return Slot(
        name=match_slot.name,
        value=match_slot.value,
        resolutions=resolutions,
        confirmation_status=SlotConfirmationStatus.NONE,
    )
