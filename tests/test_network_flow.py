"""Account networks through the real bot: channels that post campaign after campaign together become a network,
named on the case card and shown by /network; the recompute keeps its number."""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from xml.etree import ElementTree

import pytest

from bot.app import running
from bot.config import Settings
from bot.core.networks import NetworkRules
from bot.core.periods import DAY, week_of
from bot.sandbox import FakeTelegram
from bot.service.networks import recompute_networks
from bot.store import Store
from tests.databases import Database
from tests.moderation_helpers import card_of, form_team, say, seen, wait_for_card
from tests.test_digest import _verify, next_week
from tests.test_scan import kuzet
from tests.web_helpers import site_client

CAMPAIGNS = (
    "The new dam on the river will flood the valley, the ministry hides the engineering report from everyone",
    "Every teacher in the region was told to vote for the ruling party or lose their bonus this spring",
)
CHANNELS = ("steppe_truth", "altai_voice", "kaspiy_daily")


def the_channels(telegram: FakeTelegram, first_id: int) -> list[dict]:
    """The three channels of CHANNELS, numbered down from ``first_id``."""
    return [telegram.channel(first_id - n, name.title(), username=name) for n, name in enumerate(CHANNELS)]


async def forward_campaigns(telegram: FakeTelegram, citizen: dict, channels: list[dict]) -> None:
    """Each channel posts each campaign text; one receipt per forward."""
    for round_, text in enumerate(CAMPAIGNS):
        for index, channel in enumerate(channels):
            telegram.forward(citizen, telegram.origin_channel(channel, 100 * round_ + index), text=text)
            await telegram.wait_for_messages(citizen["id"], round_ * len(channels) + index + 1)


async def test_channels_posting_two_campaigns_together_are_one_network_on_the_card_and_in_slash_network(
    telegram: FakeTelegram, moderated, db: Database
) -> None:
    async with moderated(NETWORK_MIN_WEIGHT="2") as team:
        citizen = telegram.user(1)
        channels = the_channels(telegram, -1000000000200)
        await forward_campaigns(telegram, citizen, channels)
        await wait_for_card(telegram, db, 2)
        await telegram.wait_until(
            lambda: "Part of network" in seen(card_of(telegram, db, 2)), timeout=30, what="the network on the card"
        )
        assert "🕸 Part of network #1: 3 accounts, 2 campaigns, active since" in seen(card_of(telegram, db, 2))

        answer = await say(telegram, team.alice, "/network 1", chat=team.group)
        text = seen(answer)
        assert "Network #1" in text and "3 accounts" in text
        for name in CHANNELS:
            assert f"Telegram @{name}" in text
        assert "Campaigns\n#1 and #2" in text
        assert "3 links between its accounts; weight from 2.5 to 2.5, median 2.5" in text
        assert "6 times the same text, 0 the same picture" in text
        assert "3 pairs were reported together" in text  # one citizen reported all three
        assert "not a verdict" in text

        missing = await say(telegram, team.alice, "/network 9", chat=team.group)
        assert seen(missing) == "There is no network #9."


async def test_a_recompute_keeps_the_number_of_a_network_that_grew_live_and_forgets_light_links_nothing_renewed(
    telegram: FakeTelegram, moderated, db: Database
) -> None:
    async with moderated(NETWORK_MIN_WEIGHT="2"):
        await forward_campaigns(telegram, telegram.user(1), the_channels(telegram, -1000000000300))
        once = telegram.channel(-1000000000399, "Passer-by", username="passer_by")  # posts one of them, once
        telegram.forward(telegram.user(2), telegram.origin_channel(once, 7), text=CAMPAIGNS[1])
        await telegram.wait_for_messages(2, 1)
        await telegram.wait_until_idle()
    assert db.value("SELECT COUNT(*) FROM network_members WHERE number = 1") == 3
    weights = "SELECT clusters + images + avatar + reported * 0.5 FROM network_edges ORDER BY 1"
    assert [row[0] for row in db.rows(weights)] == [1.0, 1.0, 1.0, 2.5, 2.5, 2.5]
    last = db.value("SELECT MAX(created_at) FROM reports")
    rules = NetworkRules(min_weight=2.0, link_memory=DAY)
    store = await Store.open(db.url)
    try:
        done = await recompute_networks(store, rules, now=last + 60)
        assert (done.networks, done.new, done.ended) == (1, 0, 0)
        assert db.value("SELECT COUNT(*) FROM network_edges") == 6  # within the memory, light links stay
        later = await recompute_networks(store, rules, now=last + 2 * DAY)
    finally:
        await store.close()
    assert [row[0] for row in db.rows(weights)] == [2.5, 2.5, 2.5]
    assert (later.networks, later.ended) == (1, 0)
    assert [tuple(row) for row in db.rows("SELECT number, status, accounts FROM networks")] == [(1, "active", 3)]


async def test_verified_campaigns_put_the_network_in_the_digest_and_the_export_without_reporters(
    telegram: FakeTelegram, moderated, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NETWORK_MIN_WEIGHT", "2")  # for the command line, as for the bot
    async with moderated(NETWORK_MIN_WEIGHT="2") as team:
        citizen = telegram.user(1)
        channels = the_channels(telegram, -1000000000400)
        await forward_campaigns(telegram, citizen, channels)
        for case_id in (1, 2):
            await _verify(telegram, db, case_id, team.alice, team.bob)

    digest = kuzet(["digest", "--week", week_of(int(time.time()), UTC)], tmp_path)
    assert digest.returncode == 0, digest.stderr
    shown = digest.stdout.replace("\u2068", "").replace("\u2069", "")  # bidi isolation around numbers
    assert "Network #1: campaigns #1 and #2 (fewer than 5 verified in all), posted by fewer than 5 accounts" in shown

    folder = tmp_path / "networks"
    export = kuzet(["export", "--networks", str(folder)], tmp_path)
    assert export.returncode == 0, export.stderr
    with (folder / "nodes.csv").open(encoding="utf-8") as file:
        nodes = list(csv.DictReader(file))
    assert sorted(n["account"] for n in nodes) == sorted(f"@{name}" for name in CHANNELS)
    assert {n["node"] for n in nodes} == {"a1", "a2", "a3"} and {n["network"] for n in nodes} == {"1"}
    with (folder / "edges.csv").open(encoding="utf-8") as file:
        edges = list(csv.DictReader(file))
    assert [(e["weight"], e["clusters"]) for e in edges] == [("2.0", "2")] * 3  # reported together left out
    graph = ElementTree.parse(folder / "networks.graphml").getroot()
    namespace = {"g": "http://graphml.graphdrawing.org/xmlns"}
    assert len(graph.findall("g:graph/g:node", namespace)) == 3
    assert len(graph.findall("g:graph/g:edge", namespace)) == 3
    assert json.loads((folder / "params.json").read_text(encoding="utf-8"))["rules"]["min_weight"] == 2.0
    written = "".join(path.read_text(encoding="utf-8") for path in folder.iterdir())
    pseudonyms = [row[0] for row in db.rows("SELECT pseudonym FROM reporters")]
    assert pseudonyms and not any(p in written for p in pseudonyms)
    assert "reported" not in (folder / "edges.csv").read_text(encoding="utf-8")


async def test_the_published_digests_page_and_api_show_the_network_as_coarsely_as_the_message(
    telegram: FakeTelegram, moderation_settings: Callable[..., Settings], db: Database
) -> None:
    settings = moderation_settings(NETWORK_MIN_WEIGHT="2")
    async with running(settings) as application:
        team = await form_team(telegram)
        citizen = telegram.user(1)
        channels = the_channels(telegram, -1000000000500)
        await forward_campaigns(telegram, citizen, channels)
        for case_id in (1, 2):
            await _verify(telegram, db, case_id, team.alice, team.bob)
        next_week(application)
        await say(telegram, team.admin, "/publish")
        await telegram.wait_until_idle()
    week = db.value("SELECT period FROM digests WHERE status = 'published'")

    async with site_client(settings) as site:
        page = (await (await site.get(f"/digests/{week}?lang=en")).text()).replace("\u2068", "").replace("\u2069", "")
        api = (await (await site.get(f"/api/digests/{week}")).json())["digest"]
    assert "Accounts acting together" in page
    assert "Network #1: campaigns #1 and #2 (fewer than 5 verified in all), posted by fewer than 5 accounts" in page
    assert api["networks"] == [
        {"number": 1, "campaigns": [1, 2], "verified_campaigns": "<5", "accounts": "<5", "named": []}
    ]
    section = page.split("Accounts acting together", 1)[1]
    assert not any(name in section for name in CHANNELS)  # three accounts are fewer than 5: the network names none
