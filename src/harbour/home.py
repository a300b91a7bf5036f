"""Each role's home page: the boards its work starts from, and a live 'at a glance' panel.

Boards are filled by the capabilities that own them (episodes, reviews, calls, alerts, referrals)
as those land; until then each shows an empty state that says what will appear there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from harbour import clock
from harbour.access.policy import home_boards
from harbour.actor import Actor
from harbour.calls import boards as call_boards
from harbour.calls.routes.pages import labels as call_labels
from harbour.episodes import service as episodes
from harbour.partners import interviews, meetings, referrals
from harbour.people import service as people
from harbour.web import current_actor, get_session, page_router, render

pages = page_router()


@dataclass(frozen=True)
class Board:
    title: str
    empty: str


_REVIEWS = Board("Reviews due", "No risk reviews are due. Reviews appear here when they fall due.")
_OPEN = Board("Open missing episodes", "No one you can see is missing at the moment.")
_CALLS = Board("Calls awaiting a decision", "No calls are waiting for a decision.")
_ALERTS = Board("Exploitation alerts", "No alerts need your attention.")
_REFERRALS = Board(
    "Referrals to your organisation",
    "No referrals are waiting for your organisation. They appear here the moment one is sent.",
)
_RHI = Board(
    "Return home interviews due",
    "No return home interviews are due. A child your agreements cover appears here when found.",
)
_MEETINGS = Board(
    "Meetings",
    "No strategy meetings or MACE panels about the children your agreements share yet.",
)
_AUDIT = Board("Audit checks", "Verify the audit log from the Audit page.")
_ACCOUNTS = Board("Accounts", "Manage accounts from the Users page.")

BOARDS = {
    "calls": _CALLS,
    "open": _OPEN,
    "reviews": _REVIEWS,
    "alerts": _ALERTS,
    "referrals": _REFERRALS,
    "interviews": _RHI,
    "meetings": _MEETINGS,
    "audit": _AUDIT,
    "accounts": _ACCOUNTS,
}


@pages.get("/")
def home(
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    actor: Annotated[Actor, Depends(current_actor)],
) -> Response:
    boards = [BOARDS[name] for name in home_boards(actor.role)]
    open_rows, open_total = episodes.open_episodes(session, actor) if _OPEN in boards else ([], 0)
    review_rows, review_total = (
        episodes.review_board(session, actor, per_page=10) if _REVIEWS in boards else ([], 0)
    )
    call_rows, call_total = (
        call_boards.awaiting(session, actor, per_page=10) if _CALLS in boards else ([], 0)
    )
    interview_rows = interviews.interviews_due(session, actor) if _RHI in boards else []
    referral_rows = referrals.waiting_for(session, actor) if _REFERRALS in boards else []
    meeting_rows = meetings.listed(session, actor, limit=5) if _MEETINGS in boards else []
    return render(
        request,
        "home.html",
        {
            "boards": boards,
            "open_board": _OPEN,
            "open_rows": open_rows,
            "open_total": open_total,
            "review_board": _REVIEWS,
            "rows": review_rows,
            "total": review_total,
            "meetings_board": _MEETINGS,
            "meeting_rows": meeting_rows,
            "referrals_board": _REFERRALS,
            "referral_rows": referral_rows,
            "interviews_board": _RHI,
            "interview_rows": interview_rows,
            "calls_board": _CALLS,
            "call_rows": call_rows,
            "call_total": call_total,
            **call_labels(),
        },
    )


@pages.get("/partials/glance")
def glance(
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    actor: Annotated[Actor, Depends(current_actor)],
) -> Response:
    return render(
        request,
        "partials/glance.html",
        {"people_count": people.count_visible(session, actor), "checked_at": clock.now()},
    )
