"""The timed jobs a poll needs: its closing, its reminders and its nudge sweeps."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from bot.model import PollKind, PollSpec
from bot.timed_work import FIRST_SWEEP, JobKind, NewJob


def poll_jobs(spec: PollSpec, now: datetime) -> list[NewJob]:
    """The jobs a new or extended poll needs: its nudge sweep, and its closing and its
    reminders still ahead. An ideas round has no votes to remind or nudge about."""
    if spec.kind is PollKind.IDEAS:
        return [NewJob(JobKind.CLOSE, spec.closes_at)] if spec.closes_at else []
    jobs = [NewJob(JobKind.NUDGE, now + FIRST_SWEEP)]
    if spec.closes_at is None:
        return jobs
    jobs.append(NewJob(JobKind.CLOSE, spec.closes_at))
    for lead in spec.reminders:
        due = spec.closes_at - timedelta(seconds=lead)
        if due > now:
            jobs.append(NewJob(JobKind.REMIND, due, data=json.dumps({"before": lead})))
    return jobs
