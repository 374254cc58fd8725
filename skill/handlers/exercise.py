"""Starting, answering and moving through an exercise."""

from __future__ import annotations

import hashlib

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_model import Response

from skill.answers import Reading, Shape, reader_for
from skill.engine import Position, after_answer, answers_wanted, skip_question, step_back
from skill.handlers.base import handler
from skill.handlers.flow import offer_choice, offer_menu, play, start
from skill.scripts import Ask, Expect, Script
from skill.selection import pick_from, select
from skill.ssml import SpeechBuilder
from skill.state import Mode
from skill.turn import Turn

IN_EXERCISE = (Mode.EXERCISE,)
ANSWERS = ("AnswerIntent", "FeelingIntent")


@handler(intents=("StartExerciseIntent",))
def start_exercise(turn: Turn) -> Response:
    wanted = turn.slot("exercise")
    minutes = turn.number_slot("minutes")
    chosen = select(
        turn.library, wanted.resolved if wanted else None, wanted.heard if wanted else None, minutes
    )
    if turn.session.mode is Mode.CHOOSING and wanted and chosen.script is None:
        picked = pick_from(turn.offered(), wanted.heard)
        if picked is not None:
            return start(turn, picked)
    if chosen.script is not None:
        return start(turn, chosen.script)
    if chosen.options:
        return offer_choice(turn, chosen.options)
    if wanted is None and minutes is None:
        return offer_menu(turn)
    return offer_menu(turn, SpeechBuilder().say(turn.say("not_found")), key="fallback_menu")


def _heard(turn: Turn) -> str:
    for name in ("answer", "feeling"):
        found = turn.slot(name)
        if found is not None:
            return found.heard
    return ""


@handler(intents=(*ANSWERS, "AMAZON.FallbackIntent", "AMAZON.YesIntent"), modes=(Mode.CHOOSING,))
def choose(turn: Turn) -> Response:
    options = turn.offered()
    if turn.intent_name == "AMAZON.YesIntent" and options:
        return start(turn, options[0])
    heard = _heard(turn)
    picked = pick_from(options, heard)
    if picked is not None:
        return start(turn, picked)
    elsewhere = select(turn.library, None, heard, None)
    if elsewhere.script is not None:
        return start(turn, elsewhere.script)
    return offer_choice(turn, options) if options else offer_menu(turn)


def _waiting(turn: Turn) -> bool:
    return turn.session.waiting is not None and turn.script is not None


@handler(intents=(*ANSWERS, "AMAZON.FallbackIntent"), modes=IN_EXERCISE, accepts=_waiting)
def answer(turn: Turn) -> Response:
    """Any words answer the open question; they are acknowledged, never repeated or kept."""
    script = turn.script
    assert script is not None
    session = turn.session
    heard = _heard(turn)
    # A fallback during a question is words the model could not place: still an answer.
    reading = reader_for(turn.phrases.language).read(heard) if heard else Reading(Shape.THINGS, 1)
    speech = SpeechBuilder()
    if session.followup:
        session.followup = False
        return play(turn, script, speech, ack=_ack(turn, script, session.at))
    step = script.steps[session.at.step]
    if not isinstance(step, Ask) or reading.shape is Shape.MOVE_ON:
        session.at = skip_question(session.at)
        return play(turn, script, speech.say(turn.say("move_on")))
    if reading.shape is Shape.NOT_KNOWING:
        if step.expect is not Expect.FEELING:
            session.at = skip_question(session.at)
            return play(turn, script, speech.say(turn.say("move_on_unknown")))
        speech.say(turn.say("feeling_normal"))  # T9: "nothing" is an answer, not a failure
    asked_at = session.at
    ack = None if reading.shape is Shape.NOT_KNOWING else _ack(turn, script, asked_at, step)
    at, more = after_answer(script, asked_at, turn.preferences, reading.count)
    session.at = at
    if more:
        speech.say(ack or "")
        count = int(at.offset)
        left = answers_wanted(step, turn.preferences) - count
        key = "ask_last" if left == 1 else "ask_more"
        left_word = turn.phrases.number(left)
        speech.say(
            turn.say(
                key, count=turn.phrases.number(count), left=left_word, Left=left_word.capitalize()
            )
        )
        return turn.reply(speech, step.reprompt or turn.say("ask_reprompt"))
    if reading.shape is Shape.THINGS and _first_feeling_question(script, asked_at.step):
        session.followup = True  # offered, not imposed: "next" passes it by
        speech.say(ack or "").say(turn.say("followup"))
        return turn.reply(speech, turn.say("followup_reprompt"))
    return play(turn, script, speech, ack=ack)


def _ack(turn: Turn, script: Script, at: Position, step: Ask | None = None) -> str:
    """A short acknowledgement, different from the one before it in the same question."""
    acks = (step.acks if step else ()) or tuple(turn.phrases.variants("ack"))
    base = int(hashlib.sha256(f"{script.id}:{at.step}".encode()).hexdigest()[:6], 16)
    return acks[(base + int(at.offset)) % len(acks)]


def _first_feeling_question(script: Script, index: int) -> bool:
    first = next(
        (
            i
            for i, s in enumerate(script.steps)
            if isinstance(s, Ask) and s.expect is Expect.FEELING
        ),
        None,
    )
    return first == index


@handler(intents=("AMAZON.NoIntent",), modes=IN_EXERCISE)
def no_in_exercise(turn: Turn) -> Response:
    """ "No" during an exercise is not a goodbye: at a question it passes, otherwise it waits."""
    script = turn.script
    if script is not None and turn.session.followup:
        turn.session.followup = False
        return play(turn, script)
    if script is not None and turn.session.waiting is not None:
        turn.session.at = skip_question(turn.session.at)
        return play(turn, script, SpeechBuilder().say(turn.say("move_on_unknown")))
    speech = SpeechBuilder().say(turn.say("continue_prompt"))
    return turn.reply(speech, turn.say("continue_reprompt"))


@handler(intents=ANSWERS, modes=IN_EXERCISE)
def words_between_steps(turn: Turn) -> Response:
    """Words when no question is open: a brief thanks, and the exercise waits where it is."""
    speech = SpeechBuilder().say(turn.phrases.choose(turn.phrases.variants("ack"), turn.seed))
    speech.say(turn.say("continue_prompt"))
    return turn.reply(speech, turn.say("continue_reprompt"))


@handler(intents=("AMAZON.NextIntent",), modes=IN_EXERCISE)
def next_step(turn: Turn) -> Response:
    script = turn.script
    if script is None:
        return offer_menu(turn)
    if turn.session.followup:
        turn.session.followup = False
    elif turn.session.waiting is not None:
        turn.session.at = skip_question(turn.session.at)
    return play(turn, script)


@handler(intents=("AMAZON.RepeatIntent",), modes=(Mode.EXERCISE, Mode.PAUSED, Mode.FINISHED))
def repeat(turn: Turn) -> Response:
    script = turn.script
    if script is None:
        return offer_menu(turn)
    turn.session.at = turn.session.segment_start
    return play(turn, script)


@handler(intents=("AMAZON.PreviousIntent",), modes=(Mode.EXERCISE, Mode.PAUSED, Mode.FINISHED))
def go_back(turn: Turn) -> Response:
    script = turn.script
    if script is None:
        return offer_menu(turn)
    turn.session.at = step_back(script, turn.session.segment_start)
    return play(turn, script, SpeechBuilder().say(turn.say("went_back")))


@handler(intents=("AMAZON.StartOverIntent",), modes=(Mode.EXERCISE, Mode.PAUSED, Mode.FINISHED))
def start_over(turn: Turn) -> Response:
    script = turn.script
    if script is None:
        return offer_menu(turn)
    return start(turn, script, Position(), SpeechBuilder().say(turn.say("start_over")))


@handler(intents=("AMAZON.PauseIntent",), modes=IN_EXERCISE)
def pause(turn: Turn) -> Response:
    turn.session.at = turn.heard_position()
    turn.remember_stop()
    turn.session.mode = Mode.PAUSED
    return turn.reply(SpeechBuilder().say(turn.say("paused")), turn.say("paused_reprompt"))


@handler(
    intents=("AMAZON.ResumeIntent", "AMAZON.NextIntent", "AMAZON.YesIntent"), modes=(Mode.PAUSED,)
)
def resume(turn: Turn) -> Response:
    script = turn.script
    if script is None:
        return offer_menu(turn)
    return play(turn, script)


@handler(intents=("AMAZON.ResumeIntent",))
def resume_saved(turn: Turn) -> Response:
    saved = turn.user.resume
    script = turn.library.get(saved.script_id) if saved else None
    if saved is None or script is None:
        return offer_menu(turn, key="resume_nothing")
    return start(turn, script, at=saved.position)


def handlers() -> list[AbstractRequestHandler]:
    """Handlers of this module, in order."""
    return [
        start_exercise,
        choose,
        answer,
        no_in_exercise,
        words_between_steps,
        next_step,
        repeat,
        go_back,
        start_over,
        pause,
        resume,
        resume_saved,
    ]
