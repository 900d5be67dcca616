"""`kuzet scan` and `kuzet templates`: every input format, input order kept, bad lines reported and skipped."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CHOICE = "{I|We} made a choice for the new Kazakhstan … our family gives {*} votes for Tokayev"
HIT = "Wow. We made a choice for the new Kazakhstan, our family gives five votes for Tokayev!"
MISS = "Lovely weather in Almaty today, the mountains are beautiful"


def kuzet(args: list[str], tmp_path: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'kuzet.db'}"}
    env.pop("REPORTER_KEY", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], input=stdin, env=env, cwd=tmp_path, capture_output=True, text=True,
        timeout=120,
    )


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    path = tmp_path / "templates.jsonl"
    path.write_text(
        json.dumps({"id": "kz-choice", "text": CHOICE, "lang": "en", "label": "choice"}) + "\n"
        + json.dumps({"id": "cares", "text": "The President always cares and thinks about the people"}) + "\n",
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
    stdin = "\n".join([json.dumps({"id": "x", "text": HIT}), "{broken", json.dumps({"id": "y"}), json.dumps({"text": MISS})])
    result = kuzet(["scan", "-", "--templates", str(templates)], tmp_path, stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert [line["id"] for line in _lines(result.stdout)] == ["x", 4]
    assert "line 2: not JSON" in result.stderr and "line 3: no 'text' string" in result.stderr


def test_a_stricter_threshold_drops_weaker_matches(tmp_path: Path, templates: Path) -> None:
    (tmp_path / "in.txt").write_text("Our President always cares about his people and thinks about them\n")
    loose = _lines(kuzet(["scan", "in.txt", "--templates", str(templates), "--threshold", "0.6"], tmp_path).stdout)
    strict = _lines(kuzet(["scan", "in.txt", "--templates", str(templates), "--threshold", "1.0", "--no-semantic"],
                          tmp_path).stdout)
    assert loose[0]["matches"] and not strict[0]["matches"]


def test_scan_without_a_templates_file_uses_the_starter_pack(tmp_path: Path) -> None:
    (tmp_path / "in.jsonl").write_text(json.dumps({"id": 1, "text": MISS}) + "\n", encoding="utf-8")
    result = kuzet(["scan", "in.jsonl"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert _lines(result.stdout) == [{"id": 1, "matches": []}]
    exported = _lines(kuzet(["templates", "export"], tmp_path).stdout)
    assert len({t["lang"] for t in exported}) == 5


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["scan", "missing.txt"], "missing.txt"),
        (["scan", "input.pdf"], "unknown input format"),
        (["scan", "in.txt", "--threshold", "3"], "--threshold"),
    ],
)
def test_scan_with_bad_arguments_says_so_in_one_line(tmp_path: Path, templates: Path, args: list[str], message: str) -> None:
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


def test_importing_a_broken_template_adds_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"id": 1, "text": "ok text here"}) + "\n" + json.dumps({"id": 2, "text": "{I|We made"}) + "\n")
    before = len(_lines(kuzet(["templates", "export"], tmp_path).stdout))
    result = kuzet(["templates", "import", str(bad)], tmp_path)
    assert result.returncode == 1 and "never closed" in result.stderr
    assert len(_lines(kuzet(["templates", "export"], tmp_path).stdout)) == before
