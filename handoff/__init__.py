"""Hand-off from the bot to human listeners; imports no web framework and no channel."""
