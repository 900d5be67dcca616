"""Suggestions: a case that may be a known campaign, put to moderators instead of joining it automatically.

The semantic stage's suggestion band (below the automatic one) proposes a template or a cluster for a new
cluster's case. A moderator answers: the same campaign (the case's reports join it, and the template's family
learns the case's text as a variant in its language), or a different one (the pair is remembered and never
suggested again).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.core.matcher import MatchKind, Resemblance
from bot.core.templates import Labels


class SuggestionAnswer(StrEnum):
    SAME = "same"
    DIFFERENT = "different"


@dataclass(frozen=True)
class Suggestion:
    id: int
    case_id: int
    cluster_id: int
    target_kind: MatchKind
    """TEMPLATE or CLUSTER."""
    target_id: int
    score: float
    resemblance: Resemblance
    language: str | None
    """The language of the case's text."""
    created_at: int
    answer: SuggestionAnswer | None = None
    answered_by: int | None = None
    answered_at: int | None = None

    @property
    def is_open(self) -> bool:
        return self.answer is None


@dataclass(frozen=True)
class SuggestedCampaign:
    """A case's latest suggestion as its card shows it: what the target is called and who answered."""

    suggestion: Suggestion
    text: str | None
    """The target template's text, or the target cluster's representative text."""
    target_case_id: int | None
    """The target cluster's case (for a template target: the case of its campaign, if it has one yet)."""
    answered_by_name: str = ""
    answered_by_alias: int | None = None
    """The alias the answering moderator is shown by (their name is then empty)."""
    labels: Labels = field(default_factory=Labels)
    """The target template's family labels (none for a cluster): the card shows its readers' language."""
