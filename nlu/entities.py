"""Entities: which platform, which kind of harassment, who is writing; ids from entities.yml."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from nlu.patterns import compile_patterns
from nlu.resources import load_yaml


@dataclass(frozen=True, slots=True)
class _Entities:
    platform_pattern: re.Pattern[str] | None
    platform_ids: dict[str, str]
    harassment: tuple[tuple[str, re.Pattern[str]], ...]
    roles: tuple[tuple[str, re.Pattern[str]], ...]


def _named(section: dict[str, list[str]]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    compiled = ((name, compile_patterns(patterns or [])) for name, patterns in section.items())
    return tuple((name, pattern) for name, pattern in compiled if pattern is not None)


@cache
def _entities() -> _Entities:
    data = load_yaml("entities.yml")
    ids: dict[str, str] = {}
    for platform, aliases in data["platforms"].items():
        for alias in aliases or []:
            ids[str(alias)] = str(platform)
    alternation = "|".join(re.escape(a) for a in sorted(ids, key=len, reverse=True))
    pattern = re.compile(rf"(?<!\w)(?:{alternation})(?!\w)") if ids else None
    return _Entities(pattern, ids, _named(data["harassment"]), _named(data["roles"]))


def extract_entities(text: str) -> dict[str, list[str]]:
    """Canonical ids found in a normalised text, in the order of entities.yml, no duplicates."""
    data = _entities()
    platforms: list[str] = []
    if data.platform_pattern is not None:
        for match in data.platform_pattern.finditer(text):
            platform = data.platform_ids[match.group(0)]
            if platform not in platforms:
                platforms.append(platform)
    harassment = [name for name, pattern in data.harassment if pattern.search(text)]
    roles = [name for name, pattern in data.roles if pattern.search(text)]
    return {"platform": platforms, "harassment": harassment, "role": roles}
