"""Turning domain values into table rows and back."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.model import Decision, Method, Poll, PollKind, PollSpec, PollStatus, Quorum, Rule, SpaceRef
from bot.records import outcome_from_json, outcome_to_json
from bot.timed_work import Job, JobKind, NewJob, Schedule
from storage.tables import DecisionRow, PollRow, ScheduleRow, utc


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
        reminders=",".join(str(int(lead)) for lead in spec.reminders),
        rule=spec.rule.value,
        quorum_each=spec.quorum_each,
        follows=spec.follows,
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
        reminders=tuple(int(lead) for lead in row.reminders.split(",") if lead),
        rule=Rule(row.rule),
        quorum_each=row.quorum_each,
        follows=row.follows,
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


def job_values(
    job: NewJob, *, poll_id: int | None = None, schedule_id: int | None = None
) -> dict[str, Any]:
    """Column values for a new job; ``poll_id`` and ``schedule_id`` fill in missing ones.

    Raises:
        ValueError: ``due_at`` is naive (checked here, before any transaction starts).
    """
    return {
        "kind": JobKind(job.kind).value,
        "due_at": utc(job.due_at),
        "poll_id": job.poll_id if job.poll_id is not None else poll_id,
        "schedule_id": job.schedule_id if job.schedule_id is not None else schedule_id,
        "data": job.data,
        "attempts": 0,
        "failed": False,
    }


def job_from_row(row: Any) -> Job:
    """The job in a row (or RETURNING tuple) with the columns of ``Job``."""
    return Job(
        id=row.id,
        kind=JobKind(row.kind),
        due_at=row.due_at,
        poll_id=row.poll_id,
        schedule_id=row.schedule_id,
        data=row.data,
        attempts=row.attempts,
    )


def new_schedule_row(
    space: SpaceRef, number: int, creator: str, schedule: Schedule, now: datetime
) -> ScheduleRow:
    """A row for an active schedule made now (``schedule.id`` and ``.number`` are ignored)."""
    return ScheduleRow(
        **space_columns(space),
        number=number,
        creator=creator,
        text=schedule.text,
        cron=schedule.cron,
        every_seconds=schedule.every_seconds,
        timezone=schedule.timezone,
        options=json.dumps(list(schedule.options), ensure_ascii=False),
        poll_seconds=schedule.poll_seconds,
        active=True,
        created_at=utc(now),
    )


def schedule_from_row(row: ScheduleRow) -> Schedule:
    """The schedule stored in ``row``."""
    assert row.id is not None
    return Schedule(
        id=row.id,
        space=SpaceRef(row.platform, row.workspace, row.channel),
        number=row.number,
        creator=row.creator,
        text=row.text,
        cron=row.cron,
        every_seconds=row.every_seconds,
        timezone=row.timezone,
        options=tuple(json.loads(row.options)),
        poll_seconds=row.poll_seconds,
    )
