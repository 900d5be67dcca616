#!/usr/bin/env python
"""Benchmark of the account-network detector (bot/core/networks.py) on planted networks in background noise.

    python benchmarks/bench_networks.py              # quality, then cost at 1,000,000 reports: ~12 min, 2 cores
    python benchmarks/bench_networks.py --no-cost    # quality only: ~3 min
    python benchmarks/bench_networks.py --cost-only  # cost only

The synthetic world (one seed): four weeks of reports, each naming the account that posted a text (and some a
picture), reported a few hours after the post:

* organic accounts sharing popular texts: each text goes viral around its own peak (spread of half a day), so
  dozens of strangers post it within a day;
* hyperactive accounts: each posts a third of all popular texts and joins half of all campaign waves;
* planted networks of 5 to 120 accounts running 3 to 12 campaigns each (a wave of a few hours, each member
  taking part with probability 0.4 to 0.9, some waves carrying a picture); a fifth of the networks reuse
  members of another network.

Three detectors side by side: today's rule ("3 accounts within 24 hours" flags a cluster; every cluster it
flags is read as a group of linked accounts); CooRTweet's filters alone (minimum participation 2, edges at or
above the median weight, the same window); and the detector (those plus a minimum weight and the symmetry
check). Pairwise: precision and recall of the pairs of accounts put together, against the pairs sharing a
planted network. Per network: recall, a planted network matched by a detected one with Jaccard >= 0.5;
precision, a detected network at least 90% of whose accounts come from one planted network (a part of a
planted network is right, a mixture is not); ``network_matched``, detected networks matching one with Jaccard
>= 0.5. The detector's parameters are chosen on the tuning seeds (best pairwise F1 with pairwise and network
precision >= 0.95) and reported on different held-out seeds; in-sample figures beside them.

Cost: the pure core's incremental update (``CoActionGraph.act``) per report, and its memory, at 1,000,000 reports
naming about 100,000 accounts (organic accounts posting 9 popular texts on average, 100 hyperactive accounts
posting 1% of them each, 300 planted networks), and one full recompute (filters, components) of that graph.

Everything as JSON in benchmarks/results/networks.json (quality) and networks_cost.json (cost).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import os
import platform
import random
import resource
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.accounts import Account, Platform, Target, Via  # noqa: E402
from bot.core.flags import FlagRules, coordination  # noqa: E402
from bot.core.networks import CoActionGraph, CoActionKind, NetworkRules, detect  # noqa: E402
from bot.core.periods import DAY, HOUR  # noqa: E402
from bot.core.reports import ReportKind  # noqa: E402
from bot.core.submission import Submission  # noqa: E402
from bot.database_url import DatabaseUrl  # noqa: E402
from bot.service.networks import recompute_networks, record_report  # noqa: E402
from bot.store import Store  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"
TUNING_SEEDS = (1, 2, 3)
HELD_OUT_SEEDS = (101, 102, 103)
SPAN = 28 * DAY


@dataclass(frozen=True)
class World:
    organic: int = 5000
    popular: int = 400
    hyperactive: int = 30
    networks: int = 24
    texts_per_account: float = 4.0
    """Mean popular texts an organic account posts (plus one)."""
    hyperactive_share: float = 1 / 3
    """The share of all popular texts each hyperactive account posts."""


@dataclass(frozen=True)
class Action:
    at: int
    account: int
    kind: CoActionKind
    obj: int


def generate(world: World, seed: int) -> tuple[list[Action], list[frozenset[int]]]:
    """The reports' actions in time order, and the planted networks."""
    rng = random.Random(seed)
    actions: list[Action] = []
    next_account = 0

    def accounts(n: int) -> list[int]:
        nonlocal next_account
        made = list(range(next_account, next_account + n))
        next_account += n
        return made

    def reported(posted: float) -> int:
        return int(posted + rng.expovariate(1 / (3 * HOUR)))

    organic = accounts(world.organic)
    peaks = [rng.uniform(0, SPAN) for _ in range(world.popular)]
    weights = [1 / (rank + 1) ** 0.8 for rank in range(world.popular)]
    for account in organic:
        picks = 1 + int(rng.expovariate(1 / world.texts_per_account))
        for text in set(rng.choices(range(world.popular), weights, k=picks)):
            actions.append(Action(reported(rng.gauss(peaks[text], DAY / 2)), account, CoActionKind.CLUSTER, text))
    hyperactive = accounts(world.hyperactive)
    for account in hyperactive:
        for text in rng.sample(range(world.popular), int(world.popular * world.hyperactive_share)):
            actions.append(Action(reported(rng.gauss(peaks[text], DAY / 2)), account, CoActionKind.CLUSTER, text))
    planted: list[frozenset[int]] = []
    next_text, next_image = world.popular, 0
    sizes = [5, 8, 12, 20, 35, 60, 120]
    for index in range(world.networks):
        members = accounts(rng.choice(sizes))
        if planted and index % 5 == 4:  # reuse some members of an earlier network
            donor = sorted(rng.choice(planted))
            members += rng.sample(donor, max(1, len(donor) // 5))
        planted.append(frozenset(members))
        share = rng.uniform(0.4, 0.9)
        for _ in range(rng.randint(3, 12)):
            start = rng.uniform(0, SPAN)
            image = next_image if rng.random() < 0.3 else None
            next_image += image is not None
            wave = [a for a in members if rng.random() < share]
            wave += [a for a in hyperactive if rng.random() < 0.5]
            for account in wave:
                posted = start + rng.expovariate(1 / (2 * HOUR))
                actions.append(Action(reported(posted), account, CoActionKind.CLUSTER, next_text))
                if image is not None:
                    actions.append(Action(reported(posted), account, CoActionKind.IMAGE, image))
            next_text += 1
    actions.sort(key=lambda a: a.at)
    return actions, planted


def build(actions: list[Action], window: int) -> CoActionGraph:
    graph = CoActionGraph(NetworkRules(window=window))
    for action in actions:
        graph.act(action.account, action.kind, action.obj, action.at)
    return graph


LINK_MEMORIES = (3 * DAY, 7 * DAY, 14 * DAY)
"""Shorter than the world's four weeks, so that forgetting light links can show what it costs."""


def link_memory(world: World, rules: NetworkRules) -> dict[str, dict[str, float]]:
    """The detector on the held-out seeds with light links forgotten after each of LINK_MEMORIES (once a simulated
    day, as the bot's recompute job does more often), and never: scores, and the edges kept at the end."""
    found: dict[str, list[dict[str, float]]] = {}
    for seed in HELD_OUT_SEEDS:
        actions, planted = generate(world, seed)
        for memory in (None, *LINK_MEMORIES):
            graph = CoActionGraph(rules)
            next_day = DAY
            for action in actions:
                if memory is not None and action.at >= next_day:
                    graph.forget_light(action.at - memory)
                    next_day = action.at + DAY
                graph.act(action.account, action.kind, action.obj, action.at)
            row = score(detect(graph.frozen_edges(), graph.participation, rules), planted)
            found.setdefault("never" if memory is None else f"{memory // DAY} days", []).append(
                row | {"edges": len(graph.edges)}
            )
    return {memory: mean(rows) for memory, rows in found.items()}


def rule_groups(actions: list[Action]) -> list[frozenset[int]]:
    """Today's rule read as networks: the accounts of each cluster the coordination flag marks."""
    posts: dict[int, list[tuple[int, int]]] = {}
    for action in actions:
        if action.kind is CoActionKind.CLUSTER:
            posts.setdefault(action.obj, []).append((action.at, action.account))
    rules = FlagRules()
    return list({frozenset(a for _, a in p) for p in posts.values() if coordination(p, rules) is not None})


def pair_count(groups: list[frozenset[int]], disjoint: bool) -> int:
    """Distinct pairs of accounts sharing a group."""
    if disjoint:
        return sum(len(g) * (len(g) - 1) // 2 for g in groups)
    codes = [
        np.array([a * 10_000_000 + b for a, b in itertools.combinations(sorted(g), 2)], dtype=np.int64)
        for g in groups
        if len(g) > 1
    ]
    return int(np.unique(np.concatenate(codes)).size) if codes else 0


def jaccard(x: frozenset[int], y: frozenset[int]) -> float:
    return len(x & y) / len(x | y)


def score(found: list[frozenset[int]], planted: list[frozenset[int]], disjoint: bool = True) -> dict[str, float]:
    """Pairwise precision and recall, and per network: recall (a planted network matched with Jaccard >= 0.5),
    precision (a detected network whose accounts are at least 90% from one planted network) and exact-ish
    matches (Jaccard >= 0.5 both ways)."""
    groups_of: dict[int, set[int]] = {}
    for index, group in enumerate(found):
        for account in group:
            groups_of.setdefault(account, set()).add(index)
    truth = {pair for p in planted for pair in itertools.combinations(sorted(p), 2)}
    hit = sum(1 for a, b in truth if groups_of.get(a, set()) & groups_of.get(b, set()))
    predicted = pair_count(found, disjoint)
    pure = [max(len(f & p) for p in planted) >= 0.9 * len(f) for f in found]
    matched = [any(jaccard(f, p) >= 0.5 for p in planted) for f in found]
    recovered = [any(jaccard(f, p) >= 0.5 for f in found) for p in planted]
    return {
        "pair_precision": round(hit / predicted, 4) if predicted else 1.0,
        "pair_recall": round(hit / len(truth), 4),
        "network_precision": round(sum(pure) / len(pure), 4) if pure else 1.0,
        "network_matched": round(sum(matched) / len(matched), 4) if matched else 1.0,
        "network_recall": round(sum(recovered) / len(recovered), 4),
        "networks_found": len(found),
    }


def mean(rows: list[dict[str, float]]) -> dict[str, float]:
    return {key: round(sum(r[key] for r in rows) / len(rows), 4) for key in rows[0]}


def f1(row: dict[str, float]) -> float:
    p, r = row["pair_precision"], row["pair_recall"]
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


GRID: dict[str, list[Any]] = {
    "window": [3 * HOUR, 6 * HOUR, 12 * HOUR],
    "min_participation": [2, 3],
    "min_weight": [3.0, 4.0],
    "symmetry": [0.5, 0.6, 0.7],
    "edge_percentile": [0.0, 50.0],
}


COORTWEET = NetworkRules(min_participation=2, edge_percentile=50.0, min_weight=0.0, symmetry=0.0)
"""CooRTweet's filters alone: minimum participation and the median edge weight, no symmetry check."""


def candidates() -> list[NetworkRules]:
    keys = list(GRID)
    return [NetworkRules(**dict(zip(keys, values, strict=True))) for values in itertools.product(*GRID.values())]


def evaluate(world: World, seeds: tuple[int, ...], rules_list: list[NetworkRules]) -> dict[str, object]:
    """Mean scores per seed set: today's rule, and each candidate."""
    rule_rows, rows = [], {r: [] for r in rules_list}  # type: ignore[var-annotated]
    for seed in seeds:
        actions, planted = generate(world, seed)
        rule_rows.append(score(rule_groups(actions), planted, disjoint=False))
        for window in sorted({r.window for r in rules_list}):
            graph = build(actions, window)
            edges = graph.frozen_edges()
            for rules in (r for r in rules_list if r.window == window):
                rows[rules].append(score(detect(edges, graph.participation, rules), planted))
    return {"rule": mean(rule_rows), "detector": {r: mean(v) for r, v in rows.items()}}


def quality(world: World) -> dict[str, object]:
    grid = candidates()
    tuning = evaluate(world, TUNING_SEEDS, grid)
    scored = tuning["detector"]
    assert isinstance(scored, dict)
    eligible = [r for r, s in scored.items() if s["pair_precision"] >= 0.95 and s["network_precision"] >= 0.95] or list(
        scored
    )
    chosen = max(eligible, key=lambda r: (f1(scored[r]), scored[r]["network_recall"]))
    defaults = NetworkRules()
    held = evaluate(world, HELD_OUT_SEEDS, list(dict.fromkeys([chosen, defaults, COORTWEET])))
    held_detector = held["detector"]
    assert isinstance(held_detector, dict)
    return {
        "world": asdict(world),
        "tuning_seeds": TUNING_SEEDS,
        "held_out_seeds": HELD_OUT_SEEDS,
        "chosen": asdict(chosen),
        "chosen_is_default": chosen == defaults,
        "held_out": {
            "rule": held["rule"],
            "coortweet": held_detector[COORTWEET],
            "detector": held_detector[chosen],
            "defaults": held_detector[defaults],
        },
        "in_sample": {"rule": tuning["rule"], "detector": scored[chosen]},
        "link_memory": link_memory(world, defaults),
        "grid": [{**asdict(r), **s} for r, s in scored.items()],
    }


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cost(reports: int, accounts: int, seed: int) -> dict[str, object]:
    """Update time per report and memory of the in-memory graph at scale, and one full recompute."""
    scale = reports / 1_000_000
    networks = int(300 * scale)
    world = World(
        organic=accounts - networks * 37 - 100,  # planted networks hold about 37 accounts on average
        popular=int(40_000 * scale),
        hyperactive=100,
        networks=networks,
        texts_per_account=8.0,
        hyperactive_share=0.01,
    )
    actions, planted = generate(world, seed)
    actions = actions[:reports]
    named = len({a.account for a in actions})
    gc.collect()
    gc.freeze()  # the generated reports are the benchmark's, not the graph's: keep them out of collections
    graph = CoActionGraph(NetworkRules())
    times = np.empty(len(actions))  # allocated before the baseline: not counted as the graph's
    before = rss_mb()
    clock = time.perf_counter
    for index, action in enumerate(actions):
        start = clock()
        graph.act(action.account, action.kind, action.obj, action.at)
        times[index] = clock() - start
    times.sort()
    grown = rss_mb() - before
    start = clock()
    edges = graph.frozen_edges(NetworkRules().min_weight)  # as the job reads them: no percentile by default
    found = detect(edges, graph.participation, NetworkRules())
    recompute = clock() - start
    return {
        "reports": len(actions),
        "accounts_named": named,
        "edges": len(graph.edges),
        "edges_read_by_recompute": len(edges),
        "update_us": {
            "mean": round(sum(times) / len(times) * 1e6, 2),
            "p50": round(times[len(times) // 2] * 1e6, 2),
            "p99": round(times[int(len(times) * 0.99)] * 1e6, 2),
            "max": round(times[-1] * 1e6, 2),
        },
        "graph_memory_mb": round(grown, 1),
        "recompute_s": round(recompute, 2),
        "networks_found": len(found),
        "planted": len(planted),
        "score": score(found, planted),
    }


async def store_cost(reports: int, seed: int) -> dict[str, object]:
    """The bot's own update (bot.service.networks.record_report, SQL on a SQLite file) per report: the first
    ``reports`` text reports of the quality world, each stored as a forward from its account, one transaction
    each as submit_report does; only record_report is timed."""
    actions = [a for a in generate(World(), seed)[0] if a.kind is CoActionKind.CLUSTER][:reports]
    rules = NetworkRules()
    times = []
    with tempfile.TemporaryDirectory() as folder:
        store = await Store.open(DatabaseUrl.parse(f"sqlite:///{folder}/bench.db"))
        try:
            for index, action in enumerate(actions):
                account = Account(Platform.TELEGRAM, f"@acc{action.account}", f"acc{action.account}")
                target = Target(Platform.TELEGRAM, account, str(index), Via.FORWARD)
                async with store.transaction() as tx:
                    await tx.reporters.touch(f"r{index % 500}", action.at)
                    report = await tx.reports.add(
                        f"r{index % 500}", f"k{index}", Submission(ReportKind.FORWARD, "x", (target,)), action.at
                    )
                    start = time.perf_counter()
                    await record_report(
                        tx,
                        rules,
                        report.id,
                        reporter=f"r{index % 500}",
                        cluster_id=action.obj,
                        image_id=None,
                        wearers=[],
                        now=action.at,
                    )
                    times.append(time.perf_counter() - start)
            start = time.perf_counter()
            await recompute_networks(store, rules, actions[-1].at)
            recompute = time.perf_counter() - start
            async with store.reading() as tx:
                edges = len(await tx.networks.all_edges(rules.reported_weight))
        finally:
            await store.close()
    times.sort()
    return {
        "reports": len(times),
        "edges": edges,
        "record_report_ms": {
            "mean": round(sum(times) / len(times) * 1000, 3),
            "p50": round(times[len(times) // 2] * 1000, 3),
            "p99": round(times[int(len(times) * 0.99)] * 1000, 3),
            "max": round(times[-1] * 1000, 3),
        },
        "recompute_s": round(recompute, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-cost", action="store_true")
    parser.add_argument("--cost-only", action="store_true")
    parser.add_argument("--store", type=int, default=0, metavar="N", help="time the bot's SQL update on N reports")
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--accounts", type=int, default=100_000)
    args = parser.parse_args()
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(), "load": os.getloadavg()[0]}
    if args.store:
        measured = {"machine": machine, **asyncio.run(store_cost(args.store, seed=1))}
        (RESULTS / "networks_store.json").write_text(json.dumps(measured, indent=1) + "\n")
        print(json.dumps(measured, indent=1))
        return
    if not args.cost_only:
        result = {"machine": machine, **quality(World())}
        (RESULTS / "networks.json").write_text(json.dumps(result, indent=1) + "\n")
        print("chosen:", result["chosen"])
        for name in ("held_out", "in_sample"):
            block = result[name]
            assert isinstance(block, dict)
            for who, row in block.items():
                print(f"{name:9} {who:9} {row}")
        memories = result["link_memory"]
        assert isinstance(memories, dict)
        for memory, row in memories.items():
            print(f"light links forgotten after {memory}: {row}")
    if not args.no_cost:
        measured = {"machine": machine, **cost(args.reports, args.accounts, seed=7)}
        (RESULTS / "networks_cost.json").write_text(json.dumps(measured, indent=1) + "\n")
        print(json.dumps(measured, indent=1))


if __name__ == "__main__":
    main()
