"""The public site under load: 10,000 published campaigns, 100 concurrent clients, on SQLite and PostgreSQL.

```sh
apt-get install wrk                       # the load generator (else --load python, slower: it shares the cores)
python benchmarks/bench_web.py            # both engines, 10,000 campaigns: ~12 min on 2 cores
python benchmarks/bench_web.py --engines sqlite --campaigns 2000 --seconds 5
python benchmarks/bench_web.py --profile  # also where pages' and searches' time goes (pyinstrument)
```

Each engine gets a fresh database (a SQLite file in a temporary folder, or a throwaway PostgreSQL database on
``--postgres-server``, dropped at the end), filled through the store and service modules as the bot fills it:
the starter pack, two moderators, then ``--campaigns`` text campaigns in five languages (a tenth on starter
templates, whose families carry labels and texts in every language; the rest free-standing clusters of
generated lines), each with 2-15 forwarded reports from channels and accounts on several platforms spread over
four weeks, verified by two votes with their audit entries; then the four weeks' digests are built and
published with ``publish_digest``, which extends the evidence chain, so every campaign is public under the
default ``WEB_PUBLISH=digest``. On PostgreSQL the planner's statistics are then refreshed (``ANALYZE``).

``kuzet web`` then serves the database on 127.0.0.1 as its own process, and ``wrk`` (two threads, ``--clients``
connections, ``--seconds`` each) requests, each target in turn: a random campaign page in a random language, a
search for a random word of the campaigns' texts (a third typed with look-alike letters), and a random campaign
from the API; then campaign pages again from one client alone (what one page costs, without queueing behind 99
others: with ``c`` clients always waiting on an answer, latency is about c / throughput). Reported: p50, p90,
p99 and max latency, requests a second, failures, and the server's resident memory (after its first page, and
at the end with its peak). Results go to ``benchmarks/results/web_<engine>.json``; the exit status is 1 when
the campaign page's p99 misses ``--target-ms`` (50).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import asyncpg
import httpx
from bench_cards import Databases  # run as a script: benchmarks/ is on the path

from bot.core.accounts import Account, Platform, Target, Via
from bot.core.audit import AuditAction
from bot.core.cases import CaseKind, CaseStatus, Moderator, Role
from bot.core.flags import FlagRules
from bot.core.periods import WEEK, last_complete_week, previous_week, week_bounds
from bot.core.reports import ReportKind
from bot.core.submission import Submission
from bot.database_url import DatabaseUrl
from bot.pseudonyms import Pseudonymizer
from bot.service.digest import build_digest, publish_digest
from bot.service.matching import load_starter_pack
from bot.store import Store, Tx

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
LANGUAGES = ("en", "ru", "kk", "ar", "zh")
PAGE_LANGUAGES = ("en", "ru", "kk", "ar", "zh-Hant")
WEEKS = 4
SEARCHES = 5000
PROFILED_PAGES = 500
STARTUP_SECONDS = 600
PROFILED_SEARCHES = 100
BATCH = 200
"""Campaigns stored per transaction."""
SMALL_COUNT_K = 5
TZ = ZoneInfo("UTC")
ADMIN = Moderator(1, "bench admin")
SECOND = Moderator(2, "bench moderator")
PLATFORMS = (Platform.TELEGRAM, Platform.X, Platform.TELEGRAM, Platform.VK, Platform.TIKTOK)
LOOK_ALIKES = str.maketrans({"a": "а", "e": "е", "o": "о", "а": "a", "е": "e", "о": "o"})
WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do paths[#paths + 1] = line end
math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 1000)
request = function() return wrk.format("GET", paths[math.random(#paths)]) end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests": %d, "seconds": %f, "p50_ms": %f, "p90_ms": %f, "p99_ms": %f, "max_ms": %f, '
    .. '"errors": %d, "non_2xx": %d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3, latency:percentile(90) / 1e3,
    latency:percentile(99) / 1e3, latency.max / 1e3, e.connect + e.read + e.write + e.timeout, e.status))
end
"""


@dataclass(frozen=True)
class Filled:
    case_ids: list[int]
    words: list[str]
    periods: list[str]
    seconds: float


def lines_by_language(store_templates: list[Any]) -> dict[str, list[str]]:
    """The words of the starter templates, per language: what generated lines are made of."""
    words: dict[str, list[str]] = {language: [] for language in LANGUAGES}
    for template in store_templates:
        language = (template.language or "").partition("_")[0]
        if language in words:
            words[language].extend(re.findall(r"\w+", template.text))
    return {language: sorted(set(found)) for language, found in words.items() if found}


def generated_line(rng: random.Random, language: str, vocabulary: list[str], n: int) -> str:
    if language == "zh":
        return "".join(rng.choices(vocabulary, k=rng.randint(6, 10))) + f"第{n}號。"
    return " ".join(rng.choices(vocabulary, k=rng.randint(8, 14))).capitalize() + f" {n}."


async def fill(store: Store, campaigns: int, seed: int) -> Filled:
    """Verified, published campaigns in five languages, through the store and the service modules."""
    rng = random.Random(seed)
    started = time.perf_counter()
    this_week = last_complete_week(int(time.time()), TZ)
    periods = [this_week]
    for _ in range(WEEKS - 1):
        periods.insert(0, previous_week(periods[0], TZ))
    first_start = week_bounds(periods[0], TZ)[0]
    await load_starter_pack(store, first_start - WEEK)
    async with store.transaction() as tx:
        for moderator, role in ((ADMIN, Role.ADMIN), (SECOND, Role.MODERATOR)):
            await tx.roles.put(moderator.user_id, role, moderator.name, None, first_start - WEEK)
        templates = [t for t in await tx.templates.all(enabled_only=True) if t.language]
    vocabulary = lines_by_language(templates)
    rng.shuffle(templates)
    on_templates = templates[: max(campaigns // 10, 1)]
    case_ids: list[int] = []
    words: set[str] = set()
    for first in range(0, campaigns, BATCH):
        async with store.transaction() as tx:
            for n in range(first, min(first + BATCH, campaigns)):
                template = on_templates[n] if n < len(on_templates) else None
                language = (template.language or "en").partition("_")[0] if template else LANGUAGES[n % 5]
                text = template.text if template else generated_line(rng, language, vocabulary[language], n)
                words.update(w for w in re.findall(r"\w+", text) if len(w) > 4)
                week_start = week_bounds(periods[n % WEEKS], TZ)[0]
                case_ids.append(await campaign(tx, rng, n, text, language, template, week_start))
    seal = Pseudonymizer(os.urandom(32)).seal
    for period in periods:
        digest = await build_digest(store, period, TZ, FlagRules(), SMALL_COUNT_K)
        await publish_digest(store, ADMIN, digest, week_bounds(period, TZ)[1] + 3600, None, seal)
    return Filled(case_ids, sorted(words), periods, time.perf_counter() - started)


async def campaign(tx: Tx, rng: random.Random, n: int, text: str, language: str, template: Any, week_start: int) -> int:
    """One campaign: its cluster, reports forwarded from a few accounts, its case, two votes and the verdict."""
    opened = week_start + rng.randint(0, 3 * 86400)
    template_id = None if template is None else template.id
    cluster_id = await tx.clusters.create(text, template_id, opened)
    case_id = await tx.cases.create(CaseKind.CLUSTER, opened, cluster_id=cluster_id)
    accounts = [
        Account.by_handle(PLATFORMS[(n + a) % len(PLATFORMS)], f"bench_{language}_{(n * 7 + a) % 3000}")
        for a in range(rng.randint(1, 4))
    ]
    last = opened
    for r in range(rng.randint(2, 15)):
        at = opened + rng.randint(0, 3 * 86400)
        last = max(last, at)
        reporter = f"bench-reporter-{rng.randint(0, 20_000)}"
        post = Post(text, language, accounts[r % len(accounts)], template_id, cluster_id, case_id)
        await forwarded(tx, post, (n, r), reporter, at)
    decided = last + 3600
    for moderator in (ADMIN, SECOND):
        await tx.cases.put_vote(case_id, moderator.user_id, decided)
        await tx.audit.record(moderator.user_id, AuditAction.VOTE_VERIFY, decided, case_id=case_id)
    await tx.cases.decide(case_id, CaseStatus.VERIFIED, SECOND.user_id, decided)
    await tx.audit.record(
        SECOND.user_id, AuditAction.CASE_VERIFY, decided, case_id=case_id, after={"status": "verified"}
    )
    return case_id


@dataclass(frozen=True)
class Post:
    """A campaign's post as reports forward it: its text, the account it came from, and where it is placed."""

    text: str
    language: str
    account: Account
    template_id: int | None
    cluster_id: int
    case_id: int


async def forwarded(tx: Tx, post: Post, number: tuple[int, int], reporter: str, at: int) -> None:
    """The ``number`` = (campaign, report)'s report forwarding ``post``, matched and attached to its case as the
    bot would."""
    n, r = number
    key, first = f"bench-{n}-{r}", r == 0
    target = Target(post.account.platform, post.account, str(1000 + n * 1000 + r), Via.FORWARD)
    await tx.reporters.touch(reporter, at)
    report = await tx.reports.add(reporter, key, Submission(ReportKind.FORWARD, post.text, (target,)), at)
    await tx.reports.place(
        report.id,
        matched="template" if post.template_id else ("new" if first else "cluster"),
        cluster_id=post.cluster_id,
        template_id=post.template_id,
        score=1.0,
        language=post.language,
        resemblance=None,
    )
    await tx.cases.attach(post.case_id, report.id, at)


async def analyze(url: DatabaseUrl) -> None:
    """Refresh the planner's statistics, as autovacuum does within a minute of a bulk change on a live server;
    the fill is faster than that. Without it the catalogue's query of every public case ran as a nested loop
    over stale estimates: 79 s at 10,000 campaigns, 4 s at 2,000 (0.06 s after ANALYZE)."""
    conn = await asyncpg.connect(url.dsn)
    try:
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def kuzet_web(url: DatabaseUrl, folder: Path) -> Iterator[tuple[str, subprocess.Popen[bytes], float]]:
    """``kuzet web`` on a free port of 127.0.0.1, as its own process; yields its address, the process, and how
    long it took to answer /healthz with 200 (which builds the site's catalogue)."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url.dsn,
        "DATA_DIR": str(folder),
        "WEB_LISTEN": f"127.0.0.1:{port}",
        "SMALL_COUNT_K": str(SMALL_COUNT_K),
        "TIMEZONE": "UTC",
    }
    server = subprocess.Popen([sys.executable, "-m", "bot.cli", "web"], env=env, cwd=folder)
    base = f"http://127.0.0.1:{port}"
    started = time.monotonic()
    try:
        deadline = started + STARTUP_SECONDS
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=STARTUP_SECONDS).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"kuzet web did not start (exit status {server.poll()})")
            time.sleep(0.2)
        yield base, server, time.monotonic() - started
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()


def memory_mb(pid: int) -> dict[str, float]:
    """The process's resident memory now (VmRSS) and at its peak (VmHWM), in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return {name: round(int(fields[key].split()[0]) / 1024, 1) for name, key in (("rss", "VmRSS"), ("peak", "VmHWM"))}


def targets(filled: Filled, rng: random.Random) -> dict[str, list[str]]:
    """Request paths per measured target, drawn uniformly by wrk: every campaign page in every language (50,000
    addresses at 10,000 campaigns, so the site's answer cache rarely holds the one asked for), the same 200
    pages over and over (what that cache gives), up to 5,000 different searches (one or two words of the
    campaigns' texts, a third typed with look-alike letters), and every campaign from the API."""
    pages = [f"/campaigns/{c}?lang={language}" for c in filled.case_ids for language in PAGE_LANGUAGES]
    rng.shuffle(pages)
    words = filled.words
    lines = [*words, *(f"{rng.choice(words)} {rng.choice(words)}" for _ in words)]
    lines = rng.sample(lines, min(SEARCHES, len(lines)))
    searched = [line.translate(LOOK_ALIKES) if n % 3 == 0 else line for n, line in enumerate(lines)]
    return {
        "campaign": pages,
        "campaign_same_200": pages[:200],
        "search": [f"/campaigns?q={quote(line)}" for line in searched],
        "api": [f"/api/campaigns/{c}" for c in filled.case_ids],
    }


def run_wrk(base: str, paths: list[str], clients: int, seconds: int, folder: Path) -> dict[str, Any]:
    script, listing = folder / "bench.lua", folder / "paths.txt"
    script.write_text(WRK_SCRIPT)
    listing.write_text("\n".join(paths) + "\n")
    out = subprocess.run(
        ["wrk", f"-t{min(2, clients)}", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "-s", str(script), base],
        env={**os.environ, "BENCH_PATHS": str(listing)},
        capture_output=True,
        text=True,
    )
    found = re.search(r"^RESULT (.*)$", out.stdout, re.MULTILINE)
    if out.returncode != 0 or not found:
        raise SystemExit(f"wrk failed ({out.returncode}): {out.stdout}{out.stderr}")
    result: dict[str, Any] = json.loads(found.group(1))
    result["requests_per_second"] = result["requests"] / result["seconds"]
    return result


async def run_python(base: str, paths: list[str], clients: int, seconds: int) -> dict[str, Any]:
    """The same measure from Python (when wrk is missing): it competes with the server for the cores."""
    timings: list[float] = []
    failures = 0
    end = time.monotonic() + seconds
    rng = random.Random(1)

    async def client(http: httpx.AsyncClient) -> None:
        nonlocal failures
        while time.monotonic() < end:
            started = time.perf_counter()
            response = await http.get(rng.choice(paths))
            timings.append(time.perf_counter() - started)
            failures += response.status_code != 200

    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    began = time.monotonic()
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=10) as http:
        await asyncio.gather(*(client(http) for _ in range(clients)))
    spent = time.monotonic() - began
    cuts = statistics.quantiles(timings, n=100)
    return {
        "requests": len(timings),
        "seconds": spent,
        "p50_ms": cuts[49] * 1000,
        "p90_ms": cuts[89] * 1000,
        "p99_ms": cuts[98] * 1000,
        "max_ms": max(timings) * 1000,
        "errors": 0,
        "non_2xx": failures,
        "requests_per_second": len(timings) / spent,
    }


async def profile(url: DatabaseUrl, folder: Path, paths: list[str]) -> str:
    """Where one process spends its time answering ``paths`` one after another (through aiohttp's test client,
    after one request that builds the site's catalogue), under pyinstrument."""
    from aiohttp.test_utils import TestClient, TestServer
    from pyinstrument import Profiler

    from bot.config import load_settings
    from bot.web import build_web_app

    settings = load_settings(
        {"DATABASE_URL": url.dsn, "DATA_DIR": str(folder), "SMALL_COUNT_K": str(SMALL_COUNT_K)}, env_file=None
    )
    store = await Store.open(settings.database)
    try:
        async with TestClient(TestServer(build_web_app(store, settings))) as client:
            await client.get("/healthz")
            await client.get("/campaigns")
            profiler = Profiler(async_mode="disabled")
            with profiler:
                for path in paths:
                    response = await client.get(path)
                    await response.read()
                    assert response.status == 200, path
    finally:
        await store.close()
    return str(profiler.output_text(unicode=True, color=False, show_all=False))


async def bench_engine(databases: Databases, engine: str, args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(args.seed)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        async with databases._url(engine) as url:
            store = await Store.open(url)
            try:
                filled = await fill(store, args.campaigns, args.seed)
            finally:
                await store.close()
            print(f"{engine}: {len(filled.case_ids):,} campaigns filled in {filled.seconds:.0f} s", flush=True)
            if engine == "postgresql":
                await analyze(url)
            result: dict[str, Any] = {
                "engine": engine,
                "campaigns": len(filled.case_ids),
                "digests": filled.periods,
                "fill_seconds": round(filled.seconds, 1),
                "clients": args.clients,
                "seconds_per_target": args.seconds,
                "load": args.load,
                "targets": {},
            }
            chosen = targets(filled, rng)
            with kuzet_web(url, folder) as (base, server, cold_start):
                result["cold_start_seconds"] = round(cold_start, 1)
                print(f"  cold start (until /healthz answers 200): {cold_start:.1f} s", flush=True)
                await asyncio.to_thread(httpx.get, f"{base}/campaigns/{filled.case_ids[0]}", timeout=60)
                result["memory_after_first_page_mb"] = memory_mb(server.pid)["rss"]
                runs = [(name, paths, args.clients) for name, paths in chosen.items()]
                runs.append(("campaign_one_client", chosen["campaign"], 1))
                for name, paths, clients in runs:
                    if args.load == "wrk":
                        figures = run_wrk(base, paths, clients, args.seconds, folder)
                    else:
                        figures = await run_python(base, paths, clients, args.seconds)
                    result["targets"][name] = {k: round(v, 2) for k, v in figures.items()}
                    print(f"  {name}: {_line(figures)}", flush=True)
                result["memory_mb"] = memory_mb(server.pid)
            if args.profile:
                result["profile"] = {
                    name: await profile(url, folder, chosen[name][:count])
                    for name, count in (("campaign", PROFILED_PAGES), ("search", PROFILED_SEARCHES))
                }
                for name, text in result["profile"].items():
                    print(f"{engine}, {name}:\n{text}")
    result["load_average_before_and_after"] = [load_before, os.getloadavg()]
    return result


def _line(figures: dict[str, Any]) -> str:
    return (
        f"p50 {figures['p50_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms, "
        f"{figures['requests_per_second']:.0f} requests/s, {figures['non_2xx'] + figures['errors']} failed"
    )


async def run(args: argparse.Namespace) -> int:
    databases = Databases(args.postgres_server)
    missed = False
    for engine in args.engines:
        result = await bench_engine(databases, engine, args)
        if engine == "postgresql":
            result["postgresql"] = await databases.postgres_version()
        output = Path(args.output_dir) / f"web_{engine}.json"
        output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        page = result["targets"]["campaign"]
        passed = page["p99_ms"] < args.target_ms and page["non_2xx"] + page["errors"] == 0
        missed |= not passed
        print(
            f"{engine}: campaign page p99 {page['p99_ms']:.1f} ms (target < {args.target_ms} ms): "
            f"{'PASS' if passed else 'FAIL'}; memory {result['memory_mb']} MB; figures in {output}"
        )
    return 1 if missed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--campaigns", type=int, default=10_000)
    parser.add_argument("--engines", nargs="+", default=["sqlite", "postgresql"], choices=["sqlite", "postgresql"])
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=20, help="of load on each target")
    parser.add_argument("--load", choices=["wrk", "python"], default="wrk" if shutil.which("wrk") else "python")
    parser.add_argument("--postgres-server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--target-ms", type=float, default=50.0)
    parser.add_argument("--profile", action="store_true", help="profile campaign pages and searches (pyinstrument)")
    parser.add_argument("--output-dir", default=str(RESULTS))
    parser.add_argument("--seed", type=int, default=22)
    return asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
