"""The evidence chain: each published digest extends it, anyone can check it with sha256sum, and
`kuzet verify-chain` says precisely what was changed after publication."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from bot.app import running
from bot.core.digest import Campaign, Digest, DigestNetwork, Totals, VerifiedAccount
from bot.core.evidence import (
    GENESIS,
    RECORD_FORMAT,
    LinkFiles,
    PublishedLink,
    check_published,
    public_digest_json,
    recorded_text,
    sha256_hex,
)
from bot.core.periods import WEEK
from bot.handlers.deps import Runtime
from bot.sandbox import FakeTelegram
from tests.databases import Database
from tests.moderation_helpers import GROUP, say, seen
from tests.test_digest import CAMPAIGN, _subscribe, _verified_campaign, _verify, next_week
from tests.test_scan import kuzet

SITE = "https://kuzet.example.org"
SECOND = "Only Tokayev keeps our country calm and strong, vote for stability on Sunday"


@pytest.fixture
async def published(telegram: FakeTelegram, moderation_settings, db: Database, tmp_path: Path) -> Path:
    """Case 1 verified, a subscriber, and the week's digest published (its delivery done)."""
    async with running(moderation_settings(WEB_URL=SITE)) as application:
        admin, _ = await _verified_campaign(telegram, db)
        await _subscribe(telegram, 51, "en")
        next_week(application)
        await say(telegram, admin, "/publish")
        await telegram.wait_for_messages(51, 3)
        await telegram.wait_until_idle()
    return tmp_path


def _change(db: Database, sql: str, params: tuple = ()) -> None:
    """Change the database behind the bot's back, as a careless or dishonest operator could."""
    with db.connect() as conn:
        conn.execute(sql, params)


def _values(value: object) -> list[object]:
    """Every scalar in a JSON value, however deep."""
    if isinstance(value, dict):
        return [v for item in value.values() for v in _values(item)]
    if isinstance(value, list):
        return [v for item in value for v in _values(item)]
    return [value]


def _link(db: Database, seq: int) -> dict:
    [row] = db.rows("SELECT * FROM evidence_links WHERE seq = ?", (seq,))
    return {name: row[name] for name in row.keys()}


def test_publishing_a_digest_links_it_and_its_verified_case_into_the_chain(
    published: Path, db: Database, telegram: FakeTelegram
) -> None:
    link = _link(db, 1)
    assert link["previous"] == GENESIS and link["period"] == db.value("SELECT period FROM digests")
    [(case_id, record)] = db.rows("SELECT case_id, record FROM evidence_cases WHERE seq = 1")
    assert case_id == 1
    fields = json.loads(record)
    assert fields["text"] == CAMPAIGN and fields["kind"] == "cluster" and fields["votes"] == "<5"
    assert set(fields["decisions"]) == {"entries", "through", "seal"} and fields["decisions"]["entries"] >= 2
    pseudonyms = [row[0] for row in db.rows("SELECT pseudonym FROM reporters")]
    assert pseudonyms and not any(pseudonym in record for pseudonym in pseudonyms)
    moderators = {row[0] for row in db.rows("SELECT user_id FROM roles")}
    assert moderators and not moderators & set(_values(fields))
    assert hashlib.sha256(link["manifest"].encode()).hexdigest() == link["link"]
    text = seen(telegram.sent(51)[1])
    assert f"Evidence chain, link #1: {link['link']}" in text
    assert f"This digest on the web, to cite and to download: {SITE}/digests/{link['period']}" in text


def test_verify_chain_holds_on_an_honest_database(published: Path, db: Database) -> None:
    result = kuzet(["verify-chain", "--expect", _link(db, 1)["link"]], published)
    assert result.returncode == 0, result.stderr
    assert "the chain holds (1 links, 1 case records)" in result.stderr


def test_a_verified_text_altered_afterwards_fails_the_check_and_is_named(published: Path, db: Database) -> None:
    _change(db, "UPDATE clusters SET representative = ? WHERE id = 1", ("We never made any choice",))
    result = kuzet(["verify-chain"], published)
    assert result.returncode == 1
    period = _link(db, 1)["period"]
    assert (
        f"link #1 ({period}), case #1: its text changed after it was recorded: was «{CAMPAIGN}», "
        "is now «We never made any choice»" in result.stderr
    )
    assert "the chain does NOT hold (1 problems" in result.stderr


def test_a_digest_rewritten_after_publication_fails_the_check(published: Path, db: Database) -> None:
    _change(db, "UPDATE digests SET data = REPLACE(data, 'nur_news', 'someone_else')")
    result = kuzet(["verify-chain"], published)
    assert result.returncode == 1
    assert "the digest's JSON changed after it was published" in result.stderr


def test_a_decision_rewritten_in_the_audit_log_breaks_the_seal(published: Path, db: Database) -> None:
    if db.url.engine == "sqlite":
        _change(db, "DROP TRIGGER audit_log_no_update")
    else:
        _change(db, "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update")
    _change(db, "UPDATE audit_log SET at = at - 86400 WHERE action = 'case.verify'")
    result = kuzet(["verify-chain"], published)
    assert result.returncode == 1
    assert "case #1: its audit trail changed after it was recorded" in result.stderr


def test_the_chain_tables_refuse_changes(published: Path, db: Database) -> None:
    for sql in ("UPDATE evidence_cases SET record = 'x'", "DELETE FROM evidence_links"):
        with pytest.raises(Exception, match="append-only"):
            _change(db, sql)


def test_a_link_someone_saw_that_is_not_in_the_chain_fails_the_check(published: Path) -> None:
    result = kuzet(["verify-chain", "--expect", "ab" * 32], published)
    assert result.returncode == 1 and f"the link {'ab' * 32} is not in this chain" in result.stderr


@pytest.mark.skipif(shutil.which("sha256sum") is None, reason="coreutils' sha256sum is not installed")
def test_the_published_files_check_out_with_plain_sha256sum(published: Path, db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "chain"
    assert kuzet(["chain-files", str(folder)], published).returncode == 0
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder / "1", capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "cases/1.json: OK" in check.stdout and "digest.json: OK" in check.stdout
    published_digest = json.loads((folder / "1" / "digest.json").read_text())
    assert published_digest["campaigns"][0]["reports"] == "<5"  # 2 reports: the frozen JSON's exact count stays inside
    assert json.loads(db.value("SELECT data FROM digests"))["campaigns"][0]["reports"] == 2
    link = subprocess.run(["sha256sum", "SHA256SUMS"], cwd=folder / "1", capture_output=True, text=True)
    assert link.stdout.split()[0] == _link(db, 1)["link"]
    assert kuzet(["verify-chain", "--files", str(folder)], published).returncode == 0

    (folder / "1" / "cases" / "1.json").write_text("{}\n")
    tampered = kuzet(["verify-chain", "--files", str(folder)], published)
    assert tampered.returncode == 1
    assert "link #1: cases/1.json hashes to" in tampered.stderr


async def test_the_next_digest_links_to_the_last_and_records_only_cases_verified_since(
    telegram: FakeTelegram, moderation_settings, db: Database, tmp_path: Path
) -> None:
    async with running(moderation_settings()) as application:
        admin, alice = await _verified_campaign(telegram, db)
        next_week(application)
        await say(telegram, admin, "/publish")
        await say(telegram, telegram.user(7), SECOND)
        [second_case] = [row[0] for row in db.rows(_CASE_OF_TEXT, (SECOND,))]
        await _verify(telegram, db, second_case, admin, alice)
        Runtime.of_application(application).clock = lambda: int(time.time()) + 2 * WEEK
        await say(telegram, admin, "/publish")
        await telegram.wait_until_idle()
    first, second = _link(db, 1), _link(db, 2)
    assert second["previous"] == first["link"]
    assert [tuple(row) for row in db.rows("SELECT seq, case_id FROM evidence_cases ORDER BY seq")] == [
        (1, 1),
        (2, second_case),
    ]
    assert kuzet(["verify-chain"], tmp_path).returncode == 0


_CASE_OF_TEXT = "SELECT c.id FROM cases c JOIN clusters cl ON cl.id = c.cluster_id WHERE cl.representative = ?"


async def test_a_case_a_template_covers_is_recorded_with_the_templates_words_not_its_first_reporters(
    telegram: FakeTelegram, moderation_settings, db: Database, tmp_path: Path
) -> None:
    own_words = "Dana Seitova from building 7 here, this came to our chat today"
    async with running(moderation_settings()) as application:
        admin, alice = await _verified_campaign(telegram, db)
        group = telegram.add_group(GROUP, "Kuzet moderators")
        assert "added" in seen(await say(telegram, admin, f"/template add {SECOND}", chat=group))
        await say(telegram, telegram.user(7), f"{own_words}: {SECOND}")
        await say(telegram, telegram.user(8), SECOND)
        [covered] = [row[0] for row in db.rows(_CASE_OF_TEXT, (f"{own_words}: {SECOND}",))]
        assert db.value("SELECT COUNT(*) FROM case_reports WHERE case_id = ?", (covered,)) == 2
        await _verify(telegram, db, covered, admin, alice)
        next_week(application)
        await say(telegram, admin, "/publish")
        await telegram.wait_until_idle()
    records = {row[0]: json.loads(row[1]) for row in db.rows("SELECT case_id, record FROM evidence_cases")}
    assert records[covered]["format"] == "kuzet-case-record/2"
    assert records[covered]["text"] is None and records[covered]["template"]["text"] == SECOND
    assert "Dana" not in db.value("SELECT record FROM evidence_cases WHERE case_id = ?", (covered,))
    assert records[1]["text"] == CAMPAIGN and records[1]["template"] is None, "no template: its reported text"
    assert kuzet(["verify-chain"], tmp_path).returncode == 0


def test_records_of_the_first_format_keep_their_reported_text_when_checked() -> None:
    assert recorded_text("Dana here: the line", "kuzet-case-record/1", has_template=True) == "Dana here: the line"
    assert recorded_text("Dana here: the line", RECORD_FORMAT, has_template=True) is None
    assert recorded_text("the line", RECORD_FORMAT, has_template=False) == "the line"


def _published_link(seq: int, previous: str, digest: str) -> PublishedLink:
    files = LinkFiles(previous, digest, {seq: f'{{"case":{seq}}}\n'})
    named = files.named()
    return PublishedLink(seq, files.link(), files.sums(), named)


def test_a_chain_with_a_link_taken_out_or_rewritten_is_refused() -> None:
    first = _published_link(1, GENESIS, '{"period":"2026-W48"}')
    second = _published_link(2, first.link, '{"period":"2026-W49"}')
    third = _published_link(3, second.link, '{"period":"2026-W50"}')
    assert check_published([first, second, third]) == []

    problems = check_published([first, third])
    assert any("expected link #2 here" in p for p in problems)
    assert any(f"previous names {second.link}, but the link before is {first.link}" in p for p in problems)

    rewritten = _published_link(1, GENESIS, '{"period":"2026-W48","edited":true}')
    problems = check_published([rewritten, second, third])
    assert problems == [f"link #2: previous names {first.link}, but the link before is {rewritten.link}"]
    assert sha256_hex(rewritten.sums) == rewritten.link


def test_the_published_digest_writes_every_small_count_as_fewer_than_k_and_names_no_small_network() -> None:
    few, many = 2, 40
    campaign = Campaign(7, "label", "text", few, ("en",), ("telegram",), True, (few, 0, many), votes=few)
    network = DigestNetwork(3, (7,), few, few, (VerifiedAccount("telegram", "@a", "https://t.me/a"),))
    digest = Digest(
        "2026-W49", 0, 1, Totals(many, few, 0), Totals(few, few, 0), (campaign,), (), few, (), 5, (network,)
    )
    public = json.loads(public_digest_json(digest.to_json()))
    assert public["totals"] == {"reports": many, "verified_cases": "<5", "new_templates": 0}
    [shown] = public["campaigns"]
    assert shown["reports"] == "<5" and shown["votes"] == "<5" and shown["per_day"] == ["<5", 0, many]
    assert public["more_accounts"] == "<5"
    assert public["networks"] == [
        {"number": 3, "campaigns": [7], "verified_campaigns": "<5", "accounts": "<5", "named": []}
    ]
