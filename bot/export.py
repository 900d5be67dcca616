"""Writing exported verified cases as CSV or JSON (the file formats of `kuzet export`)."""

from __future__ import annotations

import csv
import json
from dataclasses import asdict
from datetime import UTC, datetime
from typing import TextIO

from bot.core.templates import LABEL_LANGUAGES
from bot.service.export import ExportedCase

LABEL_COLUMNS = tuple(f"label_{language}" for language in LABEL_LANGUAGES)
"""The template family's label in each language (after the older columns, which keep their places)."""
CSV_COLUMNS = (
    "case_id",
    "kind",
    "verified_at",
    "votes",
    "template_id",
    "template_label",
    "text",
    "texts",
    "accounts",
    "account_links",
    "accounts_unnamed",
    "post_links",
    "reports",
    "reporters",
    "languages",
    "platforms",
    "first_seen_at",
    "last_seen_at",
    "coordinated",
    *LABEL_COLUMNS,
    "pdq",
    "accounts_sharing_photo",
)
LIST_SEPARATOR = " | "


def _iso(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat()


def _record(case: ExportedCase) -> dict:
    record = asdict(case)
    record["accounts"] = [{"platform": a.platform, "account": a.label, "link": a.link} for a in case.accounts]
    for name in ("verified_at", "first_seen_at", "last_seen_at"):
        record[name] = _iso(record[name])
    return record


def write_export(cases: list[ExportedCase], format: str, out: TextIO) -> None:
    """JSON: an array of cases. CSV: a case a row; lists joined with " | ", accounts as platform:account and
    their links in the same order, the labels in ``label_<language>`` columns, the pictures' PDQ hashes in hex
    (as ThreatExchange and HMA exchange them) in ``pdq``."""
    if format == "json":
        json.dump([_record(case) for case in cases], out, ensure_ascii=False, indent=2)
        out.write("\n")
        return
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for case in cases:
        row = _record(case)
        row["accounts"] = LIST_SEPARATOR.join(f"{a.platform}:{a.label}" for a in case.accounts)
        row["account_links"] = LIST_SEPARATOR.join(a.link for a in case.accounts)
        labels = row.pop("template_labels")
        row.update({f"label_{language}": labels.get(language, "") for language in LABEL_LANGUAGES})
        for name in ("texts", "post_links", "languages", "platforms", "pdq"):
            row[name] = LIST_SEPARATOR.join(getattr(case, name))
        writer.writerow(row)
