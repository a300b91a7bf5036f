"""Property-based tests of the JSON API from its own OpenAPI document (Schemathesis).

Every operation is called with generated valid and invalid data by a signed-in hub officer and
an auditor; no call may end in a server error or answer outside what the schema promises.
"""

from __future__ import annotations

import os
import re
from datetime import date

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


# What JSON Schema cannot say, so that schema-valid data may rightly get a 422: that a date lies
# in the past (and after 1900), and, for a change to a person, that the record keeps one of its
# two names (that depends on the stored record). The document states every other rule the
# server enforces, and the check "schema-valid data is accepted" holds it to that.
STATEFUL = {("PATCH", "/api/v1/people/{person_id}")}
DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")


def _out_of_range_day(value: object) -> bool:
    if isinstance(value, dict):
        return any(_out_of_range_day(v) for v in value.values())
    if isinstance(value, list):
        return any(_out_of_range_day(v) for v in value)
    if isinstance(value, str) and (found := DAY.match(value)):
        return not (int(found.group(1)) >= 1900 and value[:10] <= date.today().isoformat())
    return False


def _nul_anywhere(value: object) -> bool:
    """A NUL in members the schema leaves free-form (any extra member's own members): the edge
    refuses it, and the document can state that only for the members it names."""
    if isinstance(value, dict):
        return any(_nul_anywhere(k) or _nul_anywhere(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_nul_anywhere(v) for v in value)
    return isinstance(value, str) and "\x00" in value


def _rules_the_schema_cannot_state(case: schemathesis.Case) -> bool:
    return (
        (case.method.upper(), case.path) in STATEFUL
        or _out_of_range_day(case.body)
        or _nul_anywhere(case.body)
    )


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_and_never_fails(
    case: schemathesis.Case, auth_headers: dict[str, str]
) -> None:
    excluded = [positive_data_acceptance] if _rules_the_schema_cannot_state(case) else []
    case.call_and_validate(headers=auth_headers, excluded_checks=excluded)
