"""Offline utterance matcher: typed words to an intent and slots, by the interaction model.

The simulator (`steady say`, `steady chat`) has no Alexa speech service, so this package stands in
for Alexa's language understanding, driven by the same interaction model JSON that is uploaded to
Amazon. Typed shorthand is first written the way Alexa's speech recognition would hear it ("im
gonna" -> "i'm going to", "dont" -> "don't"). Every sample is compiled into a regular expression
once; an utterance is matched against all of them and the best match wins:

1. a CrisisIntent match (see below);
2. a literal sample matched exactly (built-in phrases included);
3. a sample whose slots all resolved to listed values; more literal words first;
4. a sample with free (unresolved) slot text, like Alexa's custom-slot pass-through; more
   literal words first;
5. a sample that is only a slot ("{feeling}") matches only when the value resolves (free words
   alone are not a match); it then counts as (3) with no literal words, so it ranks below other
   resolved samples and above free ones ("body scan for bed" is one exercise, not a person).

Crisis statements are values of CrisisIntent's ``statement`` slot type, so that their words reach
the skill: the value id is the statement's category ("abuse", "medical"...). A CrisisIntent
sample ("{statement}", "i think {statement}") matches when its statement resolves to a listed
value, exactly or loosely (contractions and slang written out by the crisis check's own
normaliser, fillers such as "just", "really", "honestly" left out, any number the same as any
other), and then fills the slot with the words and the id. Its words may also be new to the
model, as a custom slot passes them through, as long as the utterance holds a listed statement
said as a whole clause ("um I see a lamp and I want to die"): the slot then carries the words
without an id. Failing any CrisisIntent sample, an utterance that holds such a clause is
CrisisIntent with the whole utterance as its statement. A clause starts with a subject ("i",
"my", "she", "everyone"...), so "want to die" inside "i don't want to die" is not one, and ends
the utterance or comes before a word that starts a new thought ("and", "tonight", "because"...),
so "i cut myself" inside "i cut myself shaving" is not one.

Spoken controls (ControlIntent: "slower", "can we keep my eyes open"; SkipRegionIntent: "skip my
chest") match only when every slot resolves to a listed value: their lists are closed, so "skip
this part" stays AMAZON.NextIntent and "can you tell me a story" is not a control. Carrier phrases
may be shared between intents when their slot types share no spelling ("i'd like {exercise}",
"i'd like {setting}"): the listed values decide.

Anything else is AMAZON.FallbackIntent with no slots. When the skill is waiting for an answer
(``expecting``), a fallback, a bare value of another type or a weak free match becomes the
expected AnswerIntent or FeelingIntent carrying the whole utterance, the way a catch-all slot
behaves on a device. Built-in controls ("stop", "next"), spoken controls ("slower", "skip my
feet") and crisis statements still win.

Built-in slot types are filled as Alexa fills them: AMAZON.NUMBER with digits ("fifteen" ->
"15"), AMAZON.TIME with 24-hour "HH:MM" ("nine pm" -> "21:00", "half past nine" -> "09:30") or a
part of the day ("in the evening" -> "EV"); an hour said without am or pm stays as said ("nine"
-> "09:00"). Words shaped like a time that are no time ("twenty five o'clock") match no sample.

The English word tables (typed shorthand, fillers, clause words, number words, times of day,
invocation phrases) are data: skill/data/en/typed.yaml. The modules: `words` (typed words,
numbers), `times` (AMAZON.TIME), `slots` (slot types, resolution), `samples` (compiling samples),
`statements` (statement_key, clauses), `model` (reading a model), `matcher` (the Matcher),
`results` (Match, SlotMatch), `invocation` (parse_invocation).
"""

from skill.tools.nlu.invocation import Invocation, parse_invocation
from skill.tools.nlu.matcher import Matcher
from skill.tools.nlu.results import Match, SlotMatch
from skill.tools.nlu.statements import statement_key
from skill.tools.nlu.times import time_value
from skill.tools.nlu.words import normalise, number_value, spoken

__all__ = [
    "Invocation",
    "Match",
    "Matcher",
    "SlotMatch",
    "normalise",
    "number_value",
    "parse_invocation",
    "spoken",
    "statement_key",
    "time_value",
]
