"""Conversation flows. Each receives its collaborators through its constructor."""
