"""Speed of analyze(): load time, throughput and per-message latency on one core."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass

from nlu.analysis import analyze
from nlu.evaluation import read_rows
from nlu.intents import load_examples
from nlu.resources import DATA_DIR

# A fresh interpreter: import nlu, then the first analyze() reads every data file and the model.
_COLD_LOAD = (
    "import time; t = time.perf_counter(); import nlu; nlu.analyze('bonjour'); "
    "print(time.perf_counter() - t)"
)


@dataclass(frozen=True, slots=True)
class BenchReport:
    load_s: float
    messages: int
    per_second: float
    p50_us: float
    p99_us: float


def pin_to_one_core() -> None:
    """Measure one core's worth, as the target is stated, where the OS allows pinning."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def corpus() -> list[str]:
    """Messages from the project's own data: intent examples and the labelled safety set."""
    texts = [text for _, text in load_examples()]
    texts += [row["text"] for row in read_rows(DATA_DIR / "safety.jsonl")]
    return texts


def run(total: int = 20_000) -> BenchReport:
    """Cold load in a fresh interpreter, then `total` warm calls over the corpus."""
    cold = subprocess.run(
        [sys.executable, "-c", _COLD_LOAD],
        capture_output=True,
        text=True,
        check=True,
        cwd=DATA_DIR.parent.parent,
    )
    load_s = float(cold.stdout.strip())
    analyze("bonjour")
    texts = corpus()
    latencies = []
    clock = time.perf_counter
    begin = clock()
    for i in range(total):
        t0 = clock()
        analyze(texts[i % len(texts)])
        latencies.append(clock() - t0)
    elapsed = clock() - begin
    latencies.sort()
    return BenchReport(
        load_s=load_s,
        messages=total,
        per_second=total / elapsed,
        p50_us=latencies[len(latencies) // 2] * 1e6,
        p99_us=latencies[int(len(latencies) * 0.99)] * 1e6,
    )
