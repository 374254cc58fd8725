"""Sound: speech engines, PCM, MP3 and the cache of rendered clips and tracks (an adapter layer).

A timeline from the engine becomes one track here: each piece of speech is rendered by a speech
engine (and cached by its content), silences are inserted exactly, loudness is evened, and the
whole is encoded to MP3 with a manifest of where each step begins.
"""
