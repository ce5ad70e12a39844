"""The learned half of the urgent-signal detector: softmax regression over words and characters.

The rules of safety.yml are exact but only know the phrases someone wrote down; on fresh batches
written before tuning they caught 51-68% of urgent messages. This model reads the same
normalised text (nlu/normalize.py) as words, word pairs, words after a negation and the
character 3-5-grams of each word, so it also scores spellings and wordings that no rule lists
("combien de medocs ca prend pour pas se reveiller").
Classes: "none" and the six signals; the alarm side uses P(not none) = 1 - P(none).

Pure Python, like the intent model: trained by `python -m nlu train` from every labelled safety
file of nlu/data (see TRAINING_FILES) plus the examples of nlu/data/intents.yml as "none"
(ordinary questions and small talk), written to nlu/model/safety.json. Deterministic: fixed
shuffle seed, sorted features, rounded weights; same data, same bytes.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from pathlib import Path

from nlu.linear import scores, softmax
from nlu.normalize import Normalized, normalize
from nlu.resources import DATA_DIR, SAFETY_MODEL_PATH, read_yaml

NONE = "none"
LABELS: tuple[str, ...] = (
    NONE,
    "suicidal_ideation",
    "suicide_incitement",
    "self_harm",
    "sextortion",
    "violence_threat",
    "grooming",
)
# Labelled JSON-lines files the model learns from (rows shaped like shared/eval/safety-dev.jsonl).
# A NEW fresh batch is measured first (`python -m nlu evaluate FILE`), and only then added here.
TRAINING_FILES: tuple[str, ...] = (
    "safety.jsonl",
    "safety-holdout.jsonl",
    "safety-holdout2.jsonl",
    "safety-holdout3.jsonl",
    "safety-holdout4.jsonl",
    "safety-holdout5.jsonl",
    "safety-train.jsonl",
    "safety-train2.jsonl",
    "safety-holdout6.jsonl",
    "safety-train3.jsonl",
    "safety-holdout7.jsonl",
)
# P(not none) above which the model alone raises the alarm. Chosen on the out-of-fold
# predictions of `python -m nlu evaluate --cv` (high recall, false alarms well under 0.05).
THRESHOLD = 0.725
EPOCHS = 6
LEARNING_RATE = 0.05
L2 = 1e-4
SEED = 0
# Each urgent example counts this many times as much as a "none" one in training: a missed
# alarm costs more than a false one (the threshold, chosen by cross-validation, keeps false
# alarms in check).
URGENT_WEIGHT = 1.5
MIN_DOCS = 1  # a feature must occur in at least this many training messages to be kept
DIGITS = 3  # weights are rounded to this many decimals in the model file
MIN_WEIGHT = 0.005  # features whose weights all stay below this are left out of the file
WORD_CACHE = 50_000  # words whose summed weights are kept in memory
NEGATIONS = frozenset(
    [
        "pas",
        "jamais",
        "aucun",
        "aucune",
        "ni",
        "not",
        "never",
        "no",
        "nobody",
        "dont",
        "don",
        "didn",
        "isn",
        "wont",
        "nor",
    ]
)
NEGATION_SPAN = 3
SKIP_PAIRS = True  # "s:a_c" features for two words with one between
CUES = True  # sentence-level cue features (CUE_WORDS)
# Word groups whose co-occurrence in one message is a cue on its own, whatever the wording:
# the writer ("self"), someone close spoken about ("close"), an end or a farewell ("final"),
# time to come ("soon"), dying ("die"), giving away or being a burden ("burden"), someone
# dead ("gone"), talk ABOUT a topic ("meta": a class, a film, a song, a question).
# Normalised forms (nlu/normalize.py): lowercase, no accents, SMS expanded.
CUE_WORDS: dict[str, str] = {
    "self": "je j me m moi i im my myself mon ma mes",
    "close": (
        "pote potes amie ami copine copain soeur frere cousine cousin meilleure meilleur "
        "friend bestie bff sister brother gf bf"
    ),
    "final": (
        "adieu adieux dernier derniere dernieres derniers toujours jamais fin fini finir "
        "goodbye bye last forever never anymore gone end over plus partir pars parti "
        "partie"
    ),
    "soon": (
        "demain bientot soir nuit apres tomorrow tonight soon monday lundi vendredi "
        "friday samedi saturday week semaine"
    ),
    "die": (
        "mourir mort morte suicide suicider tuer crever die dead kill pendre corde rope "
        "pills cachets medocs medicaments sauter jump pont bridge toit roof veines "
        "overdose"
    ),
    "burden": (
        "poids fardeau charge boulet burden weight donne offert laisse gave giving besoin "
        "need mieux better tranquilles liberes free happier soulages"
    ),
    "meta": (
        "expose cours film serie chanson article reportage documentaire docu prevention "
        "campagne affiche affiches infos journal podcast livre roman devoir projet heros perso "
        "personnage infirmiere urgences presentation documentary movie show song lyrics essay "
        "project poster posters news book character assembly nurse quoi what"
    ),
    "gone": (
        "papi mamie grand grandpa grandma ciel heaven haut rejoindre retrouver join see "
        "revoir decede decedee"
    ),
}
CUE_INDEX: dict[str, tuple[str, ...]] = {}
for _group, _words in CUE_WORDS.items():
    for _w in _words.split():
        CUE_INDEX[_w] = (*CUE_INDEX.get(_w, ()), _group)
EVIDENCE_WORDS = 4  # at most this many words shown as the model's evidence


def word_features(word: str) -> list[str]:
    """One word and the character 3-5-grams of " word " (so "cachets" shares "chet" with
    "cachet" and " cach" with "cacheton")."""
    padded = f" {word} "
    size = len(padded)
    return ["w:" + word] + [padded[i : i + n] for n in (3, 4, 5) for i in range(size - n + 1)]


def features(text: str) -> list[str]:
    """Words, word pairs, pairs one word apart, per-word character 3-5-grams and sentence cues
    of a normalised text, as a bag (a repeated feature counts each time)."""
    words = text.split()
    feats = [f for w in words for f in word_features(w)]
    feats.extend(phrase_features(words))
    return feats


def phrase_features(words: list[str]) -> list[str]:
    """What reads more than one word: pairs ("b:"), pairs with one word between ("s:", so
    "me suis coupe" and "me suis encore coupe" share "s:me_coupe" ... ), negated words and
    sentence cues."""
    feats = [f"b:{a}_{b}" for a, b in pairwise(words)]
    if SKIP_PAIRS:
        feats.extend(f"s:{a}_{c}" for a, c in zip(words, words[2:], strict=False))
    if not NEGATIONS.isdisjoint(words):
        feats.extend(negated(words))
    if CUES:
        feats.extend(cues(words))
    return feats


def cues(words: list[str]) -> list[str]:
    """Sentence-level cues: which groups of CUE_WORDS occur, alone and two by two
    ("c:self+final": the writer and an end, "c:friend+die": a friend and dying)."""
    found = sorted({g for w in words for g in CUE_INDEX.get(w, ())})
    out = [f"c:{g}" for g in found]
    out.extend(f"c:{a}+{b}" for i, a in enumerate(found) for b in found[i + 1 :])
    return out


def negated(words: list[str]) -> list[str]:
    """ "n:word" for the words up to NEGATION_SPAN after a negation ("pas", "jamais", "never"),
    so that the model can learn that "je vais pas me suicider" is not "je vais me suicider"."""
    out = []
    left = 0
    for w in words:
        if w in NEGATIONS:
            left = NEGATION_SPAN
        elif left:
            out.append("n:" + w)
            left -= 1
    return out


def training_pairs(data_dir: Path = DATA_DIR) -> list[tuple[str, str]]:
    """(label, text) of every training file, then the intent examples as "none"."""
    pairs = []
    for name in TRAINING_FILES:
        path = data_dir / name
        if not path.exists():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row = json.loads(line)
            label = (row.get("signal") or NONE) if row.get("urgent") else NONE
            if label not in LABELS:
                raise ValueError(f"{path.name}:{number}: unknown signal {label!r}")
            pairs.append((label, row["text"]))
    return pairs + ordinary_pairs(data_dir)


def ordinary_pairs(data_dir: Path = DATA_DIR) -> list[tuple[str, str]]:
    """The examples of intents.yml (greetings, questions, harassment told calmly) as "none"."""
    intents = data_dir / "intents.yml"
    pairs = []
    if intents.exists():
        for block in read_yaml(intents).get("nlu") or []:
            for line in str(block.get("examples", "")).splitlines():
                example = line.strip().removeprefix("- ").strip()
                if example:
                    pairs.append((NONE, example))
    return pairs


def train(pairs: Iterable[tuple[str, str]]) -> dict:
    """Fit softmax regression by SGD; JSON-ready; same pairs, same result."""
    docs = [(LABELS.index(label), sorted(features(normalize(text).text))) for label, text in pairs]
    counts: Counter[str] = Counter(f for _, feats in docs for f in set(feats))
    kept = {f for f, c in counts.items() if c >= MIN_DOCS}
    data = [(label, [f for f in feats if f in kept] + ["bias"]) for label, feats in docs]
    n = len(LABELS)
    weights: dict[str, list[float]] = {}
    rng = random.Random(SEED)
    for epoch in range(EPOCHS):
        rng.shuffle(data)
        rate = LEARNING_RATE / (1 + 0.5 * epoch)
        decay = 1.0 - rate * L2
        for label, feats in data:
            rows = [weights.setdefault(f, [0.0] * n) for f in feats]  # repeats count twice
            probs = softmax(scores(rows, n))
            if probs[label] > 0.995:
                continue  # already right and sure: nothing to learn from this one
            probs[label] -= 1.0
            scale = rate * (URGENT_WEIGHT if label else 1.0)
            step = [scale * p for p in probs]
            for row in rows:
                row[:] = [w * decay - s for w, s in zip(row, step, strict=True)]
    table = {}
    for f, row in sorted(weights.items()):
        rounded = [round(w, DIGITS) for w in row]
        if max(map(abs, rounded)) >= MIN_WEIGHT:
            table[f] = rounded
    return {
        "format": "relais-safety-logreg-1",
        "labels": list(LABELS),
        "threshold": THRESHOLD,
        "features": table,
    }


@dataclass(frozen=True, slots=True)
class Reading:
    """What the model makes of one message: P(urgent), its best signal and all probabilities."""

    urgent_probability: float
    signal: str
    probabilities: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class SafetyModel:
    labels: tuple[str, ...]
    threshold: float
    table: dict[str, list[float]]
    _words: dict[str, tuple[float, ...]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_dict(cls, data: dict) -> SafetyModel:
        return cls(tuple(data["labels"]), float(data["threshold"]), data["features"])

    @property
    def _zero(self) -> tuple[float, ...]:
        return (0.0,) * len(self.labels)

    def _word(self, word: str) -> tuple[float, ...]:
        """Summed weights of a word and its character n-grams (cached: words repeat a lot)."""
        cached = self._words.get(word)
        if cached is None:
            rows = list(filter(None, map(self.table.get, word_features(word))))
            cached = tuple(map(sum, zip(*rows, strict=True))) if rows else self._zero
            if len(self._words) >= WORD_CACHE:
                self._words.clear()
            self._words[word] = cached
        return cached

    def read(self, text: str) -> Reading:
        """Probabilities for a normalised text; `signal` is the best class other than none."""
        words = text.split()
        get = self.table.get
        rows: list[Sequence[float]] = [self._word(w) for w in words]
        rows.extend(filter(None, map(get, phrase_features(words))))
        bias = get("bias")
        if bias is not None:
            rows.append(bias)
        probs = softmax(
            [sum(column) for column in zip(*rows, strict=True)] if rows else list(self._zero)
        )
        best = max(range(1, len(probs)), key=probs.__getitem__)
        return Reading(1.0 - probs[0], self.labels[best], tuple(probs))

    def alarm(self, text: str) -> Reading | None:
        """The reading when P(not none) passes the threshold, else None."""
        reading = self.read(text)
        return reading if reading.urgent_probability >= self.threshold else None

    def evidence(self, norm: Normalized, signal: str) -> list[tuple[int, int]]:
        """Spans of norm.text (whole words, adjacent ones merged) that push most for `signal`.

        Each feature's contribution is its weight for the signal minus its weight for "none";
        a word gets its own and its character n-grams', and half of each word pair it is in.
        """
        c = self.labels.index(signal)
        text = norm.text
        words = [m.span() for m in re.finditer(r"\S+", text)]
        if not words:
            return []
        tokens = [text[a:b] for a, b in words]
        score = [self._word(t)[c] - self._word(t)[0] for t in tokens]
        for k in range(len(tokens) - 1):
            row = self.table.get(f"b:{tokens[k]}_{tokens[k + 1]}")
            if row is not None:
                score[k] += (row[c] - row[0]) / 2
                score[k + 1] += (row[c] - row[0]) / 2
        top = max(score)
        if top <= 0:
            return []
        ranked = sorted(range(len(words)), key=lambda k: (-score[k], k))[:EVIDENCE_WORDS]
        chosen = sorted(k for k in ranked if score[k] >= 0.5 * top)
        spans: list[tuple[int, int]] = []
        last = -2
        for k in chosen:
            if k == last + 1 and spans:
                spans[-1] = (spans[-1][0], words[k][1])
            else:
                spans.append(words[k])
            last = k
        return spans


@cache
def load_model(path: Path = SAFETY_MODEL_PATH) -> SafetyModel | None:
    """The committed model, read once; None when it was never trained (rules only)."""
    if not path.exists():
        return None
    return SafetyModel.from_dict(json.loads(path.read_text(encoding="utf-8")))


def fold_of(index: int, folds: int) -> int:
    """Cross-validation fold of the index-th training pair (interleaved, deterministic)."""
    return index % folds


def split_folds(
    pairs: Sequence[tuple[str, str]], folds: int
) -> list[tuple[list[tuple[str, str]], list[tuple[str, str]]]]:
    """(train, test) pairs for each of `folds` folds."""
    out = []
    for k in range(folds):
        train_part = [p for i, p in enumerate(pairs) if fold_of(i, folds) != k]
        test_part = [p for i, p in enumerate(pairs) if fold_of(i, folds) == k]
        out.append((train_part, test_part))
    return out
