"""The arithmetic both trained models share: sum the rows of the features present, softmax."""

from __future__ import annotations

import math


def scores(rows: list[list[float]], n: int) -> list[float]:
    """Column sums of the feature rows: one score per label."""
    return [sum(column) for column in zip(*rows, strict=True)] if rows else [0.0] * n


def softmax(values: list[float]) -> list[float]:
    top = max(values)
    exps = [math.exp(v - top) for v in values]
    total = sum(exps)
    return [e / total for e in exps]
