"""Intent classification: logistic regression over words, word pairs and character trigrams.

Pure Python so that Relais installs anywhere and the model is a small JSON file that the
helpline can rebuild from nlu/data/intents.yml with `python -m nlu train` (same data, same
bytes: a fixed shuffle seed and rounded weights). Training takes a few seconds.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path

from nlu.entities import extract_entities
from nlu.linear import scores, softmax
from nlu.normalize import normalize
from nlu.resources import DATA_DIR, MODEL_PATH, read_yaml

INTENTS: tuple[str, ...] = (
    "greeting",
    "thanks",
    "goodbye",
    "ask_listener",
    "ask_hours",
    "ask_anonymity",
    "ask_is_bot",
    "describe_harassment",
    "ask_how_to_report",
    "ask_how_to_block",
    "ask_evidence",
    "parent_concern",
    "witness_concern",
    "delete_my_data",
    "affirm",
    "deny",
    "other",
)
FALLBACK = "other"
MIN_CONFIDENCE = 0.35  # below this the bot should not act on a guess
EPOCHS = 30
LEARNING_RATE = 0.2
L2 = 1e-4
SEED = 0
HELD_OUT_EVERY = 5  # every 5th example of each intent is kept for evaluation


def features(text: str, entities: dict[str, list[str]] | None = None) -> set[str]:
    """Words, word pairs, character trigrams and entity ids of a normalised text.

    Entities carry what the examples cannot all spell out: "my kid" and "ma fille" are both
    the role "parent" even when only one of them is in the training data.
    """
    words = text.split()
    feats = {f"w:{w}" for w in words}
    feats.update(f"b:{a}_{b}" for a, b in pairwise(words))
    if words:
        # how a message opens and ends says much about short ones ("help", "bonne nuit merci")
        feats.add(f"f:{words[0]}")
        feats.add(f"l:{words[-1]}")
        if len(words) <= 2:
            feats.add("short")
    padded = f" {text} "
    feats.update(padded[i : i + 3] for i in range(len(padded) - 2))
    feats.add("bias")
    for kind, ids in (entities or extract_entities(text)).items():
        feats.update(f"e:{kind}:{i}" for i in ids)
    return feats


def load_examples(path: Path = DATA_DIR / "intents.yml") -> list[tuple[str, str]]:
    """(intent, example) pairs from a Rasa 3.x NLU file, in file order."""
    data = read_yaml(path)
    pairs = []
    for block in data.get("nlu") or []:
        intent = str(block["intent"])
        if intent not in INTENTS:
            raise ValueError(f"{path.name}: unknown intent {intent!r}; known: {', '.join(INTENTS)}")
        for line in str(block.get("examples", "")).splitlines():
            example = line.strip().removeprefix("- ").strip()
            if example:
                pairs.append((intent, example))
    return pairs


def split(pairs: Sequence[tuple[str, str]]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Deterministic train / held-out split: every HELD_OUT_EVERY-th example of each intent."""
    seen: Counter[str] = Counter()
    train: list[tuple[str, str]] = []
    held: list[tuple[str, str]] = []
    for intent, text in pairs:
        seen[intent] += 1
        (held if seen[intent] % HELD_OUT_EVERY == 0 else train).append((intent, text))
    return train, held


def train(pairs: Iterable[tuple[str, str]]) -> dict:
    """Fit softmax regression by stochastic gradient descent; JSON-ready, same data same result."""
    data = [
        (INTENTS.index(intent), sorted(features(normalize(text).text))) for intent, text in pairs
    ]
    n = len(INTENTS)
    weights: dict[str, list[float]] = {}
    rng = random.Random(SEED)
    for epoch in range(EPOCHS):
        rng.shuffle(data)
        rate = LEARNING_RATE / (1 + 0.3 * epoch)
        for label, feats in data:
            rows = [weights.setdefault(f, [0.0] * n) for f in feats]
            probs = softmax(scores(rows, n))
            probs[label] -= 1.0
            for row in rows:
                for c in range(n):
                    row[c] -= rate * (probs[c] + L2 * row[c])
    table = {
        f: [round(w, 4) for w in row]
        for f, row in sorted(weights.items())
        if max(abs(w) for w in row) >= 1e-3
    }
    return {"format": "relais-logreg-1", "labels": list(INTENTS), "features": table}


@dataclass(frozen=True, slots=True)
class IntentModel:
    """A trained model: class labels and one weight per (feature, label)."""

    labels: tuple[str, ...]
    table: dict[str, list[float]]

    @classmethod
    def from_dict(cls, data: dict) -> IntentModel:
        return cls(tuple(data["labels"]), data["features"])

    def predict(self, text: str, entities: dict[str, list[str]] | None = None) -> tuple[str, float]:
        """Best intent and its probability for a normalised text; "other" when unsure."""
        table = self.table
        rows = [row for row in map(table.get, features(text, entities)) if row is not None]
        probs = softmax(scores(rows, len(self.labels)))
        best = max(range(len(probs)), key=probs.__getitem__)
        label = self.labels[best] if probs[best] >= MIN_CONFIDENCE else FALLBACK
        return label, round(probs[best], 4)


@cache
def load_model(path: Path = MODEL_PATH) -> IntentModel | None:
    """The committed model, read once; None if it was never trained (intent "other")."""
    if not path.exists():
        return None
    return IntentModel.from_dict(json.loads(path.read_text(encoding="utf-8")))
