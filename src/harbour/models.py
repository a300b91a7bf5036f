"""Import every model so that Alembic and the tests see the whole schema."""

from harbour.audit.models import AuditEvent, AuditHead, ViewJustification
from harbour.auth.models import ApiToken, LoginAttempt, Organisation, Team, User, UserSession
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
from harbour.interop.models import ImportRef
from harbour.links.models import Association
from harbour.network import incremental as _incremental  # noqa: F401  (save-time alerts)
from harbour.network.models import AlertNote, NetworkAlert, PlaceBaseline
from harbour.people.models import Person, PersonPhone
from harbour.places.models import Place, Vehicle
from harbour.resolution.models import CandidatePair, PersonMerge
from harbour.screening.models import Cawn, NrmReferral, Screening
from harbour.tasks.models import Notification, Task
from harbour.triage.models import Call, CallDecision

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
