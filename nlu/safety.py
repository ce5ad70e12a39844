"""Urgent-signal detection: the lexicon in nlu/data/safety.yml, backed by a learned model.

Rules first: the helpline staff must be able to read why an alarm went off and add a phrase the
same day; every alarm carries the words that raised it. Rules only know what was written down,
so when none fires the learned model (nlu/safety_model.py) reads the message too and raises the
alarm on its own when P(not none) passes its threshold, showing the words that pushed it most.
Only a phrase listed under `idioms:` in safety.yml ("ptdr je meurs") can silence the model, and
only when the rest of the message, read without it, stays under the threshold. The detector
leans towards raising the alarm: a listener reviewing a false one loses minutes, a missed one
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
from nlu.safety_model import SafetyModel, load_model

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
    learned: bool = False  # raised by the model alone (no rule fired)

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
    idioms: re.Pattern[str] | None
    meta: re.Pattern[str] | None  # talk ABOUT a topic (a class, a film, a question): see safety.yml


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
    return _Lexicon(
        tuple(rules),
        compile_patterns(data.get("jokes") or [], macros),
        superseded,
        compile_patterns(data.get("idioms") or [], macros),
        compile_patterns(data.get("meta") or [], macros),
    )


def _inside(span: Span, others: Iterable[Span]) -> bool:
    return any(a <= span[0] and span[1] <= b for a, b in others)


def _overlaps(span: Span, others: Iterable[Span]) -> bool:
    return any(span[0] < b and a < span[1] for a, b in others)


def _spans(pattern: re.Pattern[str] | None, text: str) -> list[Span]:
    if pattern is None:
        return []
    return [m.span() for m in pattern.finditer(text) if m.end() > m.start()]


def detect(norm: Normalized, use_model: bool = True, model: SafetyModel | None = None) -> list[Hit]:
    """Signals in a normalised message, main one first: the rules', else the model's.

    `use_model=False` gives the rules alone; `model` replaces the committed one (cross-validation).
    """
    hits = detect_rules(norm)
    if hits or not use_model:
        return hits
    learned = model_hit(norm, model or load_model())
    return [learned] if learned is not None else []


def model_hit(norm: Normalized, model: SafetyModel | None) -> Hit | None:
    """The model's alarm, unless an explicit idiom explains it away; evidence = its top words."""
    if model is None or not norm.text:
        return None
    reading = model.alarm(norm.text)
    if reading is None:
        return None
    lexicon = _lexicon()
    idioms = sorted(_spans(lexicon.idioms, norm.text) + _spans(lexicon.meta, norm.text))
    if idioms:
        # "ptdr je meurs": read the message again without the idiom; alarm only if still urgent
        rest, last = [], 0
        for a, b in idioms:
            rest.append(norm.text[last:a])
            last = b
        rest.append(norm.text[last:])
        remainder = " ".join(" ".join(rest).split())
        reading = model.alarm(remainder) if remainder else None
        if reading is None:
            return None
    spans = [s for s in model.evidence(norm, reading.signal) if not _overlaps(s, idioms)]
    spans = spans or [(0, len(norm.text))]
    return Hit(reading.signal, tuple((span,) for span in spans), weak=False, learned=True)


def detect_rules(norm: Normalized) -> list[Hit]:
    """Signals the rules of safety.yml find in a normalised message, main one first."""
    lexicon = _lexicon()
    text = norm.text
    hits: dict[str, Hit] = {}
    meta: list[Span] | None = None  # computed once, only when some rule matched
    for rules in lexicon.signals:
        candidates: list[tuple[Span, ...]] = [(s,) for s in _spans(rules.strong, text)]
        for rule in rules.together:
            found: list[Span] = []
            for group in rule:  # stop at the first part missing (most messages: the first)
                spans = _spans(group, text)
                if not spans:
                    break
                found.append(spans[0])
            else:
                candidates.append(tuple(found))
        weak: list[tuple[Span, ...]] = [(s,) for s in _spans(rules.weak, text)]
        if not candidates and not weak:
            continue  # most messages: skip the idiom and joke patterns altogether
        if weak and _spans(lexicon.jokes, text):
            weak = []
        blocked = _spans(rules.unless, text)
        if meta is None:
            meta = _spans(lexicon.meta, text)
        if meta:  # "un expose sur le suicide": drop what lies inside talk about the topic
            candidates = [f for f in candidates if not all(_inside(s, meta) for s in f)]
            weak = [f for f in weak if not _inside(f[0], meta)]
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
            kept.append(Hit(name, findings, hit.weak, hit.learned))
    return kept


def _rank(hits: list[Hit]) -> list[Hit]:
    """Severity order, except that a signal seen only in weak words goes after the others."""
    return sorted(hits, key=lambda h: (h.weak, SIGNALS.index(h.signal)))
