"""Measure the detector on labelled messages and the intent model on its held-out examples."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from nlu.analysis import analyze
from nlu.intents import IntentModel, load_examples, split, train
from nlu.normalize import normalize
from nlu.safety import SIGNALS

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


def evaluate_safety(rows: Iterable[dict], name: str) -> SafetyReport:
    report = SafetyReport(name, per_signal={s: [0, 0, 0] for s in SIGNALS})
    for row in rows:
        result = analyze(row["text"])
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


def format_safety(report: SafetyReport) -> str:
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
