"""The calls boards: calls awaiting a decision, handovers waiting for a partner, and the RCRP
outcomes by category that a supervisor audits. Each list is narrowed to what the actor may see
and its viewing is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session

from harbour import clock
from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.calls.models import Call, CallDecision, CallStatus
from harbour.calls.records import CATEGORIES, NOT_POLICE, WAITING
from harbour.calls.schemas import POLICE_OUTCOMES, Category, Outcome
from harbour.people.models import Person


@dataclass
class Row:
    call: Call
    person: Person | None


def _rows(session: Session, query: Select[Call, Person]) -> list[Row]:
    return [Row(c, p) for c, p in session.execute(query)]


def awaiting(
    session: Session, actor: Actor, *, page: int = 1, per_page: int = 25
) -> tuple[list[Row], int]:
    """Calls waiting for a decision or a supervisor, longest waiting first, and how many."""
    access.require(actor, "call.record")
    where = [access.visible(actor, Call), Call.status.in_(WAITING)]
    total = session.scalar(select(func.count()).select_from(Call).where(*where)) or 0
    rows = _rows(
        session,
        select(Call, Person)
        .outerjoin(Person, Person.id == Call.person_id)
        .where(*where)
        .order_by(Call.received_at, Call.id)
        .offset((page - 1) * per_page)
        .limit(per_page),
    )
    _log_board(session, actor, "call_board", rows, "Calls awaiting a decision")
    return rows, total


def handovers_waiting(session: Session, actor: Actor, *, limit: int = 50) -> list[Row]:
    """Handovers to a partner not yet accepted: s136 clocks first (overdue first), then others."""
    access.require(actor, "call.record")
    rows = _rows(
        session,
        select(Call, Person)
        .outerjoin(Person, Person.id == Call.person_id)
        .where(
            access.visible(actor, Call),
            Call.status == CallStatus.decided,
            Call.outcome == Outcome.refer_partner.value,
            Call.handed_over_at.is_(None),
        )
        .order_by(Call.handover_due_at.is_(None), Call.handover_due_at, Call.decided_at)
        .limit(limit),
    )
    _log_board(session, actor, "handover_board", rows, "Handovers waiting for a partner")
    return rows


def _log_board(
    session: Session, actor: Actor, subject: str, rows: list[Row], justification: str
) -> None:
    if rows:
        audit.record(
            session,
            actor,
            "view",
            subject,
            None,
            after={"shown": [row.call.id for row in rows]},
            justification=justification,
        )


@dataclass
class OutcomeLine:
    category: str
    counts: dict[str, int]
    total: int
    not_police: int
    against: int  # not sent to police although the suggestion was police
    overridden: int  # not sent to police after the handler answered no to an RCRP yes read


def period(days: int) -> tuple[datetime, datetime]:
    """The period ending now that starts `days` ago."""
    until = clock.now()
    return until - timedelta(days=days), until


def _latest_decisions(actor: Actor, since: datetime, until: datetime) -> list[ColumnElement[bool]]:
    latest = select(func.max(CallDecision.id)).group_by(CallDecision.call_id).scalar_subquery()
    return [
        CallDecision.id.in_(latest),
        CallDecision.call_id == Call.id,
        access.visible(actor, Call),
        Call.status == CallStatus.decided,
        Call.decided_at >= since,
        Call.decided_at < until,
    ]


def outcomes(session: Session, actor: Actor, since: datetime, until: datetime) -> list[OutcomeLine]:
    """RCRP outcomes of the calls decided in a period, by category, for a supervisor's audit."""
    access.require(actor, "call.outcomes")
    suggested_police = CallDecision.suggested_outcome.in_([o.value for o in POLICE_OUTCOMES])
    deflected = CallDecision.outcome.in_(NOT_POLICE)
    overridden = or_(
        and_(CallDecision.read_crime, ~CallDecision.crime),
        and_(CallDecision.read_risk_to_life, ~CallDecision.risk_to_life),
    )
    found = session.execute(
        select(
            CallDecision.category,
            CallDecision.outcome,
            func.count(),
            func.sum(case((and_(deflected, suggested_police), 1), else_=0)),
            func.sum(case((and_(deflected, overridden), 1), else_=0)),
        )
        .select_from(CallDecision)
        .join(Call, Call.id == CallDecision.call_id)
        .where(*_latest_decisions(actor, since, until))
        .group_by(CallDecision.category, CallDecision.outcome)
    ).all()
    lines: dict[str, OutcomeLine] = {}
    for category, outcome, count, against, overrode in found:
        line = lines.setdefault(category, OutcomeLine(category, {}, 0, 0, 0, 0))
        line.counts[outcome] = count
        line.total += count
        if outcome in NOT_POLICE:
            line.not_police += count
        line.against += int(against or 0)
        line.overridden += int(overrode or 0)
    audit.record(
        session,
        actor,
        "view",
        "call_outcomes",
        None,
        after={"since": since.isoformat(), "until": until.isoformat()},
        justification="RCRP outcomes by category",
    )
    order = list(CATEGORIES)
    return sorted(lines.values(), key=lambda x: order.index(Category(x.category)))


@dataclass
class DecidedRow:
    call: Call
    decision: CallDecision
    person: Person | None


def decided(
    session: Session,
    actor: Actor,
    since: datetime,
    until: datetime,
    *,
    category: str | None,
    outcome: str | None,
    page: int,
    per_page: int,
) -> tuple[list[DecidedRow], int]:
    """The calls decided in a period with their latest decision, newest first, filtered."""
    access.require(actor, "call.outcomes")
    where = _latest_decisions(actor, since, until)
    if category:
        where.append(CallDecision.category == category)
    if outcome == "not_police":
        where.append(CallDecision.outcome.in_(NOT_POLICE))
    elif outcome:
        where.append(CallDecision.outcome == outcome)
    total = (
        session.scalar(
            select(func.count())
            .select_from(CallDecision)
            .join(Call, Call.id == CallDecision.call_id)
            .where(*where)
        )
        or 0
    )
    rows = [
        DecidedRow(c, d, p)
        for c, d, p in session.execute(
            select(Call, CallDecision, Person)
            .join(CallDecision, CallDecision.call_id == Call.id)
            .outerjoin(Person, Person.id == Call.person_id)
            .where(*where)
            .order_by(Call.decided_at.desc(), Call.id.desc())
            .offset((page - 1) * per_page)
            .limit(per_page)
        )
    ]
    if rows:
        audit.record(
            session,
            actor,
            "view",
            "call_decided",
            None,
            after={"shown": [r.call.id for r in rows], "category": category, "outcome": outcome},
            justification="Audit of RCRP decisions",
        )
    return rows, total
