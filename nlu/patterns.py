"""The pattern language of the lexicons: whole-word regular expressions with named pieces.

Staff write "{WANT} {G3}{DIE}" rather than a page of regex: {NAME} is a macro of the same file,
{Gn} means "up to n extra words". Patterns run on normalised text (see normalize.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_MACRO = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_GAP = re.compile(r"G(\d+)")
_MAX_DEPTH = 5


def expand(pattern: str, macros: Mapping[str, str], depth: int = 0) -> str:
    """Replace {NAME} by its macro (recursively) and {Gn} by "up to n extra words"."""
    if depth > _MAX_DEPTH:
        raise ValueError(f"macros nest more than {_MAX_DEPTH} deep: {pattern[:60]}")

    def sub(match: re.Match[str]) -> str:
        name = match.group(1)
        gap = _GAP.fullmatch(name)
        if gap:
            return rf"(?:\S+ ){{0,{gap.group(1)}}}"
        if name not in macros:
            raise ValueError(f"pattern uses {{{name}}}, which no macro defines: {pattern[:60]}")
        return expand(macros[name], macros, depth + 1)

    return _MACRO.sub(sub, pattern)


def compile_patterns(
    patterns: Iterable[str], macros: Mapping[str, str] | None = None
) -> re.Pattern[str] | None:
    """One alternation of whole-word patterns; None when the list is empty."""
    parts = [f"(?:{expand(str(p), macros or {})})" for p in patterns]
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")
