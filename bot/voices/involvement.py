"""The contribution record for involvement payments: per member, space and group, counts only.

Votes appear as "took part in N decisions" — a poll counts once however often a
person changed their vote — and never as what anyone chose.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from bot.model import SpaceRef
from bot.voice_model import ContributionKind

CSV_COLUMNS = (
    "space", "member", "display_name", "groups", "messages", "replies",
    "took_part_in_decisions", "ideas", "responses", "started", "payments",
)
_FIELDS = {
    ContributionKind.MESSAGE: "messages",
    ContributionKind.REPLY: "replies",
    ContributionKind.VOTE: "took_part_in_decisions",
    ContributionKind.IDEA: "ideas",
    ContributionKind.RESPONSE: "responses",
    ContributionKind.START: "started",
}


@dataclass(frozen=True)
class InvolvementRow:
    """One member's contributions in one space over the period."""

    space: str
    member: str
    display_name: str
    groups: tuple[str, ...]
    messages: int = 0
    replies: int = 0
    took_part_in_decisions: int = 0
    ideas: int = 0
    responses: int = 0
    #: Polls, proposals and ideas rounds started.
    started: int = 0
    #: True or False as the member said (``payments on`` / ``off``); None: not asked.
    payments: bool | None = None


async def involvement_rows(store: Any, since: date, until: date,
                           space: SpaceRef | None = None) -> list[InvolvementRow]:
    """Everyone who contributed between ``since`` and ``until`` (UTC days, inclusive).

    Args:
        store: A store with the ``VoiceStore`` and ``GroupStore`` methods.
        space: Only this space's record (a facilitator's ``export contributions``); None:
            every space (the operator's ``roundtable export contributions``).
    """
    counts = await store.involvement_counts(since, until)
    figures: dict[tuple[str, str], dict[str, Any]] = {}
    for item, name in counts:
        if space is not None and item.space != space.key:
            continue
        if item.kind not in _FIELDS:
            # Reasons given with a vote were once counted; they would say who blocked.
            continue
        row = figures.setdefault((item.space, item.member), {"display_name": name})
        row[_FIELDS[item.kind]] = row.get(_FIELDS[item.kind], 0) + item.count
    prefs = await store.preferences_of({member for _, member in figures})
    groups: dict[tuple[str, str], list[str]] = {}
    for space in sorted({space for space, _ in figures}):
        for slug, members in (await store.group_members(_space(space))).items():
            for member in members:
                groups.setdefault((space, member), []).append(slug)
    return [
        InvolvementRow(space=space, member=member, groups=tuple(sorted(groups.get(
            (space, member), []))), payments=prefs[member].payments, **values)
        for (space, member), values in sorted(figures.items())
    ]


def involvement_json(rows: Sequence[InvolvementRow], since: date, until: date) -> str:
    """The record as JSON: the period, then one object per member and space."""
    return json.dumps({
        "from": since.isoformat(),
        "to": until.isoformat(),
        "days": "UTC calendar days, both ends included",
        "members": [{**asdict(row), "groups": list(row.groups)} for row in rows],
    }, ensure_ascii=False, indent=2)


def involvement_csv(rows: Sequence[InvolvementRow]) -> str:
    """The record as CSV, one row per member and space; groups joined with " | "."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([
            row.space, row.member, _cell(row.display_name), " | ".join(row.groups),
            row.messages, row.replies, row.took_part_in_decisions, row.ideas,
            row.responses, row.started,
            "not asked" if row.payments is None else "yes" if row.payments else "no",
        ])
    return buffer.getvalue()


def _cell(text: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheets; a quote stops that.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _space(key: str) -> SpaceRef:
    platform, workspace, channel = key.split(":", 2)
    return SpaceRef(platform, workspace, channel)
