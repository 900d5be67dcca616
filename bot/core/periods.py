"""Calendar periods in the installation's time zone: the week that statistics and digests count."""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo

HOUR = 3600
DAY = 24 * HOUR
WEEK = 7 * DAY


def week_start(now: int, tz: tzinfo) -> int:
    """Monday 00:00 of the week holding ``now``, in ``tz``, as Unix seconds."""
    local = datetime.fromtimestamp(now, tz)
    monday = local.date() - timedelta(days=local.weekday())
    return int(datetime.combine(monday, time(0), tzinfo=tz).timestamp())


def week_of(timestamp: int, tz: tzinfo) -> str:
    """The ISO week holding ``timestamp`` in ``tz``, as ``2026-W47``."""
    year, week, _ = datetime.fromtimestamp(timestamp, tz).isocalendar()
    return f"{year}-W{week:02d}"


def week_bounds(period: str, tz: tzinfo) -> tuple[int, int]:
    """Start (Monday 00:00) and end (next Monday 00:00) of an ISO week ``YYYY-Www``, in ``tz``.

    Raises ValueError for anything else.
    """
    monday = datetime.strptime(period + "-1", "%G-W%V-%u").date()
    start = datetime.combine(monday, time(0), tzinfo=tz)
    end = datetime.combine(monday + timedelta(days=7), time(0), tzinfo=tz)
    return int(start.timestamp()), int(end.timestamp())


def last_complete_week(now: int, tz: tzinfo) -> str:
    """The ISO week before the one holding ``now``: the week a Monday digest reports on."""
    return week_of(week_start(now, tz) - 1, tz)


def previous_week(period: str, tz: tzinfo) -> str:
    start, _ = week_bounds(period, tz)
    return week_of(start - 1, tz)


def day_starts(period: str, tz: tzinfo) -> list[int]:
    """Midnight of each of the week's seven days in ``tz`` (a day may be 23 or 25 hours long)."""
    monday = datetime.strptime(period + "-1", "%G-W%V-%u").date()
    return [int(datetime.combine(monday + timedelta(days=n), time(0), tzinfo=tz).timestamp()) for n in range(7)]
