"""The listeners' console: its JSON API and, later, its pages."""
