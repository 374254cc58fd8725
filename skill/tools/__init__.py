"""Developer tools: the simulator and its matcher, benches, lint, the locale model generator and
local speech. Never imported on the request path (a test checks)."""
