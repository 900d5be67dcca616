"""`kuzet scan` and `kuzet templates`: every input format, input order kept, bad lines reported and skipped (a
templates file is taken whole or not at all)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.databases import url_of

pytestmark = pytest.mark.usefixtures("database_url")  # `kuzet` runs on the suite's engine

CHOICE = "{I|We} made a choice for the new Kazakhstan … our family gives {*} votes for Tokayev"
HIT = "Wow. We made a choice for the new Kazakhstan, our family gives five votes for Tokayev!"
MISS = "Lovely weather in Almaty today, the mountains are beautiful"


def kuzet(args: list[str], tmp_path: Path, stdin: str | Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``kuzet``; ``stdin`` is text, or a file whose bytes are the standard input."""
    env = {**os.environ, "DATABASE_URL": url_of(tmp_path), "DATA_DIR": str(tmp_path)}
    env.pop("REPORTER_KEY", None)
    command = [sys.executable, "-m", "bot", *args]
    if isinstance(stdin, Path):
        with stdin.open("rb") as file:
            return subprocess.run(
                command, stdin=file, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
            )
    return subprocess.run(
        command, input=stdin, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    path = tmp_path / "templates.jsonl"
    path.write_text(
        json.dumps({"id": "kz-choice", "text": CHOICE, "lang": "en", "label": "choice"})
        + "\n"
        + json.dumps({"id": "cares", "text": "The President always cares and thinks about the people"})
        + "\n",
        encoding="utf-8",
    )
    return path


def _lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines()]


def test_scan_of_a_text_file_gives_one_line_per_message_in_order(tmp_path: Path, templates: Path) -> None:
    (tmp_path / "in.txt").write_text(f"{HIT}\n{MISS}\n\nThe President always cares and thinks about the people!\n")
    result = kuzet(["scan", "in.txt", "--templates", str(templates)], tmp_path)
    assert result.returncode == 0, result.stderr
    lines = _lines(result.stdout)
    assert [line["id"] for line in lines] == [1, 2, 4]
    assert [[m["id"] for m in line["matches"]] for line in lines] == [["kz-choice"], [], ["cares"]]
    assert lines[0]["matches"][0]["kind"] == "template" and 0.9 <= lines[0]["matches"][0]["score"] <= 1


def test_scan_of_csv_uses_its_ids_and_writes_csv(tmp_path: Path, templates: Path) -> None:
    with (tmp_path / "in.csv").open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerows([["id", "text"], ["a1", HIT], ["a2", MISS]])
    result = kuzet(["scan", "in.csv", "--templates", str(templates), "--format", "csv"], tmp_path)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["id", "template_id", "score", "how", "resemblance"]
    assert [r[:2] for r in rows[1:]] == [["a1", "kz-choice"], ["a2", ""]]


REWORDED = "Our head of state never forgets ordinary people and always thinks of them"
TRANSLATED = "Президент всегда заботится о народе и думает о людях"
CRITIC = "Лично я считаю, что президент мало думает о людях"


def test_scan_finds_reworded_and_translated_lines_and_says_how_each_matched(tmp_path: Path, templates: Path) -> None:
    (tmp_path / "in.txt").write_text("\n".join([HIT, REWORDED, TRANSLATED, CRITIC, MISS]) + "\n", encoding="utf-8")
    result = kuzet(["scan", "in.txt", "--templates", str(templates)], tmp_path)
    assert result.returncode == 0, result.stderr
    found = [[(m["id"], m["how"], m["resemblance"]) for m in line["matches"]] for line in _lines(result.stdout)]
    assert found == [
        [("kz-choice", "lexical", "edited")],
        [("cares", "semantic", "reworded")],
        [("cares", "semantic", "translated")],
        [],
        [],
    ]


def test_scan_with_no_semantic_matches_only_the_same_text_with_small_edits(tmp_path: Path, templates: Path) -> None:
    (tmp_path / "in.txt").write_text("\n".join([HIT, REWORDED, TRANSLATED]) + "\n", encoding="utf-8")
    result = kuzet(["scan", "in.txt", "--templates", str(templates), "--no-semantic"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert [[m["id"] for m in line["matches"]] for line in _lines(result.stdout)] == [["kz-choice"], [], []]


def test_scan_of_jsonl_on_stdin_reports_bad_lines_and_goes_on(tmp_path: Path, templates: Path) -> None:
    stdin = "\n".join(
        [json.dumps({"id": "x", "text": HIT}), "{broken", json.dumps({"id": "y"}), json.dumps({"text": MISS})]
    )
    result = kuzet(["scan", "-", "--templates", str(templates)], tmp_path, stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert [line["id"] for line in _lines(result.stdout)] == ["x", 4]
    assert "line 2: not JSON" in result.stderr and "line 3: no 'text' string" in result.stderr


def test_a_stricter_threshold_drops_weaker_matches(tmp_path: Path, templates: Path) -> None:
    (tmp_path / "in.txt").write_text("Our President always cares about his people and thinks about them\n")
    loose = _lines(kuzet(["scan", "in.txt", "--templates", str(templates), "--threshold", "0.6"], tmp_path).stdout)
    strict = _lines(
        kuzet(["scan", "in.txt", "--templates", str(templates), "--threshold", "1.0", "--no-semantic"], tmp_path).stdout
    )
    assert loose[0]["matches"] and not strict[0]["matches"]


def test_scan_without_a_templates_file_uses_the_starter_pack(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text(json.dumps({"id": 1, "text": MISS}) + "\n", encoding="utf-8")
    result = kuzet(["scan", "in.jsonl"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert _lines(result.stdout) == [{"id": 1, "matches": []}]
    exported = _lines(kuzet(["templates", "export"], tmp_path).stdout)
    assert len({t["lang"] for t in exported}) == 5
    [cares] = [t for t in exported if t["family"] == "nurbot-cares" and t["lang"] == "kk"]
    assert cares["label"].startswith("Нұрботтар 2017") and sorted(cares["labels"]) == ["ar", "en", "kk", "ru", "zh"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scan", "missing.txt"], "missing.txt"),
        (["scan", "input.pdf"], "unknown input format"),
        (["scan", "in.txt", "--threshold", "3"], "--threshold"),
    ],
)
def test_scan_with_bad_arguments_says_so_in_one_line(
    tmp_path: Path, templates: Path, args: list[str], message: str
) -> None:
    (tmp_path / "in.txt").write_text(HIT + "\n")
    result = kuzet([*args, "--templates", str(templates)], tmp_path)
    assert result.returncode != 0
    assert message in result.stderr and "Traceback" not in result.stderr


def test_templates_import_adds_to_the_bank_and_export_lists_them(tmp_path: Path, templates: Path) -> None:
    before = len(_lines(kuzet(["templates", "export"], tmp_path).stdout))
    result = kuzet(["templates", "import", str(templates)], tmp_path)
    assert result.returncode == 0, result.stderr
    exported = _lines(kuzet(["templates", "export"], tmp_path).stdout)
    assert len(exported) == before + 2
    assert exported[-2]["text"] == CHOICE
    assert exported[-2]["label"] == "choice" and exported[-2]["labels"] == {"en": "choice"}  # a bare label: its lang


LATIN_1 = "Café de la région, très bon".encode("latin-1")
FILLER = "zzz " * 6_000


def _ids_and_matches(output: str) -> list[tuple]:
    return [(line["id"], [m["id"] for m in line["matches"]]) for line in _lines(output)]


def test_scan_of_a_text_file_skips_a_line_that_is_not_utf8_and_cuts_long_lines(tmp_path: Path, templates: Path) -> None:
    lines = [HIT.encode(), LATIN_1, MISS.encode(), (HIT + " " + FILLER).encode(), (FILLER + HIT).encode()]
    (tmp_path / "in.txt").write_bytes(b"\n".join(lines) + b"\n")
    result = kuzet(["scan", "in.txt", "--templates", str(templates)], tmp_path)
    assert result.returncode == 0, result.stderr
    assert _ids_and_matches(result.stdout) == [(1, ["kz-choice"]), (3, []), (4, ["kz-choice"]), (5, [])]
    assert "line 2: not UTF-8 text; skipped" in result.stderr
    assert f"line 4: {len(HIT) + 1 + len(FILLER):,} characters; only the first 20,000 are matched" in result.stderr
    assert "line 5: " in result.stderr and "Traceback" not in result.stderr


def test_scan_of_csv_reads_a_field_over_csvs_own_limit_and_skips_a_line_not_utf8(
    tmp_path: Path, templates: Path
) -> None:
    rows = [
        b"id,text",
        b'a1,"' + HIT.encode() + b'"',
        b"a2," + b"x" * 200_000,
        b"a3," + LATIN_1,
        b"a4," + MISS.encode(),
    ]
    (tmp_path / "in.csv").write_bytes(b"\r\n".join(rows) + b"\r\n")
    result = kuzet(["scan", "in.csv", "--templates", str(templates), "--no-semantic"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert _ids_and_matches(result.stdout) == [("a1", ["kz-choice"]), ("a2", []), ("a4", [])]
    assert "line 3: 200,000 characters; only the first 20,000 are matched" in result.stderr
    assert "line 4: not UTF-8 text; skipped" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("source", ["in.jsonl", "-"])
def test_scan_of_jsonl_skips_each_hostile_line_and_scans_the_rest(tmp_path: Path, templates: Path, source: str) -> None:
    lines = [
        json.dumps({"id": "x", "text": HIT}).encode(),
        b"[" * 100_000 + b"]" * 100_000,
        b'{"id": "a\\ud800", "text": "Lovely weather"}',
        json.dumps({"id": [1], "text": MISS}).encode(),
        b'{"id": ' + b"9" * 5_000 + b', "text": "Lovely weather"}',
        b'{"id": "z", "text": "' + LATIN_1 + b'"}',
        json.dumps({"id": "y", "text": MISS}).encode(),
    ]
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    result = kuzet(
        ["scan", source, "--templates", str(templates), "--no-semantic"],
        tmp_path,
        stdin=path if source == "-" else None,
    )
    assert result.returncode == 0, result.stderr
    assert _ids_and_matches(result.stdout) == [("x", ["kz-choice"]), ("y", [])]
    problems = [line.removeprefix("kuzet scan: ") for line in result.stderr.splitlines() if "skipped" in line]
    assert problems == [
        "line 2: not JSON (nested too deep); skipped",
        "line 3: 'id' holds a lone surrogate (no Unicode character); skipped",
        "line 4: 'id' is not a string or a number; skipped",
        "line 5: not JSON (a number too long to read); skipped",
        "line 6: not UTF-8 text; skipped",
    ]


def test_importing_a_file_with_any_bad_template_adds_nothing_and_says_why_for_each(tmp_path: Path) -> None:
    good = "The President always cares and thinks about the people"
    lines = [
        json.dumps({"id": 1, "text": good}),
        json.dumps({"id": 2, "text": "{I|We made a choice for the new Kazakhstan"}),
        json.dumps({"id": [1], "text": good}),
        json.dumps({"id": 4, "text": 5}),
        json.dumps({"id": 5, "text": good, "lang": {}}),
        json.dumps({"id": 6, "text": "the {*} of {*} and {*} to {*} in {*} is {*} that"}),
        "{broken",
        json.dumps({"id": 1, "text": CHOICE}),
        "[" * 100_000,
        json.dumps({"id": 10, "text": "Tokayev"}),
        json.dumps({"id": 11, "text": good, "labels": "Nurbots"}),
        json.dumps({"id": 12, "text": good, "labels": {"Russian": "Нурботы"}}),
        json.dumps({"id": 13, "text": good, "labels": {"zh-Hant": "努爾" * 61}}),
        json.dumps({"id": 14, "text": good, "family": "#1"}),
    ]
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = len(_lines(kuzet(["templates", "export"], tmp_path).stdout))
    result = kuzet(["templates", "import", str(bad)], tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"kuzet templates import: {bad} line {number}: {why}"
        for number, why in [
            (2, "'text': a '{' is never closed"),
            (3, "'id' must be a string or an integer"),
            (4, "'text' must be a string"),
            (5, "'lang' must be a string"),
            (
                6,
                (
                    "'text': it says too little besides its gaps and function words such as 'the', 'of', 'and' "
                    "(0 other words), so it would match unrelated messages"
                ),
            ),
            (7, "not JSON (Expecting property name enclosed in double quotes)"),
            (8, "id 1 is already on line 1"),
            (9, "not JSON (nested too deep)"),
            (10, "'text' is too short to be a template"),
            (11, "'labels' must be an object of labels by language"),
            (12, "'labels': 'Russian' is no language code such as en, ru, kk, ar, zh"),
            (13, "'labels': the 'zh-Hant' label: a label has 1 to 120 characters"),
            (14, "'family' must not begin with '#' (the bank's name for a template without a family)"),
        ]
    ] + [f"kuzet templates import: 13 bad lines in {bad}; nothing added"]
    assert len(_lines(kuzet(["templates", "export"], tmp_path).stdout)) == before


def test_scan_with_a_bad_templates_file_scans_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": "kz-choice", "text": CHOICE}) + "\n" + json.dumps({"id": 2, "text": 5}) + "\n")
    (tmp_path / "in.txt").write_text(HIT + "\n")
    result = kuzet(["scan", "in.txt", "--templates", str(bad), "--no-semantic"], tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"kuzet scan: {bad} line 2: 'text' must be a string",
        f"kuzet scan: 1 bad line in {bad}; nothing scanned",
    ]
