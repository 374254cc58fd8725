"""Request handlers, one small module per area, in the order the dispatcher tries them."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler

from skill.handlers import builtin, controls, exercise, launch, safety


def all_handlers() -> list[AbstractRequestHandler]:
    """Every handler; the first whose `can_handle` is true wins, so safety comes first."""
    return [
        *safety.handlers(),
        *builtin.session_handlers(),
        *launch.handlers(),
        *controls.handlers(),
        *exercise.handlers(),
        *builtin.handlers(),
    ]
