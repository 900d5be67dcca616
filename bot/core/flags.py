"""Warning signs on a case: coordinated posting, and reports that may themselves be a campaign.

Both work on plain numbers (Unix times, account ids, reporter pseudonyms) so
they can be tested and tuned without a database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from bot.core.periods import DAY, HOUR


@dataclass(frozen=True)
class FlagRules:
    coordinated_accounts: int = 3
    """Distinct source accounts posting a cluster's text that make it coordinated…"""
    coordinated_window: int = DAY
    """…within this many seconds."""
    surge_reports: int = 20
    """Reports against one account that make a surge…"""
    surge_reporters: int = 5
    """…from at least this many distinct reporters…"""
    surge_window: int = HOUR
    """…within this many seconds."""
    new_reporter_age: int = 7 * DAY
    """A reporter first seen at most this long before their report counts as new."""
    suspicious_share: float = 0.5
    """The share of a surge's reporters that are new, or that report together, to flag it."""
    co_report_targets: int = 2
    """A reporter 'reports together' with others after this many shared earlier targets…"""
    co_report_group: int = 3
    """…each reported by at least this many of the surge's reporters."""


@dataclass(frozen=True)
class Coordination:
    accounts: int
    """Distinct source accounts seen within the window."""
    window: int
    start_at: int
    end_at: int


def coordination(posts: Iterable[tuple[int, int]], rules: FlagRules) -> Coordination | None:
    """The most distinct source accounts seen within any window, if enough to call it coordinated.

    ``posts`` are (time, source account id) pairs: each forwarded post or
    link that carried the cluster's text.
    """
    first_seen: dict[int, int] = {}
    for at, account in posts:
        first_seen[account] = min(at, first_seen.get(account, at))
    times = sorted(first_seen.values())
    start, end = busiest_window(times, rules.coordinated_window)
    if end - start < rules.coordinated_accounts:
        return None
    return Coordination(end - start, rules.coordinated_window, times[start], times[end - 1])


@dataclass(frozen=True)
class AccountReport:
    """One report naming the account: when, by whom, and when that reporter was first seen."""

    at: int
    reporter: str | None
    reporter_first_seen_at: int | None


@dataclass(frozen=True)
class ReportSurge:
    reports: int
    reporters: int
    new_reporters: int
    co_reporters: int
    start_at: int
    end_at: int
    window: int


def busiest_window(times: list[int], window: int) -> tuple[int, int]:
    """Indices [start, end) of the sorted ``times`` holding the most within ``window`` seconds."""
    best, best_start, start = 0, 0, 0
    for end, at in enumerate(times):
        while at - times[start] > window:
            start += 1
        if end - start + 1 > best:
            best, best_start = end - start + 1, start
    return best_start, best_start + best


def surge_burst(reports: Iterable[AccountReport], rules: FlagRules) -> list[AccountReport] | None:
    """The busiest window of reports against one account, if it holds enough reports from enough reporters."""
    ordered = sorted(reports, key=lambda r: r.at)
    if len(ordered) < rules.surge_reports:
        return None
    start, end = busiest_window([r.at for r in ordered], rules.surge_window)
    burst = ordered[start:end]
    reporters = {r.reporter for r in burst if r.reporter is not None}
    if len(burst) < rules.surge_reports or len(reporters) < rules.surge_reporters:
        return None
    return burst


def report_surge(
    burst: list[AccountReport], earlier_targets: Mapping[str, set[int]], rules: FlagRules
) -> ReportSurge | None:
    """Whether a burst (from :func:`surge_burst`) looks organised.

    At least ``suspicious_share`` of its reporters must be new, or must be
    reporters who reported the same other accounts together before
    (``earlier_targets``: each reporter's account ids reported before the burst).
    """
    first_seen = {r.reporter: r.reporter_first_seen_at for r in burst if r.reporter is not None}
    window_start = burst[0].at
    new = sum(1 for seen in first_seen.values() if seen is not None and window_start - seen <= rules.new_reporter_age)
    together = co_reporters({r: earlier_targets.get(r, set()) for r in first_seen}, rules)
    if max(new, len(together)) < rules.suspicious_share * len(first_seen):
        return None
    return ReportSurge(len(burst), len(first_seen), new, len(together), window_start, burst[-1].at, rules.surge_window)


def co_reporters(earlier_targets: Mapping[str, set[int]], rules: FlagRules) -> set[str]:
    """Reporters who, before, reported at least ``co_report_targets`` accounts that others of the group reported too."""
    reported_by: Counter[int] = Counter(a for targets in earlier_targets.values() for a in targets)
    shared = {account for account, count in reported_by.items() if count >= rules.co_report_group}
    return {r for r, targets in earlier_targets.items() if len(targets & shared) >= rules.co_report_targets}
