"""Apply the access table: `require` for one record, `visible` for lists, `can` for navigation.

A model takes part by declaring `__view_action__` (the action that lets an actor see a record at
all) and `__scope_columns__` (which columns hold the owning organisation, team and user). A record
outside the actor's view scope is reported as not found; an action the actor may not take on a
record it can see is forbidden.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, false, select, true
from sqlalchemy.orm import Session

from harbour.access.policy import Scope, scope_for
from harbour.actor import Actor
from harbour.errors import Forbidden, NotFound

T = TypeVar("T")


def _columns(model: Any) -> dict[str, str]:
    columns: dict[str, str] = getattr(model, "__scope_columns__", {})
    return columns


def _in_scope(actor: Actor, scope: Scope | None, obj: Any) -> bool:
    if scope is None:
        return False
    if scope is Scope.all:
        return True
    cols = _columns(type(obj))
    if scope >= Scope.organisation and "organisation" in cols:
        org = getattr(obj, cols["organisation"])
        if actor.organisation_id is not None and org == actor.organisation_id:
            return True
    if scope >= Scope.team and "team" in cols:
        team = getattr(obj, cols["team"])
        if actor.team_id is not None and team == actor.team_id:
            return True
    if "owner" in cols:
        owner = getattr(obj, cols["owner"])
        if actor.id is not None and owner == actor.id:
            return True
    return False


def can(actor: Actor | None, action: str, obj: Any = None) -> bool:
    """Tell whether the actor may take the action (on the record, if one is given)."""
    if actor is None:
        return False
    scope = scope_for(actor.role, action)
    if obj is None:
        return scope is not None
    return _in_scope(actor, scope, obj)


def require(actor: Actor, action: str, obj: Any = None) -> None:
    """Refuse unless the actor may take the action: 404 out of view scope, 403 otherwise."""
    if obj is not None:
        view_action: str = obj.__view_action__
        if not _in_scope(actor, scope_for(actor.role, view_action), obj):
            raise NotFound("The record you asked for does not exist or is not yours to see.")
    if not can(actor, action, obj):
        raise Forbidden("Your role does not allow this. Ask your supervisor if you need it.")


def visible(actor: Actor, model: Any, action: str | None = None) -> ColumnElement[bool]:
    """Return the WHERE clause that narrows `model` to the records the actor may see."""
    scope = scope_for(actor.role, action or model.__view_action__)
    if scope is None:
        return false()
    if scope is Scope.all:
        return true()
    cols = _columns(model)
    clauses: list[ColumnElement[bool]] = []
    if scope >= Scope.organisation and "organisation" in cols and actor.organisation_id:
        clauses.append(getattr(model, cols["organisation"]) == actor.organisation_id)
    if scope >= Scope.team and "team" in cols and actor.team_id:
        clauses.append(getattr(model, cols["team"]) == actor.team_id)
    if "owner" in cols and actor.id is not None:
        clauses.append(getattr(model, cols["owner"]) == actor.id)
    if not clauses:
        return false()
    from sqlalchemy import or_

    return or_(*clauses)


def scoped(actor: Actor, model: type[T]) -> Select[T]:
    """Start a list query over `model` narrowed to what the actor may see."""
    return select(model).where(visible(actor, model))


def fetch(session: Session, actor: Actor, model: type[T], record_id: int, action: str) -> T:
    """Load one record for an action, or refuse it (404 out of view scope, 403 otherwise)."""
    obj = session.get(model, record_id)
    if obj is None:
        raise NotFound("The record you asked for does not exist or is not yours to see.")
    require(actor, action, obj)
    return obj
