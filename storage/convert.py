"""Turning domain values into table rows and back."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.model import (
    Decision,
    Method,
    Poll,
    PollKind,
    PollSpec,
    PollStatus,
    Quorum,
    SpaceRef,
)
from bot.records import outcome_from_json, outcome_to_json
from storage.tables import DecisionRow, PollRow, utc


def space_columns(space: SpaceRef) -> dict[str, str]:
    """The columns that identify a space: its key for lookups, its parts to rebuild it."""
    return {
        "space": space.key,
        "platform": space.platform,
        "workspace": space.workspace,
        "channel": space.channel,
    }


def new_poll_row(
    space: SpaceRef, number: int, creator: str, spec: PollSpec, now: datetime
) -> PollRow:
    """A row for a poll that opens now."""
    quorum = spec.quorum
    return PollRow(
        **space_columns(space),
        number=number,
        creator=creator,
        question=spec.question,
        options=json.dumps(list(spec.options), ensure_ascii=False),
        kind=spec.kind.value,
        method=spec.method.value,
        anonymous=spec.anonymous,
        show_results=spec.show_results,
        quorum_count=quorum.count if quorum else None,
        quorum_percent=quorum.percent if quorum else None,
        threshold=spec.threshold,
        closes_at=utc(spec.closes_at) if spec.closes_at else None,
        max_picks=spec.max_picks,
        dots=spec.dots,
        status=PollStatus.OPEN.value,
        created_at=utc(now),
    )


def poll_from_row(row: PollRow) -> Poll:
    """The domain poll stored in ``row``."""
    quorum = None
    if row.quorum_count is not None or row.quorum_percent is not None:
        quorum = Quorum(count=row.quorum_count, percent=row.quorum_percent)
    spec = PollSpec(
        question=row.question,
        options=tuple(json.loads(row.options)),
        kind=PollKind(row.kind),
        method=Method(row.method),
        anonymous=row.anonymous,
        show_results=row.show_results,
        quorum=quorum,
        threshold=row.threshold,
        closes_at=row.closes_at,
        max_picks=row.max_picks,
        dots=row.dots,
    )
    assert row.id is not None
    return Poll(
        id=row.id,
        space=SpaceRef(row.platform, row.workspace, row.channel),
        number=row.number,
        creator=row.creator,
        spec=spec,
        status=PollStatus(row.status),
        created_at=row.created_at,
        closed_at=row.closed_at,
    )


def decision_values(decision: Decision) -> dict[str, Any]:
    """Column values for a decision-log row."""
    return {
        **space_columns(decision.space),
        "poll_number": decision.poll_number,
        "question": decision.question,
        "kind": decision.kind.value,
        "method": decision.method.value,
        "rule": decision.rule,
        "options": json.dumps(list(decision.options), ensure_ascii=False),
        "status": decision.status.value,
        "outcome": outcome_to_json(decision.outcome),
        "anonymous": decision.anonymous,
        "opened_at": decision.opened_at,
        "closed_at": decision.closed_at,
    }


def decision_from_row(row: DecisionRow) -> Decision:
    """The decision stored in ``row``."""
    return Decision(
        space=SpaceRef(row.platform, row.workspace, row.channel),
        poll_number=row.poll_number,
        question=row.question,
        kind=PollKind(row.kind),
        method=Method(row.method),
        rule=row.rule,
        options=tuple(json.loads(row.options)),
        status=PollStatus(row.status),
        outcome=outcome_from_json(row.outcome),
        opened_at=row.opened_at,
        closed_at=row.closed_at,
        anonymous=row.anonymous,
    )
