"""`steady serve`: the skill as a web service."""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from pathlib import Path

from skill.settings import Settings


def audio_warnings(settings: Settings) -> list[str]:
    """What an operator should hear at start about hands-free audio (AudioPlayer) URLs."""
    base = settings.audio_base_url
    if base is None:
        return [
            "hands-free audio is off until STEADY_AUDIO_BASE_URL is set to the public https URL "
            "of this server's /audio/ folder"
        ]
    if not base.lower().startswith("https://"):
        return [
            f"STEADY_AUDIO_BASE_URL is {base!r}: Alexa devices only play audio over https, "
            "so hands-free exercises will fail to play"
        ]
    return []


def prerender(settings: Settings) -> threading.Thread | None:
    """Render the ready variants of every hands-free script in the background, so the first
    bedtime scan asked for starts at once; nothing when hands-free audio is off."""
    if settings.audio_base_url is None:
        return None
    log = logging.getLogger("steady")

    def work() -> None:
        from skill.audio.batch import render_all
        from skill.audio.engines import make_engine
        from skill.audio.engines.base import EngineError
        from skill.audio.pcm import AudioError
        from skill.audio.tracks import TrackStore
        from skill.content.bundle import bundle
        from skill.core.handsfree import is_hands_free

        try:
            library = bundle(settings.default_locale, settings.scripts_dir).library
            engine = make_engine(settings.speech_engine, settings.speech_voice)
            scripts = [s for s in library if is_hands_free(s)]
            report = render_all(TrackStore(settings.audio_dir), scripts, engine)
        except (EngineError, AudioError, OSError) as error:
            log.warning("hands-free tracks could not be rendered: %s", error)
            return
        log.info("hands-free tracks ready: %s", report.summary())

    thread = threading.Thread(target=work, name="steady-prerender", daemon=True)
    thread.start()
    return thread


def run(args: argparse.Namespace) -> int:
    from skill.content.bundle import InvalidScripts
    from skill.web import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = Settings.from_env(
        verify=not args.no_verify, db_path=Path(args.db) if args.db else None
    )
    if args.no_verify:
        logging.getLogger("steady").warning(
            "request verification is OFF (--no-verify): for local testing only, never expose "
            "this server to the internet"
        )
    for warning in audio_warnings(settings):
        logging.getLogger("steady").warning(warning)
    try:
        app = create_app(settings)
    except InvalidScripts as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print("steady: not starting: the exercise scripts have errors", file=sys.stderr)
        return 1
    prerender(settings)
    print(f"Steady Ground on http://{args.host}:{args.port} (POST /alexa, GET /healthz)")
    app.run(host=args.host, port=args.port)
    return 0
