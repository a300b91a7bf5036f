"""Every table of the schema, for Alembic, the start-up wiring and the tests.

Importing this module has no other effect: the session listeners are registered by
`harbour.startup.start()`.
"""

from harbour.access.agreements import Agreement, AgreementField, AgreementPerson
from harbour.audit.models import AuditEvent, AuditHead, ViewJustification
from harbour.auth.models import ApiToken, LoginAttempt, Organisation, Team, User, UserSession
from harbour.calls.models import Call, CallDecision
from harbour.db import Base
from harbour.episodes.models import (
    Episode,
    EpisodeAction,
    EpisodeCompanion,
    EpisodeInformation,
    EpisodePhoto,
    Grading,
    Review,
)
from harbour.exploitation.models import Cawn, NrmReferral, Screening
from harbour.identity.models import CandidatePair, PersonMerge
from harbour.measures.models import EpisodeFactRow, QaReview
from harbour.network.models import AlertMember, AlertNote, NetworkAlert, PlaceBaseline
from harbour.partners.models import (
    Meeting,
    MeetingAction,
    MeetingAttendee,
    MeetingChild,
    MeetingDecision,
    Referral,
)
from harbour.people.models import (
    Association,
    ImportRef,
    Person,
    PersonAddress,
    PersonPhone,
    PersonPhoto,
    Place,
    Vehicle,
)
from harbour.tasks.models import Notification, Task

metadata = Base.metadata

__all__ = [
    "Agreement",
    "AgreementField",
    "AgreementPerson",
    "AlertMember",
    "AlertNote",
    "ApiToken",
    "Association",
    "AuditEvent",
    "AuditHead",
    "Call",
    "CallDecision",
    "CandidatePair",
    "Cawn",
    "Episode",
    "EpisodeAction",
    "EpisodeCompanion",
    "EpisodeFactRow",
    "EpisodeInformation",
    "EpisodePhoto",
    "Grading",
    "ImportRef",
    "LoginAttempt",
    "Meeting",
    "MeetingAction",
    "MeetingAttendee",
    "MeetingChild",
    "MeetingDecision",
    "NetworkAlert",
    "Notification",
    "NrmReferral",
    "Organisation",
    "Person",
    "PersonAddress",
    "PersonMerge",
    "PersonPhone",
    "PersonPhoto",
    "Place",
    "PlaceBaseline",
    "QaReview",
    "Referral",
    "Review",
    "Screening",
    "Task",
    "Team",
    "User",
    "UserSession",
    "Vehicle",
    "ViewJustification",
    "metadata",
]
