"""Keys that stored state is filed under: hashed, so raw Amazon ids are never stored (P3)."""

from __future__ import annotations

import hashlib

from ask_sdk_model import RequestEnvelope


def user_key(envelope: RequestEnvelope) -> str:
    """A stable key for the user of a request, hashed so raw ids are never stored (P3)."""
    user_id = ""
    system = envelope.context.system if envelope.context else None
    if system is not None and system.user is not None:
        user_id = system.user.user_id or ""
    elif envelope.session is not None and envelope.session.user is not None:
        user_id = envelope.session.user.user_id or ""
    return hashlib.sha256(user_id.encode()).hexdigest()[:32]
