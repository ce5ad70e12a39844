"""Relais: the bot, its channels and its storage."""
