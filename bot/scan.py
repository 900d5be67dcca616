"""Bulk scan: many messages from a file against the template bank, for moderators and researchers.

Inputs: ``.txt`` (one message a line), ``.csv`` (a ``text`` column, optional
``id``), ``.jsonl`` (objects with ``text``, optional ``id``), or ``-`` for
JSONL on standard input. A malformed line is reported with its line number
and skipped; the scan goes on. Output keeps the input order.

Messages are matched in batches: the lexical stage first, then the messages it left unmatched are
encoded together (a text seen before in this scan is not encoded again) for the semantic stage.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any

import numpy as np

from bot.core.matcher import Match, MatchKind
from bot.semantic.campaigns import CampaignMatcher
from bot.service.matching import TemplateRecord

BATCH = 64
REMEMBERED_VECTORS = 50_000

Complaint = Callable[[int, str], None]
"""Called with a line number and what is wrong with that line."""


@dataclass(frozen=True)
class Message:
    id: Any
    text: str


class ScanInputError(Exception):
    """The input as a whole cannot be read (missing file, unknown format, no text column)."""


def read_messages(source: str, complain: Complaint) -> Iterator[Message]:
    """The messages of a file (or ``-``: JSONL on stdin), by their format."""
    if source == "-":
        yield from _jsonl(sys.stdin, complain)
        return
    path = Path(source)
    suffix = path.suffix.casefold()
    if suffix not in (".txt", ".csv", ".jsonl"):
        raise ScanInputError(f"{source}: unknown input format (use .txt, .csv, .jsonl or - for JSONL on stdin)")
    try:
        file = path.open(encoding="utf-8", newline="" if suffix == ".csv" else None)
    except OSError as exc:
        raise ScanInputError(f"{source}: {exc.strerror}") from None
    with file:
        reader = {".txt": _txt, ".csv": _csv, ".jsonl": _jsonl}[suffix]
        yield from reader(file, complain)


def _txt(file: IO[str], complain: Complaint) -> Iterator[Message]:
    for number, line in enumerate(file, 1):
        if line.strip():
            yield Message(number, line.rstrip("\n"))


def _csv(file: IO[str], complain: Complaint) -> Iterator[Message]:
    reader = csv.DictReader(file)
    if not reader.fieldnames or "text" not in reader.fieldnames:
        raise ScanInputError("the CSV input needs a 'text' column")
    for number, row in enumerate(reader, 1):
        text = row.get("text")
        if not text or not text.strip():
            complain(reader.line_num, "no text")
            continue
        yield Message(row.get("id") or number, text)


def _jsonl(file: IO[str], complain: Complaint) -> Iterator[Message]:
    for number, line in enumerate(file, 1):
        if not line.strip():
            continue
        item = _json_object(line, number, complain)
        if item is None:
            continue
        text = item.get("text")
        if not isinstance(text, str) or not text.strip():
            complain(number, "no 'text' string")
            continue
        yield Message(item.get("id", number), text)


def _json_object(line: str, number: int, complain: Complaint) -> dict | None:
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        complain(number, f"not JSON ({exc.msg})")
        return None
    if not isinstance(item, dict):
        complain(number, "not a JSON object")
        return None
    return item


def read_templates(path: Path, complain: Complaint) -> list[TemplateRecord]:
    """Templates from a JSONL file: ``id`` and ``text`` required; ``lang``, ``label``, ``family`` optional."""
    records = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ScanInputError(f"{path}: {exc.strerror}") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        item = _json_object(line, number, complain)
        if item is None:
            continue
        if not isinstance(item.get("text"), str) or item.get("id") is None:
            complain(number, "a template needs 'id' and 'text'")
            continue
        records.append(
            TemplateRecord(item["text"], str(item["id"]), item.get("lang"), item.get("label"), item.get("family"))
        )
    return records


def scan(messages: Iterable[Message], matcher: CampaignMatcher,
         encoded: Callable[[int], None] = lambda count: None) -> Iterator[tuple[Message, list[Match]]]:
    """Each message with its template matches, best first (a negative-bank match means none).

    ``encoded`` is told how many messages each batch sent to the encoder (for a progress bar)."""
    vectors: OrderedDict[str, np.ndarray] = OrderedDict()
    pending = iter(messages)
    while batch := list(islice(pending, BATCH)):
        unseen = list(dict.fromkeys(m.text for m in batch if m.text not in vectors and matcher.needs_vector(m.text)))
        if unseen:
            for text, vector in zip(unseen, matcher.encode(unseen)):
                vectors[text] = vector
            encoded(len(unseen))
            while len(vectors) > REMEMBERED_VECTORS:
                vectors.popitem(last=False)
        for message in batch:
            found = matcher.match(message.text, vectors.get(message.text), limit=10)
            yield message, [m for m in found if m.kind is MatchKind.TEMPLATE]


def write_jsonl(results: Iterable[tuple[Message, list[Match]]], out: IO[str]) -> int:
    count = 0
    for message, matches in results:
        line = {"id": message.id, "matches": [
            {"kind": m.kind.value, "id": m.id, "score": m.score, "how": m.how, "resemblance": m.resemblance.value}
            for m in matches
        ]}
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(results: Iterable[tuple[Message, list[Match]]], out: IO[str]) -> int:
    """``id,template_id,score,how,resemblance``: a row per match, and one with empty fields for a message that
    matched nothing."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "template_id", "score", "how", "resemblance"])
    count = 0
    for message, matches in results:
        for match in matches or [None]:
            writer.writerow([message.id, *((match.id, match.score, match.how, match.resemblance.value) if match
                                           else ("", "", "", ""))])
        count += 1
    return count
