"""Property-based tests of the JSON API from its own OpenAPI document (Schemathesis).

Every operation is called with generated valid and invalid data by a signed-in hub officer and
an auditor; no call may end in a server error or answer outside what the schema promises.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance
from sqlalchemy.orm import Session

from harbour.actor import Role
from harbour.app import create_app
from tests.factories import api_token, make_person, make_team, make_user

pytestmark = pytest.mark.slow  # trains or scores a Splink model, or fuzzes the whole API

MAX_EXAMPLES = int(os.environ.get("HARBOUR_SCHEMATHESIS_EXAMPLES", "30"))


@pytest.fixture
def auth_headers(session: Session, request: pytest.FixtureRequest) -> dict[str, str]:
    team = make_team(session)
    officer = make_user(session, Role.hub_officer, team=team)
    make_person(session, officer)
    role = Role.auditor if "audit" in request.node.name else Role.hub_officer
    user = officer if role is Role.hub_officer else make_user(session, role, team=team)
    session.commit()
    return {"Authorization": f"Bearer {api_token(session, user)}"}


# The application holds no database state of its own: requests use whatever the `connection`
# fixture has bound, so a module-level app serves the generated cases.
schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", create_app())


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_and_never_fails(
    case: schemathesis.Case, auth_headers: dict[str, str]
) -> None:
    # Every check runs but "schema-valid data is accepted": JSON Schema cannot say that a date
    # of birth lies in the past or that one of two names must be given, so Harbour rightly
    # answers 422 to some data the schema alone allows.
    case.call_and_validate(headers=auth_headers, excluded_checks=[positive_data_acceptance])
