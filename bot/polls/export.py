"""The decision log as JSON or CSV: aggregates only, never ballots or voters.

A proposal amended into new rounds (``amend #N``) has one entry per round, each with
``round``, ``follows`` (the poll number of the round before) and ``amended_as`` (the
poll number of the round after), so the chain can be followed in a spreadsheet.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from bot.model import Decision
from bot.records import outcome_to_dict

CSV_COLUMNS = (
    "space", "poll", "question", "kind", "method", "rule", "status", "options", "summary",
    "reason", "winners", "passed", "tallies", "voted", "eligible", "opened_at", "closed_at",
    "reasons", "responses", "groups", "follow_ups", "round", "follows", "amended_as",
)


def decision_to_dict(decision: Decision) -> dict[str, Any]:
    """One decision as a JSON-ready dict."""
    outcome = outcome_to_dict(decision.outcome)
    if decision.anonymous:
        outcome.pop("voters", None)
    return {
        "space": decision.space.key,
        "poll": decision.poll_number,
        "question": decision.question,
        "kind": decision.kind.value,
        "method": decision.method.value,
        "rule": decision.rule,
        "status": decision.status.value,
        "anonymous": decision.anonymous,
        "options": list(decision.options),
        "outcome": outcome,
        "opened_at": decision.opened_at.isoformat(),
        "closed_at": decision.closed_at.isoformat(),
        **_rounds(decision),
    }


def decisions_json(decisions: Sequence[Decision]) -> str:
    """The decision log as a JSON array."""
    return json.dumps([decision_to_dict(d) for d in decisions], ensure_ascii=False, indent=2)


def decisions_csv(decisions: Sequence[Decision]) -> str:
    """The decision log as CSV, one row per decision; lists are joined with " | "."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for decision in decisions:
        o = decision.outcome
        writer.writerow([
            decision.space.key, decision.poll_number, _cell(decision.question),
            decision.kind.value, decision.method.value, decision.rule, decision.status.value,
            " | ".join(_cell(x) for x in decision.options), _cell(o.summary), _cell(o.reason),
            " | ".join(_cell(x) for x in o.winners), "" if o.passed is None else o.passed,
            " | ".join(f"{_cell(label)}: {figure:g}" for label, figure in o.tallies),
            o.voted, o.eligible, decision.opened_at.isoformat(), decision.closed_at.isoformat(),
            " | ".join(f"{n}. {stance}: {_cell(text)}"
                       for n, (stance, text) in enumerate(o.reasons, start=1)),
            " | ".join(f"{n}. {_cell(text)}" for n, text in o.responses),
            " | ".join(f"{_cell(name)}: {_cell(text)}" for name, text in o.groups),
            " | ".join(f"{day}: {_cell(text)}" for day, text in o.follow_ups),
            *("" if value is None else value for value in _rounds(decision).values()),
        ])
    return buffer.getvalue()


def _rounds(decision: Decision) -> dict[str, int | None]:
    """Which round of its proposal a decision is (``amend``), the number of the round it
    follows and of the round that followed it; 1, None and None for a first round."""
    place = decision.round
    return {"round": place.number if place is not None else 1,
            "follows": place.previous if place is not None else None,
            "amended_as": decision.amended_as}


def _cell(text: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheets; a quote stops that.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
