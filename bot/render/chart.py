"""The digest's chart: reports per day for the top campaigns, as a PNG.

The image carries no words, only digits: the ISO week as its title, day numbers, the lines' ranks with
their "#" case numbers (the same "1 · #12" as the caption and the digest's text) and the source,
"kuzet". So it reads the same in every language and no font lacks a glyph (Arabic would also need
shaping). The caption sent with it says what it shows, in the reader's language. A day's count below
SMALL_COUNT_K is drawn on a shaded band marked "<5", never at its own height, as the text says "fewer than 5".
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from io import BytesIO

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402  (the backend must be chosen first)
from matplotlib.ticker import MaxNLocator  # noqa: E402

from bot.core.digest import Digest, line_label  # noqa: E402
from bot.core.small_counts import is_small  # noqa: E402

SOURCE = "kuzet"
COLOURS = ("#1b6ca8", "#d1495b", "#edae49", "#00798c", "#66a182")
MARKERS = ("o", "s", "^", "D", "v")
LINE_STYLES = ("-", "--", "-.", ":", (0, (5, 1, 1, 1)))
SPREAD = 0.08
"""Days between neighbouring lines' points, so lines with equal counts lie side by side, not on top."""


def chart(digest: Digest, tz: tzinfo) -> Figure | None:
    """The chart as a matplotlib figure, or None when no campaign had reports."""
    if not digest.campaigns or not digest.days:
        return None
    figure = Figure(figsize=(8, 4.5), dpi=120)
    axes = figure.subplots()
    middle = (len(digest.campaigns) - 1) / 2
    k = digest.small_count_k
    small = k / 2  # where a day's count below K is drawn, whatever it is: "<K" on a shaded band, as the text says
    values = [[small if is_small(v, k) else v for v in campaign.per_day] for campaign in digest.campaigns]
    for index, campaign in enumerate(digest.campaigns):
        shift = (index - middle) * SPREAD
        axes.plot(
            [day + shift for day in range(len(campaign.per_day))],
            values[index],
            marker=MARKERS[index % len(MARKERS)],
            linestyle=LINE_STYLES[index % len(LINE_STYLES)],
            linewidth=2,
            alpha=0.8,
            color=COLOURS[index % len(COLOURS)],
            label=line_label(index + 1, campaign),
        )
    axes.set_xticks(range(len(digest.days)), [datetime.fromtimestamp(day, tz).strftime("%d.%m") for day in digest.days])
    top = max(max(v) for v in values)
    bottom = -0.15 * top - 0.1  # points at 0 stay whole
    axes.set_ylim(bottom=bottom)
    locator = axes.yaxis.get_major_locator()
    assert isinstance(locator, MaxNLocator)  # a linear axis's default, AutoLocator, is one
    locator.set_params(integer=True)
    ticks = [tick for tick in axes.get_yticks() if tick == 0 or tick >= k]  # no "−1" under a count, none below K
    labels = [f"{tick:g}" for tick in ticks]
    if any(small in v for v in values):
        axes.axhspan(0.5, k - 0.5, color="#999999", alpha=0.12, linewidth=0)
        ticks, labels = [*ticks, small], [*labels, f"<{k}"]
        axes.set_ylim(top=max(top, k) * 1.05)
    axes.set_yticks(ticks, labels)
    axes.set_ylim(bottom=bottom)
    axes.grid(axis="y", alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    figure.suptitle(digest.period, x=0.01, ha="left", fontweight="bold")
    axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), frameon=False, ncols=min(len(digest.campaigns), 5))
    figure.text(0.99, 0.01, SOURCE, ha="right", va="bottom", color="#666666", fontsize=9)
    figure.tight_layout()
    return figure


def reports_per_day_png(digest: Digest, tz: tzinfo) -> bytes | None:
    """The chart as PNG bytes (titled and sourced in its metadata too), or None when no campaign had reports."""
    figure = chart(digest, tz)
    if figure is None:
        return None
    buffer = BytesIO()
    figure.savefig(buffer, format="png", metadata={"Title": f"{digest.period}", "Source": SOURCE})
    return buffer.getvalue()
