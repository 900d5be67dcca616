"""The per-day chart of a campaign page as an inline SVG's geometry (the template draws it; no script, no style).

A day with a few reports (0 < n < K) must not give n away: its bar is drawn at K's height, outlined and
hatched, and titled "fewer than K", whatever n was.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from bot.service.public import Count

WIDTH = 720
HEIGHT = 160
TOP = 8
BOTTOM = 24
"""Room under the bars for the first and last day's labels."""


@dataclass(frozen=True)
class Bar:
    day: dt.date
    count: Count
    x: float
    y: float
    width: float
    height: float

    @property
    def small(self) -> bool:
        return isinstance(self.count, str)


@dataclass(frozen=True)
class Chart:
    bars: tuple[Bar, ...]
    width: int = WIDTH
    height: int = HEIGHT
    baseline: float = HEIGHT - BOTTOM


def chart(days: tuple[tuple[dt.date, Count], ...], k: int) -> Chart | None:
    """Bars for each day (a day without reports has none); None when there are no days."""
    if not days:
        return None
    top = max([k, *(count for _, count in days if isinstance(count, int))])
    step = WIDTH / len(days)
    room = HEIGHT - BOTTOM - TOP
    bars = []
    for position, (day, count) in enumerate(days):
        value = k if isinstance(count, str) else count
        if value == 0:
            continue
        height = max(room * value / top, 1.0)
        bars.append(
            Bar(
                day,
                count,
                round(position * step + step * 0.1, 2),
                round(HEIGHT - BOTTOM - height, 2),
                round(max(step * 0.8, 1.0), 2),
                round(height, 2),
            )
        )
    return Chart(tuple(bars))
