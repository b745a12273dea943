"""Recurring schedules follow local time through daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import BadInput
from bot.model import SpaceRef
from bot.timed_work import Schedule
from bot.timing.recurrence import check_cron, check_every, next_occurrence

SPACE = SpaceRef("console", "local", "playground")


def sched(cron=None, every=None, tz="Europe/London"):
    return Schedule(id=1, space=SPACE, number=1, creator="x", text="t", cron=cron,
                    every_seconds=every, timezone=tz)


def walk(schedule, start, n):
    out, at = [], start
    for _ in range(n):
        at = next_occurrence(schedule, at)
        out.append(at)
    return out


def test_cron_across_spring_forward():
    weekly = sched(cron="0 10 * * MON")
    assert walk(weekly, datetime(2027, 3, 20, tzinfo=UTC), 2) == [
        datetime(2027, 3, 22, 10, 0, tzinfo=UTC), datetime(2027, 3, 29, 9, 0, tzinfo=UTC)]


def test_cron_across_fall_back():
    weekly = sched(cron="0 10 * * MON")
    assert walk(weekly, datetime(2027, 10, 23, tzinfo=UTC), 2) == [
        datetime(2027, 10, 25, 9, 0, tzinfo=UTC), datetime(2027, 11, 1, 10, 0, tzinfo=UTC)]


def test_every_keeps_wall_time_across_both_changes():
    fortnightly = sched(every=14 * 86400)
    spring = walk(fortnightly, datetime(2027, 3, 22, 10, 0, tzinfo=UTC), 1)
    assert spring == [datetime(2027, 4, 5, 9, 0, tzinfo=UTC)]
    autumn = walk(fortnightly, datetime(2027, 10, 25, 9, 0, tzinfo=UTC), 1)
    assert autumn == [datetime(2027, 11, 8, 10, 0, tzinfo=UTC)]


def test_occurrence_is_strictly_after():
    weekly = sched(cron="0 10 * * MON", tz="UTC")
    monday_ten = datetime(2027, 3, 22, 10, 0, tzinfo=UTC)
    assert next_occurrence(weekly, monday_ten) == datetime(2027, 3, 29, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("expr", ["0 10 * *", "0 25 * * MON", "* * * * *", "0,30 * * * *"])
def test_bad_cron_is_refused(expr):
    with pytest.raises(BadInput):
        check_cron(expr, "UTC")


@pytest.mark.parametrize("text", ["soon", "10m", "2y"])
def test_bad_every_is_refused(text):
    with pytest.raises(BadInput):
        check_every(text)
