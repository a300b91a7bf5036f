"""Import every model so that Alembic and the tests see the whole schema."""

from harbour.audit.models import AuditEvent, AuditHead, ViewJustification
from harbour.auth.models import ApiToken, LoginAttempt, Organisation, Team, User, UserSession
from harbour.db import Base
from harbour.people.models import Person

metadata = Base.metadata

__all__ = [
    "ApiToken",
    "AuditEvent",
    "AuditHead",
    "LoginAttempt",
    "Organisation",
    "Person",
    "Team",
    "User",
    "UserSession",
    "ViewJustification",
    "metadata",
]
