"""The account-network core: co-action episodes, the CooRTweet-style filters, components and stable numbers."""

from __future__ import annotations

import json

from bot.core.digest import Digest, DigestNetwork, Totals, VerifiedAccount
from bot.core.networks import (
    CoActionGraph,
    CoActionKind,
    Edge,
    NetworkRules,
    detect,
    kept_edges,
    number_networks,
    percentile,
)
from bot.core.periods import HOUR

RULES = NetworkRules(window=6 * HOUR, min_participation=2, min_weight=2.0, symmetry=0.5, min_accounts=3)
CLUSTER = CoActionKind.CLUSTER


def campaign(graph: CoActionGraph, accounts: list[int], text: int, at: int) -> None:
    for offset, account in enumerate(accounts):
        graph.act(account, CLUSTER, text, at + offset * 60)


def test_accounts_posting_one_text_within_the_window_co_act_once_however_often_they_repost() -> None:
    graph = CoActionGraph(NetworkRules(window=HOUR))
    assert graph.act(1, CLUSTER, 10, 0) == []
    assert graph.act(2, CLUSTER, 10, 600) == [1]
    assert graph.act(2, CLUSTER, 10, 900) == []  # the same episode
    assert graph.act(1, CLUSTER, 10, 1200) == []
    assert graph.edges[(1, 2)].clusters == 1
    assert graph.participation == {1: 1, 2: 1}


def test_posts_further_apart_than_the_window_are_no_co_action() -> None:
    graph = CoActionGraph(NetworkRules(window=HOUR))
    graph.act(1, CLUSTER, 10, 0)
    assert graph.act(2, CLUSTER, 10, 2 * HOUR) == []
    assert graph.edges == {}


def test_repeated_campaigns_make_a_network_and_a_one_off_crowd_does_not() -> None:
    graph = CoActionGraph(RULES)
    for text in range(3):
        campaign(graph, [1, 2, 3, 4], text, text * 10 * HOUR)
    campaign(graph, [20, 21, 22, 23, 24], 99, 0)  # strangers sharing one popular text once
    assert detect(graph.frozen_edges(), graph.participation, RULES) == [frozenset({1, 2, 3, 4})]


def test_light_links_nothing_renewed_are_forgotten_and_the_network_is_found_as_before() -> None:
    graph = CoActionGraph(RULES)
    for text in range(3):
        campaign(graph, [1, 2, 3, 4], text, text * 10 * HOUR)
    campaign(graph, [20, 21, 22], 99, 0)  # strangers sharing one popular text once
    campaign(graph, [30, 31], 98, 40 * HOUR)  # and two more, later
    assert graph.forget_light(before=30 * HOUR) == 3
    assert sorted(graph.edges) == [(1, 2), (1, 3), (1, 4), (2, 3), (2, 4), (3, 4), (30, 31)]
    assert detect(graph.frozen_edges(), graph.participation, RULES) == [frozenset({1, 2, 3, 4})]


def test_a_hyperactive_account_does_not_glue_two_networks_together() -> None:
    graph = CoActionGraph(RULES)
    for text in range(3):
        campaign(graph, [1, 2, 3, 100], text, text * 10 * HOUR)
        campaign(graph, [4, 5, 6, 100], 50 + text, text * 10 * HOUR + 5 * HOUR)
    for text in range(20):  # it posts everything else too
        campaign(graph, [100, 200 + text], 1000 + text, 100 * HOUR + text * 10 * HOUR)
    found = detect(graph.frozen_edges(), graph.participation, RULES)
    assert sorted(found, key=min) == [frozenset({1, 2, 3}), frozenset({4, 5, 6})]
    unchecked = detect(graph.frozen_edges(), graph.participation, NetworkRules(**{**RULES.__dict__, "symmetry": 0.0}))
    assert frozenset({1, 2, 3, 4, 5, 6, 100}) in unchecked  # without the symmetry check, one glued network


def test_minimum_participation_and_weight_percentile_drop_weak_edges() -> None:
    edges = [Edge(1, 2, clusters=5), Edge(2, 3, clusters=5), Edge(3, 4, clusters=2)]
    participation = {1: 5, 2: 5, 3: 5, 4: 1}
    loose = NetworkRules(min_participation=1, min_weight=1.0, symmetry=0.0, min_accounts=2)
    assert len(kept_edges(edges, participation, loose)) == 3
    assert len(kept_edges(edges, participation, NetworkRules(**{**loose.__dict__, "min_participation": 2}))) == 2
    assert len(kept_edges(edges, participation, NetworkRules(**{**loose.__dict__, "edge_percentile": 50.0}))) == 2
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.0


def test_being_reported_together_alone_never_links_accounts_into_a_network() -> None:
    graph = CoActionGraph(RULES)
    for reporter in range(30):  # a brigade reporting three critics together, again and again
        for critic in (1, 2, 3):
            graph.act(critic, CoActionKind.REPORTED, reporter, reporter * HOUR + critic)
    edge = graph.edges[(1, 2)].frozen(1, 2)
    assert edge.reported and edge.weight(RULES) == RULES.reported_weight
    assert detect(graph.frozen_edges(), graph.participation, RULES) == []


def test_protected_accounts_are_left_out_of_networks() -> None:
    edges = [Edge(1, 2, clusters=3), Edge(2, 3, clusters=3), Edge(3, 4, clusters=3)]
    participation = dict.fromkeys(range(1, 5), 3)
    assert detect(edges, participation, RULES) == [frozenset({1, 2, 3, 4})]
    assert detect(edges, participation, RULES, excluded={2}) == []


def test_a_network_keeps_its_number_as_it_grows_and_a_merge_keeps_the_older_number() -> None:
    previous = {3: frozenset({1, 2, 3}), 7: frozenset({10, 11, 12, 13})}
    grown = number_networks([frozenset({1, 2, 3, 4})], previous)
    assert [(n.number, n.accounts) for n in grown.networks] == [(3, frozenset({1, 2, 3, 4}))]
    assert grown.ended == (7,)
    merged = number_networks([frozenset({1, 2, 3, 10, 11, 12, 13})], previous)
    assert [(n.number, n.merged) for n in merged.networks] == [(3, (7,))]
    assert merged.ended == ()


def test_a_split_keeps_the_number_for_the_larger_part_and_records_where_the_other_came_from() -> None:
    previous = {5: frozenset(range(1, 10))}
    split = number_networks([frozenset({1, 2, 3}), frozenset({4, 5, 6, 7, 8, 9})], previous)
    by_size = {len(n.accounts): n for n in split.networks}
    assert by_size[6].number == 5
    assert by_size[3].number is None and by_size[3].split_from == 5


def test_a_digest_keeps_its_networks_frozen_and_one_frozen_before_networks_loads_without() -> None:
    network = DigestNetwork(4, (12, 15), 3, 7, (VerifiedAccount("telegram", "@nur_news", "https://t.me/nur_news"),))
    digest = Digest("2026-W49", 0, 1, Totals(1, 1, 0), Totals(0, 0, 0), networks=(network,))
    assert Digest.from_json(digest.to_json()) == digest
    older = json.loads(digest.to_json())
    del older["networks"]
    assert Digest.from_json(json.dumps(older)).networks == ()


def test_an_account_reposting_a_viral_text_co_acts_only_with_the_latest_accounts() -> None:
    graph = CoActionGraph(NetworkRules(window=HOUR, max_partners=3))
    for account in range(1, 11):
        graph.act(account, CLUSTER, 7, account * 60)
    assert graph.act(99, CLUSTER, 7, 700) == [8, 9, 10]
