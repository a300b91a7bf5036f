"""Write a synthetic force area as import files plus `truth.json`, area by area.

The same seed, scale, years and as-of date always give byte-identical files. The data ends at
midnight (UK time) at the start of the as-of day, so every time in it is in the past and some
episodes are still open.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any

from harbour.settings import get_settings
from harbour.simulate.area import AreaGenerator
from harbour.simulate.scales import SCALES

FILES = {
    "place": "1-places.jsonl",
    "vehicle": "2-vehicles.jsonl",
    "person": "3-people.jsonl",
    "episode": "4-episodes.jsonl",
    "call": "5-calls.jsonl",
    "association": "6-associations.jsonl",
}


@dataclass
class Simulation:
    """What a run wrote: where, how many records of each kind, and the ground truth's path."""

    out: Path
    counts: dict[str, int] = field(default_factory=dict)
    truth: Path | None = None


def period(as_of: date, years: float) -> tuple[datetime, datetime]:
    """Return the UTC start and end of the simulated period ending at the start of `as_of`."""
    end = datetime.combine(as_of, time(0, 0), tzinfo=get_settings().zone).astimezone(UTC)
    return end - timedelta(days=round(365.25 * years)), end


def _dump(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def simulate(
    *,
    seed: int,
    scale: str,
    years: float,
    as_of: date,
    out: Path,
    on_area: Callable[[int, int], None] | None = None,
) -> Simulation:
    """Generate the force area into `out` and return what was written."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}: use one of {', '.join(SCALES)}")
    if years <= 0:
        raise ValueError("years must be more than 0")
    spec = SCALES[scale]
    start, end = period(as_of, years)
    out.mkdir(parents=True, exist_ok=True)
    result = Simulation(out=out, counts=dict.fromkeys(FILES, 0))
    truth: dict[str, Any] = {
        "seed": seed, "scale": scale, "years": years, "as_of": as_of.isoformat(),
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "networks": [], "decoys": [], "identities": {}, "looked_after": [],
        "child_episode_counts": {},
    }  # fmt: skip
    handles: dict[str, IO[str]] = {
        kind: (out / name).open("w", encoding="utf-8", newline="\n") for kind, name in FILES.items()
    }
    try:
        for index in range(spec.areas):
            produced = AreaGenerator(seed, scale, spec, index, start, end).generate()
            for kind, records in produced.records.items():
                handle = handles[kind]
                for record in records:
                    handle.write(_dump(record) + "\n")
                result.counts[kind] += len(records)
            truth["networks"] += produced.networks
            truth["decoys"] += produced.decoys
            truth["identities"].update(produced.identities)
            truth["looked_after"] += sorted(produced.looked_after)
            truth["child_episode_counts"].update(produced.child_episode_counts)
            if on_area:
                on_area(index + 1, spec.areas)
    finally:
        for handle in handles.values():
            handle.close()
    truth["counts"] = result.counts
    result.truth = out / "truth.json"
    result.truth.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return result
