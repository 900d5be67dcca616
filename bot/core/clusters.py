"""Where a report goes, from what it matched: a template's group, an earlier cluster, or a new cluster."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.matcher import Match, MatchKind, Resemblance


@dataclass(frozen=True)
class Placement:
    template_id: int | None = None
    cluster_id: int | None = None
    score: float | None = None
    generic: bool = False
    """The text matched the negative bank: common words, no campaign."""
    resemblance: Resemblance = Resemblance.EDITED

    @property
    def is_new(self) -> bool:
        return self.template_id is None and self.cluster_id is None and not self.generic

    @property
    def matched(self) -> str:
        """How the text matched, as stored with the report: template, cluster, generic or new."""
        if self.generic:
            return "generic"
        if self.template_id is not None:
            return "template"
        return "cluster" if self.cluster_id is not None else "new"


def place(matches: list[Match]) -> Placement:
    """A template match wins over a cluster match; a negative match means no campaign at all."""
    for kind in (MatchKind.NEGATIVE, MatchKind.TEMPLATE, MatchKind.CLUSTER):
        best = next((m for m in matches if m.kind is kind), None)
        if best is None:
            continue
        if kind is MatchKind.NEGATIVE:
            return Placement(generic=True, score=best.score)
        if kind is MatchKind.TEMPLATE:
            return Placement(template_id=int(best.id), score=best.score, resemblance=best.resemblance)
        return Placement(cluster_id=int(best.id), score=best.score, resemblance=best.resemblance)
    return Placement()


@dataclass(frozen=True)
class ClusterSummary:
    """What a cluster holds so far."""

    id: int
    template_id: int | None
    reports: int
    reporters: int
    accounts: int
    languages: tuple[str, ...]
    first_seen_at: int
    last_seen_at: int
