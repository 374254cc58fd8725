"""The pure core: scripts, timing, the engine, the conversation, safety. No I/O, no Alexa."""
