"""Turn teen writing into one canonical lowercase form, keeping a map back to the original.

Detectors match against the canonical form ("jveux plu vivre" -> "je veux plus vivre"), but the
listener must see the evidence as the young person wrote it, so every normalised character
remembers the span of original characters it came from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

from nlu.resources import load_yaml

_APOSTROPHES = frozenset("'’‘`´ʼʹ′‛")
_LIGATURES = {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "ł": "l", "đ": "d", "ı": "i"}
_LEET_CHARS = frozenset("0134578@$")
_WORDISH = frozenset("@$")
_RUN = re.compile(r"(.)\1{2,}")


@dataclass(frozen=True, slots=True)
class Normalized:
    """Canonical text plus, for each of its characters, the original span it stands for."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) span of the canonical text to a span of the original text."""
        if not self.text or end <= start:
            return (0, 0)
        start = min(max(start, 0), len(self.text) - 1)
        end = min(max(end, start + 1), len(self.text))
        return (self.starts[start], self.ends[end - 1])


@dataclass(frozen=True, slots=True)
class _Rules:
    spellings: dict[str, str]
    emoji: dict[str, str]
    leet: dict[str, str]


@cache
def _rules() -> _Rules:
    data = load_yaml("spelling.yml")
    spellings = {str(k): str(v) for k, v in (data.get("spellings") or {}).items()}
    emoji = {str(k): f" {v} " for k, v in (data.get("emoji") or {}).items()}
    leet = {str(k): str(v) for k, v in (data.get("leet") or {}).items()}
    return _Rules(spellings, emoji, leet)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    """One original character -> its lowercase, accent-free form ("" or " " when dropped)."""
    if ch.isascii():
        low = ch.lower()
        return low if low.isalnum() or low in _WORDISH else " "
    if ch in _APOSTROPHES:
        return " "
    emoji = _rules().emoji.get(ch)
    if emoji is not None:
        return emoji
    out = []
    for part in unicodedata.normalize("NFKD", ch.lower()):
        part = _LIGATURES.get(part, part)
        if unicodedata.category(part[0]) in ("Mn", "Me", "Cf"):
            continue  # accents, variation selectors, zero-width joiners
        out.append(part if part.isalnum() else " ")
    return "".join(out)


def _rewrite_token(token: str) -> str | None:
    """SMS, phonetic and leetspeak spellings -> canonical words, or None when unchanged."""
    rules = _rules()
    direct = rules.spellings.get(token)
    if direct is not None:
        return direct
    if token[0].isalpha() and not _LEET_CHARS.isdisjoint(token) and any(c.isalpha() for c in token):
        decoded = "".join(rules.leet.get(c, c) for c in token)
        return rules.spellings.get(decoded, decoded)
    return None


def normalize(text: str) -> Normalized:
    """Lowercase, strip accents, map emoji, squeeze repeated letters, expand SMS spellings."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for i, ch in enumerate(text):
        for out in _fold_char(ch):
            chars.append(out)
            starts.append(i)
            ends.append(i + 1)

    text_out: list[str] = []
    out_starts: list[int] = []
    out_ends: list[int] = []
    folded = "".join(chars)
    for match in re.finditer(r"\S+", folded):
        a, b = match.span()
        token, t_starts, t_ends = _squeeze(folded[a:b], starts[a:b], ends[a:b])
        replacement = _rewrite_token(token)
        if text_out:
            text_out.append(" ")
            out_starts.append(t_starts[0])
            out_ends.append(t_starts[0])
        if replacement is None:
            text_out.append(token)
            out_starts.extend(t_starts)
            out_ends.extend(t_ends)
        else:
            text_out.append(replacement)
            out_starts.extend([t_starts[0]] * len(replacement))
            out_ends.extend([t_ends[-1]] * len(replacement))
    return Normalized(text, "".join(text_out), tuple(out_starts), tuple(out_ends))


def _squeeze(token: str, starts: list[int], ends: list[int]) -> tuple[str, list[int], list[int]]:
    """Collapse three or more repeated letters ("nooon" -> "non"); digits stay ("3114")."""
    if not _RUN.search(token):
        return token, starts, ends
    out, o_starts, o_ends = [], [], []
    i = 0
    while i < len(token):
        j = i
        while j + 1 < len(token) and token[j + 1] == token[i]:
            j += 1
        keep = 1 if j - i >= 2 and not token[i].isdigit() else j - i + 1
        for k in range(keep):
            out.append(token[i])
            o_starts.append(starts[i + k] if keep > 1 else starts[i])
            o_ends.append(ends[i + k] if keep > 1 else ends[j])
        i = j + 1
    return "".join(out), o_starts, o_ends
