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
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.core.function_words import FUNCTION_WORDS
from bot.core.normalize import normalize
from bot.core.submission import MIN_TEXT_WEIGHT
from bot.core.text import content_weight
from bot.errors import InvalidLabel, InvalidTemplate, TemplateTooVague, TextTooShort

MAX_VARIANTS = 32
MAX_LABEL_CHARS = 120
"""A campaign's label is a short name ("Nurbots 2017: the President cares…"), not its text."""
LABEL_LANGUAGES = ("en", "ru", "kk", "ar", "zh")
"""The languages a label is given in: the templates' language codes (Traditional Chinese is "zh")."""
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
    family: str | None
    enabled: bool
    created_by: str | None
    created_at: int
    learned_from_case: int | None = None
    """A variant the family learned from this case's text (bot.service.suggestions)."""

    @property
    def matched_semantically(self) -> bool:
        """Whether the semantic stage holds it too. A learned variant is matched lexically only: its next copy
        matches at once, but as a semantic candidate a family's variants in one language crowded out its lines
        in the other languages, through which most reworded lines are found, and let more critics in (leave
        family out, with moderators answering as lines arrive: paraphrase recall 0.76 → 0.54; README,
        "Families that learn")."""
        return self.learned_from_case is None

    @property
    def family_key(self) -> str:
        """What its family's labels are kept under: the family, or "#<id>" for a template on its own."""
        return self.family or f"#{self.id}"


def label_language(code: str) -> str | None:
    """The label language a code names ("ru", "ZH", "zh-hant", "zh_Hant"), or None if it is none of ours."""
    code = code.strip().casefold().replace("-", "_")
    code = "zh" if code == "zh_hant" else code
    return code if code in LABEL_LANGUAGES else None


def checked_label(text: str) -> str:
    """The label on one line, spaces collapsed; InvalidLabel when that leaves nothing or more than
    MAX_LABEL_CHARS characters."""
    text = " ".join(text.split())
    if not text or len(text) > MAX_LABEL_CHARS:
        raise InvalidLabel(MAX_LABEL_CHARS, too_long=bool(text))
    return text


def reader_label(labels: Mapping[str, str], reader: str) -> str | None:
    """The label in the reader's language ("zh_Hant" reads "zh"), if there is one."""
    return labels.get(reader) or labels.get(reader.split("_")[0])


@dataclass(frozen=True)
class Labels:
    """A template family's labels, by language, and the language of its first template (its original one)."""

    by_language: Mapping[str, str] = field(default_factory=dict)
    original: str | None = None

    @property
    def fallback(self) -> str | None:
        """The label for a reader whose language has none: in the original language, else any (the first code)."""
        if self.original is not None and self.original in self.by_language:
            return self.by_language[self.original]
        return self.by_language[min(self.by_language)] if self.by_language else None

    def for_reader(self, reader: str) -> str | None:
        """The label in the reader's language, else the fallback; None when the family has no label."""
        return reader_label(self.by_language, reader) or self.fallback


def labels_by_family(templates: list[Template], labels: Mapping[str, Mapping[str, str]]) -> dict[str, Labels]:
    """Each family's Labels (by family key) from the bank and its labels (family key → language → label): the
    original language is that of the family's first template."""
    found: dict[str, Labels] = {}
    for template in sorted(templates, key=lambda template: template.id):
        key = template.family_key
        if key not in found:
            found[key] = Labels(dict(labels.get(key, {})), template.language)
    return found
