"""Calendar periods in the installation's time zone: the week that statistics and digests count."""

from __future__ import annotations

from datetime import datetime, time, timedelta, tzinfo


def week_start(now: int, tz: tzinfo) -> int:
    """Monday 00:00 of the week holding ``now``, in ``tz``, as Unix seconds."""
    local = datetime.fromtimestamp(now, tz)
    monday = local.date() - timedelta(days=local.weekday())
    return int(datetime.combine(monday, time(0), tzinfo=tz).timestamp())
