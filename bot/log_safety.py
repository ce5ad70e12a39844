"""Logging an error without logging what a teen wrote.

An exception's message can quote its input (a parser error, a KeyError on a word), so logs get
the exception's type and where it happened, never its message.
"""

from __future__ import annotations

import os
import traceback


def describe(error: BaseException) -> str:
    """`ValueError at bot/x.py:12 in f <- ...`: type and frames, no message."""
    frames = traceback.extract_tb(error.__traceback__)[-4:]
    where = " <- ".join(
        f"{os.path.basename(frame.filename)}:{frame.lineno} in {frame.name}"
        for frame in reversed(frames)
    )
    return f"{type(error).__name__} at {where}" if where else type(error).__name__
