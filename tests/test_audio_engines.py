"""The three speech engines, run for real: espeak-ng's command line, Piper with the joe voice, and
Polly through boto3.

Polly is the one stand-in: moto plays AWS, because the real service cannot be reached from here.
moto runs as a real HTTP server in this process and boto3 talks to it over a socket, so the
request is serialised, signed, sent and parsed exactly as it would be for AWS; what we sent is
read back from a botocore event hook. moto checks the voice id, format, sample rate and the
3000-character limit, and answers with 8 zero bytes instead of speech.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from typing import Any

import pytest

from skill.audio.engines.base import EngineError, SpeechEngine
from skill.audio.engines.espeak_cli import EspeakCli
from skill.audio.engines.piper_engine import SENTENCE_SILENCE_MS, PiperEngine
from skill.audio.engines.polly_engine import MAX_TEXT_CHARS, PollyEngine
from skill.audio.pcm import PcmFormat, samples
from tests.aws import aws_client

Sent = tuple[Any, list[dict[str, Any]]]
"""A boto3 client pointed at moto, and the body of every SynthesizeSpeech request it sent."""
Bodies = list[dict[str, Any]]

SENTENCE = "Breathe in slowly."
OTHER = "Now let the breath go, all the way out."


def seconds(pcm: bytes, fmt: PcmFormat) -> float:
    return fmt.frames(pcm) / fmt.rate


def assert_speech(engine: SpeechEngine, pcm: bytes) -> None:
    assert engine.format == PcmFormat(rate=22_050)
    assert len(pcm) % 2 == 0
    assert 0.5 <= seconds(pcm, engine.format) <= 3.0
    assert int(abs(samples(pcm).astype("int32")).max()) > 1000


# --- espeak-ng -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def espeak() -> EspeakCli:
    return EspeakCli()


def test_espeak_speaks_a_sentence(espeak: EspeakCli) -> None:
    assert (espeak.name, espeak.voice) == ("espeak", "en-us")
    assert_speech(espeak, espeak.render(SENTENCE))


def test_espeak_is_slower_at_a_lower_rate(espeak: EspeakCli) -> None:
    assert len(espeak.render(SENTENCE, 0.8)) > len(espeak.render(SENTENCE, 1.25))


def test_espeak_gives_the_same_bytes_twice(espeak: EspeakCli) -> None:
    assert espeak.render(SENTENCE) == espeak.render(SENTENCE)


def test_espeak_text_starting_with_a_dash_is_spoken_not_an_option(espeak: EspeakCli) -> None:
    assert_speech(espeak, espeak.render("-s 999 breathe out"))


def test_espeak_reads_markup_as_text(espeak: EspeakCli) -> None:
    # With SSML read (-m), the break would add 3 s of silence.
    plain = espeak.render("Hello world.")
    marked = espeak.render("Hello <break time='3s'/> world.")
    assert seconds(marked, espeak.format) < seconds(plain, espeak.format) + 2.5


@pytest.mark.parametrize("blank", ["", "   ", "\n\t"])
def test_espeak_gives_nothing_for_blank_text(espeak: EspeakCli, blank: str) -> None:
    assert espeak.render(blank) == b""


@pytest.mark.parametrize("rate", [0.0, 0.49, 2.01, -1.0])
def test_espeak_refuses_a_rate_out_of_bounds(espeak: EspeakCli, rate: float) -> None:
    with pytest.raises(EngineError, match="speaking rate"):
        espeak.render(SENTENCE, rate)


def test_espeak_that_hangs_is_stopped() -> None:
    with pytest.raises(EngineError, match="did not finish within"):
        EspeakCli(timeout_seconds=0.001).render(SENTENCE * 50)


def test_espeak_missing_says_so() -> None:
    engine = EspeakCli(binary="/nonexistent/espeak-ng")
    with pytest.raises(EngineError, match="espeak-ng is not installed"):
        engine.render(SENTENCE)


def test_espeak_failure_carries_its_stderr() -> None:
    with pytest.raises(EngineError, match="voice does not exist"):
        # Not "no-such-voice": espeak reads that as Norwegian ("no") and speaks it.
        EspeakCli(voice="zz-nothing").render(SENTENCE)


# --- Piper -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def piper() -> PiperEngine:
    return PiperEngine()


def test_piper_speaks_a_sentence(piper: PiperEngine) -> None:
    assert (piper.name, piper.voice) == ("piper", "en_US-joe-medium")
    assert_speech(piper, piper.render(SENTENCE))


def test_piper_is_slower_at_a_lower_rate(piper: PiperEngine) -> None:
    assert len(piper.render(SENTENCE, 0.8)) > len(piper.render(SENTENCE, 1.25))


def test_piper_gives_the_same_bytes_twice(piper: PiperEngine) -> None:
    assert piper.render(SENTENCE) == piper.render(SENTENCE)


def test_piper_puts_a_pause_between_sentences(piper: PiperEngine) -> None:
    one, two = piper.render(SENTENCE), piper.render(OTHER)
    both = piper.render(f"{SENTENCE} {OTHER}")
    assert len(both) > max(len(one), len(two))
    # The two sentences come out as they do alone, the fixed silence between them.
    assert both == one + piper.format.silence(SENTENCE_SILENCE_MS) + two


def test_piper_gives_nothing_for_blank_text(piper: PiperEngine) -> None:
    assert piper.render("  ") == b""


def test_piper_refuses_a_rate_out_of_bounds(piper: PiperEngine) -> None:
    with pytest.raises(EngineError, match="speaking rate"):
        piper.render(SENTENCE, 3.0)


def test_piper_engines_share_one_loaded_voice(piper: PiperEngine) -> None:
    assert PiperEngine().render(SENTENCE) == piper.render(SENTENCE)
    assert len(PiperEngine._voices) == 1


# --- Polly, against moto ---------------------------------------------------------------------


def polly_client(endpoint: str, **config: Any) -> Any:
    return aws_client("polly", endpoint, **config)


@pytest.fixture(scope="module")
def sent(moto_endpoint: str) -> Sent:
    client = polly_client(moto_endpoint)
    bodies: Bodies = []

    def record(params: dict[str, Any], **_: Any) -> None:
        bodies.append(json.loads(params["body"]))

    client.meta.events.register("before-call.polly.SynthesizeSpeech", record)
    return client, bodies


@pytest.fixture
def requests(sent: Sent) -> Bodies:
    sent[1].clear()
    return sent[1]


@pytest.fixture
def polly(sent: Sent) -> PollyEngine:
    return PollyEngine(client=sent[0])


def test_polly_sends_plain_text_for_pcm_at_16_khz(polly: PollyEngine, requests: Bodies) -> None:
    pcm = polly.render("Breathe in & out <slowly>.")
    assert (polly.name, polly.voice, polly.format) == (
        "polly",
        "Joanna/neural",
        PcmFormat(rate=16_000),
    )
    assert requests == [
        {
            "Engine": "neural",
            "VoiceId": "Joanna",
            "Text": "Breathe in & out <slowly>.",
            "TextType": "text",
            "OutputFormat": "pcm",
            "SampleRate": "16000",
        }
    ]
    # moto's stand-in for speech: 8 zero bytes, 4 samples.
    assert pcm == b"\x00" * 8
    assert polly.format.frames(pcm) == 4


def test_polly_uses_the_voice_and_engine_asked_for(sent: Sent, requests: Bodies) -> None:
    PollyEngine(client=sent[0], voice="Matthew", engine="standard").render(SENTENCE)
    assert (requests[0]["VoiceId"], requests[0]["Engine"]) == ("Matthew", "standard")


def test_polly_splits_long_text_at_sentences(polly: PollyEngine, requests: Bodies) -> None:
    sentences = [f"This is calm sentence number {n} of a long exercise." for n in range(80)]
    text = " ".join(sentences)
    assert len(text) > 4000
    pcm = polly.render(text)
    assert len(requests) >= 2
    assert all(len(r["Text"]) <= MAX_TEXT_CHARS for r in requests)
    assert all(r["Text"].endswith(".") for r in requests)
    assert " ".join(r["Text"] for r in requests) == text
    assert pcm == b"\x00" * 8 * len(requests)


def test_polly_splits_a_sentence_too_long_for_one_request(
    polly: PollyEngine, requests: Bodies
) -> None:
    text = " ".join(["and breathe"] * 400)
    polly.render(text)
    assert len(requests) >= 2
    assert all(len(r["Text"]) <= MAX_TEXT_CHARS for r in requests)
    assert " ".join(r["Text"] for r in requests) == text


def test_polly_changes_rate_with_escaped_ssml(polly: PollyEngine, requests: Bodies) -> None:
    polly.render("In & <out>.", 0.8)
    assert requests[0]["TextType"] == "ssml"
    assert requests[0]["Text"] == (
        '<speak><prosody rate="80%">In &amp; &lt;out&gt;.</prosody></speak>'
    )


def test_polly_keeps_ssml_within_the_limit(polly: PollyEngine, requests: Bodies) -> None:
    polly.render("Breathe & rest. " * 180, 1.25)
    assert len(requests) >= 2
    assert all(len(r["Text"]) <= MAX_TEXT_CHARS for r in requests)
    assert all(r["Text"].startswith('<speak><prosody rate="125%">') for r in requests)


def test_polly_sends_nothing_for_blank_text_or_a_bad_rate(
    polly: PollyEngine, requests: Bodies
) -> None:
    assert polly.render(" \n ") == b""
    with pytest.raises(EngineError, match="speaking rate"):
        polly.render(SENTENCE, 0.2)
    assert requests == []


def test_polly_unknown_voice_is_an_engine_error(sent: Sent) -> None:
    engine = PollyEngine(client=sent[0], voice="Nobody")
    with pytest.raises(EngineError, match=r"'Nobody'.*InvalidParameterValue") as caught:
        engine.render(SENTENCE)
    assert len(str(caught.value)) < 500


def test_polly_unreachable_is_an_engine_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    client = polly_client(
        f"http://127.0.0.1:{closed_port}",
        connect_timeout=1,
        read_timeout=1,
        retries={"total_max_attempts": 1},
    )
    with pytest.raises(EngineError, match="Polly could not be asked: EndpointConnectionError"):
        PollyEngine(client=client).render(SENTENCE)


def test_importing_the_polly_engine_does_not_import_boto3() -> None:
    code = (
        "import sys, skill.audio.engines.polly_engine; "
        "print('boto3' in sys.modules, 'botocore' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
