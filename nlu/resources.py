"""Where the NLU data files live, and how they are read (once, by the modules that need them)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).parent / "data"
MODEL_PATH = Path(__file__).parent / "model" / "intents.json"
SAFETY_MODEL_PATH = Path(__file__).parent / "model" / "safety.json"

# The labelled safety sets (rows like shared/eval/safety-dev.jsonl; see docs/nlu.md).
DEV_SET = Path(
    os.environ.get("RELAIS_SAFETY_EVAL")
    or Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "safety-dev.jsonl"
)
OWN_SET = DATA_DIR / "safety.jsonl"
# fresh batches written after the rules, each measured before any tuning on it
HOLDOUT_SETS = tuple(
    DATA_DIR / f"safety-holdout{n}.jsonl" for n in ("", "2", "3", "4", "5", "6", "7")
)
# examples written for the model
TRAIN_SETS = tuple(DATA_DIR / f"safety-train{n}.jsonl" for n in ("", "2", "3"))


def load_yaml(name: str) -> dict[str, Any]:
    """Read one YAML file of nlu/data."""
    return read_yaml(DATA_DIR / name)


def read_yaml(path: Path) -> dict[str, Any]:
    """Read a YAML file; a file that is not a mapping is a data error."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{path} must hold a YAML mapping at the top level")
    return data


def write_model(model: dict[str, Any], path: Path) -> None:
    """Write a trained model as compact JSON, the same bytes for the same model."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8"
    )
