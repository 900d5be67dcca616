"""Bulk scan: many messages from a file against the template bank, for moderators and researchers.

Inputs: ``.txt`` (one message a line), ``.csv`` (a ``text`` column, optional
``id``), ``.jsonl`` (objects with ``text``, optional ``id``), or ``-`` for
JSONL on standard input. A malformed line is reported with its line number
and skipped; the scan goes on. Output keeps the input order.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from bot.core.matcher import Match, Matcher, MatchKind
from bot.service.matching import TemplateRecord

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


def scan(messages: Iterable[Message], matcher: Matcher) -> Iterator[tuple[Message, list[Match]]]:
    """Each message with its template matches, best first (a negative-bank match means none)."""
    for message in messages:
        matches = [m for m in matcher.match(message.text, limit=10) if m.kind is MatchKind.TEMPLATE]
        yield message, matches


def write_jsonl(results: Iterable[tuple[Message, list[Match]]], out: IO[str]) -> int:
    count = 0
    for message, matches in results:
        line = {"id": message.id, "matches": [{"kind": m.kind.value, "id": m.id, "score": m.score} for m in matches]}
        out.write(json.dumps(line, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(results: Iterable[tuple[Message, list[Match]]], out: IO[str]) -> int:
    """``id,template_id,score``: a row per match, and one with empty fields for a message that matched nothing."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "template_id", "score"])
    count = 0
    for message, matches in results:
        for match in matches or [None]:
            writer.writerow([message.id, match.id if match else "", match.score if match else ""])
        count += 1
    return count
