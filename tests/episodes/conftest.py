"""What the episode tests share: a hub officer to report, grade and work episodes."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from harbour.actor import Role
from harbour.auth.models import User
from tests.factories import make_user


@pytest.fixture
def hub(session: Session) -> User:
    return make_user(session, Role.hub_officer)
