"""The digest's chart: reports per day for the top campaigns, as a PNG.

The image carries no words, only digits, "#" case numbers and day numbers, so it reads the
same in every language and no font lacks a glyph (Arabic would also need shaping). The
caption sent with it says what it shows, in the reader's language.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from io import BytesIO

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402  (the backend must be chosen first)

from bot.core.digest import Digest  # noqa: E402

COLOURS = ("#1b6ca8", "#d1495b", "#edae49", "#00798c", "#66a182")


def reports_per_day_png(digest: Digest, tz: tzinfo) -> bytes | None:
    """The chart as PNG bytes, or None when no campaign had reports."""
    if not digest.campaigns or not digest.days:
        return None
    figure = Figure(figsize=(8, 4.5), dpi=120)
    axes = figure.subplots()
    days = [datetime.fromtimestamp(day, tz).strftime("%d.%m") for day in digest.days]
    for index, campaign in enumerate(digest.campaigns):
        axes.plot(days, campaign.per_day, marker="o", linewidth=2, color=COLOURS[index % len(COLOURS)],
                  label=f"#{campaign.case_id}")
    axes.set_ylim(bottom=0)
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.grid(axis="y", alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(loc="upper left", frameon=False, ncols=min(len(digest.campaigns), 5))
    figure.tight_layout()
    buffer = BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
