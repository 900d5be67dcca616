"""What a message reports: forwards report their origin, links their accounts, text itself."""

from __future__ import annotations

import pytest

from bot.core.accounts import Account, Platform, Target, Via
from bot.core.reports import ReportKind
from bot.core.submission import build_submission
from bot.core.text import content_weight, excerpt
from bot.errors import TextTooShort, UnsupportedLink

ORIGIN = Target(Platform.TELEGRAM, Account.by_handle(Platform.TELEGRAM, "nurbot_kz"), "12", Via.FORWARD)


def test_a_forward_reports_its_origin_not_the_links_inside_it() -> None:
    submission = build_submission("Vote! https://t.me/other_channel @someone_else", origin=ORIGIN)
    assert submission.kind == ReportKind.FORWARD
    assert submission.targets == (ORIGIN,)


def test_a_forward_without_text_still_reports_its_origin() -> None:
    submission = build_submission(None, origin=ORIGIN, media="photo")
    assert submission.targets == (ORIGIN,)
    assert submission.text is None
    assert submission.media == "photo"


def test_text_with_a_link_reports_the_account_and_keeps_the_text() -> None:
    submission = build_submission("This bot posts the same thing everywhere https://x.com/bot_1")
    assert submission.kind == ReportKind.LINK
    assert submission.targets[0].account.identity == "@bot_1"
    assert submission.text.startswith("This bot")


def test_pasted_text_is_a_report_of_that_text() -> None:
    submission = build_submission("  Президент всегда заботится и думает о народе  ")
    assert submission.kind == ReportKind.TEXT
    assert submission.text == "Президент всегда заботится и думает о народе"


@pytest.mark.parametrize(
    ("text", "quoted"),
    [
        (
            "Под каждым постом одно и то же: «Президент всегда заботится и думает о народе». Боты?",
            "Президент всегда заботится и думает о народе",
        ),
        ("每篇新聞下面都是這句：「總統始終關心人民、為人民著想」，太明顯了吧", "總統始終關心人民、為人民著想"),
        (
            'They post "We made a choice for the new Kazakhstan" and “our family gives four votes” everywhere',
            "We made a choice for the new Kazakhstan\nour family gives four votes",
        ),
    ],
)
def test_a_citizen_quoting_a_line_in_their_own_words_reports_the_quotation(text: str, quoted: str) -> None:
    assert build_submission(text).quotation == quoted


@pytest.mark.parametrize(
    "text",
    [
        "Президент всегда заботится и думает о народе",  # quotes nothing
        "Wow: «The President always cares and thinks about the people»",  # two words of its own: the line itself
        "He told me «yes» and «no» and walked away, as always",  # too little quoted to be a campaign comment
        "They keep writing «The President always cares and thinks about the people",  # a mark never closed
    ],
)
def test_a_message_that_does_not_comment_on_a_long_enough_quotation_has_none(text: str) -> None:
    assert build_submission(text).quotation is None


def test_a_forward_that_quotes_a_line_is_its_authors_commentary_not_a_quotation_to_report() -> None:
    forwarded = build_submission(
        "Bots again: «The President always cares and thinks about the people». Shame.", origin=ORIGIN
    )
    assert forwarded.quotation is None
    assert forwarded.line(by_quotation=False) == forwarded.text


@pytest.mark.parametrize("text", ["ok", "👍👍👍", "  ", "да да", "我同意"])
def test_a_too_short_text_is_refused(text: str) -> None:
    with pytest.raises(TextTooShort):
        build_submission(text)


def test_only_unsupported_links_are_refused_as_such() -> None:
    with pytest.raises(UnsupportedLink):
        build_submission("https://example.com/some/long/path/here")


def test_chinese_counts_by_meaning_not_by_characters() -> None:
    assert content_weight("总统总是关心人民") == 16
    assert build_submission("總統總是關心人民").kind == ReportKind.TEXT


def test_an_excerpt_is_one_line_cut_at_a_word() -> None:
    text = "word " * 100
    cut = excerpt(text, 40)
    assert len(cut) <= 40
    assert cut.endswith("…")
    assert "\n" not in excerpt("a\nb\n\nc")
