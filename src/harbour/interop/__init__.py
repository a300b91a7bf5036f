"""Interoperability: the JSON Lines import format, and later PFIF and CSV."""
