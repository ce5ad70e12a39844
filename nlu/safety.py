"""Urgent-signal detection from the lexicon in nlu/data/safety.yml.

Rules, not a trained model: the helpline staff must be able to read why an alarm went off and
add a phrase the same day; every alarm carries the words that raised it. The detector leans
towards raising the alarm, since a listener reviewing a false one loses minutes, a missed one
can cost a life.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from nlu.normalize import Normalized
from nlu.patterns import compile_patterns
from nlu.resources import load_yaml

SIGNALS: tuple[str, ...] = (
    "suicidal_ideation",
    "suicide_incitement",
    "self_harm",
    "sextortion",
    "violence_threat",
    "grooming",
)

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Hit:
    """One signal found: each finding is the span(s) of one rule (several for "together")."""

    signal: str
    findings: tuple[tuple[Span, ...], ...]
    weak: bool

    @property
    def spans(self) -> tuple[Span, ...]:
        """Evidence spans in the normalised text, overlapping ones merged into one phrase."""
        return _merge([span for finding in self.findings for span in finding])


@dataclass(frozen=True, slots=True)
class _SignalRules:
    name: str
    strong: re.Pattern[str] | None
    weak: re.Pattern[str] | None
    together: tuple[tuple[re.Pattern[str], ...], ...]
    unless: re.Pattern[str] | None


@dataclass(frozen=True, slots=True)
class _Lexicon:
    signals: tuple[_SignalRules, ...]
    jokes: re.Pattern[str] | None
    superseded_by: dict[str, tuple[str, ...]]


@cache
def _lexicon() -> _Lexicon:
    data = load_yaml("safety.yml")
    # folded YAML lines put a space after each "|" that ends a line: remove it
    macros = {k: re.sub(r"\|\s+", "|", str(v)).strip() for k, v in data["macros"].items()}
    rules = []
    for name in SIGNALS:
        spec = data["signals"].get(name) or {}
        together = tuple(
            tuple(compile_patterns([group], macros) for group in rule)
            for rule in spec.get("together") or []
        )
        rules.append(
            _SignalRules(
                name=name,
                strong=compile_patterns(spec.get("raise") or [], macros),
                weak=compile_patterns(spec.get("raise_weak") or [], macros),
                together=together,  # type: ignore[arg-type]
                unless=compile_patterns(spec.get("unless") or [], macros),
            )
        )
    superseded = {k: tuple(v) for k, v in (data.get("superseded_by") or {}).items()}
    return _Lexicon(tuple(rules), compile_patterns(data.get("jokes") or [], macros), superseded)


def _overlaps(span: Span, others: Iterable[Span]) -> bool:
    return any(span[0] < b and a < span[1] for a, b in others)


def _spans(pattern: re.Pattern[str] | None, text: str) -> list[Span]:
    if pattern is None:
        return []
    return [m.span() for m in pattern.finditer(text) if m.end() > m.start()]


def detect(norm: Normalized) -> list[Hit]:
    """Signals in a normalised message, main one first."""
    lexicon = _lexicon()
    text = norm.text
    hits: dict[str, Hit] = {}
    for rules in lexicon.signals:
        candidates = [(s,) for s in _spans(rules.strong, text)]
        for rule in rules.together:
            found = [_spans(group, text) for group in rule]
            if all(found):
                candidates.append(tuple(spans[0] for spans in found))
        weak = [(s,) for s in _spans(rules.weak, text)]
        if not candidates and not weak:
            continue  # most messages: skip the idiom and joke patterns altogether
        if weak and _spans(lexicon.jokes, text):
            weak = []
        blocked = _spans(rules.unless, text)
        strong = [f for f in candidates if not any(_overlaps(s, blocked) for s in f)]
        weak = [f for f in weak if not _overlaps(f[0], blocked)]
        if strong or weak:
            hits[rules.name] = Hit(rules.name, tuple(strong + weak), weak=not strong)
    return _rank(_supersede(hits, lexicon.superseded_by))


def _merge(spans: list[Span]) -> tuple[Span, ...]:
    """Overlapping or touching spans become one, so evidence reads as whole phrases."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


def _supersede(hits: dict[str, Hit], superseded_by: dict[str, tuple[str, ...]]) -> list[Hit]:
    """Drop the findings a more specific reading explains; drop signals left without any."""
    kept = []
    for name, hit in hits.items():
        stronger = [
            s for other in superseded_by.get(name, ()) if other in hits for s in hits[other].spans
        ]
        findings = tuple(f for f in hit.findings if not any(_overlaps(s, stronger) for s in f))
        if findings:
            kept.append(Hit(name, findings, hit.weak))
    return kept


def _rank(hits: list[Hit]) -> list[Hit]:
    """Severity order, except that a signal seen only in weak words goes after the others."""
    return sorted(hits, key=lambda h: (h.weak, SIGNALS.index(h.signal)))
