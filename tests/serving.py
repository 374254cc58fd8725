"""The tests' real servers on 127.0.0.1: the same helpers the benches use."""

from skill.tools.serving import free_port, serving

__all__ = ["free_port", "serving"]
