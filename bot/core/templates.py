"""The template syntax: alternatives ``{I|We}`` and gaps ``{*}`` (or ``…``).

``{I|We} made a choice for the new Kazakhstan … {*} votes for Tokayev``
stands for every text that picks one alternative from each ``{…|…}`` and
puts a few varying words where a gap is. A plain text is a template too.

A template is matched through its variants: each choice of alternatives,
normalised, with the gaps left out (the matcher's containment score lets a
message carry extra words where a gap was).

That containment score ignores word order, so what a template reaches is set
by its distinctive words: ``the {*} of {*} and {*} to {*} in {*} is {*} that``
is contained in almost any English paragraph. ``check`` refuses a template
whose every variant does not keep enough words besides function words.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from bot.core.function_words import FUNCTION_WORDS
from bot.core.normalize import normalize
from bot.core.submission import MIN_TEXT_WEIGHT
from bot.core.text import content_weight
from bot.errors import InvalidTemplate, TemplateTooVague, TextTooShort

MAX_VARIANTS = 32
MIN_DISTINCTIVE_WORDS = 3
"""Each variant of a template needs this many words that are no function words, weighing MIN_TEXT_WEIGHT."""
_GROUP = re.compile(r"\{([^{}]*)\}")
_ELLIPSIS = re.compile(r"…|\.\.\.")


def variants(template: str) -> tuple[str, ...]:
    """The normalised texts a template stands for (at most MAX_VARIANTS; later groups fall back to their first
    choice)."""
    _check_braces(template)
    parts: list[list[str]] = []
    position = 0
    for group in _GROUP.finditer(template):
        parts.append([template[position : group.start()]])
        inner = group.group(1).strip()
        parts.append([" "] if inner == "*" else inner.split("|"))
        position = group.end()
    parts.append([template[position:]])
    choices, combinations = [], 1
    for options in parts:
        if combinations * len(options) > MAX_VARIANTS:
            options = options[:1]
        combinations *= len(options)
        choices.append(options)
    texts = {normalize(_ELLIPSIS.sub(" ", "".join(combo))) for combo in itertools.product(*choices)}
    texts.discard("")
    if not texts:
        raise InvalidTemplate("the template has no words")
    return tuple(sorted(texts))


def check(template: str) -> None:
    """Raise TextTooShort, InvalidTemplate or TemplateTooVague when the text cannot be a template."""
    if content_weight(template) < MIN_TEXT_WEIGHT:
        raise TextTooShort()
    for variant in variants(template):
        distinctive = [word for word in variant.split() if word not in FUNCTION_WORDS]
        if len(distinctive) < MIN_DISTINCTIVE_WORDS or content_weight("".join(distinctive)) < MIN_TEXT_WEIGHT:
            raise TemplateTooVague(
                f"it says too little besides its gaps and function words such as 'the', 'of', "
                f"'and' ({len(distinctive)} other words), so it would match unrelated messages"
            )


def readable(template: str) -> str:
    """The template as a person reads it: the first alternative of each ``{…|…}``, and "…" for a gap."""

    def first(group: re.Match) -> str:
        inner = group.group(1).strip()
        return "…" if inner == "*" else inner.split("|")[0]

    return _GROUP.sub(first, template)


def _check_braces(template: str) -> None:
    depth = 0
    for i, char in enumerate(template):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth not in (0, 1):
            raise InvalidTemplate(f"unbalanced or nested braces at character {i + 1}")
    if depth:
        raise InvalidTemplate("a '{' is never closed")


@dataclass(frozen=True)
class Template:
    """A template in the bank."""

    id: int
    text: str
    language: str | None
    label: str | None
    family: str | None
    enabled: bool
    created_by: str | None
    created_at: int
    learned_from_case: int | None = None
    """A variant the family learned from this case's text (bot.service.suggestions)."""
