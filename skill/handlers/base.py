"""What handlers share: matching requests by type, intent and conversation mode."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.state import Mode
from skill.turn import Turn, intent_name, request_type, turn_of


class TurnHandler(AbstractRequestHandler):
    """A handler for some intents (or a request type), optionally only in some modes."""

    intents: tuple[str, ...] = ()
    request_type: str | None = None
    modes: tuple[Mode, ...] = ()
    """Empty: any mode."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if self.request_type is not None:
            matched = request_type(handler_input) == self.request_type
        else:
            matched = intent_name(handler_input) in self.intents
        if not matched:
            return False
        if self.modes and turn_of(handler_input).session.mode not in self.modes:
            return False
        return self.accepts(turn_of(handler_input))

    def accepts(self, turn: Turn) -> bool:
        """Further conditions, for subclasses."""
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.respond(turn_of(handler_input))

    def respond(self, turn: Turn) -> Response:
        raise NotImplementedError


class FunctionHandler(TurnHandler):
    """A handler made from a plain function of a Turn."""

    def __init__(
        self,
        respond: Callable[[Turn], Response],
        intents: Iterable[str],
        request_type: str | None,
        modes: Iterable[Mode],
        accepts: Callable[[Turn], bool] | None,
    ) -> None:
        self.name = respond.__name__
        self.intents = tuple(intents)
        self.request_type = request_type
        self.modes = tuple(modes)
        self._respond = respond
        self._accepts = accepts

    def accepts(self, turn: Turn) -> bool:
        return self._accepts(turn) if self._accepts is not None else True

    def respond(self, turn: Turn) -> Response:
        return self._respond(turn)

    def __repr__(self) -> str:
        return f"<handler {self.name}>"


def handler(
    intents: Iterable[str] = (),
    request_type: str | None = None,
    modes: Iterable[Mode] = (),
    accepts: Callable[[Turn], bool] | None = None,
) -> Callable[[Callable[[Turn], Response]], FunctionHandler]:
    """Turn a function of a Turn into a handler instance."""

    def wrap(respond: Callable[[Turn], Response]) -> FunctionHandler:
        return FunctionHandler(respond, intents, request_type, modes, accepts)

    return wrap
