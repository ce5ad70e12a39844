"""Where the NLU data files live, and how they are read (once, by the modules that need them)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).parent / "data"
MODEL_PATH = Path(__file__).parent / "model" / "intents.json"
SAFETY_MODEL_PATH = Path(__file__).parent / "model" / "safety.json"


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
