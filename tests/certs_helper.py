"""The tests' certificate helpers: the same ones the benches use (skill/tools/certs.py)."""

from skill.tools.certs import (
    ALEXA_SIGNING_HOST,
    build_leaf,
    build_root,
    new_key,
    sign,
    to_pem,
)

__all__ = ["ALEXA_SIGNING_HOST", "build_leaf", "build_root", "new_key", "sign", "to_pem"]
