"""Closing times as people write them, in the space's time zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.errors import BadInput
from bot.timeparse import parse_duration, parse_when

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # a Wednesday


def test_durations():
    assert parse_duration("90m") == timedelta(minutes=90)
    assert parse_duration("2d") == timedelta(days=2)
    assert parse_duration("1h30m") == timedelta(hours=1, minutes=30)
    assert parse_duration("1w") == timedelta(weeks=1)
    assert parse_duration("soon") is None
    assert parse_when("2d", NOW, "UTC") == NOW + timedelta(days=2)


def test_weekday_and_time_in_the_space_time_zone():
    # Friday 17:00 in Toronto (UTC-5 in November) is 22:00 UTC.
    assert parse_when("friday 17:00", NOW, "America/Toronto") == datetime(
        2026, 11, 27, 22, 0, tzinfo=UTC)
    assert parse_when("fri 5pm", NOW, "UTC") == datetime(2026, 11, 27, 17, 0, tzinfo=UTC)


def test_dates_and_summer_time():
    # London is on summer time (UTC+1) in July.
    assert parse_when("2027-07-01 17:00", NOW, "Europe/London") == datetime(
        2027, 7, 1, 16, 0, tzinfo=UTC)
    assert parse_when("2026-12-04T17:00", NOW, "UTC") == datetime(2026, 12, 4, 17, 0, tzinfo=UTC)
    assert parse_when("tomorrow", NOW, "UTC") == datetime(2026, 11, 26, 23, 59, tzinfo=UTC)


def test_same_weekday_already_past_means_next_week():
    assert parse_when("wednesday 08:00", NOW, "UTC") == datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2025-01-01 10:00", "yesterday", "0m", "2026-02-30", "3027-01-01",
                                  "friday 25:00", "next blue moon"])
def test_bad_or_past_times_are_refused_politely(text):
    with pytest.raises(BadInput) as caught:
        parse_when(text, NOW, "UTC")
    assert "like" in caught.value.message or "year" in caught.value.message
