"""Harbour: case-working and intelligence platform of a police Central Vulnerability Hub."""

__version__ = "0.1.0"
