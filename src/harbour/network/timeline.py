"""When an alert's links were made: a child-by-month table of its dated evidence (the analyst's
heat matrix), so that an investigator sees when a network formed, who joined when and whether it
is still active. Children are named in the viewer's scope, as in the evidence; undated links
(a record's phone, an address) are counted apart."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from harbour.actor import Actor
from harbour.network.models import NetworkAlert
from harbour.network.words import Named, Namer, observed_on

MONTHS = 12
LEVELS = 4  # shades of a cell besides none


@dataclass
class Row:
    child: Named
    cells: list[int]
    undated: int

    @property
    def total(self) -> int:
        return sum(self.cells)


@dataclass
class Timeline:
    months: list[date]  # the first day of each month shown, oldest first
    rows: list[Row]
    peak: int
    earlier: int  # dated links before the first month shown

    def level(self, count: int) -> int:
        """0 for none, else 1..LEVELS by the share of the busiest cell."""
        if not count or not self.peak:
            return 0
        return max(1, -(-count * LEVELS // self.peak))


def _month(day: date) -> date:
    return day.replace(day=1)


def _back(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)


def timeline(
    session: Session, actor: Actor, alert: NetworkAlert, months: int = MONTHS
) -> Timeline | None:
    """The last `months` months up to the alert's latest dated link, by child; None when the
    alert holds no dated link to a child the viewer may see (or was stored without ids)."""
    items = [e for e in (alert.described or {}).get("evidence", []) if "from" in e and "to" in e]
    children = [f"person:{c}" for c in alert.child_ids or []]
    namer = Namer(session, actor)
    namer.load(children)
    visible = [key for key in children if namer.get(key) is not None]
    counted: dict[str, list[date | None]] = {key: [] for key in visible}
    for e in items:
        for end in (e["from"], e["to"]):
            if end in counted:
                counted[end].append(observed_on(e))
    dated = [d for days in counted.values() for d in days if d is not None]
    if not dated:
        return None
    last = _month(max(dated))
    shown = [_back(last, n) for n in range(months - 1, -1, -1)]
    index = {m: i for i, m in enumerate(shown)}
    rows, earlier = [], 0
    for key in visible:
        cells, undated = [0] * months, 0
        for d in counted[key]:
            if d is None:
                undated += 1
            elif _month(d) in index:
                cells[index[_month(d)]] += 1
            else:
                earlier += 1
        named = namer.get(key)
        assert named is not None
        rows.append(Row(named, cells, undated))
    rows.sort(key=lambda r: (-r.total, r.child.text))
    peak = max((c for r in rows for c in r.cells), default=0)
    return Timeline(shown, rows, peak, earlier)
