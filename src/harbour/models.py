"""Import every model so that Alembic and the tests see the whole schema."""

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
from harbour.network import incremental as _incremental  # noqa: F401  (save-time alerts)
from harbour.network.models import AlertNote, NetworkAlert, PlaceBaseline
from harbour.people.models import Association, ImportRef, Person, PersonPhone, Place, Vehicle
from harbour.tasks.models import Notification, Task

metadata = Base.metadata

__all__ = [
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
    "EpisodeInformation",
    "EpisodePhoto",
    "Grading",
    "ImportRef",
    "LoginAttempt",
    "NetworkAlert",
    "Notification",
    "NrmReferral",
    "Organisation",
    "Person",
    "PersonMerge",
    "PersonPhone",
    "Place",
    "PlaceBaseline",
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
