"""Measure the detector on labelled messages and the intent model on its held-out examples."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from nlu.intents import IntentModel, load_examples, split, train
from nlu.normalize import normalize
from nlu.resources import DATA_DIR
from nlu.safety import SIGNALS, detect
from nlu.safety_model import NONE, TRAINING_FILES, SafetyModel, ordinary_pairs
from nlu.safety_model import train as train_safety

# The targets of the project (issue 3); `python -m nlu evaluate --check` fails below them.
TARGET_RECALL = 0.98
TARGET_FALSE_ALARMS = 0.05
TARGET_MAIN_SIGNAL = 0.90
TARGET_INTENT_ACCURACY = 0.90


@dataclass
class SafetyReport:
    """Counts over one labelled file; rates are derived so they can never disagree."""

    name: str
    urgent: int = 0
    caught: int = 0
    calm: int = 0
    false_alarms: int = 0
    main_right: int = 0
    misses: list[dict] = field(default_factory=list)
    false_alarm_rows: list[dict] = field(default_factory=list)
    wrong_main: list[dict] = field(default_factory=list)
    per_signal: dict[str, list[int]] = field(default_factory=dict)  # [tp, fp, fn]

    @property
    def recall(self) -> float:
        return self.caught / self.urgent if self.urgent else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.calm if self.calm else 0.0

    @property
    def main_signal_accuracy(self) -> float:
        return self.main_right / self.urgent if self.urgent else 1.0

    def meets_targets(self) -> bool:
        return (
            self.recall >= TARGET_RECALL
            and self.false_alarm_rate <= TARGET_FALSE_ALARMS
            and self.main_signal_accuracy >= TARGET_MAIN_SIGNAL
        )


def read_rows(path: Path) -> list[dict]:
    """Rows of a JSON-lines file shaped like shared/eval/safety-dev.jsonl (blank lines skipped)."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            row = json.loads(line)
            if "text" not in row or "urgent" not in row:
                raise ValueError(f"{path}:{number}: a row needs 'text' and 'urgent'")
            rows.append(row)
    return rows


def signals_of(text: str, use_model: bool = True, model: SafetyModel | None = None) -> list[str]:
    """The signals analyze() would give (main first): rules and model, or rules alone."""
    return [hit.signal for hit in detect(normalize(text), use_model, model)]


def evaluate_safety(
    rows: Iterable[dict],
    name: str,
    use_model: bool = True,
    model: SafetyModel | None = None,
    predict: Callable[[str], list[str]] | None = None,
) -> SafetyReport:
    """Counts for labelled rows: the combined detector, the rules alone (`use_model=False`),
    or any `predict(text) -> signals` (the model alone in cross-validation)."""
    report = SafetyReport(name, per_signal={s: [0, 0, 0] for s in SIGNALS})
    for row in rows:
        signals = predict(row["text"]) if predict else signals_of(row["text"], use_model, model)
        result = _Result(bool(signals), tuple(signals))
        gold = row.get("signal") or "none"
        brief = {"text": row["text"], "expected": gold, "got": list(result.signals)}
        for signal in SIGNALS:
            counts = report.per_signal[signal]
            predicted, expected = signal in result.signals, signal == gold
            counts[0] += predicted and expected
            counts[1] += predicted and not expected
            counts[2] += expected and not predicted
        if row["urgent"]:
            report.urgent += 1
            report.caught += result.urgent
            if not result.urgent:
                report.misses.append(brief)
            elif result.signals[0] == gold:
                report.main_right += 1
            else:
                report.wrong_main.append(brief)
        else:
            report.calm += 1
            if result.urgent:
                report.false_alarms += 1
                report.false_alarm_rows.append(brief)
    return report


@dataclass(frozen=True, slots=True)
class _Result:
    urgent: bool
    signals: tuple[str, ...]


def format_safety(report: SafetyReport, details: bool = True) -> str:
    lines = [
        f"== {report.name}: {report.urgent} urgent, {report.calm} not urgent",
        f"urgent recall        {report.recall:.3f}  ({report.caught}/{report.urgent}, "
        f"target >= {TARGET_RECALL})",
        f"false-alarm rate     {report.false_alarm_rate:.3f}  "
        f"({report.false_alarms}/{report.calm}, target <= {TARGET_FALSE_ALARMS})",
        f"main signal right    {report.main_signal_accuracy:.3f}  "
        f"({report.main_right}/{report.urgent} urgent rows, target >= {TARGET_MAIN_SIGNAL})",
        "per signal           precision  recall  (tp/fp/fn)",
    ]
    for signal, (tp, fp, fn) in report.per_signal.items():
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        lines.append(f"  {signal:<19}{precision:>9.3f}{recall:>8.3f}  ({tp}/{fp}/{fn})")
    if not details:
        return "\n".join(lines)
    for title, rows in (
        ("missed", report.misses),
        ("false alarms", report.false_alarm_rows),
        ("wrong main signal", report.wrong_main),
    ):
        lines.append(f"{title}: {len(rows)}")
        lines.extend(f"  {json.dumps(row, ensure_ascii=False)}" for row in rows)
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class IntentReport:
    total: int
    right: int
    errors: tuple[tuple[str, str, str], ...]  # (text, expected, got)

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 1.0


def evaluate_intents() -> IntentReport:
    """Train on 4/5 of nlu/data/intents.yml, test on the other fifth (the split is fixed)."""
    train_pairs, held_out = split(load_examples())
    model = IntentModel.from_dict(train(train_pairs))
    errors = []
    for intent, text in held_out:
        got, _ = model.predict(normalize(text).text)
        if got != intent:
            errors.append((text, intent, got))
    return IntentReport(len(held_out), len(held_out) - len(errors), tuple(errors))


def format_intents(report: IntentReport) -> str:
    lines = [
        f"== intents: held-out fifth of nlu/data/intents.yml ({report.total} examples)",
        f"intent accuracy      {report.accuracy:.3f}  (target >= {TARGET_INTENT_ACCURACY})",
    ]
    lines.extend(f"  {text!r}: expected {want}, got {got}" for text, want, got in report.errors)
    return "\n".join(lines)


CV_FOLDS = 5
CV_THRESHOLDS = tuple(round(0.3 + 0.025 * i, 3) for i in range(27))  # 0.30 ... 0.95
# the threshold suggested by --cv: best out-of-fold recall (rules + model) with out-of-fold
# false alarms at most this (margin under the 0.05 target)
CV_MAX_FALSE_ALARMS = 0.04


@dataclass
class CrossValidation:
    """Per fold: the model alone and rules + model on the fold it did not learn from."""

    folds: list[tuple[SafetyReport, SafetyReport]]
    # out of fold, for every labelled row: (gold, P(not none), rules fired)
    scores: list[tuple[str, float, bool]]


def labelled_rows(data_dir: Path = DATA_DIR) -> list[dict]:
    """Every row of the labelled training files (the intent examples are not measured)."""
    rows = []
    for name in TRAINING_FILES:
        if (data_dir / name).exists():
            rows.extend(read_rows(data_dir / name))
    return rows


def cross_validate(folds: int = CV_FOLDS, data_dir: Path = DATA_DIR) -> CrossValidation:
    """k-fold over the labelled safety rows (row i is in fold i % k); the intent examples are
    always in training. The rules were written on these rows, so "combined" is optimistic: the
    fresh batches' first runs are the honest estimate (docs/nlu.md)."""
    rows = labelled_rows(data_dir)
    extra = ordinary_pairs(data_dir)
    result = CrossValidation([], [])
    for k in range(folds):
        test = [r for i, r in enumerate(rows) if i % folds == k]
        train_rows = [r for i, r in enumerate(rows) if i % folds != k]
        pairs = [(_label(r), r["text"]) for r in train_rows] + extra
        model = SafetyModel.from_dict(train_safety(pairs))

        def alone(text: str, model: SafetyModel = model) -> list[str]:
            reading = model.alarm(normalize(text).text)
            return [reading.signal] if reading else []

        result.folds.append(
            (
                evaluate_safety(test, f"fold {k + 1}/{folds}: model alone", predict=alone),
                evaluate_safety(test, f"fold {k + 1}/{folds}: rules + model", model=model),
            )
        )
        for row in test:
            norm = normalize(row["text"])
            fired = bool(detect(norm, use_model=False))
            result.scores.append((_label(row), model.read(norm.text).urgent_probability, fired))
    return result


def _label(row: dict) -> str:
    return (row.get("signal") or NONE) if row["urgent"] else NONE


def format_cross_validation(cv: CrossValidation) -> str:
    lines = [f"== cross-validation, {len(cv.folds)} folds over {len(cv.scores)} labelled rows"]
    lines.append("fold  detector        recall  false alarms  main signal")
    totals = {"model alone": [0, 0, 0, 0, 0], "rules + model": [0, 0, 0, 0, 0]}
    for k, pair in enumerate(cv.folds, 1):
        for name, report in zip(("model alone", "rules + model"), pair, strict=True):
            lines.append(
                f"{k:>4}  {name:<14}{report.recall:>8.3f}{report.false_alarm_rate:>14.3f}"
                f"{report.main_signal_accuracy:>13.3f}"
            )
            tally = totals[name]
            tally[0] += report.caught
            tally[1] += report.urgent
            tally[2] += report.false_alarms
            tally[3] += report.calm
            tally[4] += report.main_right
    for name, (caught, urgent, fa, calm, main) in totals.items():
        lines.append(
            f" all  {name:<14}{caught / urgent:>8.3f}{fa / calm:>14.3f}{main / urgent:>13.3f}"
            f"  ({caught}/{urgent}, {fa}/{calm}, {main}/{urgent})"
        )
    lines.append("threshold on P(not none), out of fold: model alone | rules + model")
    urgent = sum(gold != NONE for gold, _, _ in cv.scores)
    calm = len(cv.scores) - urgent
    for t in CV_THRESHOLDS:
        m_tp = sum(gold != NONE and p >= t for gold, p, _ in cv.scores)
        m_fp = sum(gold == NONE and p >= t for gold, p, _ in cv.scores)
        c_tp = sum(gold != NONE and (p >= t or r) for gold, p, r in cv.scores)
        c_fp = sum(gold == NONE and (p >= t or r) for gold, p, r in cv.scores)
        lines.append(
            f"  {t:.3f}  recall {m_tp / urgent:.3f} false alarms {m_fp / calm:.3f} | "
            f"recall {c_tp / urgent:.3f} false alarms {c_fp / calm:.3f}"
        )
    best = suggested_threshold(cv)
    lines.append(
        f"suggested threshold (best rules + model recall with false alarms <= "
        f"{CV_MAX_FALSE_ALARMS}): {best if best is not None else 'none'}"
    )
    return "\n".join(lines)


def suggested_threshold(cv: CrossValidation, limit: float = CV_MAX_FALSE_ALARMS) -> float | None:
    """The lowest grid threshold whose out-of-fold false-alarm rate (rules + model) is at most
    `limit`: the best recall the limit allows (set it as THRESHOLD in safety_model.py)."""
    calm = sum(gold == NONE for gold, _, _ in cv.scores) or 1
    for t in CV_THRESHOLDS:
        fp = sum(gold == NONE and (p >= t or r) for gold, p, r in cv.scores)
        if fp / calm <= limit:
            return t
    return None
