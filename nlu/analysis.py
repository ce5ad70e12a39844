"""analyze(): one message in, everything the bot needs to decide what to do next."""

from __future__ import annotations

from dataclasses import dataclass, field

from nlu.entities import extract_entities
from nlu.intents import FALLBACK, load_model
from nlu.language import detect_language
from nlu.normalize import normalize
from nlu.safety import detect


@dataclass(frozen=True, slots=True)
class Evidence:
    """The words that raised a signal, as offsets into the text the young person wrote."""

    signal: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict:
        return {"signal": self.signal, "start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class Analysis:
    """The reading of one message; `signals` lists the main signal first."""

    urgent: bool
    signals: tuple[str, ...]
    evidence: tuple[Evidence, ...]
    intent: str
    confidence: float
    entities: dict[str, list[str]] = field(hash=False)
    language: str

    def to_dict(self) -> dict:
        """JSON-ready form, used by `python -m nlu classify` and stored by the bot."""
        return {
            "urgent": self.urgent,
            "signals": list(self.signals),
            "evidence": [e.to_dict() for e in self.evidence],
            "intent": self.intent,
            "confidence": self.confidence,
            "entities": {k: list(v) for k, v in self.entities.items()},
            "language": self.language,
        }


def analyze(text: str) -> Analysis:
    """Read one message. Pure (data files are read once, on first use); never raises for a str."""
    norm = normalize(text if isinstance(text, str) else str(text))
    hits = detect(norm)
    evidence = []
    for hit in hits:
        for a, b in hit.spans:
            start, end = norm.span(a, b)
            evidence.append(Evidence(hit.signal, start, end, norm.original[start:end]))
    entities = extract_entities(norm.text)
    model = load_model()
    intent, confidence = (
        model.predict(norm.text, entities) if model is not None else (FALLBACK, 0.0)
    )
    return Analysis(
        urgent=bool(hits),
        signals=tuple(hit.signal for hit in hits),
        evidence=tuple(evidence),
        intent=intent,
        confidence=confidence,
        entities=entities,
        language=detect_language(norm.text.split()),
    )
