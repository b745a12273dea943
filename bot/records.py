"""Turning ballots and outcomes into text for storage and export, and back.

The store keeps these as opaque strings: it never needs to understand a ballot.
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from functools import lru_cache
from typing import Any

from bot.model import Ballot, Outcome, Stance, Verdict


def ballot_to_json(ballot: Ballot) -> str:
    """A compact, canonical JSON form of a ballot (no identity, no time)."""
    data: dict[str, Any] = {}
    if ballot.picks:
        data["p"] = list(ballot.picks)
    if ballot.points:
        data["s"] = [list(pair) for pair in ballot.points]
    if ballot.stance is not None:
        data["c"] = ballot.stance.value
    if ballot.reason:
        data["r"] = ballot.reason
    return json.dumps(data, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


@lru_cache(maxsize=4096)
def ballot_from_json(text: str) -> Ballot:
    """Read a ballot written by ``ballot_to_json``.

    Ballots are immutable and most are alike ("picked option 2"), so a closing burst
    reads each distinct text once.
    """
    data = json.loads(text)
    return Ballot(
        picks=tuple(data.get("p", ())),
        points=tuple((int(i), int(v)) for i, v in data.get("s", ())),
        stance=Stance(data["c"]) if "c" in data else None,
        reason=data.get("r"),
    )


def outcome_to_dict(outcome: Outcome) -> dict[str, Any]:
    """A JSON-ready dict of an outcome (aggregates only)."""
    # Shallow on purpose: every field is a plain value or a tuple of them, except
    # ``pending``; ``asdict``'s deep copy cost more than the rest of a closing.
    data = {field.name: getattr(outcome, field.name) for field in fields(outcome)}
    data["pending"] = asdict(outcome.pending) if outcome.pending is not None else None
    data["tallies"] = [{"option": label, "figure": figure} for label, figure in outcome.tallies]
    data["reasons"] = [{"stance": stance, "reason": text} for stance, text in outcome.reasons]
    data["voters"] = [{"name": name, "choice": choice} for name, choice in outcome.voters]
    data["groups"] = [{"group": name, "result": text} for name, text in outcome.groups]
    data["responses"] = [{"reason": number, "response": text}
                         for number, text in outcome.responses]
    data["follow_ups"] = [{"on": day, "text": text} for day, text in outcome.follow_ups]
    for key in ("winners", "story", "tied"):
        data[key] = list(data[key])
    return data


def outcome_to_json(outcome: Outcome) -> str:
    """JSON text of an outcome."""
    return json.dumps(outcome_to_dict(outcome), ensure_ascii=False, sort_keys=True)


def outcome_from_json(text: str) -> Outcome:
    """Read an outcome written by ``outcome_to_json``."""
    data = json.loads(text)
    return Outcome(
        summary=data["summary"],
        reason=data["reason"],
        winners=tuple(data.get("winners", ())),
        passed=data.get("passed"),
        tallies=tuple((t["option"], t["figure"]) for t in data.get("tallies", ())),
        story=tuple(data.get("story", ())),
        tied=tuple(data.get("tied", ())),
        voted=data.get("voted", 0),
        eligible=data.get("eligible", 0),
        reasons=tuple((r["stance"], r["reason"]) for r in data.get("reasons", ())),
        unit=data.get("unit", "votes"),
        voters=tuple((v["name"], v["choice"]) for v in data.get("voters", ())),
        groups=tuple((g["group"], g["result"]) for g in data.get("groups", ())),
        responses=tuple((r["reason"], r["response"]) for r in data.get("responses", ())),
        awaiting=data.get("awaiting", 0),
        pending=Verdict(**data["pending"]) if data.get("pending") else None,
        follow_ups=tuple((f["on"], f["text"]) for f in data.get("follow_ups", ())),
    )
