"""`steady render`: hands-free scripts rendered to MP3 tracks with manifests, and uploaded."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from skill.settings import Settings

BAR_WIDTH = 30


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from skill.audio.engines import DEFAULT_ENGINE, ENGINES

    rendering = commands.add_parser("render", help="render hands-free scripts to audio")
    rendering.add_argument("scripts", nargs="*", metavar="SCRIPT_ID", help="scripts to render")
    rendering.add_argument("--all", action="store_true", help="every hands-free script")
    rendering.add_argument("--engine", choices=ENGINES, help=f"(default: {DEFAULT_ENGINE})")
    rendering.add_argument("--voice", help="the engine's voice (default: its own)")
    rendering.add_argument("--out", help="folder of tracks (default: var/audio)")
    rendering.add_argument("--upload", metavar="s3://BUCKET/PREFIX", help="upload what changed")
    rendering.set_defaults(run=run)


def _bar(name: str, done: int, total: int) -> None:
    filled = BAR_WIDTH * done // max(total, 1)
    bar = "#" * filled + "." * (BAR_WIDTH - filled)
    end = "\n" if done >= total else ""
    print(f"\r[{bar}] {done}/{total} clips  {name}", end=end, file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    from skill.audio.engines import make_engine
    from skill.audio.engines.base import EngineError
    from skill.audio.pcm import AudioError
    from skill.audio.tracks import TrackStore
    from skill.content.bundle import InvalidScripts, bundle
    from skill.core.handsfree import is_hands_free

    settings = Settings.from_env()
    try:
        library = bundle(settings.default_locale, settings.scripts_dir).library
    except InvalidScripts as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return 1
    if args.all == bool(args.scripts):
        print("steady render: name scripts to render, or --all (not both)", file=sys.stderr)
        return 2
    chosen = [s for s in library if is_hands_free(s)] if args.all else []
    for script_id in args.scripts:
        script = library.get(script_id)
        if script is None or not is_hands_free(script):
            known = ", ".join(s.id for s in library if is_hands_free(s))
            print(
                f"steady render: {script_id!r} is not a hands-free script ({known})",
                file=sys.stderr,
            )
            return 2
        chosen.append(script)
    if args.upload:
        from skill.audio.upload import UploadError, parse_s3_url

        try:
            parse_s3_url(args.upload)  # before minutes of rendering, not after
        except UploadError as error:
            print(f"steady render: {error}", file=sys.stderr)
            return 2
    out = Path(args.out) if args.out else settings.audio_dir
    from skill.audio.batch import render_all

    try:
        engine = make_engine(
            args.engine or settings.speech_engine, args.voice or settings.speech_voice
        )
        report = render_all(TrackStore(out), chosen, engine, _bar)
    except (EngineError, AudioError, OSError) as error:
        print(f"steady render: {error}", file=sys.stderr)
        return 1
    print(report.summary())
    if args.upload:
        return _upload(out, args.upload)
    return 0


def _upload(out: Path, url: str) -> int:
    from skill.audio.upload import UploadError, upload_changed

    try:
        sent = upload_changed(out, url)
    except UploadError as error:
        print(f"steady render: {error}", file=sys.stderr)
        return 1
    print(
        f"uploaded {len(sent.uploaded)} files ({sent.bytes_sent / 1e6:.1f} MB), "
        f"{len(sent.unchanged)} unchanged, to {url}"
    )
    return 0
