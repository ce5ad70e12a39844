"""The commands, run as the helpline staff run them: python -m nlu ..."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nlu", *args],
        input=stdin,
        text=True,
        capture_output=True,
        cwd=REPO,
        timeout=120,
        check=False,
    )


def test_classify_one_line_per_input_and_errors_do_not_stop_the_run() -> None:
    lines = [
        json.dumps({"text": "jveux plu vivre"}),
        "this is not json",
        json.dumps({"message": "no text field"}),
        json.dumps({"text": 42}),
        json.dumps(["a list"]),
        json.dumps({"text": "slt"}),
    ]
    result = run("classify", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == 6
    assert out[0]["urgent"] is True and out[0]["signals"] == ["suicidal_ideation"]
    assert {"urgent", "signals", "evidence", "intent", "entities", "language"} <= set(out[0])
    assert all("error" in row for row in out[1:5])
    assert out[5]["urgent"] is False and out[5]["intent"] == "greeting"


def test_classify_empty_input() -> None:
    result = run("classify", stdin="")
    assert result.returncode == 0
    assert result.stdout == ""


def test_classify_unicode_and_echo() -> None:
    result = run("classify", "--echo", stdin=json.dumps({"text": "on me dit kys 😭"}) + "\n")
    row = json.loads(result.stdout)
    assert row["text"] == "on me dit kys 😭"
    assert row["signals"] == ["suicide_incitement"]


@pytest.mark.parametrize("command", ["classify", "evaluate", "bench", "train"])
def test_every_command_has_help(command: str) -> None:
    result = run(command, "--help")
    assert result.returncode == 0
    assert "usage: python -m nlu" in result.stdout


def test_evaluate_a_file(tmp_path: Path) -> None:
    rows = [
        {"text": "je veux mourir", "urgent": True, "signal": "suicidal_ideation", "lang": "fr"},
        {"text": "bonjour", "urgent": False, "signal": "none", "lang": "fr"},
    ]
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = run("evaluate", str(path), "--check")
    assert result.returncode == 0, result.stdout
    assert "urgent recall        1.000" in result.stdout
    assert "intent accuracy" in result.stdout


def test_train_writes_a_model(tmp_path: Path) -> None:
    output = tmp_path / "model.json"
    result = run("train", "intents", "--output", str(output))
    assert result.returncode == 0, result.stderr
    assert output.read_bytes() == (REPO / "nlu/model/intents.json").read_bytes()


def test_train_writes_the_safety_model(tmp_path: Path) -> None:
    output = tmp_path / "safety.json"
    result = run("train", "safety", "--safety-output", str(output))
    assert result.returncode == 0, result.stderr
    assert output.read_bytes() == (REPO / "nlu/model/safety.json").read_bytes()
