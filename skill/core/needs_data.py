"""Reading a language's needs.yaml into `Needs`: every need, kind, length, place and phrase
list, checked as it is read. Pure: the caller reads the file."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from skill.core.fitting import Length, Place
from skill.core.needs import Needs
from skill.core.phrasing import Normalise, Phrases
from skill.core.referrals import Referral
from skill.core.script import Kind
from skill.core.understood import Need, Offered


def _strings(data: Mapping[str, Any], key: str) -> list[str]:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise ValueError(f"needs: {key} must be a list")
    return [str(v) for v in value]


def needs_from_data(data: Mapping[str, Any], normalise: Normalise) -> Needs:
    """`Needs` from the mapping in needs.yaml; raises ValueError on a need that gives both or
    neither of `start` and `offer`, or a list that is not one."""

    def phrases(items: object) -> Phrases:
        return Phrases.of(items if isinstance(items, list) else [], normalise)

    needs = []
    for need_id, raw in (data.get("needs") or {}).items():
        offers = tuple(
            Offered(str(o["id"]), str(o.get("reason", "")), str(o.get("label", "")))
            for o in raw.get("offer") or []
        )
        start = raw.get("start")
        if (start is None) == (not offers):
            raise ValueError(f"needs: {need_id}: give either start or offer")
        also, hints = tuple(_strings(raw, "also")), phrases(_strings(raw, "hints"))
        needs.append(Need(str(need_id), phrases(raw.get("words")), start, offers, also, hints))
    lengths = tuple(
        Length(phrases(raw.get("words")), raw.get("most"), bool(raw.get("longest")))
        for raw in (data.get("lengths") or {}).values()
    )
    places = tuple(
        Place(
            phrases(raw.get("words")),
            frozenset(raw.get("tags") or ()),
            frozenset(raw.get("kinds") or ()),
            frozenset(raw.get("not_tags") or ()),
            frozenset(raw.get("first") or ()),
        )
        for raw in (data.get("places") or {}).values()
    )
    referrals = tuple(
        Referral(
            str(ref_id),
            phrases(raw.get("words")),
            tuple(phrases(group) for group in raw.get("together") or ()),
            phrases(raw.get("unless")),
        )
        for ref_id, raw in (data.get("referrals") or {}).items()
    )
    return Needs(
        normalise,
        tuple(needs),
        {Kind(k): phrases(v) for k, v in (data.get("kinds") or {}).items()},
        lengths,
        places,
        phrases(_strings(data, "again")),
        phrases(_strings(data, "surprise")),
        phrases(_strings(data, "counting")),
        str(data["counted"]) if data.get("counted") else None,
        {str(k): float(v) for k, v in (data.get("numbers") or {}).items()},
        {str(k): float(v) for k, v in (data.get("units") or {}).items()},
        float(data.get("least_most") or 0.0),
        referrals,
        {str(k): str(v) for k, v in (data.get("same") or {}).items()},
        phrases(_strings(data, "carriers")),
        phrases(_strings(data, "requesting")),
        frozenset(normalise(" ".join(_strings(data, "asking"))).split()),
    )
