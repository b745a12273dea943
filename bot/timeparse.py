"""Reading closing times as people write them: ``90m``, ``2d``, ``friday 17:00``.

Times written as a date or a clock time are read in the space's time zone and
returned in UTC.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.errors import BadInput
from bot.i18n import N_, _, format_time, ngettext

MAX_AHEAD = timedelta(days=366)

_DURATION = re.compile(r"^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$")
_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_WEEKDAYS = {
    name: index
    for index, names in enumerate(
        [
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thur", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        ]
    )
    for name in names
}

#: How to write a time; show it with ``_(HOW_TO)``.
HOW_TO = N_(
    "Write a length of time like 90m, 2d or 1w, or a time in this space's time zone "
    "like friday 17:00, tomorrow 9am or 2026-12-04 17:00."
)


def zone(name: str) -> ZoneInfo:
    """The time zone called ``name``.

    Raises:
        BadInput: The name is not a known time zone.
    """
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise BadInput(_(
            "I don't know the time zone {name}. Use a name like Europe/London or "
            "America/Toronto."
        ).format(name=repr(name))) from error


def parse_duration(text: str) -> timedelta | None:
    """``90m``, ``2d``, ``1h30m``, ``1w`` as a timedelta; None if it is not a duration."""
    match = _DURATION.match(text.strip().lower())
    if not match or not any(match.groups()):
        return None
    weeks, days, hours, minutes = (int(g) if g else 0 for g in match.groups())
    return timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes)


def _parse_clock(text: str) -> time | None:
    match = _CLOCK.match(text.strip().lower())
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    meridiem = match.group(3)
    if meridiem:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if meridiem == "pm" else 0)
    elif match.group(2) is None:
        # A bare number like "5" is too ambiguous to be a time.
        return None
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def _parse_day(text: str, today: date) -> date | None:
    word = text.strip().lower()
    if word == "today":
        return today
    if word == "tomorrow":
        return today + timedelta(days=1)
    if word in _WEEKDAYS:
        ahead = (_WEEKDAYS[word] - today.weekday()) % 7
        return today + timedelta(days=ahead)
    match = _DATE.match(word)
    if match:
        try:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        except ValueError:
            return None
    return None


def parse_when(text: str, now: datetime, tz: str) -> datetime:
    """Read a closing time and return it in UTC.

    Args:
        text: What the person wrote after ``--closes``.
        now: The current time (UTC, aware).
        tz: The space's time zone, used for dates and clock times.

    Raises:
        BadInput: The text is not a time, or the time is in the past or over a year away.
    """
    cleaned = " ".join(text.replace("T", " ", 1).split()) if _DATE.match(text[:10]) else text
    cleaned = " ".join(cleaned.split())
    if not cleaned:
        raise BadInput(_with_how_to(_("--closes needs a time.")))
    duration = parse_duration(cleaned)
    if duration is not None:
        if duration <= timedelta(0):
            raise BadInput(_with_how_to(_("A poll needs to stay open for some time.")))
        return _check_range(now + duration, now)
    local_zone = zone(tz)
    local_now = now.astimezone(local_zone)
    parts = cleaned.split(" ")
    day = _parse_day(parts[0], local_now.date())
    if day is not None:
        clock_text = " ".join(parts[1:])
        if clock_text:
            clock = _parse_clock(clock_text)
            if clock is None:
                raise BadInput(_with_how_to(_("I couldn't read {text} as a time of day.").format(
                    text=repr(clock_text))))
        else:
            # A day on its own means the end of that day.
            clock = time(23, 59)
        local = datetime.combine(day, clock, tzinfo=local_zone)
        # "friday 17:00" said on a Friday evening means next Friday.
        if parts[0].lower() in _WEEKDAYS and local <= local_now:
            local += timedelta(days=7)
        return _check_range(local.astimezone(UTC), now)
    clock = _parse_clock(cleaned)
    if clock is not None:
        local = datetime.combine(local_now.date(), clock, tzinfo=local_zone)
        if local <= local_now:
            local = datetime.combine(local_now.date() + timedelta(days=1), clock, tzinfo=local_zone)
        return _check_range(local.astimezone(UTC), now)
    raise BadInput(_with_how_to(_("I couldn't read {text} as a closing time.").format(
        text=repr(text))))


def _with_how_to(sentence: str) -> str:
    return f"{sentence} {_(HOW_TO)}"


def _check_range(at: datetime, now: datetime) -> datetime:
    if at <= now:
        raise BadInput(_with_how_to(_("That time has already passed.")))
    if at - now > MAX_AHEAD:
        raise BadInput(_("A poll can stay open for at most a year. Choose an earlier closing "
                         "time."))
    return at


def describe_duration(delta: timedelta) -> str:
    """A rough, friendly length of time in the reader's language: "2 days", "3 hours",
    "45 minutes"."""
    seconds = max(int(delta.total_seconds()), 0)
    if seconds >= 86400:
        count = round(seconds / 86400)
        return ngettext("{count} day", "{count} days", count).format(count=count)
    if seconds >= 3600:
        count = round(seconds / 3600)
        return ngettext("{count} hour", "{count} hours", count).format(count=count)
    if seconds >= 60:
        count = seconds // 60
        return ngettext("{count} minute", "{count} minutes", count).format(count=count)
    return _("less than a minute")


def format_local(at: datetime, tz: str) -> str:
    """A time as people in the space read it, in the reader's language, e.g.
    "Fri 4 Dec 2026 17:00 (Europe/London)" / "Gwen 4 Rhag 2026 17:00 (Europe/London)"."""
    zone(tz)  # an unknown zone gets the same clear answer as anywhere else
    return f"{format_time(at, tz, 'EEE d MMM yyyy HH:mm')} ({tz})"
