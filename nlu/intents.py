"""Intent classification: multinomial naive Bayes over words, word pairs and character trigrams.

Pure Python so that Relais installs anywhere and the model is a small JSON file that the
helpline can rebuild from nlu/data/intents.yml with `python -m nlu train` (same data, same
bytes). Naive Bayes is enough for short messages and trains in well under a second.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

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
ALPHA = 0.3  # additive smoothing
HELD_OUT_EVERY = 5  # every 5th example of each intent is kept for evaluation


def features(text: str) -> set[str]:
    """Words, word pairs and character trigrams of a normalised text."""
    words = text.split()
    feats = {f"w:{w}" for w in words}
    feats.update(f"b:{a}_{b}" for a, b in zip(words, words[1:], strict=False))
    padded = f" {text} "
    feats.update(padded[i : i + 3] for i in range(len(padded) - 2))
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
    train, held = [], []
    for intent, text in pairs:
        seen[intent] += 1
        (held if seen[intent] % HELD_OUT_EVERY == 0 else train).append((intent, text))
    return train, held


def train(pairs: Iterable[tuple[str, str]]) -> dict:
    """Fit the model; the result is JSON-ready and identical for identical data."""
    doc_counts: Counter[str] = Counter()
    feat_counts: dict[str, Counter[str]] = {}
    for intent, text in pairs:
        doc_counts[intent] += 1
        for feat in features(normalize(text).text):
            feat_counts.setdefault(feat, Counter())[intent] += 1
    labels = [i for i in INTENTS if doc_counts[i]]
    totals = {i: sum(c[i] for c in feat_counts.values()) for i in labels}
    vocab = len(feat_counts)
    n_docs = sum(doc_counts.values())
    denominators = {i: math.log(totals[i] + ALPHA * vocab) for i in labels}
    table = {
        feat: [round(math.log(counts[i] + ALPHA) - denominators[i], 4) for i in labels]
        for feat, counts in sorted(feat_counts.items())
    }
    return {
        "format": "relais-nb-1",
        "labels": labels,
        "priors": [round(math.log(doc_counts[i] / n_docs), 4) for i in labels],
        "features": table,
    }


@dataclass(frozen=True, slots=True)
class IntentModel:
    """A trained model: class labels, log priors and per-feature log likelihoods."""

    labels: tuple[str, ...]
    priors: tuple[float, ...]
    table: dict[str, list[float]]

    @classmethod
    def from_dict(cls, data: dict) -> IntentModel:
        return cls(tuple(data["labels"]), tuple(data["priors"]), data["features"])

    def predict(self, text: str) -> tuple[str, float]:
        """Best intent and its probability for a normalised text; "other" when unsure."""
        scores = list(self.priors)
        table = self.table
        for feat in features(text):
            row = table.get(feat)
            if row is not None:
                scores = [s + w for s, w in zip(scores, row, strict=True)]
        top = max(scores)
        weights = [math.exp(s - top) for s in scores]
        best = max(range(len(scores)), key=scores.__getitem__)
        confidence = weights[best] / sum(weights)
        label = self.labels[best] if confidence >= MIN_CONFIDENCE else FALLBACK
        return label, round(confidence, 4)


def write_model(model: dict, path: Path = MODEL_PATH) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n",
                    encoding="utf-8")


@cache
def load_model(path: Path = MODEL_PATH) -> IntentModel | None:
    """The committed model, read once; None if it was never trained (intent "other")."""
    if not path.exists():
        return None
    return IntentModel.from_dict(json.loads(path.read_text(encoding="utf-8")))
