"""The conversation: a pure state machine, `(state, event) -> (state, actions)`.

Adapters turn a request into an `Event` and carry out the `Action`s of the `Outcome`; the rules of
`rules.py` decide, in one place and in order, which response an event gets in each mode.
"""
