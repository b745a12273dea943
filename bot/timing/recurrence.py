"""When a recurring schedule next falls: cron expressions or a fixed interval, in local time.

Cron expressions are read by APScheduler's ``CronTrigger``, which works in the
space's time zone and so keeps "10:00 every Monday" at 10:00 local time across
daylight-saving changes. Fixed intervals (``--every 2w``) are added in local wall
time for the same reason.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache

from apscheduler.triggers.cron import CronTrigger

from bot.errors import BadInput
from bot.i18n import _, ngettext
from bot.timed_work import Schedule
from bot.timeparse import parse_duration, zone

MIN_INTERVAL = timedelta(hours=1)
MAX_INTERVAL = timedelta(days=366)


def check_cron(expr: str, tz: str) -> CronTrigger:
    """A trigger for a five-field cron expression ("0 10 * * MON") in ``tz``.

    Raises:
        BadInput: The expression is not five valid cron fields, or fires more than hourly.
    """
    fields = expr.split()
    if len(fields) != 5:
        raise BadInput(_('Write --cron with five fields: minute hour day month weekday, like '
                         '--cron "0 10 * * MON" for 10:00 every Monday.'))
    try:
        trigger = CronTrigger.from_crontab(expr, timezone=zone(tz))
    except ValueError as error:
        raise BadInput(_("I couldn't read the cron expression {expr} ({error}). Example: "
                         '--cron "0 10 * * MON".').format(expr=repr(expr), error=error)) from None
    if fields[0] == "*" or "," in fields[0] or "/" in fields[0] or "-" in fields[0]:
        raise BadInput(_("A schedule can run at most once an hour: give one minute, like "
                         '--cron "0 10 * * MON".'))
    return trigger


def check_every(text: str) -> timedelta:
    """An interval such as ``1w`` or ``2d``.

    Raises:
        BadInput: Not an interval, or shorter than an hour or longer than a year.
    """
    interval = parse_duration(text)
    if interval is None:
        raise BadInput(_("Write --every with a length of time, like --every 1w or --every 2d."))
    if not MIN_INTERVAL <= interval <= MAX_INTERVAL:
        raise BadInput(_("A schedule repeats at most every hour and at least once a year."))
    return interval


def next_occurrence(schedule: Schedule, after: datetime) -> datetime:
    """The first occurrence strictly after ``after`` (UTC in, UTC out)."""
    if schedule.cron is not None:
        return _next_cron(schedule.cron, schedule.timezone, after)
    assert schedule.every_seconds is not None
    return add_local(after, timedelta(seconds=schedule.every_seconds), schedule.timezone)


@lru_cache(maxsize=4096)
def _next_cron(expr: str, tz: str, after: datetime) -> datetime:
    # Memoised: a weekly meeting shared by many spaces ("0 10 * * MON") falls due for all
    # of them at once, and CronTrigger takes about 0.3 ms to work out each next time.
    # The answer depends on nothing else, and the expression was checked when stored.
    # CronTrigger returns the first fire time at or after "now", in whole seconds.
    fire = _trigger(expr, tz).get_next_fire_time(None, after + timedelta(seconds=1))
    return fire.astimezone(UTC)


@lru_cache(maxsize=1024)
def _trigger(expr: str, tz: str) -> CronTrigger:
    return check_cron(expr, tz)


def add_local(at: datetime, interval: timedelta, tz: str) -> datetime:
    """``at`` plus ``interval`` counted in local wall time, so a weekly 10:00 stays at 10:00."""
    # Aware datetime + timedelta moves the wall clock and keeps the zone: what people mean.
    return (at.astimezone(zone(tz)) + interval).astimezone(UTC)


def describe(schedule: Schedule) -> str:
    """The schedule's timing in words, in the reader's language."""
    tz = schedule.timezone
    if schedule.cron is not None:
        return _('cron "{cron}" ({zone})').format(cron=schedule.cron, zone=tz)
    assert schedule.every_seconds is not None
    seconds = schedule.every_seconds
    if seconds % 604800 == 0:
        count = seconds // 604800
        return ngettext("every {count} week ({zone})", "every {count} weeks ({zone})",
                        count).format(count=count, zone=tz)
    if seconds % 86400 == 0:
        count = seconds // 86400
        return ngettext("every {count} day ({zone})", "every {count} days ({zone})",
                        count).format(count=count, zone=tz)
    if seconds % 3600 == 0:
        count = seconds // 3600
        return ngettext("every {count} hour ({zone})", "every {count} hours ({zone})",
                        count).format(count=count, zone=tz)
    count = seconds // 60
    return ngettext("every {count} minute ({zone})", "every {count} minutes ({zone})",
                    count).format(count=count, zone=tz)
