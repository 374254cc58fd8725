"""Benchmarks of the whole skill (`steady bench ...`): run offline, through the real skill."""
