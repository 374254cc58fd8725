"""Alexa's Reminders API: daily reminders for a person, set, listed and cancelled.

Calls go only to Amazon's API hosts (or a local stand-in in tests), with the request's own
token and a short timeout. A missing permission is answered with the permissions card (the only
card this skill sends) and a spoken explanation; every other failure is said calmly.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Iterable
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

from ask_sdk_model import RequestEnvelope

from skill.core.conversation.actions import ReminderOp, SpeakReminders
from skill.core.people import SELF
from skill.core.phrases import Phrases
from skill.core.state import UserState
from skill.record import mutable_record, record
from skill.settings import ALEXA_API_HOSTS

log = logging.getLogger("steady.reminders")

SCOPE = "alexa::alerts:reminders:skill:readwrite"
TIMEOUT_SECONDS = 1.0
PATH = "/v1/alerts/reminders"


class NeedsPermission(Exception):
    """The person has not granted the reminders permission."""


class RemindersFailed(Exception):
    """The Reminders API could not be reached or refused the request."""


@record
class Reminder:
    token: str
    time: str | None
    """ "HH:MM" of a daily reminder, when it can be read."""
    on: bool


class RemindersApi:
    """The Reminders API of the request's own endpoint."""

    def __init__(
        self,
        allowed_hosts: Collection[str] = ALEXA_API_HOSTS,
        timeout: float = TIMEOUT_SECONDS,
        allow_http: bool = False,
    ) -> None:
        self.allowed_hosts = frozenset(allowed_hosts)
        self.timeout = timeout
        self.allow_http = allow_http

    def create(self, envelope: RequestEnvelope, at: str, text: str, locale: str) -> str:
        """Set a daily reminder at `at` ("HH:MM"); its token."""
        hour, minute = (int(part) for part in at.split(":"))
        now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
        trigger: dict[str, Any] = {
            "type": "SCHEDULED_ABSOLUTE",
            "recurrence": {
                "startDateTime": now.isoformat(),
                "recurrenceRules": [
                    f"FREQ=DAILY;BYHOUR={hour};BYMINUTE={minute};BYSECOND=0;INTERVAL=1;"
                ],
            },
        }
        zone = self.time_zone(envelope)
        if zone:
            trigger["timeZoneId"] = zone
        body = {
            "requestTime": now.isoformat(),
            "trigger": trigger,
            "alertInfo": {"spokenInfo": {"content": [{"locale": locale, "text": text}]}},
            "pushNotification": {"status": "ENABLED"},
        }
        answer = self._call(envelope, "POST", PATH, body)
        token = answer.get("alertToken") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise RemindersFailed("no alertToken in the answer")
        return token

    def reminders(self, envelope: RequestEnvelope) -> list[Reminder]:
        """Every reminder this skill has set for the account."""
        answer = self._call(envelope, "GET", PATH)
        found = answer.get("alerts", []) if isinstance(answer, dict) else []
        return [_reminder(item) for item in found if isinstance(item, dict)]

    def delete(self, envelope: RequestEnvelope, token: str) -> None:
        try:
            self._call(envelope, "DELETE", f"{PATH}/{quote(token, safe='')}")
        except RemindersFailed as error:
            if "404" not in str(error):  # already gone is as good as deleted
                raise

    def time_zone(self, envelope: RequestEnvelope) -> str | None:
        """The device's time zone ("Europe/Berlin"), so a reminder rings at local time."""
        system = envelope.context.system if envelope.context else None
        device_id = system.device.device_id if system and system.device else None
        if not device_id:
            return None
        path = f"/v2/devices/{quote(device_id, safe='')}/settings/System.timeZone"
        try:
            zone = self._call(envelope, "GET", path)
        except (RemindersFailed, NeedsPermission):
            return None
        return zone if isinstance(zone, str) and 0 < len(zone) < 64 else None

    def _call(self, envelope: RequestEnvelope, method: str, path: str, body: object = None) -> Any:
        system = envelope.context.system if envelope.context else None
        endpoint = str(system.api_endpoint or "") if system else ""
        parts = urlsplit(endpoint)
        scheme_ok = parts.scheme == "https" or (self.allow_http and parts.scheme == "http")
        if not scheme_ok or parts.hostname not in self.allowed_hosts:
            raise RemindersFailed("unexpected API endpoint")
        token = str(system.api_access_token or "") if system else ""
        data = json.dumps(body).encode() if body is not None else None
        import urllib.error  # only when Amazon is asked: not on every cold start
        import urllib.request

        request = urllib.request.Request(
            f"{endpoint.rstrip('/')}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                raw = answer.read(65536)
        except urllib.error.HTTPError as error:
            if error.code in (401, 403):
                raise NeedsPermission() from error
            raise RemindersFailed(f"HTTP {error.code}") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise RemindersFailed(type(error).__name__) from error
        try:
            return json.loads(raw) if raw.strip() else None
        except ValueError as error:
            raise RemindersFailed("an answer that is not JSON") from error


def _reminder(item: dict[str, Any]) -> Reminder:
    rules = ((item.get("trigger") or {}).get("recurrence") or {}).get("recurrenceRules") or []
    at = None
    for rule in rules:
        fields = dict(p.split("=", 1) for p in str(rule).split(";") if "=" in p)
        if "BYHOUR" in fields and "BYMINUTE" in fields:
            at = f"{int(fields['BYHOUR']):02d}:{int(fields['BYMINUTE']):02d}"
    return Reminder(str(item.get("alertToken", "")), at, item.get("status") != "COMPLETED")


def spoken_time(at: str, words: dict[str, str]) -> str:
    """ "21:00" as "9 p.m.", "09:30" as "9:30 a.m.", with the phrase table's words."""
    hour, minute = (int(part) for part in at.split(":"))
    if (hour, minute) == (12, 0):
        return words["noon"]
    if (hour, minute) == (0, 0):
        return words["midnight"]
    clock = f"{hour % 12 or 12}" + (f":{minute:02d}" if minute else "")
    return f"{clock} {words['pm' if hour >= 12 else 'am']}"


@mutable_record
class ReminderReply:
    """What carrying out a reminders request said, and whether the stored state changed."""

    speech: str
    card: bool = False
    changed: bool = False


def carry_out(
    api: RemindersApi,
    envelope: RequestEnvelope,
    want: SpeakReminders,
    user: UserState,
    say: Say,
    locale: str,
) -> ReminderReply:
    """Set, list or cancel, and the words to say about it."""
    clock = dict(say.table("clock"))
    person = user.person(want.person)
    mine = want.person == SELF
    try:
        if want.op is ReminderOp.SET:
            assert want.at is not None
            kind = ("self" if mine else "person") + ("" if want.exercise else "_any")
            text = say(f"reminder_text_{kind}", name=want.name or "", exercise=want.exercise or "")
            token = api.create(envelope, want.at, text, locale)
            person.reminders.append(token)
            key = "reminder_set_self" if mine else "reminder_set_person"
            return ReminderReply(
                say(key, name=want.name or "", time=spoken_time(want.at, clock)), False, True
            )
        if want.op is ReminderOp.CANCEL:
            if not person.reminders:
                key = "reminder_none_self" if mine else "reminder_none_person"
                return ReminderReply(say(key, name=want.name or ""))
            for token in list(person.reminders):
                api.delete(envelope, token)
                person.reminders.remove(token)
            key = "reminder_cancelled_self" if mine else "reminder_cancelled_person"
            return ReminderReply(say(key, name=want.name or ""), False, True)
        return ReminderReply(_listing(api.reminders(envelope), user, say, clock))
    except NeedsPermission:
        return ReminderReply(say("reminder_permission"), card=True)
    except RemindersFailed as error:
        log.warning("reminders unavailable: %s", error)
        return ReminderReply(say("reminder_failed"))


def drop(api: RemindersApi, envelope: RequestEnvelope, tokens: Iterable[str]) -> int:
    """Delete reminders whose person is gone, as far as the API can be reached now; how many
    went. Nothing is said about it: the person asked to remove someone, and that is done."""
    dropped = 0
    for token in tokens:
        try:
            api.delete(envelope, token)
            dropped += 1
        except (NeedsPermission, RemindersFailed) as error:
            log.warning("a reminder could not be deleted: %s", type(error).__name__)
    return dropped


def _listing(found: list[Reminder], user: UserState, say: Say, clock: dict[str, str]) -> str:
    owners = {t: key for key, p in user.people.items() for t in p.reminders}
    items = []
    for reminder in found:
        if not reminder.on or reminder.time is None:
            continue
        key = owners.get(reminder.token)
        time = spoken_time(reminder.time, clock)
        if key is None:
            items.append(say("reminder_item_other", time=time))
        elif key == SELF:
            items.append(say("reminder_item_self", time=time))
        else:
            items.append(say("reminder_item_person", name=user.person(key).name or "", time=time))
    if not items:
        return say("reminders_none")
    return say("reminders_list", items=say.join(items))


class Say(Protocol):
    """The phrase table of the request's locale, as the reminders need it."""

    def __call__(self, key: str, **values: object) -> str: ...
    def table(self, key: str) -> dict[str, str]: ...
    def join(self, items: list[str]) -> str: ...


class PhraseTable:
    """A locale's phrases, as `carry_out` uses them."""

    def __init__(self, phrases: Phrases, seed: str) -> None:
        self._phrases, self._seed = phrases, seed

    def __call__(self, key: str, **values: object) -> str:
        return self._phrases.say(key, self._seed, **values)

    def table(self, key: str) -> dict[str, str]:
        return {str(k): str(v) for k, v in self._phrases.table[key].items()}

    def join(self, items: list[str]) -> str:
        return self._phrases.join(items, "and")
