"""Calls and Right Care Right Person decision support."""
