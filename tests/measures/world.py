"""A small world of people, episodes, gradings, reviews, calls and exploitation records, written
row by row so that a test knows every figure the measures should give."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from harbour.auth.models import Organisation
from harbour.calls.models import Call, CallDecision, CallStatus, DecisionKind
from harbour.episodes.models import Episode, EpisodeStatus, Grading, Review
from harbour.exploitation.models import Cawn, NrmReferral, Screening
from harbour.people.models import Person, Place, PlaceType
from harbour.risk.grades import RiskGrade

NOW = datetime(2026, 6, 30, 12, 0, tzinfo=UTC)
FIRST, LAST = date(2026, 6, 1), date(2026, 6, 30)


def at(month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


class World:
    def __init__(self, session: Session, org: Organisation) -> None:
        self.session = session
        self.org = org
        self.places: dict[str, Place] = {}

    def add(self, row: Any) -> Any:
        self.session.add(row)
        self.session.flush()
        return row

    def home(self, borough: str) -> int:
        if borough not in self.places:
            self.places[borough] = self.add(
                Place(type=PlaceType.home, borough=borough, organisation_id=self.org.id)
            )
        return self.places[borough].id

    def person(self, name: str, borough: str | None = None, **fields: Any) -> Person:
        return self.add(
            Person(
                given_name=name,
                family_name="Measured",
                organisation_id=self.org.id,
                home_place_id=self.home(borough) if borough else None,
                **fields,
            )
        )

    def episode(self, person: Person, reported: datetime, **fields: Any) -> Episode:
        status = EpisodeStatus.found if fields.get("found_at") else EpisodeStatus.missing
        return self.add(
            Episode(
                person_id=person.id,
                organisation_id=self.org.id,
                status=status,
                reported_at=reported,
                **fields,
            )
        )

    def grading(
        self,
        episode: Episode,
        when: datetime,
        grade: RiskGrade,
        shown: bool | None,
        *,
        suggested: RiskGrade | None = None,
        rationale: str = "test",
    ) -> None:
        self.add(
            Grading(
                episode_id=episode.id,
                grade=grade,
                suggested_grade=suggested or grade,
                policy_version="test",
                answers={},
                reasons=[],
                rationale=rationale,
                graded_by_name="Grader",
                graded_at=when,
                force_data_shown=shown,
            )
        )

    def review(self, episode: Episode, kind: str, due: datetime, **fields: Any) -> None:
        self.add(Review(episode_id=episode.id, kind=kind, rank="sergeant", due_at=due, **fields))

    def call(self, person: Person | None, decisions: list[tuple[str, str]], when: datetime) -> None:
        call = self.add(
            Call(
                organisation_id=self.org.id,
                received_at=when - timedelta(minutes=10),
                narrative="A call for the measures",
                person_id=person.id if person else None,
                status=CallStatus.decided,
                decided_at=when,
            )
        )
        for outcome, suggested in decisions:
            self.add(
                CallDecision(
                    call_id=call.id,
                    kind=DecisionKind.decision,
                    information="i",
                    threat="t",
                    harm="h",
                    risk="r",
                    investigation="i",
                    vulnerability="v",
                    engagement="e",
                    crime=False,
                    risk_to_life=False,
                    child=False,
                    category="welfare",
                    outcome=outcome,
                    rationale="r",
                    caller_told="c",
                    read_crime=False,
                    read_risk_to_life=False,
                    suggested_outcome=suggested,
                    suggested={},
                    against_suggestion=outcome != suggested,
                    decided_by_name="Handler",
                    decided_by_role="call_handler",
                    decided_at=when,
                )
            )

    def screening(self, person: Person, when: datetime, outcome: str = "cce") -> None:
        self.add(
            Screening(
                person_id=person.id,
                organisation_id=self.org.id,
                indicators=[],
                outcome=outcome,
                rationale="r",
                next_steps=[],
                screened_at=when,
                screened_by_name="Investigator",
            )
        )

    def nrm(self, person: Person, when: datetime, decision: str | None) -> None:
        self.add(
            NrmReferral(
                person_id=person.id,
                organisation_id=self.org.id,
                referred_at=when,
                referred_by_name="Investigator",
                exploitation_types=["criminal"],
                first_responder="Met",
                consent="not_needed_child",
                rg_due_on=when.date() + timedelta(days=5),
                rg_decision=decision,
            )
        )

    def cawn(self, child: Person, adult: Person, when: datetime) -> None:
        self.add(
            Cawn(
                person_id=child.id,
                adult_id=adult.id,
                organisation_id=self.org.id,
                child_age=14,
                looked_after=True,
                grounds="g",
                issued_at=when,
                issued_by_name="Investigator",
                expires_on=when.date() + timedelta(days=730),
            )
        )
