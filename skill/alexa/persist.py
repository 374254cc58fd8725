"""Reading and saving what is kept between sessions, through any persistence adapter.

A fault never stops an exercise: a failed read gives the defaults for this turn and nothing is
saved over what could not be read (it is kept for a later turn); a failed save is logged. A
save that lost a race with another writer (a second device, another server process) is merged
with what that writer left and tried again, so neither update is lost.
"""

from __future__ import annotations

import logging
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model import RequestEnvelope

from skill.core.state import UserState
from skill.record import record
from skill.store import REVISION, ConflictError
from skill.store.merge import merge

log = logging.getLogger("steady.skill")

SAVE_ATTEMPTS = 3
"""How many times a save that keeps losing races is merged and tried again."""


@record
class Stored:
    """A document as it was read, and its revision (None for an adapter without revisions)."""

    document: dict[str, Any]
    revision: int | None

    @classmethod
    def of(cls, attributes: object) -> Stored:
        data = dict(attributes) if isinstance(attributes, dict) else {}
        revision = data.pop(REVISION, None)
        valid = isinstance(revision, int) and not isinstance(revision, bool)
        return cls(data, revision if valid else None)


def load(adapter: AbstractPersistenceAdapter, envelope: RequestEnvelope) -> Stored | None:
    """The stored document, or None when the store cannot be read just now."""
    try:
        return Stored.of(adapter.get_attributes(envelope))
    except Exception as exc:  # storage faults of any adapter
        log.warning("state store unavailable on read: %s", type(exc).__name__)
        return None


def user_of(stored: Stored | None) -> UserState:
    return UserState.from_dict(stored.document) if stored is not None else UserState()


def save(
    adapter: AbstractPersistenceAdapter,
    envelope: RequestEnvelope,
    read: Stored | None,
    user: UserState,
) -> None:
    """Save `user`, merged with any save made since `read`; never over an unread store."""
    if read is None:
        log.warning("state not saved: the store could not be read this turn; kept for later")
        return
    base, ours = read, user.to_dict()
    for _ in range(SAVE_ATTEMPTS):
        document = dict(ours)  # adapters add the revision and never change what is inside
        if base.revision is not None:
            document[REVISION] = base.revision
        try:
            adapter.save_attributes(envelope, document)
            return
        except ConflictError:
            theirs = load(adapter, envelope)
            if theirs is None:
                return
            ours, base = merge(base.document, ours, theirs.document), theirs
        except Exception as exc:  # storage faults of any adapter
            log.warning("state store unavailable on write: %s", type(exc).__name__)
            return
    log.warning("state not saved: %d writers in a row saved first", SAVE_ATTEMPTS)


def delete(adapter: AbstractPersistenceAdapter, envelope: RequestEnvelope) -> None:
    try:
        adapter.delete_attributes(envelope)
    except Exception as exc:  # storage faults of any adapter
        log.warning("state store unavailable on delete: %s", type(exc).__name__)
