"""The flag rules on plain numbers: coordinated posting and report campaigns."""

from __future__ import annotations

from bot.core.flags import AccountReport, FlagRules, coordination, report_surge, surge_burst
from bot.core.periods import DAY, HOUR

RULES = FlagRules()
NOW = 1_800_000_000


def test_coordination_counts_distinct_accounts_within_the_window() -> None:
    posts = [(NOW, 1), (NOW + 10, 1), (NOW + HOUR, 2), (NOW + 2 * HOUR, 3)]
    flag = coordination(posts, RULES)
    assert flag is not None and flag.accounts == 3 and flag.window == DAY
    assert (flag.start_at, flag.end_at) == (NOW, NOW + 2 * HOUR)


def test_coordination_needs_the_accounts_close_together() -> None:
    spread = [(NOW, 1), (NOW + DAY + 1, 2), (NOW + 2 * DAY + 2, 3)]
    assert coordination(spread, RULES) is None
    assert coordination([(NOW, 1), (NOW + 1, 1), (NOW + 2, 2)], RULES) is None


def _burst(reporters: int, per_reporter: int, first_seen: int) -> list[AccountReport]:
    return [
        AccountReport(NOW + 5 * (r * per_reporter + i), f"r{r}", first_seen)
        for r in range(reporters)
        for i in range(per_reporter)
    ]


def test_a_burst_from_new_reporters_is_a_possible_report_campaign() -> None:
    burst = surge_burst(_burst(50, 4, NOW - HOUR), RULES)
    assert burst is not None and len(burst) == 200
    surge = report_surge(burst, {}, RULES)
    assert surge is not None and (surge.reports, surge.reporters, surge.new_reporters) == (200, 50, 50)


def test_the_same_burst_from_long_known_reporters_is_not_flagged() -> None:
    burst = surge_burst(_burst(50, 4, NOW - 90 * DAY), RULES)
    assert burst is not None
    assert report_surge(burst, {}, RULES) is None


def test_long_known_reporters_who_keep_reporting_the_same_accounts_together_are_flagged() -> None:
    burst = surge_burst(_burst(30, 1, NOW - 90 * DAY), RULES)
    earlier = {f"r{r}": {7, 8, 9} for r in range(20)} | {f"r{r}": {100 + r} for r in range(20, 30)}
    surge = report_surge(burst, earlier, RULES)
    assert surge is not None and surge.co_reporters == 20 and surge.new_reporters == 0


def test_too_few_reports_or_reporters_make_no_burst() -> None:
    assert surge_burst(_burst(5, 3, NOW), RULES) is None
    assert surge_burst(_burst(2, 30, NOW), RULES) is None
    slow = [AccountReport(NOW + n * HOUR, f"r{n}", NOW) for n in range(40)]
    assert surge_burst(slow, RULES) is None
