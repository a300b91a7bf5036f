"""The population the disproportionality figures are weighed against: London's usual residents by
broad ethnic group, ONS Census 2021 (the figures Harbour's simulator draws from).

All ages: the census shares for children alone are not among the published figures Harbour
holds, so a rate ratio here compares a group's share of missing children with its share of
London's people. A force outside London replaces this table with its own census figures.
"""

from __future__ import annotations

from collections.abc import Mapping

SOURCE = "ONS Census 2021, London usual residents by broad ethnic group"
TOTAL = 8_799_800
# Shares in per cent; Asian is given as 20.7-20.8 and taken as 20.7, so the shares sum to 100.
SHARES: Mapping[str, float] = {
    "white": 53.8,
    "asian": 20.7,
    "black": 13.5,
    "mixed": 5.7,
    "other": 6.3,
}
REFERENCE_GROUP = "white"


def residents(group: str) -> float | None:
    share = SHARES.get(group)
    return None if share is None else TOTAL * share / 100
