"""Rendering timelines as SSML, and the platform limits."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from skill.core.timeline import Timeline
from skill.speech.limits import MAX_BREAK_SECONDS, MAX_RESPONSE_SECONDS
from skill.speech.plain import plain_text, to_plain_text
from skill.speech.ssml import ResponseBudget, _extend, break_seconds, check, render


def breaks(ssml: str) -> list[float]:
    return [break_seconds(b.get("time", "")) or -1.0 for b in ET.fromstring(ssml).iter("break")]


def test_long_silence_becomes_a_chain_of_breaks_adding_up_exactly() -> None:
    ssml = render(Timeline().pause(37.5))
    found = breaks(ssml)
    assert all(b <= MAX_BREAK_SECONDS for b in found)
    assert sum(found) == 37.5
    assert len(found) == 4


def test_text_is_escaped_so_the_ssml_stays_valid() -> None:
    ssml = render(Timeline().say('Tea & toast <3 "quotes"'))
    assert check(ssml) == []
    assert to_plain_text(ssml) == 'Tea & toast <3 "quotes"'


def test_check_reports_each_broken_limit() -> None:
    assert any("not valid XML" in p for p in check("<speak>a & b</speak>"))
    assert any("over the limit of 10" in p for p in check('<speak><break time="11s"/></speak>'))
    assert any("characters" in p for p in check("<speak>" + "word " * 1700 + "</speak>"))
    long_quiet = "<speak>" + '<break time="10s"/>' * 25 + "</speak>"
    assert any("over 240" in p for p in check(long_quiet))
    assert any("not <speak>" in p for p in check("<p>hello</p>"))


def test_plain_text_shows_long_pauses_only() -> None:
    timeline = Timeline().say("Breathe in.").pause(2).say("And out.").pause(20).say("Done.")
    assert plain_text(timeline) == "Breathe in. And out. (20 s pause) Done."
    assert to_plain_text(render(timeline)) == plain_text(timeline)


def test_timeline_tracks_estimated_seconds() -> None:
    timeline = Timeline().say("one two three four five six seven eight nine ten").pause(3)
    assert 6 < timeline.seconds < 9


def test_the_budget_measures_a_growing_timeline_as_rendering_it_would() -> None:
    from skill.core.timeline import Timeline
    from skill.speech.ssml import ResponseBudget, render

    budget = ResponseBudget()
    timeline = Timeline()
    pieces = ["Breathe in", ".", "A & B <c>", "Hello", "!"]
    for index, text in enumerate(pieces * 6):
        timeline.say(text)
        if index % 3 == 0:
            timeline.pause(2.5 + index)
        if index % 4 == 0:
            timeline.number("988")
        assert budget.ssml_length(timeline) == len(render(timeline))
    other = Timeline().say("something else entirely")
    assert budget.ssml_length(other) == len(render(other))


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab &<>\"'\n\r\t;#é"))))
def test_text_and_attributes_are_escaped_as_the_xml_library_does(text: str) -> None:
    """skill.speech.escaping stands in for xml.sax.saxutils (which imports urllib.request)."""
    from xml.sax import saxutils

    from skill.speech.escaping import escape, quoteattr

    assert escape(text) == saxutils.escape(text)
    assert quoteattr(text) == saxutils.quoteattr(text)


_PIECES = st.one_of(
    st.tuples(
        st.just("say"),
        st.sampled_from(["Breathe in", ". Hold", "Tea & toast", "<3", ", and", "!", ""]),
    ),
    st.tuples(st.just("pause"), st.floats(min_value=0, max_value=40)),
    st.tuples(st.just("number"), st.sampled_from(["988", "116 123", "741741"])),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=25))
def test_rendering_equals_item_by_item_rendering(pieces: list[tuple[str, object]]) -> None:
    """A segment is measured item by item as it grows (ResponseBudget), and rendered whole
    once: both must give what a device hears, escaping, punctuation joined to the word
    before, breaks, and the budget must count its exact length."""
    timeline = Timeline()
    for kind, value in pieces:
        timeline = getattr(timeline, kind)(value)
    one_by_one: list[str] = []
    for item in timeline.items:
        _extend(one_by_one, (item,))
    assert render(timeline) == f"<speak>{' '.join(one_by_one)}</speak>"
    assert ResponseBudget().ssml_length(timeline) == len(render(timeline))
    # Random pieces may add up to more than a response may last (the engine's budget keeps
    # real segments under it); everything else the platform checks must hold.
    too_long = f"over {MAX_RESPONSE_SECONDS:g} s"
    assert [p for p in check(render(timeline)) if not p.endswith(too_long)] == []
