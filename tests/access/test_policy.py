"""The access table and the one place that reads it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour.access import service as access
from harbour.access.policy import POLICY, Scope, scope_for
from harbour.actor import Role
from harbour.errors import Forbidden, NotFound
from harbour.people.models import Person
from tests.factories import actor_of, make_org, make_person, make_team, make_user

SRC = Path(__file__).resolve().parents[2] / "src" / "harbour"


def test_every_action_names_known_roles_and_scopes() -> None:
    for action, table in POLICY.items():
        assert "." in action
        for role, scope in table.items():
            assert isinstance(role, Role), action
            assert isinstance(scope, Scope), action


def test_unknown_actions_are_a_programming_error() -> None:
    with pytest.raises(KeyError, match="unknown action"):
        scope_for(Role.officer, "person.teleport")


def test_rank_rules_are_actions_in_the_table() -> None:
    assert scope_for(Role.inspector, "risk.review_high") is not None
    assert scope_for(Role.sergeant, "risk.review_high") is None
    assert scope_for(Role.officer, "call.close_child_advice_only") is None


# Where naming a role is not a rule: the enum itself, creating accounts (the CLI, the demo).
ROLE_NAMERS = {"actor.py", "demo.py"}


def _role_rules(tree: ast.AST) -> list[str]:
    """Every place a module names a role or reads an actor's role to decide something."""
    found = []
    members = {role.name for role in Role}
    for node in ast.walk(tree):
        text = ast.unparse(node) if isinstance(node, ast.expr) else ""
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in ("Role", "R")
            and node.attr in members
        ):
            found.append(text)  # a role named: in a list, a set, a dict, a comparison
        elif isinstance(node, ast.Compare) and ".role" in text:
            found.append(text)  # actor.role == ..., actor.role in (...)
        elif isinstance(node, ast.Subscript) and ".role" in ast.unparse(node.slice):
            found.append(text)  # TABLE[actor.role]
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and any(".role" in ast.unparse(a) for a in node.args)
        ):
            found.append(text)  # TABLE.get(actor.role)
    return found


def test_no_role_is_checked_outside_the_access_package() -> None:
    """Routes and services ask the policy; they never name roles or look up an actor's role."""
    offenders = []
    for path in SRC.rglob("*.py"):
        if "access" in path.parts or "cli" in path.parts or path.name in ROLE_NAMERS:
            continue
        offenders += [
            f"{path.relative_to(SRC)}: {t}" for t in _role_rules(ast.parse(path.read_text()))
        ]
    assert offenders == []


@pytest.mark.parametrize(
    "code",
    [
        "if actor.role == Role.sergeant: pass",
        "allowed = actor.role in (Role.sergeant, Role.inspector)",
        "ROLES = [Role.officer, Role.hub_officer]",
        "boards = BOARDS[actor.role]",
        "boards = BOARDS.get(actor.role, [])",
        "LADDER = {R.sergeant: 1}",
    ],
)
def test_the_role_guard_catches_each_way_of_writing_a_role_rule(code: str) -> None:
    assert _role_rules(ast.parse(code))


def test_team_scope_sees_only_its_team(session: Session) -> None:
    org = make_org(session)
    team_a, team_b = make_team(session, org), make_team(session, org)
    partner_a = make_user(session, Role.partner_practitioner, team=team_a)
    partner_b = make_user(session, Role.partner_practitioner, team=team_b)
    person = make_person(session, partner_a)
    access.require(actor_of(partner_a), "person.view", person)
    with pytest.raises(NotFound):
        access.require(actor_of(partner_b), "person.view", person)
    visible = session.scalars(access.scoped(actor_of(partner_b), Person)).all()
    assert person not in visible


def test_visible_and_require_agree(session: Session) -> None:
    org = make_org(session)
    team = make_team(session, org)
    other = make_team(session, make_org(session))
    people = [make_person(session, make_user(session, team=t)) for t in (team, team, other)]
    for role in Role:
        actor = actor_of(make_user(session, role, team=team))
        listed = set(session.scalars(select(Person.id).where(access.visible(actor, Person))))
        for person in people:
            allowed = True
            try:
                access.require(actor, "person.view", person)
            except (NotFound, Forbidden):
                allowed = False
            assert allowed == (person.id in listed), (role, person.id)


def test_seen_but_not_changeable_is_forbidden(session: Session) -> None:
    team = make_team(session)
    person = make_person(session, make_user(session, team=team))
    analyst = actor_of(make_user(session, Role.analyst, team=team))
    access.require(analyst, "person.view", person)
    with pytest.raises(Forbidden):
        access.require(analyst, "person.update", person)
