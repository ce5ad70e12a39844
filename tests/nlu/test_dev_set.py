"""The targets of the project on the shared development set (measurement only, never training)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlu.evaluation import (
    TARGET_FALSE_ALARMS,
    TARGET_MAIN_SIGNAL,
    TARGET_RECALL,
    evaluate_safety,
    read_rows,
)
from nlu.resources import DATA_DIR, DEV_SET


@pytest.mark.parametrize(
    "path",
    [
        DEV_SET,
        DATA_DIR / "safety.jsonl",
        DATA_DIR / "safety-holdout.jsonl",
        DATA_DIR / "safety-holdout2.jsonl",
        DATA_DIR / "safety-holdout3.jsonl",
        DATA_DIR / "safety-holdout4.jsonl",
        DATA_DIR / "safety-holdout5.jsonl",
        DATA_DIR / "safety-holdout6.jsonl",
        DATA_DIR / "safety-holdout7.jsonl",
        DATA_DIR / "safety-train2.jsonl",
        DATA_DIR / "safety-train3.jsonl",
    ],
    ids=[
        "dev",
        "own",
        "holdout",
        "holdout2",
        "holdout3",
        "holdout4",
        "holdout5",
        "holdout6",
        "holdout7",
        "train2",
        "train3",
    ],
)
def test_safety_targets(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"{path} is absent (set RELAIS_SAFETY_EVAL to the labelled file)")
    report = evaluate_safety(read_rows(path), str(path))
    assert report.recall >= TARGET_RECALL, report.misses
    assert report.false_alarm_rate <= TARGET_FALSE_ALARMS, report.false_alarm_rows
    assert report.main_signal_accuracy >= TARGET_MAIN_SIGNAL, report.wrong_main


def test_own_set_is_large_and_balanced() -> None:
    rows = read_rows(DATA_DIR / "safety.jsonl")
    assert len(rows) >= 300
    assert {row["lang"] for row in rows} == {"fr", "en"}
    assert sum(row["urgent"] for row in rows) >= 100
    assert sum(not row["urgent"] for row in rows) >= 100


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("safety-holdout.jsonl", 300),
        ("safety-holdout2.jsonl", 100),
        ("safety-holdout3.jsonl", 150),
        ("safety-holdout4.jsonl", 200),
        ("safety-holdout5.jsonl", 150),
        ("safety-holdout6.jsonl", 150),
        ("safety-holdout7.jsonl", 120),
    ],
)
def test_holdout_batches_are_fresh_and_varied(name: str, size: int) -> None:
    rows = read_rows(DATA_DIR / name)
    assert len(rows) >= size
    assert {row["lang"] for row in rows} == {"fr", "en"}
    signals = {row["signal"] for row in rows if row["urgent"]}
    assert signals == {
        "suicidal_ideation",
        "suicide_incitement",
        "self_harm",
        "sextortion",
        "violence_threat",
        "grooming",
    }
    assert all(row["urgent"] == (row["signal"] != "none") for row in rows)
    own = {row["text"].lower() for row in read_rows(DATA_DIR / "safety.jsonl")}
    assert not own & {row["text"].lower() for row in rows}, "a holdout must hold new messages"


def test_training_batch_is_large_varied_and_not_a_copy_of_the_fresh_batches() -> None:
    rows = read_rows(DATA_DIR / "safety-train2.jsonl")
    assert len(rows) >= 600
    assert {row["lang"] for row in rows} == {"fr", "en"}
    assert sum(not row["urgent"] for row in rows) >= 300  # hard negatives
    signals = {row["signal"] for row in rows if row["urgent"]}
    assert len(signals) == 6
    texts = {row["text"].lower() for row in rows}
    for name in ("safety-holdout4.jsonl", "safety-holdout5.jsonl"):
        assert not texts & {row["text"].lower() for row in read_rows(DATA_DIR / name)}
    if DEV_SET.exists():
        assert not texts & {row["text"].lower() for row in read_rows(DEV_SET)}
