"""Campaigns and digests as the API and the downloads write them: a stable, documented shape (see /about and
/api/openapi.json). Counts are as public as the pages' ("<K" below SMALL_COUNT_K), dates are days (YYYY-MM-DD
in TIMEZONE), never times."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from datetime import tzinfo
from typing import Any

from bot.core.digest import VerifiedAccount
from bot.core.small_counts import coarse, is_small
from bot.service.public import Campaign, CampaignPage, DigestEntry

SCHEMA = "kuzet-campaigns/1"


def day(timestamp: int, tz: tzinfo) -> str | None:
    return dt.datetime.fromtimestamp(timestamp, tz).date().isoformat() if timestamp else None


def account(named: VerifiedAccount | None) -> dict[str, str] | None:
    return None if named is None else {"platform": named.platform, "account": named.label, "link": named.link}


def campaign(c: Campaign, base: str, tz: tzinfo) -> dict[str, Any]:
    return {
        "id": c.case_id,
        "url": f"{base}/campaigns/{c.case_id}",
        "kind": c.kind,
        "label": c.label,
        "labels": dict(c.labels),
        "text": c.text,
        "texts": dict(c.quotes),
        "account": account(c.account),
        "reports": c.reports,
        "languages": list(c.languages),
        "first_seen": day(c.first_seen_at, tz),
        "last_seen": day(c.last_seen_at, tz),
        "verified_on": day(c.verified_at, tz),
        "template_id": c.template_id,
    }


def campaign_page(page: CampaignPage, base: str, tz: tzinfo) -> dict[str, Any]:
    return {
        **campaign(page.campaign, base, tz),
        "per_day": [{"date": d.isoformat(), "reports": n} for d, n in page.days],
        "platforms": list(page.platforms),
        "accounts": [account(a) for a in page.accounts],
        "accounts_total": page.accounts_total,
        "post_links": list(page.posts),
        "votes": page.votes,
        "coordinated": page.coordinated,
        "template": page.template,
        "pdq": list(page.pdq),
        "evidence": [
            {
                "link": mark.seq,
                "period": mark.period,
                "link_sha256": mark.link,
                "record_sha256": mark.record_sha256,
                "record_url": f"{base}/chain/{mark.seq}/cases/{page.campaign.case_id}.json",
            }
            for mark in page.evidence
        ],
    }


def digest(entry: DigestEntry, base: str, tz: tzinfo, public: set[int]) -> dict[str, Any]:
    """A published digest with its counts as public as the page's (the frozen JSON itself is on /chain)."""
    d, k = entry.digest, entry.digest.small_count_k
    return {
        "period": d.period,
        "url": f"{base}/digests/{d.period}",
        "from": day(d.start, tz),
        "to": day(d.end - 1, tz),
        "published_on": day(entry.published_at, tz),
        "totals": {name: coarse(value, k) for name, value in asdict(d.totals).items()},
        "previous": {name: coarse(value, k) for name, value in asdict(d.previous).items()},
        "campaigns": [
            {
                "id": c.case_id,
                "url": f"{base}/campaigns/{c.case_id}" if c.case_id in public else None,
                "label": c.label,
                "labels": dict(c.labels),
                "text": None if c.picture else c.text,
                "texts": dict(c.quotes),
                "reports": coarse(c.reports, k),
                "per_day": [coarse(n, k) for n in c.per_day],
                "languages": list(c.languages),
                "platforms": list(c.platforms),
                "coordinated": c.coordinated,
                "picture": c.picture,
                "post_links": list(c.examples),
            }
            for c in d.campaigns
        ],
        "accounts": [account(a) for a in d.accounts if a.link],
        "more_accounts": d.more_accounts,
        "networks": [
            {
                "number": n.number,
                "campaigns": list(n.campaigns),
                "verified_campaigns": coarse(n.verified_campaigns, k),
                "accounts": coarse(n.accounts, k),
                "named": [] if is_small(n.accounts, k) else [account(a) for a in n.named if a.link],
            }
            for n in d.networks
        ],
    }
