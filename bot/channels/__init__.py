"""Channels: each turns a platform's events into botbuilder activities and back."""
