"""The APP risk grades."""

from __future__ import annotations

import enum


class RiskGrade(enum.StrEnum):
    """APP risk grades, lowest first ('no apparent risk (absent)' is an alias of very low)."""

    very_low = "very_low"
    low = "low"
    medium = "medium"
    high = "high"
