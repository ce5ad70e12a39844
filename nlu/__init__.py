"""Relais NLU: urgent signals, intents, entities and language of a young person's message.

    >>> from nlu import analyze
    >>> analyze("jveux plu vivre").signals
    ('suicidal_ideation',)

Importing is cheap: the lexicons and the intent model are read on the first analyze().
"""

from nlu.analysis import Analysis, Evidence, analyze
from nlu.intents import INTENTS
from nlu.safety import SIGNALS

__all__ = ["INTENTS", "SIGNALS", "Analysis", "Evidence", "analyze"]
