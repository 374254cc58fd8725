"""`steady serve`: the skill as a web service.

By default on the production server (skill.cli.production: gunicorn's threaded worker); with
`--dev`, on Flask's own development server, for debugging. Every setting comes from STEADY_*
variables (skill.settings), which the flags override; invalid settings stop it with exit
status 2 and one line per problem, broken scripts with status 1.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from skill.cli import logs
from skill.settings import Settings, SettingsError, incomplete

log = logging.getLogger("steady")


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
    bedtime scan asked for starts at once; nothing when hands-free audio is off, or when the
    tracks come from a bucket (STEADY_AUDIO_S3: `steady render --upload` made them there)."""
    if settings.audio_base_url is None or settings.audio_s3:
        return None

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


def settings_of(args: argparse.Namespace) -> Settings:
    """The environment's settings, with the flags given on top, each checked and then all
    together (raises SettingsError)."""
    settings = Settings.from_env(
        host=args.host,
        port=args.port,
        workers=args.workers,
        threads=args.threads,
        verify=False if args.no_verify else None,
        db_path=args.db,
    )
    lacking = incomplete(settings)
    if lacking:
        raise SettingsError(lacking)
    return settings


def run(args: argparse.Namespace) -> int:
    from skill.content.bundle import InvalidScripts
    from skill.content.crisis_check import prepare_crisis_checks
    from skill.web import create_app

    try:
        settings = settings_of(args)
    except SettingsError as error:
        for problem in error.problems:
            print(f"steady: {problem}", file=sys.stderr)
        return 2
    logs.configure(settings.log_format, settings.log_level)
    if not settings.verify:
        log.warning(
            "request verification is OFF (--no-verify or STEADY_VERIFY=off): for local testing "
            "only, never expose this server to the internet"
        )
    for warning in audio_warnings(settings):
        log.warning(warning)
    try:
        app = create_app(settings)
    except InvalidScripts as exc:
        for found in exc.problems:
            print(found, file=sys.stderr)
        print("steady: not starting: the exercise scripts have errors", file=sys.stderr)
        return 1
    except Exception as exc:  # a store or secret that cannot be set up: one line, no traceback
        print(f"steady: not starting: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    # Loaded before the workers fork, so they share it and no worker's first listeners wait.
    prepare_crisis_checks()
    print(
        f"Steady Ground on http://{settings.host}:{settings.port} (POST /alexa, GET /healthz)",
        flush=True,
    )
    if args.dev:
        prerender(settings)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop as gunicorn does
        app.run(host=settings.host, port=settings.port, threaded=True)
        return 0
    from skill.cli import production

    def first_worker_renders(age: int) -> None:
        if age == 1:  # once, in a worker: a thread in the server process would not fork well
            prerender(settings)

    return production.serve(app, settings, first_worker_renders)
