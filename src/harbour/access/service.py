"""Apply the access table: `require` for one record, `visible` for lists, `can` for navigation.

A model takes part by declaring `__view_action__` (the action that lets an actor see a record at
all) and `__scope_columns__` (which columns hold the owning organisation, team and user). A record
outside the actor's view scope is reported as not found; an action the actor may not take on a
record it can see is forbidden.

The `agreement` scope (partner roles) reaches further only where the caller asks for it with
`shared=True`, and only for a model that names its person column and the field an agreement must
share (`__shared_field__`): the pages that show a shared record by its agreement's field list.
Every other page, asked for a record the actor could see only through an agreement, answers
that it does not exist, so a page written without the field list in mind cannot leak.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select, true
from sqlalchemy.orm import Session, object_session

from harbour.access import agreements
from harbour.access.policy import AGREEMENT_FIELDS, Scope, scope_for
from harbour.actor import Actor
from harbour.errors import Forbidden, NotFound

T = TypeVar("T")


def _columns(model: Any) -> dict[str, Any]:
    columns: dict[str, Any] = getattr(model, "__scope_columns__", {})
    return columns


def _organisations(model: Any) -> tuple[str, ...]:
    """The columns naming the record's organisations: one, or two for a record that passes
    between them (a referral is the sender's and the receiver's)."""
    named = _columns(model).get("organisation")
    if named is None:
        return ()
    return (named,) if isinstance(named, str) else tuple(named)


def _shared_field(model: Any) -> str | None:
    field: str | None = getattr(model, "__shared_field__", None)
    return field if field is not None and "person" in _columns(model) else None


def _field_for(model: Any, action: str | None) -> str | None:
    """The field an agreement must share for `action` on `model` (None: not shareable)."""
    field = _shared_field(model)
    if field is None or action is None:
        return field
    return AGREEMENT_FIELDS.get(action, field)


def _shared(actor: Actor, obj: Any, action: str | None = None) -> bool:
    """Whether an agreement in force shares this record with the actor's organisation (for
    `action`, when it needs a field of its own)."""
    field = _field_for(type(obj), action)
    session = object_session(obj)
    if field is None or session is None or actor.organisation_id is None:
        return False
    person_id = getattr(obj, _columns(type(obj))["person"])
    ids = agreements.people_shared(actor, field).subquery()
    return bool(session.scalar(select(exists().where(ids.c.person_id == person_id))))


def _in_scope(
    actor: Actor, scope: Scope | None, obj: Any, shared: bool = False, action: str | None = None
) -> bool:
    if scope is None:
        return False
    if scope is Scope.all:
        return True
    cols = _columns(type(obj))
    mine = actor.organisation_id
    ours = [getattr(obj, column) == mine for column in _organisations(type(obj))]
    if scope >= Scope.organisation and mine is not None and any(ours):
        return True
    if scope >= Scope.team and "team" in cols:
        team = getattr(obj, cols["team"])
        if actor.team_id is not None and team == actor.team_id:
            return True
    # A record's owner sees it only while it is their organisation's (a partner who named
    # someone on the force's record does not own it).
    mine_too = not _organisations(type(obj)) or any(ours)
    if "owner" in cols and mine_too:
        owner = getattr(obj, cols["owner"])
        if actor.id is not None and owner == actor.id:
            return True
    return shared and scope is Scope.agreement and _shared(actor, obj, action)


def shared_only(actor: Actor, obj: Any) -> bool:
    """Whether the actor sees this record, fetched with `shared=True`, only because an agreement
    shares it (so a page must show it by the agreement's field list). The fetch checked the
    agreement; this asks only whether the actor's own scope would have reached it without one."""
    scope = scope_for(actor.role, obj.__view_action__)
    return scope is Scope.agreement and not _in_scope(actor, scope, obj)


def can(actor: Actor | None, action: str, obj: Any = None) -> bool:
    """Tell whether the actor may take the action (on the record, if one is given)."""
    if actor is None:
        return False
    scope = scope_for(actor.role, action)
    if obj is None:
        return scope is not None
    return _in_scope(actor, scope, obj)


def require(actor: Actor, action: str, obj: Any = None, *, shared: bool = False) -> None:
    """Refuse unless the actor may take the action: 404 out of view scope, 403 otherwise.

    With `shared`, a record an agreement shares with the actor is in view scope."""
    if obj is not None:
        view_action: str = obj.__view_action__
        # Seen through an agreement for an action that needs a field of its own (recording a
        # return interview), the record is in view by that field.
        if not _in_scope(actor, scope_for(actor.role, view_action), obj, shared, action):
            raise NotFound("The record you asked for does not exist or is not yours to see.")
    if obj is None:
        allowed = can(actor, action)
    else:
        allowed = _in_scope(actor, scope_for(actor.role, action), obj, shared, action)
    if not allowed:
        raise Forbidden("Your role does not allow this. Ask your supervisor if you need it.")


def visible(
    actor: Actor, model: Any, action: str | None = None, *, shared: bool = False
) -> ColumnElement[bool]:
    """Return the WHERE clause that narrows `model` to the records the actor may see (with
    `shared`, also those an agreement in force shares with the actor's organisation)."""
    scope = scope_for(actor.role, action or model.__view_action__)
    if scope is None:
        return false()
    if scope is Scope.all:
        return true()
    cols = _columns(model)
    clauses: list[ColumnElement[bool]] = []
    if scope >= Scope.organisation and actor.organisation_id:
        clauses += [getattr(model, c) == actor.organisation_id for c in _organisations(model)]
    if scope >= Scope.team and "team" in cols and actor.team_id:
        clauses.append(getattr(model, cols["team"]) == actor.team_id)
    if "owner" in cols and actor.id is not None:
        owned = getattr(model, cols["owner"]) == actor.id
        orgs = [getattr(model, c) == actor.organisation_id for c in _organisations(model)]
        clauses.append(and_(owned, or_(*orgs)) if orgs else owned)
    field = _field_for(model, action)
    if shared and scope is Scope.agreement and field is not None and actor.organisation_id:
        clauses.append(getattr(model, cols["person"]).in_(agreements.people_shared(actor, field)))
    if not clauses:
        return false()
    return or_(*clauses)


def scoped(actor: Actor, model: type[T]) -> Select[T]:
    """Start a list query over `model` narrowed to what the actor may see."""
    return select(model).where(visible(actor, model))


def fetch(
    session: Session,
    actor: Actor,
    model: type[T],
    record_id: int,
    action: str,
    *,
    shared: bool = False,
) -> T:
    """Load one record for an action, or refuse it (404 out of view scope, 403 otherwise)."""
    obj = session.get(model, record_id)
    if obj is None:
        raise NotFound("The record you asked for does not exist or is not yours to see.")
    require(actor, action, obj, shared=shared)
    return obj
