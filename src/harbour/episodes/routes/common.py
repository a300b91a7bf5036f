"""What every episode page shares: the router, the request's dependencies, the grade labels and
the justification gate."""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.orm import Session

from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.episodes import clocks, service
from harbour.episodes.models import Episode
from harbour.people import service as people
from harbour.people.models import Person
from harbour.risk.language import marked
from harbour.web import (
    templates,
)

templates.env.filters["profile_rows"] = service.profile_rows
templates.env.filters["review_label"] = lambda review: clocks.label(review.kind, review.rank)
# Saved free text, with the language to challenge marked wherever it is shown (issue 14).
templates.env.filters["challenge"] = marked


GRADES = {
    "very_low": "Very low (no apparent risk)",
    "low": "Low",
    "medium": "Medium",
    "high": "High",
}


YES_NO_UNKNOWN = {"yes": "Yes", "no": "No", "unknown": "Not known"}


def _open(
    request: Request,
    session: Session,
    actor: Actor,
    episode_id: int,
    here: str,
    action: str = "person.view",
) -> tuple[Episode, Person, str]:
    """Load an episode and its person for a page, asking for a justification if none yet."""
    episode, person = service.find_with_person(session, actor, episode_id, action)
    found = audit.require_justification(session, actor, people.SUBJECT, episode.person_id, here)
    service.record_view(session, actor, episode, found)
    return episode, person, found
