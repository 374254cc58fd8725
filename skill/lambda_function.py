"""The AWS Lambda entry point: the same skill object as the web server, built on first use.

Importing this module imports neither the SDK nor the skill: the first request (or `prepare`)
imports and builds them together, with the cycle collector paused (`_long_lived`)."""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ask_sdk_core.skill import CustomSkill

log = logging.getLogger("steady.lambda")
_skill: CustomSkill | None = None


def _get_skill() -> CustomSkill:
    global _skill
    if _skill is None:
        with _long_lived():
            from skill.alexa.app import build_skill
            from skill.settings import Settings

            _skill = build_skill(Settings.from_env(), every_locale=False)  # someone is waiting
    return _skill


@contextmanager
def _long_lived() -> Iterator[None]:
    """While the skill's modules are imported and the skill is built: everything made lives as
    long as the instance, so the cycle collector, which would walk it all several times over
    and free nothing, waits; and afterwards it is frozen (`gc.freeze`), so that no later
    collection walks it again. About 8 ms of a cold start (docs/benchmarks.md)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
        gc.freeze()


def handler(event: object, context: Any) -> dict[str, Any]:
    """Alexa invokes this with the request envelope; Lambda's trigger checks the skill id.
    An event that is not a request a device could send raises BadRequest with the reason."""
    skill = _get_skill()
    from skill.alexa.envelope import BadRequest, admit, run  # imported with the skill

    try:
        return run(skill, admit(event))
    except BadRequest as exc:
        log.warning("refused event: %s", exc.reason)
        raise


PREPARED_AHEAD = frozenset({"snap-start", "provisioned-concurrency"})
"""Lambda's initialisation types (AWS_LAMBDA_INITIALIZATION_TYPE) that run before any
listener is waiting: the snapshot SnapStart restores, and provisioned instances."""


def prepare() -> None:
    """Build the skill and load its whole crisis check now, so an instance prepared ahead
    (restored from a SnapStart snapshot, or provisioned) answers its first request with none of
    that work left. Nothing in it is unique to an instance: no random state or ids."""
    global _skill
    with _long_lived():
        from skill.alexa.app import build_prepared_skill
        from skill.settings import Settings

        _skill = build_prepared_skill(Settings.from_env())


if os.environ.get("AWS_LAMBDA_INITIALIZATION_TYPE") in PREPARED_AHEAD:
    prepare()


lambda_handler = handler
"""The name the Lambda console suggests, kept for functions configured with it."""
