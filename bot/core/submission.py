"""What a citizen submitted, decided from plain parts of their message."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.accounts import Target
from bot.core.links import find_links, strip_links
from bot.core.quotes import quotation
from bot.core.reports import ReportKind
from bot.core.text import content_weight
from bot.errors import TextTooShort, UnsupportedLink

MIN_TEXT_WEIGHT = 10
"""Below this a text with no account in it is too short to be a campaign comment."""


@dataclass(frozen=True)
class Submission:
    kind: ReportKind
    text: str | None
    targets: tuple[Target, ...]
    media: str | None = None

    @property
    def campaign_text(self) -> str | None:
        """What to compare with campaigns: the text, minus the links and handles a link report points with.

        None when too little is left to be a campaign comment (a bare link, "look at this").
        """
        if self.text is None:
            return None
        prose = strip_links(self.text).strip() if self.kind is ReportKind.LINK else self.text
        return prose if content_weight(prose) >= MIN_TEXT_WEIGHT else None

    @property
    def quotation(self) -> str | None:
        """The line a citizen reports by quoting it in their own message ("they post this under every article:
        «…»"), without their words; None for a forward (what its author quotes, they comment on), or when
        the message does not comment on a quotation or quotes too little to be a campaign comment."""
        text = self.campaign_text
        if self.kind is ReportKind.FORWARD or text is None:
            return None
        quoted = quotation(text)
        return quoted if quoted is not None and content_weight(quoted) >= MIN_TEXT_WEIGHT else None

    def line(self, by_quotation: bool) -> str | None:
        """The text the report was placed by: its quotation, or its campaign text."""
        return self.quotation if by_quotation else self.campaign_text


def build_submission(
    text: str | None,
    *,
    origin: Target | None = None,
    hidden_urls: tuple[str, ...] = (),
    media: str | None = None,
    picture: bool = False,
) -> Submission:
    """Decide what a message reports.

    A forward reports its origin, the account that posted it; links and
    handles inside forwarded text are part of the content, not the target.
    Otherwise links and @handles in the message are the targets, and any
    text is kept with them; failing those, a ``picture`` (a photo whose hash
    can be compared) is the report. Raises TextTooShort or UnsupportedLink
    when the message gives nothing to act on.
    """
    text = (text or "").strip() or None
    if origin is not None:
        return Submission(ReportKind.FORWARD, text, (origin,), media)
    found = find_links(text or "", hidden_urls)
    if found.targets:
        return Submission(ReportKind.LINK, text, found.targets, media)
    prose = text or ""
    for url in found.unsupported:
        prose = prose.replace(url, " ")
    if content_weight(prose) >= MIN_TEXT_WEIGHT:
        return Submission(ReportKind.TEXT, text, (), media)
    if picture:
        return Submission(ReportKind.PHOTO, text, (), media)
    if found.unsupported:
        raise UnsupportedLink(", ".join(found.unsupported))
    raise TextTooShort()
