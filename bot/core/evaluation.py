"""Precision and recall of the matcher on a labelled set: each message names the template family it copies, or none."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bot.core.matcher import Match, Matcher, MatchKind


@dataclass(frozen=True)
class Labelled:
    text: str
    family: str | None
    language: str
    case: str


@dataclass
class Tally:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0
    true_negative: int = 0

    @property
    def precision(self) -> float:
        found = self.true_positive + self.false_positive
        return self.true_positive / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positive + self.false_negative
        return self.true_positive / expected if expected else 1.0


@dataclass
class Evaluation:
    overall: Tally = field(default_factory=Tally)
    by_case: dict[str, Tally] = field(default_factory=dict)
    by_language: dict[str, Tally] = field(default_factory=dict)
    mistakes: list[tuple[Labelled, str | None]] = field(default_factory=list)


def evaluate(
    matches: Matcher | Callable[[Labelled], list[Match]], families: dict[str, str], items: Iterable[Labelled]
) -> Evaluation:
    """Score each item's best template match; ``matches`` is a Matcher or finds an item's matches (for a
    pipeline of stages); ``families`` maps template id → family."""
    find = (lambda item: matches.match(item.text)) if isinstance(matches, Matcher) else matches
    result = Evaluation()
    for item in items:
        best = next((m for m in find(item) if m.kind is MatchKind.TEMPLATE), None)
        predicted = families[best.id] if best else None
        outcome = _outcome(item.family, predicted)
        for tally in (
            result.overall,
            result.by_case.setdefault(item.case, Tally()),
            result.by_language.setdefault(item.language, Tally()),
        ):
            setattr(tally, outcome, getattr(tally, outcome) + 1)
        if outcome in ("false_positive", "false_negative"):
            result.mistakes.append((item, predicted))
    return result


def _outcome(expected: str | None, predicted: str | None) -> str:
    if expected is None:
        return "true_negative" if predicted is None else "false_positive"
    if predicted == expected:
        return "true_positive"
    return "false_negative" if predicted is None else "false_positive"


def summary(result: Evaluation) -> str:
    """A table of precision and recall, overall, per case and per language, then the mistakes."""
    lines = [f"{'':24} {'precision':>9} {'recall':>7} {'n':>5}"]

    def row(name: str, t: Tally) -> str:
        n = t.true_positive + t.false_positive + t.false_negative + t.true_negative
        return f"{name:24} {t.precision:9.3f} {t.recall:7.3f} {n:5d}"

    lines.append(row("overall", result.overall))
    lines += [row(f"case {k}", v) for k, v in sorted(result.by_case.items())]
    lines += [row(f"lang {k}", v) for k, v in sorted(result.by_language.items())]
    counts = Counter(item.case for item, _ in result.mistakes)
    lines.append(f"mistakes: {dict(counts)}")
    lines += [
        f"  [{i.case}/{i.language}] expected {i.family} got {p}: {i.text[:100]!r}" for i, p in result.mistakes[:40]
    ]
    return "\n".join(lines)


@dataclass(frozen=True)
class Clustering:
    """How reports streamed into an empty cluster index grouped: purity, cohesion, fragmentation."""

    purity: float
    """Share of reports whose cluster is mostly of their own family (or, for negatives, has no family)."""
    cohesion: float
    """Share of same-family, same-language report pairs that ended in one cluster."""
    clusters: int
    groups: int


def stream_into_clusters(matcher: Matcher, items: list[Labelled]) -> Clustering:
    """Place each item as the bot places a report with no template bank: nearest cluster above threshold, or new."""
    assigned: list[int] = []
    for number, item in enumerate(items):
        best = next((m for m in matcher.match(item.text) if m.kind is MatchKind.CLUSTER), None)
        if best is None:
            matcher.add(number, item.text, MatchKind.CLUSTER)
            assigned.append(number)
        else:
            assigned.append(int(best.id))
    members: dict[int, list[Labelled]] = {}
    for item, cluster in zip(items, assigned, strict=False):
        members.setdefault(cluster, []).append(item)
    pure = 0
    for group in members.values():
        majority, _ = Counter(i.family for i in group).most_common(1)[0]
        pure += sum(i.family == majority for i in group)
    pairs = together = 0
    for i, a in enumerate(items):
        for j in range(i + 1, len(items)):
            b = items[j]
            if a.family is not None and (a.family, a.language) == (b.family, b.language):
                pairs += 1
                together += assigned[i] == assigned[j]
    groups = len({(i.family, i.language) for i in items if i.family})
    return Clustering(pure / len(items), together / pairs if pairs else 1.0, len(members), groups)
