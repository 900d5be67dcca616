"""Bulk scan: many messages from a file against the template bank, for moderators and researchers.

Inputs: ``.txt`` (one message a line), ``.csv`` (a ``text`` column, optional
``id``), ``.jsonl`` (objects with ``text``, optional ``id``), or ``-`` for
JSONL on standard input. A malformed line (not UTF-8, not JSON, nested too
deep, no text, an ``id`` that is no string or number, a lone surrogate) is
reported with its line number and skipped; the scan goes on. Only the first
MAX_SCAN_CHARS characters of a message are matched (the line says so), so
the work per message is bounded. Output keeps the input order.

A templates file is read whole or not at all: ``read_templates`` checks every
line (as the bot checks ``/template add``) and raises BadTemplates listing
each bad one.

Messages are matched in batches: the lexical stage first, then the messages it left unmatched are
encoded together (a text seen before in this scan is not encoded again) for the semantic stage.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Any

import numpy as np

from bot.core.matcher import Match, MatchKind
from bot.core.templates import LABEL_LANGUAGES, check, checked_label
from bot.errors import KuzetError
from bot.semantic.campaigns import CampaignMatcher
from bot.service.matching import TemplateRecord

BATCH = 64
REMEMBERED_VECTORS = 50_000
MAX_SCAN_CHARS = 20_000
"""Characters of a message that are matched: five times a Telegram message (4,096), far beyond any campaign line."""
CSV_FIELD_LIMIT = 1 << 30
"""csv's own limit (128 KB) would end the whole scan at one long field; a long message is cut, not refused."""

Complaint = Callable[[int, str], None]
"""Called with a line number and what is wrong with that line (and what was done about it)."""

_SURROGATE = re.compile("[\ud800-\udfff]")
"""What an undecodable byte (read with ``surrogateescape``) or a JSON ``\\ud800`` escape leaves in a string."""
NOT_UTF8 = "not UTF-8 text"


@dataclass(frozen=True)
class Message:
    id: Any
    text: str


class ScanInputError(Exception):
    """The input as a whole cannot be read (missing file, unknown format, no text column)."""


class BadTemplates(Exception):
    """A templates file with bad lines: ``problems`` holds each line number and why."""

    def __init__(self, path: Path, problems: list[tuple[int, str]]) -> None:
        super().__init__(f"{path}: {len(problems)} bad lines")
        self.path = path
        self.problems = problems


def read_messages(source: str, complain: Complaint) -> Iterator[Message]:
    """The messages of a file (or ``-``: JSONL on stdin), by their format."""
    if source == "-":
        yield from _jsonl(io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="surrogateescape"), complain)
        return
    path = Path(source)
    suffix = path.suffix.casefold()
    if suffix not in (".txt", ".csv", ".jsonl"):
        raise ScanInputError(f"{source}: unknown input format (use .txt, .csv, .jsonl or - for JSONL on stdin)")
    with _open(path, newline="" if suffix == ".csv" else None) as file:
        reader = {".txt": _txt, ".csv": _csv, ".jsonl": _jsonl}[suffix]
        yield from reader(file, complain)


def _open(path: Path, newline: str | None = None) -> IO[str]:
    """The file as text; a byte that is not UTF-8 becomes a surrogate, so only its own line is lost."""
    try:
        return path.open(encoding="utf-8-sig", errors="surrogateescape", newline=newline)
    except OSError as exc:
        raise ScanInputError(f"{path}: {exc.strerror}") from None


def _skip(complain: Complaint, number: int, why: str) -> None:
    complain(number, f"{why}; skipped")


def _message(number: int, id: Any, text: str, complain: Complaint) -> Message:
    """The message, cut to MAX_SCAN_CHARS characters (said on the line's behalf)."""
    if len(text) > MAX_SCAN_CHARS:
        complain(number, f"{len(text):,} characters; only the first {MAX_SCAN_CHARS:,} are matched")
        text = text[:MAX_SCAN_CHARS]
    return Message(id, text)


def _txt(file: IO[str], complain: Complaint) -> Iterator[Message]:
    for number, line in enumerate(file, 1):
        if not line.strip():
            continue
        if _SURROGATE.search(line):
            _skip(complain, number, NOT_UTF8)
            continue
        yield _message(number, number, line.rstrip("\n"), complain)


def _csv(file: IO[str], complain: Complaint) -> Iterator[Message]:
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    reader = csv.DictReader(file)
    try:
        fieldnames = reader.fieldnames
    except csv.Error as exc:
        raise ScanInputError(f"the CSV header cannot be read ({exc})") from None
    if not fieldnames or "text" not in fieldnames:
        raise ScanInputError("the CSV input needs a 'text' column")
    number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            _skip(complain, reader.line_num, f"not CSV ({exc})")
            continue
        number += 1
        text, id = row.get("text"), row.get("id")
        if not text or not text.strip():
            _skip(complain, reader.line_num, "no text")
        elif _SURROGATE.search(text) or (id and _SURROGATE.search(id)):
            _skip(complain, reader.line_num, NOT_UTF8)
        else:
            yield _message(reader.line_num, id or number, text, complain)


def _jsonl(file: IO[str], complain: Complaint) -> Iterator[Message]:
    for number, line in enumerate(file, 1):
        if not line.strip():
            continue
        item, why = _json_object(line)
        if item is not None:
            text, id = item.get("text"), item.get("id")
            if not isinstance(text, str) or not text.strip():
                why = "no 'text' string"
            elif not (id is None or isinstance(id, str | int | float) and not isinstance(id, bool)):
                why = "'id' is not a string or a number"
            elif not (why := _lone_surrogate(item, ("id", "text"))):
                yield _message(number, number if id is None else id, text, complain)
                continue
        assert why is not None  # every way here but the yield gave a reason
        _skip(complain, number, why)


def _json_object(line: str) -> tuple[dict | None, str | None]:
    """The line's JSON object, or None and why not."""
    if _SURROGATE.search(line):
        return None, NOT_UTF8
    try:
        item = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, f"not JSON ({exc.msg})"
    except ValueError:  # Python reads no integer of more than 4,300 digits
        return None, "not JSON (a number too long to read)"
    except RecursionError:
        return None, "not JSON (nested too deep)"
    if not isinstance(item, dict):
        return None, "not a JSON object"
    return item, None


def _lone_surrogate(item: dict, keys: Iterable[str]) -> str | None:
    """Why the line cannot be written out again: a ``\\ud800`` escape left a surrogate, which is no character."""
    for key in keys:
        if isinstance(item.get(key), str) and _SURROGATE.search(item[key]):
            return f"'{key}' holds a lone surrogate (no Unicode character)"
    return None


def read_templates(path: Path) -> list[TemplateRecord]:
    """Templates from a JSONL file: ``id`` (string or integer) and ``text`` required; ``lang``, ``label``,
    ``family`` optional strings, ``labels`` an optional object of the family's labels by language. Each text
    is checked as ``/template add`` checks it; BadTemplates lists every bad line, so that a file is taken whole
    or not at all."""
    records: list[TemplateRecord] = []
    problems: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    with _open(path) as file:
        for number, line in enumerate(file, 1):
            if not line.strip():
                continue
            item, why = _json_object(line)
            if item is not None:
                why = _template_problem(item, seen)
            if why:
                problems.append((number, why))
                continue
            assert item is not None  # _json_object gives a reason whenever it gives no object
            seen[str(item["id"])] = number
            records.append(
                TemplateRecord(
                    item["text"],
                    str(item["id"]),
                    item.get("lang"),
                    item.get("label"),
                    item.get("family"),
                    None if item.get("labels") is None else {c: checked_label(v) for c, v in item["labels"].items()},
                )
            )
    if problems:
        raise BadTemplates(path, problems)
    return records


_OPTIONAL = ("lang", "label", "family")


def _template_problem(item: dict, seen: dict[str, int]) -> str | None:
    """Why this JSON object is no template, or None."""
    id, text = item.get("id"), item.get("text")
    if isinstance(id, bool) or not isinstance(id, str | int) or not str(id).strip():
        return "'id' must be a string or an integer"
    if not isinstance(text, str):
        return "'text' must be a string"
    if wrong := [key for key in _OPTIONAL if item.get(key) is not None and not isinstance(item[key], str)]:
        return f"'{wrong[0]}' must be a string"
    if why := _lone_surrogate(item, ("id", "text", *_OPTIONAL)):
        return why
    if isinstance(item.get("family"), str) and item["family"].startswith("#"):
        return "'family' must not begin with '#' (the bank's name for a template without a family)"
    if item.get("labels") is not None and (why := _labels_problem(item["labels"])):
        return why
    if str(id) in seen:
        return f"id {id!r} is already on line {seen[str(id)]}"
    try:
        check(text)
    except KuzetError as exc:
        return f"'text': {exc}" if str(exc) else "'text' is too short to be a template"
    return None


_LANGUAGE_CODE = re.compile(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?")
"""A language code ("ru", "zh-Hant", "und"); the bot's own are kept under its codes (label_language)."""


def _labels_problem(labels: object) -> str | None:
    if not isinstance(labels, dict):
        return "'labels' must be an object of labels by language"
    for code, label in labels.items():
        if not _LANGUAGE_CODE.fullmatch(code):
            return f"'labels': {code!r} is no language code such as {', '.join(LABEL_LANGUAGES)}"
        if not isinstance(label, str):
            return f"'labels': the {code!r} label must be a string"
        if why := _lone_surrogate(labels, (code,)):
            return f"'labels': {why}"
        try:
            checked_label(label)
        except KuzetError as exc:
            return f"'labels': the {code!r} label: {exc}"
    return None


def scan(
    messages: Iterable[Message], matcher: CampaignMatcher, encoded: Callable[[int], None] = lambda count: None
) -> Iterator[tuple[Message, list[Match]]]:
    """Each message with its template matches, best first (a negative-bank match means none).

    ``encoded`` is told how many messages each batch sent to the encoder (for a progress bar)."""
    vectors: OrderedDict[str, np.ndarray] = OrderedDict()
    pending = iter(messages)
    while batch := list(islice(pending, BATCH)):
        unseen = list(dict.fromkeys(m.text for m in batch if m.text not in vectors and matcher.needs_vector(m.text)))
        if unseen:
            encoded_vectors = matcher.encode(unseen)
            assert encoded_vectors is not None  # a text needs a vector only when there is a semantic stage
            for text, vector in zip(unseen, encoded_vectors, strict=False):
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
        line = {
            "id": message.id,
            "matches": [
                {"kind": m.kind.value, "id": m.id, "score": m.score, "how": m.how, "resemblance": m.resemblance.value}
                for m in matches
            ],
        }
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
        rows: Sequence[Match | None] = matches or [None]
        for match in rows:
            writer.writerow(
                [
                    message.id,
                    *((match.id, match.score, match.how, match.resemblance.value) if match else ("", "", "", "")),
                ]
            )
        count += 1
    return count
