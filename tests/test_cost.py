"""One message costs bounded work: hostile shapes of up to 4,096 characters (Telegram's limit) are read,
normalised and matched in linear time.

The work measured is everything pure a report goes through before the database: link and handle extraction,
normalisation, matching against the starter templates, the negative bank and clusters (the same texts, so the
MinHash path finds candidates), the stance check and what the encoder would read. It is measured in CPU time
of this process (``time.process_time``), which other xdist workers do not inflate.

The budget, BUDGET_SECONDS: a quadratic path costs seconds on 4,096 characters ("@a" * 2048 took about 10 s
for one normalisation, three of them for one message), the linear ones at most about 0.04 s here (the worst
is an Arabic ligature that NFKC expands 18-fold). 0.25 s sits an order of magnitude from the first and
leaves a slow CI core six times the margin on the second.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.links import MAX_LINKS, find_links
from bot.core.matcher import Matcher, MatchKind
from bot.core.submission import build_submission
from bot.errors import NothingToReport
from bot.resources import shipped_data
from bot.semantic.campaigns import CampaignMatcher
from bot.semantic.reading import text_to_encode

BUDGET_SECONDS = 0.25
LIMIT = 4096
SHAPES = [
    "@a",
    "a@",
    "@_",
    "@ab",
    "aa@",
    "@aaaa",
    "@",
    "t.me/",
    "t.me/a ",
    "http://",
    "https://a",
    "www.",
    "x.com",
    "x.com/a ",
    "a.",
    ".a",
    "a-",
    "a.a ",
    "a@b.",
    "a@a.",
    "{",
    "|",
    "{a|",
    "}",
    "#",
    "#a",
    "#aA",
    "_",
    "/",
    ":/",
    "javascript:",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u202e",
    "\u2066\u2069",
    "\u0301",
    "a\u0301",
    "\u0301\u0316",
    "\u0344",
    "\u064b\u0650",
    "ـ",
    "аa",
    "aа ",
    "αa",
    "Президент Tokayev ",
    "總統",
    "ﷺ",
    "㍿",
    "«",
    "„",
    '"',
    "“",
    "‘",
    "「",
    "«a» ",
    "😂",
    "👨\u200d",
    " ",
    "\n",
]
"""Repeated to 4,096 characters: handles, links, braces, invisible and combining characters, bidi controls,
mixed scripts, characters NFKC expands, unclosed quotation marks."""
CAMPAIGN = "I made a choice for the new Kazakhstan, our family gives four votes for Tokayev"


def _matcher() -> CampaignMatcher:
    templates = [item["text"] for item in shipped_data("starter_templates.jsonl")]
    lexical = Matcher()
    lexical.add_many(
        [(i, text, MatchKind.TEMPLATE) for i, text in enumerate(templates)]
        + [(i, text, MatchKind.CLUSTER) for i, text in enumerate(templates)]
        + [(i, item["text"], MatchKind.NEGATIVE) for i, item in enumerate(shipped_data("negative_bank.jsonl"))]
    )
    return CampaignMatcher(lexical)


MATCHER = _matcher()


def _process(text: str, hidden_urls: tuple[str, ...] = ()) -> None:
    """What the bot computes from one message before it touches the database."""
    try:
        submission = build_submission(text, hidden_urls=hidden_urls)
    except NothingToReport:
        return
    campaign = submission.campaign_text
    if campaign is not None:
        MATCHER.match(campaign)
        text_to_encode(campaign)


def _cpu_seconds(text: str, hidden_urls: tuple[str, ...] = ()) -> float:
    start = time.process_time()
    _process(text, hidden_urls)
    return time.process_time() - start


_process(CAMPAIGN)  # the first call pays for lazy set-up (numpy, regex caches), not for the text


@pytest.mark.parametrize("shape", SHAPES)
def test_a_message_repeating_one_shape_to_the_length_limit_costs_bounded_work(shape: str) -> None:
    text = (shape * LIMIT)[:LIMIT]
    assert _cpu_seconds(text) < BUDGET_SECONDS


hostile = st.one_of(
    st.lists(st.sampled_from(SHAPES), min_size=1, max_size=4).map(lambda chunk: ("".join(chunk) * LIMIT)[:LIMIT]),
    st.tuples(st.text(max_size=200), st.sampled_from(SHAPES), st.sampled_from([CAMPAIGN, "", "«" + CAMPAIGN])).map(
        lambda t: (t[0] + t[1] * LIMIT)[: LIMIT - len(t[2])] + t[2]
    ),
    st.lists(st.one_of(st.sampled_from(SHAPES), st.text(max_size=20)), max_size=400).map(lambda p: "".join(p)[:LIMIT]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    text=hostile,
    hidden=st.lists(st.sampled_from(["https://t.me/nurbot_kz", "https://e.org/", "t.me/" * 50]), max_size=300).map(
        tuple
    ),
)
def test_any_hostile_message_costs_bounded_work(text: str, hidden: tuple[str, ...]) -> None:
    assert _cpu_seconds(text, hidden) < BUDGET_SECONDS


def test_a_message_naming_hundreds_of_accounts_reports_the_first_hundred() -> None:
    handles = [f"@account_{i:04d}" for i in range(300)]
    hidden = tuple(f"https://t.me/hidden_{i:04d}" for i in range(300))
    found = find_links(" ".join(handles), hidden)
    assert [t.account.handle for t in found.targets] == [h[1:] for h in handles[:MAX_LINKS]]
