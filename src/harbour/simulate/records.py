"""The shapes the area generator fills: a child in the making, and an area's output."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

Record = dict[str, Any]
# In one force 6% of children accounted for 33% of child episodes (shared/population.md, S19).
HIGH_REPEAT_SHARE = 0.06


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Child:
    pid: str
    given: str
    family: str
    born: date
    sex: str
    ethnicity: str
    home: str
    looked_after: bool
    phone: str
    episodes: int = 0
    network: int | None = None
    friends: list[str] = field(default_factory=list)
    carers: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    variants: list[str] = field(default_factory=list)


@dataclass
class Output:
    """What one area produced, by kind, and its part of the ground truth."""

    records: dict[str, list[Record]] = field(
        default_factory=lambda: {
            k: [] for k in ("place", "vehicle", "person", "episode", "call", "association")
        }
    )
    identities: dict[str, str] = field(default_factory=dict)
    networks: list[Record] = field(default_factory=list)
    decoys: list[Record] = field(default_factory=list)
    child_episode_counts: dict[str, int] = field(default_factory=dict)
    looked_after: set[str] = field(default_factory=set)
