"""How alike a stored text and a message are, and when that counts as a match.

Both sides are normalised (bot.core.normalize). The score is 0 to 1:

- *whole*: rapidfuzz ``token_sort_ratio``, the whole texts compared with word
  order ignored, so swapped clauses and one or two changed words still score high;
- *contained* (templates only): rapidfuzz ``token_set_ratio``, which is high
  when the stored text's words all stand in the message, so a template
  wrapped in a line of chatter, or with words where a gap was, still matches.
  It is only used when the template is long enough to mean something on its
  own (``min_contained_tokens``) and not longer than the message: a short
  generic phrase must not match a long unrelated text. Clusters group
  near-copies by the whole-text score; a copy wrapped in chatter is what a
  template made from the cluster then catches.

Short texts (fewer than ``short_tokens`` words on either side) must agree
almost exactly (``short_threshold``). A short template (at most ``whole_words``
words besides function words) is contained in a longer message only when each
of those words is there: it says one thing about one subject, and chatter
around its wording with another subject ("My grandmother cares and always
thinks about the people in her building", "This new mattress provides the
necessary stability and peace. Best sleep in years") says something else. A
message of the template's length may still swap a word (the whole-text score
and containment both allow a synonym there).
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from bot.core.function_words import FUNCTION_WORDS

SAME_STEM = 5
"""Letters two words must share at their start to count as one word in another form ("обеспечивает" /
"обеспечил", "Президентіміз" / "Президент")."""
SAME_WORD = 80
"""rapidfuzz ``ratio`` from which a message's word stands for a template's word otherwise: a typo
("President" / "Pressident")."""


@dataclass(frozen=True)
class Thresholds:
    """Scores from which a match counts, chosen by measurement on tests/data/match_eval.jsonl.

    ``benchmarks/eval_match.py --sweep``: precision stays 1.000 for template
    thresholds 0.65–0.95 and recall 1.000 up to 0.80; 0.80 sits inside both.
    ``--clusters``: cluster purity stays 1.000 down to 0.65 and breaks below;
    0.75 keeps two steps of margin.
    """

    template: float = 0.80
    cluster: float = 0.75
    negative: float = 0.90
    short_threshold: float = 0.95
    short_tokens: int = 5
    min_contained_tokens: int = 5
    whole_words: int = 6

    def __post_init__(self) -> None:
        for name in ("template", "cluster", "negative", "short_threshold"):
            if not 0 < getattr(self, name) <= 1:
                raise ValueError(f"threshold {name} must be in (0, 1]")


def similarity(
    stored: str, stored_tokens: int, message: str, message_tokens: int, contained_in: str | None, limits: Thresholds
) -> float:
    """The score of ``stored`` against ``message``; ``contained_in`` is the message text to look inside, if any."""
    score = fuzz.token_sort_ratio(stored, message) / 100
    if (
        contained_in is not None
        and limits.min_contained_tokens <= stored_tokens <= message_tokens
        and (stored_tokens == message_tokens or _keeps_its_words(stored, contained_in, limits))
    ):
        score = max(score, fuzz.token_set_ratio(stored, contained_in) / 100)
    return score


def required(stored_tokens: int, message_tokens: int, threshold: float, limits: Thresholds) -> float:
    """The score a pair needs: the kind's threshold, or near-exact agreement for short texts."""
    if min(stored_tokens, message_tokens) < limits.short_tokens:
        return max(threshold, limits.short_threshold)
    return threshold


def _keeps_its_words(stored: str, message: str, limits: Thresholds) -> bool:
    """Whether the message has each word of a short template besides function words, in some form (always
    true of a longer template)."""
    content = [word for word in stored.split() if word not in FUNCTION_WORDS]
    if len(content) > limits.whole_words:
        return True
    words = set(message.split())
    return all(any(_same_word(word, w) for w in words) for word in content)


def _same_word(a: str, b: str) -> bool:
    return a[:SAME_STEM] == b[:SAME_STEM] or fuzz.ratio(a, b) >= SAME_WORD


@dataclass(frozen=True)
class SemanticThresholds:
    """From which a semantic match counts (bot.semantic.stage), and from which it is only suggested.

    Chosen leave-family-out on the verifier's own training lines (bot.semantic.evaluation.thresholds_on:
    each starter family scored by a verifier that never saw it, the most right matches at precision 0.995
    for the automatic band and 0.8 for both bands together); ``python benchmarks/eval_semantic.py --choose``
    prints them. Measured on campaigns neither the verifier nor these numbers saw in the README.
    """

    similarity: float = 0.89
    """Cosine between the message and a template or cluster."""
    verifier: float = 0.995
    """The verifier's probability that the message repeats the line rather than talks about it."""
    suggestion_similarity: float = 0.85
    """The cosine from which a candidate below the automatic band is put to moderators as a suggestion."""
    suggestion_verifier: float = 0.40
    """The verifier's probability from which such a candidate is suggested."""

    def __post_init__(self) -> None:
        for name in ("similarity", "verifier", "suggestion_similarity", "suggestion_verifier"):
            if not 0 < getattr(self, name) <= 1:
                raise ValueError(f"semantic threshold {name} must be in (0, 1]")
        if self.suggestion_similarity > self.similarity or self.suggestion_verifier > self.verifier:
            raise ValueError("the suggestion band must lie below the automatic band")
