"""Measure a simulation's files against the published figures it is meant to reproduce."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from harbour.simulate.service import FILES


@dataclass(frozen=True)
class Proportions:
    child_episodes: int
    children: int
    top_6pct_share: float  # share of child episodes from the 6% of children with the most
    found_within_48h: float  # of child episodes that ended
    looked_after_share: float  # of child episodes
    ongoing: int


def measure(out: Path) -> Proportions:
    """Read `truth.json` and the episodes file, and compute the checked proportions."""
    truth = json.loads((out / "truth.json").read_text())
    counts = sorted(truth["child_episode_counts"].values(), reverse=True)
    total = sum(counts)
    top = counts[: max(1, round(len(counts) * 0.06))]
    identities: dict[str, str] = truth["identities"]
    children = set(truth["child_episode_counts"])
    looked_after = set(truth["looked_after"])
    ended = within = in_care = ongoing = 0
    with (out / FILES["episode"]).open(encoding="utf-8") as handle:
        for line in handle:
            episode = json.loads(line)
            who = identities.get(episode["person"], episode["person"])
            if who not in children:
                continue
            in_care += who in looked_after
            if "found_at" not in episode:
                ongoing += 1
                continue
            ended += 1
            hours = (
                datetime.fromisoformat(episode["found_at"])
                - datetime.fromisoformat(episode["last_seen_at"])
            ).total_seconds() / 3600
            within += hours <= 48
    return Proportions(
        child_episodes=total,
        children=len(counts),
        top_6pct_share=sum(top) / total if total else 0.0,
        found_within_48h=within / ended if ended else 0.0,
        looked_after_share=in_care / total if total else 0.0,
        ongoing=ongoing,
    )
