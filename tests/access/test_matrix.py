"""The permission matrix: every route, for anonymous, wrong role, permitted and out of scope.

A route added without a row here fails `test_every_route_is_in_the_matrix`, so no route escapes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import Connection, Engine
from sqlalchemy.orm import Session

from harbour import clock, db, timefmt
from harbour.actor import Role
from harbour.app import route_table
from harbour.auth import credentials
from harbour.auth.models import OrganisationKind, Team, User
from harbour.episodes import service
from harbour.exploitation import disruptions, notices, referrals
from harbour.exploitation.schemas import DisruptionInput
from harbour.identity import merging
from harbour.identity.models import CandidatePair
from harbour.measures.models import QaReview
from harbour.network.models import NetworkAlert
from harbour.partners import meetings
from harbour.partners.models import Referral, ReferralStatus
from harbour.people import addresses, photos
from harbour.people.models import Person
from harbour.people.schemas import AddressAdd
from harbour.risk.grades import RiskGrade
from tests.factories import (
    PASSWORD,
    actor_of,
    api_token,
    csrf_from,
    make_agreement,
    make_call,
    make_episode,
    make_org,
    make_person,
    make_team,
    make_user,
    sign_in,
)

R = Role
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
PUBLIC = "public"
ANY = "any"


@dataclass(frozen=True)
class Case:
    permitted: Role | str
    wrong: Role | None = None
    wrong_status: int = 403
    scoped: bool = False
    form: Callable[[dict[str, int]], dict[str, str]] | None = None
    json: Callable[[dict[str, int]], dict[str, object]] | None = None
    # What a permitted role gets when the route needs more than the role (a justification
    # given earlier in the sign-in session); None means any success.
    allowed_status: int | None = None
    files: Callable[[dict[str, int]], dict[str, tuple[str, bytes, str]]] | None = None


def _person_form(_: dict[str, int]) -> dict[str, str]:
    return {"given_name": "Matrix", "family_name": "Case", "sex": "female"}


def _report_form(_: dict[str, int]) -> dict[str, str]:
    return {
        "reporter_name": "Matrix Reporter",
        "reporter_relationship": "carer",
        "last_seen_text": "Outside the school gates",
    }


def _version_form(ids: dict[str, int]) -> dict[str, str]:
    return {"version": str(ids["episode_version"])}


def _information_form(ids: dict[str, int]) -> dict[str, str]:
    return _version_form(ids) | {"topic": "other", "text": "Seen on a bus", "given_by": "A friend"}


def _grading_form(ids: dict[str, int]) -> dict[str, str]:
    return _version_form(ids) | {"grade": "medium", "rationale": "Matrix grading"}


def _review_form(ids: dict[str, int]) -> dict[str, str]:
    return _version_form(ids) | {
        "decision": "confirmed",
        "plan": "Matrix plan",
        "reporter_contact": "Spoke to the mother",
    }


def _found_form(ids: dict[str, int]) -> dict[str, str]:
    return _version_form(ids) | {"found_text": "At a friend's home", "outcome": "found_safe"}


def _named_form(kind: str, **fields: str) -> dict[str, str]:
    """A place, vehicle or phone named on return (the place linked as where they were found)."""
    return {f"named_{kind}_step": "found", f"named_{kind}_link": "found_at"} | {
        f"named_{kind}_{k}": v for k, v in fields.items()
    }


def _call_form(_: dict[str, int]) -> dict[str, str]:
    return {
        "caller": "Matrix Caller",
        "caller_type": "family",
        "narrative": "Matrix narrative: she has not come home from school.",
    }


def _call_version_form(ids: dict[str, int]) -> dict[str, str]:
    return {"version": str(ids["call_version"])}


def _screening_form(_: dict[str, int]) -> dict[str, str]:
    return {"outcome": "no_concerns", "rationale": "Matrix screening"}


def _referral_form(ids: dict[str, int]) -> dict[str, str]:
    return {"version": str(ids["referral_version"])}


def _cawn_form(ids: dict[str, int]) -> dict[str, str]:
    return {"version": str(ids["cawn_version"])}


def _disruption_form(ids: dict[str, int]) -> dict[str, str]:
    return {
        "kind": "arrest",
        "starts_on_day": "1",
        "starts_on_month": "12",
        "starts_on_year": "2026",
        "child_ids": str(ids["disruption_child_id"]),
    }


def _philomena_form(ids: dict[str, int]) -> dict[str, str]:
    return {"version": str(ids["version"]), "description": "Matrix description"}


def _herbert_form(ids: dict[str, int]) -> dict[str, str]:
    today = timefmt.local(clock.now()).date()
    return _philomena_form(ids) | {
        "consent": "best_interests",
        "consent_by": "Matrix daughter",
        "consent_on_day": str(today.day),
        "consent_on_month": str(today.month),
        "consent_on_year": str(today.year),
        "consent_basis": "Lacks capacity to decide; her daughter was consulted",
    }


def _end_address_form(ids: dict[str, int]) -> dict[str, str]:
    today = timefmt.local(clock.now()).date()
    return {
        "version": str(ids["version"]),
        "address": str(ids["address_id"]),
        "to_on_day": str(today.day),
        "to_on_month": str(today.month),
        "to_on_year": str(today.year),
    }


def _password_form() -> dict[str, str]:
    new = "matrix-lantern-pebble-7"
    return {"current_password": PASSWORD, "new_password": new, "confirm_password": new}


def _agreement_form(ids: dict[str, int]) -> dict[str, str]:
    today = timefmt.local(clock.now()).date()
    return {
        "reference": f"ISA-M-{ids['partner_org_id']}-2",
        "title": "Matrix agreement",
        "partner_id": str(ids["partner_org_id"]),
        "purpose": "Return home interviews",
        "condition": "safeguarding",
        "covers": "named_cases",
        "starts_on_day": str(today.day),
        "starts_on_month": str(today.month),
        "starts_on_year": str(today.year),
        "review_on_day": "1",
        "review_on_month": "1",
        "review_on_year": str(today.year + 1),
    }


def _an_hour_ago() -> dict[str, str]:
    at = timefmt.local(clock.now() - timedelta(hours=1))
    return {"day": str(at.day), "month": str(at.month), "year": str(at.year), "time": f"{at:%H:%M}"}


def _change_form(what: str) -> Callable[[dict[str, int]], dict[str, str]]:
    return lambda ids: {"version": str(ids["agreement_version"]), f"{what}_reason": "Matrix"}


MATRIX: dict[tuple[str, str], Case] = {
    ("GET", "/sign-in"): Case(PUBLIC),
    ("POST", "/sign-in"): Case(PUBLIC),
    ("GET", "/healthz"): Case(PUBLIC),
    ("GET", "/readyz"): Case(PUBLIC),
    ("GET", "/metrics"): Case(PUBLIC),
    ("GET", "/api/docs"): Case(PUBLIC),
    ("POST", "/sign-out"): Case(ANY),
    ("GET", "/"): Case(ANY),
    ("GET", "/partials/glance"): Case(ANY),
    ("GET", "/account"): Case(ANY),
    ("POST", "/account/tokens"): Case(ANY, form=lambda _: {"name": "matrix", "days": "30"}),
    ("GET", "/account/password"): Case(ANY),
    ("POST", "/account/password"): Case(ANY, form=lambda _: _password_form()),
    ("POST", "/account/tokens/{token_id}/revoke"): Case(ANY, scoped=True),
    ("GET", "/admin/users"): Case(R.administrator, wrong=R.officer),
    ("GET", "/agreements"): Case(R.administrator, wrong=R.officer),
    ("GET", "/meetings"): Case(R.officer, wrong=R.administrator),
    ("GET", "/meetings/new"): Case(R.hub_officer, wrong=R.call_handler),
    ("POST", "/meetings/new"): Case(
        R.hub_officer,
        wrong=R.call_handler,
        form=lambda ids: {
            "kind": "mace",
            "chair": "DI Matrix",
            "child_ids": str(ids["person_id"]),
            "information": "Matrix information",
            **{f"held_at_{k}": v for k, v in _an_hour_ago().items()},
        },
    ),
    ("GET", "/meetings/{meeting_id}"): Case(
        R.officer, wrong=R.administrator, wrong_status=403, scoped=True
    ),
    ("GET", "/referrals"): Case(R.call_handler, wrong=R.analyst),
    ("GET", "/referrals/new"): Case(R.partner_practitioner, wrong=R.analyst),
    ("POST", "/referrals/new"): Case(
        R.partner_practitioner,
        wrong=R.analyst,
        form=lambda ids: {
            "to_organisation_id": str(ids["partner_org_id"]),
            "person_text": "A boy of about 15",
            "summary_text": "Matrix concern",
            "consent": "given",
        },
    ),
    ("GET", "/referrals/{referral_id}"): Case(
        R.call_handler, wrong=R.analyst, wrong_status=404, scoped=True
    ),
    ("POST", "/referrals/{referral_id}/answer"): Case(
        R.hub_officer,
        wrong=R.call_handler,
        scoped=True,
        form=lambda ids: {"decision": "accept", "version": str(ids["referral_version"])},
    ),
    ("GET", "/calls/{call_id}/referral"): Case(
        R.call_handler, wrong=R.administrator, wrong_status=404, scoped=True
    ),
    # The matrix's call is not decided yet: a permitted role is told to decide it first (409).
    ("POST", "/calls/{call_id}/referral"): Case(
        R.call_handler,
        wrong=R.analyst,
        scoped=True,
        allowed_status=409,
        form=lambda ids: {
            "to_organisation_id": str(ids["partner_org_id"]),
            "summary_text": "Matrix",
            "consent": "given",
        },
    ),
    ("GET", "/agreements/new"): Case(R.administrator, wrong=R.sergeant),
    ("POST", "/agreements/new"): Case(R.administrator, wrong=R.sergeant, form=_agreement_form),
    ("GET", "/agreements/{agreement_id}"): Case(R.sergeant, wrong=R.partner_practitioner),
    ("POST", "/agreements/{agreement_id}/cases"): Case(
        R.administrator,
        wrong=R.sergeant,
        form=lambda ids: {"person_id": str(ids["twin_id"]), "reason": "Matrix case"},
    ),
    ("POST", "/agreements/{agreement_id}/cases/{person_id}/remove"): Case(
        R.administrator, wrong=R.inspector
    ),
    ("POST", "/agreements/{agreement_id}/suspend"): Case(
        R.administrator, wrong=R.superintendent, form=_change_form("suspend")
    ),
    # An agreement in force cannot be resumed: the permitted role is told so (409).
    ("POST", "/agreements/{agreement_id}/resume"): Case(
        R.administrator, wrong=R.sergeant, form=_change_form("resume"), allowed_status=409
    ),
    ("POST", "/agreements/{agreement_id}/review"): Case(
        R.administrator,
        wrong=R.sergeant,
        form=lambda ids: {
            "version": str(ids["agreement_version"]),
            "review_note": "Still needed",
            "next_review_day": "1",
            "next_review_month": "1",
            "next_review_year": str(timefmt.local(clock.now()).year + 2),
        },
    ),
    ("POST", "/agreements/{agreement_id}/end"): Case(
        R.administrator, wrong=R.sergeant, form=_change_form("end")
    ),
    # Only a partner shown the person by an agreement sharing photos gets the photo (tested in
    # tests/partners); to everyone else the route does not exist.
    # A partner whose agreement shares the child's return interviews records them (tested in
    # tests/partners); the matrix's partner is of the episode's own team, so it is asked why it
    # needs the child's record first (the justification page).
    ("GET", "/shared/episodes/{episode_id}/interview"): Case(
        R.partner_practitioner, wrong=R.hub_officer, scoped=True
    ),
    ("POST", "/shared/episodes/{episode_id}/interview"): Case(
        R.partner_practitioner, wrong=R.hub_officer, scoped=True
    ),
    # Likewise the export of what an agreement shares (tested in tests/partners/test_exports.py).
    ("POST", "/shared/people/{person_id}/export"): Case(
        R.partner_practitioner, wrong=R.officer, wrong_status=404, allowed_status=404
    ),
    ("GET", "/shared/people/{person_id}/photo"): Case(
        R.partner_practitioner, wrong=R.officer, wrong_status=404, allowed_status=404
    ),
    ("GET", "/admin/users/{user_id}/active"): Case(
        R.administrator, wrong=R.sergeant, wrong_status=404
    ),
    ("POST", "/admin/users/{user_id}/active"): Case(
        R.administrator,
        wrong=R.sergeant,
        wrong_status=404,  # a sergeant cannot see other accounts at all
        form=lambda _: {"active": "0", "reason": "matrix test"},
    ),
    ("GET", "/admin/users/{user_id}/email"): Case(
        R.administrator, wrong=R.sergeant, wrong_status=404
    ),
    ("POST", "/admin/users/{user_id}/email"): Case(
        R.administrator,
        wrong=R.sergeant,
        wrong_status=404,
        form=lambda _: {"email": "matrix@force.example"},
    ),
    ("GET", "/people"): Case(R.hub_officer, wrong=R.administrator),
    ("GET", "/people/new"): Case(R.officer, wrong=R.auditor),
    ("POST", "/people/new"): Case(R.officer, wrong=R.auditor, form=_person_form),
    ("GET", "/people/{person_id}"): Case(
        R.hub_officer, wrong=R.administrator, wrong_status=404, scoped=True
    ),
    ("POST", "/people/{person_id}/justify"): Case(
        R.hub_officer,
        wrong=R.administrator,
        wrong_status=404,
        scoped=True,
        form=lambda _: {"reason": "risk_assessment"},
    ),
    ("GET", "/people/{person_id}/edit"): Case(R.hub_officer, wrong=R.analyst, scoped=True),
    ("POST", "/people/{person_id}/edit"): Case(
        R.hub_officer,
        wrong=R.analyst,
        scoped=True,
        form=lambda ids: _person_form(ids) | {"version": str(ids["version"])},
    ),
    ("GET", "/people/{person_id}/markers"): Case(R.hub_officer, wrong=R.analyst, scoped=True),
    ("POST", "/people/{person_id}/markers"): Case(
        R.hub_officer,
        wrong=R.analyst,
        scoped=True,
        form=lambda ids: {"version": str(ids["version"])},
    ),
    ("GET", "/people/{person_id}/care"): Case(R.sergeant, wrong=R.auditor, scoped=True),
    ("POST", "/people/{person_id}/care"): Case(
        R.sergeant,
        wrong=R.auditor,
        scoped=True,
        form=lambda ids: {"version": str(ids["version"]), "looked_after": "no"},
    ),
    # The rest of the person's record: addresses, photos, the Philomena and Herbert profiles.
    ("GET", "/people/{person_id}/addresses"): Case(
        R.officer, wrong=R.administrator, wrong_status=404, scoped=True
    ),
    ("POST", "/people/{person_id}/addresses"): Case(
        R.hub_officer,
        wrong=R.analyst,
        scoped=True,
        form=lambda ids: {
            "version": str(ids["version"]),
            "type": "foster_home",
            "address": "1 Matrix Road",
        },
    ),
    ("POST", "/people/{person_id}/addresses/end"): Case(
        R.sergeant, wrong=R.analyst, scoped=True, form=_end_address_form
    ),
    ("GET", "/people/{person_id}/photos"): Case(
        R.analyst, wrong=R.administrator, wrong_status=404, scoped=True
    ),
    ("POST", "/people/{person_id}/photos"): Case(
        R.hub_officer,
        wrong=R.analyst,
        scoped=True,
        form=lambda ids: {"version": str(ids["version"])},
        files=lambda _: {"photo": ("matrix.png", PNG, "image/png")},
    ),
    # A photo is shown only to a sign-in that gave its reason for the record (403 without).
    ("GET", "/people/{person_id}/photos/{person_photo_id}"): Case(
        R.hub_officer, wrong=R.administrator, wrong_status=404, scoped=True, allowed_status=403
    ),
    ("GET", "/people/{person_id}/philomena"): Case(
        R.hub_officer, wrong=R.administrator, wrong_status=404, scoped=True
    ),
    ("GET", "/people/{person_id}/philomena/edit"): Case(
        R.hub_officer, wrong=R.analyst, scoped=True
    ),
    ("POST", "/people/{person_id}/philomena/edit"): Case(
        R.hub_officer, wrong=R.analyst, scoped=True, form=_philomena_form
    ),
    ("GET", "/people/{person_id}/herbert"): Case(
        R.sergeant, wrong=R.administrator, wrong_status=404, scoped=True
    ),
    ("GET", "/people/{person_id}/herbert/edit"): Case(R.officer, wrong=R.auditor, scoped=True),
    ("POST", "/people/{person_id}/herbert/edit"): Case(
        R.officer, wrong=R.auditor, scoped=True, form=_herbert_form
    ),
    ("GET", "/audit"): Case(R.auditor, wrong=R.superintendent),
    ("POST", "/audit/verify"): Case(R.auditor, wrong=R.officer),
    ("GET", "/api/v1/me"): Case(ANY),
    ("GET", "/api/v1/people"): Case(R.analyst, wrong=R.administrator),
    ("POST", "/api/v1/people"): Case(
        R.call_handler, wrong=R.auditor, json=lambda _: {"given_name": "Api", "sex": "unknown"}
    ),
    ("GET", "/api/v1/people/{person_id}"): Case(
        R.sergeant, wrong=R.administrator, wrong_status=404, scoped=True
    ),
    ("PATCH", "/api/v1/people/{person_id}"): Case(
        R.inspector,
        wrong=R.analyst,
        scoped=True,
        json=lambda ids: {"given_name": "Changed", "version": ids["version"]},
    ),
    ("GET", "/api/v1/audit/events"): Case(R.auditor, wrong=R.inspector),
    ("POST", "/api/v1/risk/language"): Case(ANY, json=lambda _: {"text": "very streetwise"}),
    ("POST", "/api/v1/risk/suggest"): Case(
        ANY, json=lambda _: {"age_years": 14, "answers": {"looked_after": True}}
    ),
    ("POST", "/api/v1/triage/suggest"): Case(
        ANY, json=lambda _: {"narrative": "Informal patient left the ward, not suicidal."}
    ),
    ("POST", "/api/v1/audit/verify"): Case(R.auditor, wrong=R.analyst),
    # Missing episodes. Pages that show personal data answer the justification page (200) to a
    # permitted role that has not given one yet; the role and scope checks come first.
    ("GET", "/episodes/new"): Case(R.call_handler, wrong=R.analyst),
    ("POST", "/episodes/new"): Case(R.call_handler, wrong=R.analyst),
    ("GET", "/episodes/new/{person_id}"): Case(R.call_handler, wrong=R.analyst, scoped=True),
    ("POST", "/episodes/new/{person_id}"): Case(
        R.call_handler, wrong=R.analyst, scoped=True, form=_report_form
    ),
    ("GET", "/episodes/{episode_id}"): Case(
        R.hub_officer, wrong=R.administrator, wrong_status=404, scoped=True
    ),
    ("POST", "/episodes/{episode_id}/information"): Case(
        R.officer, wrong=R.analyst, scoped=True, form=_information_form
    ),
    ("GET", "/episodes/{episode_id}/grade"): Case(R.hub_officer, wrong=R.call_handler, scoped=True),
    ("POST", "/episodes/{episode_id}/grade"): Case(
        R.hub_officer, wrong=R.call_handler, scoped=True, form=_grading_form
    ),
    ("POST", "/episodes/{episode_id}/grade/suggest"): Case(
        R.hub_officer, wrong=R.call_handler, scoped=True, form=_grading_form
    ),
    ("POST", "/partials/language"): Case(
        ANY, form=lambda _: {"field": "text", "text": "she is streetwise"}
    ),
    ("GET", "/episodes/{episode_id}/reviews/{review_id}"): Case(
        R.sergeant, wrong=R.hub_officer, scoped=True
    ),
    ("POST", "/episodes/{episode_id}/reviews/{review_id}"): Case(
        R.sergeant, wrong=R.hub_officer, scoped=True, form=_review_form
    ),
    ("GET", "/reviews"): Case(R.sergeant, wrong=R.administrator),
    ("GET", "/partials/reviews"): Case(R.inspector, wrong=R.administrator),
    # One route for the return's steps: found, safe-and-well, return-interview.
    ("POST", "/episodes/{episode_id}/{step}"): Case(
        R.officer, wrong=R.analyst, scoped=True, form=_found_form
    ),
    ("POST", "/episodes/{episode_id}/close"): Case(
        R.hub_officer, wrong=R.officer, scoped=True, form=_version_form
    ),
    ("POST", "/episodes/{episode_id}/actions"): Case(
        R.officer,
        wrong=R.analyst,
        scoped=True,
        form=lambda ids: _version_form(ids) | {"kind": "out_of_hours_told"},
    ),
    ("POST", "/episodes/{episode_id}/handover"): Case(
        R.hub_officer,
        wrong=R.analyst,
        scoped=True,
        form=lambda ids: _version_form(ids) | {"owner_id": str(ids["user_id"])},
    ),
    ("POST", "/episodes/{episode_id}/named"): Case(
        R.officer,
        wrong=R.analyst,
        scoped=True,
        form=lambda ids: (
            _version_form(ids) | {"named_step": "found_with", "named_family_name": "X"}
        ),
    ),
    ("POST", "/episodes/{episode_id}/named/place"): Case(
        R.exploitation_investigator,
        wrong=R.analyst,
        scoped=True,
        form=lambda ids: _version_form(ids) | _named_form("place", name="Chicken shop"),
    ),
    ("POST", "/episodes/{episode_id}/named/vehicle"): Case(
        R.call_handler,
        wrong=R.partner_practitioner,
        scoped=True,
        form=lambda ids: _version_form(ids) | _named_form("vehicle", registration="AB12CDE"),
    ),
    ("POST", "/episodes/{episode_id}/named/phone"): Case(
        R.sergeant,
        wrong=R.auditor,
        scoped=True,
        form=lambda ids: (
            _version_form(ids) | _named_form("phone", whose="theirs", number="07700900123")
        ),
    ),
    ("POST", "/episodes/{episode_id}/tasks"): Case(
        R.officer, wrong=R.analyst, scoped=True, form=lambda _: {"title": "Check hospitals"}
    ),
    ("POST", "/episodes/{episode_id}/photos"): Case(
        R.officer, wrong=R.analyst, scoped=True, form=_version_form
    ),
    ("GET", "/episodes/{episode_id}/photos/{photo_id}"): Case(
        R.hub_officer, wrong=R.administrator, wrong_status=404, scoped=True, allowed_status=403
    ),
    ("GET", "/episodes/{episode_id}/briefing"): Case(
        R.officer, wrong=R.administrator, wrong_status=404, scoped=True
    ),
    ("GET", "/casework/unowned"): Case(R.hub_officer, wrong=R.analyst),
    ("POST", "/casework/reassign"): Case(
        R.sergeant,
        wrong=R.hub_officer,
        form=lambda ids: {"from_id": str(ids["user_id"]), "to_id": "queue", "reason": "Left"},
    ),
    ("GET", "/tasks"): Case(R.officer, wrong=R.analyst),
    ("POST", "/tasks/{task_id}/complete"): Case(
        R.officer,
        wrong=R.analyst,
        scoped=True,
        form=lambda ids: {"result": "Done", "version": str(ids["task_version"])},
    ),
    ("POST", "/tasks/{task_id}/carry"): Case(
        R.officer,
        wrong=R.analyst,
        scoped=True,
        form=lambda ids: {"carried_reason": "Goes on", "version": str(ids["task_version"])},
    ),
    ("POST", "/tasks/{task_id}/handover"): Case(
        R.sergeant,
        wrong=R.analyst,
        scoped=True,
        form=lambda ids: {"owner_id": str(ids["user_id"]), "version": str(ids["task_version"])},
    ),
    ("GET", "/people/{person_id}/episodes"): Case(
        R.hub_officer, wrong=R.administrator, wrong_status=404, scoped=True
    ),
    # Calls. A call's pages answer the justification page (200) to a permitted role that has not
    # given one yet, after the role and scope checks.
    ("GET", "/calls"): Case(R.call_handler, wrong=R.analyst),
    ("GET", "/partials/calls"): Case(R.officer, wrong=R.analyst),
    ("GET", "/calls/new"): Case(R.call_handler, wrong=R.analyst),
    ("POST", "/calls/new"): Case(R.call_handler, wrong=R.analyst, form=_call_form),
    ("GET", "/calls/decided"): Case(R.sergeant, wrong=R.call_handler),
    ("GET", "/casework/workload"): Case(R.hub_officer, wrong=R.officer),
    # The inspection measures: figures for supervisors and analysts, not for the front line.
    ("GET", "/measures"): Case(R.inspector, wrong=R.officer),
    ("GET", "/measures/figures.csv"): Case(R.analyst, wrong=R.call_handler),
    ("GET", "/measures/trend.csv"): Case(R.sergeant, wrong=R.hub_officer),
    ("GET", "/measures/breakdown.csv"): Case(R.superintendent, wrong=R.partner_practitioner),
    ("GET", "/measures/disproportionality.csv"): Case(R.inspector, wrong=R.auditor),
    ("GET", "/measures/quality.csv"): Case(R.analyst, wrong=R.exploitation_investigator),
    ("GET", "/measures/qa"): Case(R.sergeant, wrong=R.analyst),
    ("POST", "/measures/qa/draw"): Case(
        R.inspector,
        wrong=R.analyst,
        form=lambda _: {"from": "2026-01-01", "to": "2026-01-31", "size": "5"},
    ),
    ("POST", "/measures/qa/{qa_id}"): Case(
        R.sergeant,
        wrong=R.analyst,
        wrong_status=404,
        scoped=True,
        form=lambda ids: {"verdict": "right", "version": "1"},
    ),
    ("GET", "/calls/{call_id}"): Case(
        R.call_handler, wrong=R.administrator, wrong_status=404, scoped=True
    ),
    ("POST", "/calls/{call_id}/justify"): Case(
        R.officer,
        wrong=R.administrator,
        wrong_status=404,
        scoped=True,
        form=lambda _: {"reason": "risk_assessment"},
    ),
    ("POST", "/calls/{call_id}/suggest"): Case(
        R.call_handler, wrong=R.analyst, scoped=True, form=lambda _: {"crime": "yes"}
    ),
    ("POST", "/calls/{call_id}/decide"): Case(
        R.call_handler, wrong=R.analyst, scoped=True, form=_call_version_form
    ),
    ("POST", "/calls/{call_id}/confirm"): Case(
        R.sergeant,
        wrong=R.call_handler,
        scoped=True,
        form=lambda ids: _call_version_form(ids) | {"note": "Matrix agreement"},
    ),
    ("POST", "/calls/{call_id}/handover"): Case(
        R.officer, wrong=R.analyst, scoped=True, form=_call_version_form
    ),
    ("POST", "/calls/{call_id}/person"): Case(
        R.call_handler,
        wrong=R.analyst,
        scoped=True,
        form=lambda ids: _call_version_form(ids) | {"person_id": str(ids["person_id"])},
    ),
    # Identity: the review queue, a pair side by side, merges. Both records must be in scope.
    ("GET", "/identity/review"): Case(R.analyst, wrong=R.call_handler),
    ("GET", "/identity/pairs/{pair_id}"): Case(R.analyst, wrong=R.officer, scoped=True),
    ("POST", "/identity/pairs/{pair_id}"): Case(
        R.hub_officer,
        wrong=R.officer,
        scoped=True,
        form=lambda ids: {"decision": "unsure", "version": str(ids["pair_version"])},
    ),
    ("GET", "/people/{person_id}/merges"): Case(
        R.officer, wrong=R.administrator, wrong_status=404, scoped=True
    ),
    ("POST", "/people/{person_id}/merges"): Case(
        R.sergeant,
        wrong=R.officer,
        scoped=True,
        form=lambda ids: {"other": str(ids["twin_id"]), "reason": "Same school and phone"},
    ),
    ("POST", "/people/{person_id}/merges/{merge_id}/undo"): Case(
        R.analyst,
        wrong=R.officer,
        scoped=True,
        form=lambda ids: {f"undo-{ids['merge_id']}-reason": "Different dates of birth"},
    ),
    ("GET", "/api/v1/people-matches"): Case(R.call_handler, wrong=R.administrator),
    ("POST", "/partials/person-matches"): Case(R.call_handler, wrong=R.analyst),
    # Screening, NRM referrals and CAWNs, recorded from the child's timeline page. A permitted
    # role that has not given this sign-in's reason for the child gets the justification page.
    ("POST", "/people/{person_id}/screenings"): Case(
        R.exploitation_investigator, wrong=R.analyst, scoped=True, form=_screening_form
    ),
    ("POST", "/people/{person_id}/nrm-referrals"): Case(
        R.hub_officer,
        wrong=R.analyst,
        scoped=True,
        form=lambda _: {"exploitation_types": "criminal", "first_responder": "Matrix Police"},
    ),
    ("POST", "/nrm-referrals/{referral_id}/reasonable-grounds"): Case(
        R.sergeant, wrong=R.analyst, scoped=True, form=_referral_form
    ),
    ("POST", "/nrm-referrals/{referral_id}/conclusive-grounds"): Case(
        R.exploitation_investigator, wrong=R.call_handler, scoped=True, form=_referral_form
    ),
    ("POST", "/people/{person_id}/cawns"): Case(
        R.officer,
        wrong=R.analyst,
        scoped=True,
        form=lambda ids: {"adult_number": str(ids["adult_id"]), "grounds": "Matrix grounds"},
    ),
    ("POST", "/cawns/{cawn_id}/served"): Case(
        R.inspector, wrong=R.administrator, wrong_status=404, scoped=True, form=_cawn_form
    ),
    ("POST", "/cawns/{cawn_id}/shared"): Case(
        R.exploitation_investigator, wrong=R.partner_practitioner, scoped=True, form=_cawn_form
    ),
    # The disruption ledger of an adult (the CAWN's adult): investigators, the hub and supervisors
    # record disruptions, analysts read them. A permitted role that has not given this sign-in's
    # reason for the adult gets the justification page; the notice form without a child goes
    # back to the ledger.
    ("GET", "/people/{adult_id}/disruption"): Case(R.analyst, wrong=R.officer, scoped=True),
    ("POST", "/people/{adult_id}/disruption"): Case(
        R.exploitation_investigator, wrong=R.analyst, scoped=True, form=_disruption_form
    ),
    ("GET", "/people/{adult_id}/disruption/cawn"): Case(
        R.hub_officer, wrong=R.call_handler, scoped=True
    ),
    ("GET", "/disruptions/{disruption_id}"): Case(
        R.sergeant, wrong=R.officer, wrong_status=404, scoped=True
    ),
    ("POST", "/disruptions/{disruption_id}"): Case(
        R.hub_officer,
        wrong=R.analyst,
        scoped=True,
        form=lambda ids: _disruption_form(ids) | {"version": str(ids["disruption_version"])},
    ),
    # Exploitation network alerts: investigators, analysts and supervisors work them; hub officers
    # read them. The graph needs an alert or a person (422 without), after the role check.
    ("GET", "/network/alerts"): Case(R.exploitation_investigator, wrong=R.officer),
    ("GET", "/network/alerts/{alert_id}"): Case(
        R.analyst, wrong=R.officer, wrong_status=404, scoped=True
    ),
    ("POST", "/network/alerts/{alert_id}/justify"): Case(
        R.hub_officer,
        wrong=R.officer,
        wrong_status=404,
        scoped=True,
        form=lambda _: {"reason": "safeguarding"},
    ),
    ("POST", "/network/alerts/{alert_id}"): Case(
        R.exploitation_investigator,
        wrong=R.hub_officer,
        scoped=True,
        form=lambda ids: {
            "action": "note",
            "text": "Matrix note",
            "version": str(ids["alert_version"]),
        },
    ),
    ("GET", "/network/graph"): Case(R.analyst, wrong=R.officer, allowed_status=422),
    ("GET", "/network/map"): Case(R.sergeant, wrong=R.call_handler),
    # The path finder is opened from an alert or a person (422 without); out of scope is
    # tested in tests/network/test_paths.py (its records are in the query string).
    ("GET", "/network/path"): Case(R.analyst, wrong=R.officer, allowed_status=422),
    ("GET", "/people/{person_id}/intelligence"): Case(
        R.analyst, wrong=R.administrator, wrong_status=404, scoped=True
    ),
    ("POST", "/people/{person_id}/intelligence"): Case(
        R.officer,
        wrong=R.call_handler,
        scoped=True,
        form=lambda ids: {
            "type": "uses_phone",
            "phone": "07700 900123",
            "intel_source": "1",
            "intel_assessment": "A",
            "intel_handling": "P",
            "source_text": "Seen using this phone at the station",
        },
    ),
    ("GET", "/notifications"): Case(ANY),
    ("POST", "/notifications/read"): Case(ANY),
}


def _routes(app: FastAPI) -> set[tuple[str, str]]:
    return {(method, path) for method, path, _ in route_table(app)}


def test_every_route_is_in_the_matrix(app: FastAPI) -> None:
    assert _routes(app) == set(MATRIX)


@dataclass
class World:
    team: Team
    other_team: Team
    owner: User
    ids: dict[str, int]
    other_ids: dict[str, int]


def _screening(session: Session, owner: User, child_id: int) -> dict[str, int]:
    """An NRM referral and a CAWN on the child (14), the notice given to an adult."""
    actor = actor_of(owner)
    child = session.get(Person, child_id)
    assert child is not None
    adult = make_person(session, owner, date_of_birth=date(1980, 1, 1))
    referral = referrals.refer(
        session,
        actor,
        child,
        referrals.ReferralInput(exploitation_types=["criminal"], first_responder="Matrix Police"),
    )
    notice = notices.issue_cawn(
        session, actor, child, notices.CawnInput(adult_id=adult.id, grounds="Matrix grounds")
    )
    return {
        "adult_id": adult.id,
        "referral_id": referral.id,
        "referral_version": referral.version,
        "cawn_id": notice.id,
        "cawn_version": notice.version,
        **_disruption(session, owner, adult, child),
    }


def _disruption(session: Session, owner: User, adult: Person, child: Person) -> dict[str, int]:
    """An arrest of the adult, protecting the child."""
    arrest = disruptions.record_disruption(
        session,
        actor_of(owner),
        adult,
        DisruptionInput(kind="arrest", starts_on=date(2026, 12, 1), child_ids=[child.id]),
    )
    return {
        "disruption_id": arrest.id,
        "disruption_version": arrest.version,
        "disruption_child_id": child.id,
    }


def _identity(session: Session, owner: User, person_id: int) -> dict[str, int]:
    """A possible duplicate of the person (queued), and a record merged into the person."""
    twin = make_person(session, owner)
    merged = make_person(session, owner)
    pair = CandidatePair(
        low_id=person_id,
        high_id=twin.id,
        probability=0.9,
        levels={},
        model_version="matrix",
        organisation_id=owner.organisation_id,
    )
    session.add(pair)
    session.flush()
    merge = merging.merge(session, actor_of(owner), person_id, merged.id, "Matrix test merge")
    alert = NetworkAlert(
        kind="common_associate",
        subject_type="person",
        subject_key=str(twin.id),
        score=0.9,
        reason="linked to 3 children",
        described={"evidence": []},
        child_ids=[person_id],
        member_keys=[f"person:{twin.id}"],
        evidence_count=1,
        organisation_id=owner.organisation_id,
    )
    session.add(alert)
    session.flush()
    return {
        "twin_id": twin.id,
        "pair_id": pair.id,
        "pair_version": pair.version,
        "merge_id": merge.id,
        "alert_id": alert.id,
        "alert_version": alert.version,
    }


def _record(session: Session, owner: User, person_id: int) -> dict[str, int]:
    """A photo of the person and a current address on their record."""
    actor = actor_of(owner)
    person = session.get(Person, person_id)
    assert person is not None
    photo = photos.add_photo(
        session,
        actor,
        person_id,
        PNG,
        description=None,
        taken_on=None,
        version=person.version,
        justification=None,
    )
    address = addresses.add_address(
        session,
        actor,
        person_id,
        AddressAdd(version=person.version, type="home", address="2 Matrix Street"),
        None,
    )
    return {"person_photo_id": photo.id, "address_id": address.id}


def _agreement(session: Session, person_id: int) -> dict[str, int]:
    """A partner organisation and an agreement in force with it, naming the person."""
    org = make_org(session, kind=OrganisationKind.childrens_services)
    agreement = make_agreement(session, org.id, named=[session.get(Person, person_id)])  # type: ignore[list-item]
    session.flush()
    return {
        "partner_org_id": org.id,
        "agreement_id": agreement.id,
        "agreement_version": agreement.version,
    }


def _meeting(session: Session, owner: User, person_id: int) -> dict[str, int]:
    """A MACE panel about the person, recorded by the owner."""
    made = meetings.record(
        session,
        actor_of(owner),
        meetings.MeetingInput(
            kind="mace",
            held_at=clock.now() - timedelta(hours=2),
            chair="DI Matrix",
            child_ids=[person_id],
            information="Matrix meeting",
        ),
    )
    return {"meeting_id": made.id}


def _referral(session: Session, sender_org_id: int, to_org_id: int) -> dict[str, int]:
    """A partner's referral to a force, waiting for the force's answer."""
    now = clock.now()
    referral = Referral(
        organisation_id=sender_org_id,
        to_organisation_id=to_org_id,
        person_text="A girl of 14",
        reason="safeguarding",
        summary="Matrix referral",
        status=ReferralStatus.in_progress,
        due_at=now,
        consent="given",
        sent_at=now,
        sent_by_name="Matrix partner",
    )
    session.add(referral)
    session.flush()
    return {"referral_id": referral.id, "referral_version": referral.version}


@pytest.fixture(scope="module")
def matrix_connection(engine: Engine) -> Iterator[Connection]:
    """One connection for the module: the shared records are made once inside its transaction,
    and each test runs in a SAVEPOINT rolled back after it (the matrix is a third of the suite's
    time when every test builds them again)."""
    conn = engine.connect()
    outer = conn.begin()
    db.bind(conn)
    try:
        yield conn
    finally:
        db.bind(engine)
        if outer.is_active:
            outer.rollback()
        conn.close()


@pytest.fixture
def connection(matrix_connection: Connection, world: World) -> Iterator[Connection]:
    """This module's tests share the world; what a test changes is rolled back after it."""
    savepoint = matrix_connection.begin_nested()
    try:
        yield matrix_connection
    finally:
        if savepoint.is_active:
            savepoint.rollback()


@pytest.fixture(scope="module")
def world(matrix_connection: Connection) -> Iterator[World]:
    session = db.session_factory()()
    try:
        yield _build_world(session)
    finally:
        session.close()


def _build_world(session: Session) -> World:
    org = make_org(session)
    team = make_team(session, org)
    owner = make_user(session, R.hub_officer, team=team)
    person = make_person(session, owner)
    episode = make_episode(session, owner, grade=RiskGrade.medium)
    review = service.open_reviews(session, episode)[0]
    photo = service.add_photo(
        session, actor_of(owner), episode, PNG, given_by=None, version=episode.version
    )
    task = service.open_enquiry(
        session, actor_of(owner), episode, title="CCTV", details=None, owner_id=None, due_at=None
    )
    target_user = make_user(session, R.officer, team=team)
    token, _ = credentials.create_token(session, actor_of(owner), owner, name="owned")
    call = make_call(session, owner)
    other_org = make_org(session)
    other_team = make_team(session, other_org)
    other_owner = make_user(session, R.hub_officer, team=other_team)
    other_person = make_person(session, other_owner)
    other_episode = make_episode(session, other_owner, grade=RiskGrade.medium)
    other_review = service.open_reviews(session, other_episode)[0]
    other_photo = service.add_photo(
        session,
        actor_of(other_owner),
        other_episode,
        PNG,
        given_by=None,
        version=other_episode.version,
    )
    other_task = service.open_enquiry(
        session,
        actor_of(other_owner),
        other_episode,
        title="CCTV",
        details=None,
        owner_id=None,
        due_at=None,
    )
    other_token, _ = credentials.create_token(
        session, actor_of(other_owner), other_owner, name="theirs"
    )
    other_call = make_call(session, other_owner)
    identity = _identity(session, owner, person.id)
    other_identity = _identity(session, other_owner, other_person.id)
    record = _record(session, owner, person.id)
    other_record = _record(session, other_owner, other_person.id)
    records = _screening(session, owner, episode.person_id)
    other_records = _screening(session, other_owner, other_episode.person_id)
    qa_review, other_qa_review = (
        QaReview(
            organisation_id=e.organisation_id,
            kind="low_grade",
            episode_id=e.id,
            decided="medium (suggested high)",
            decided_at=e.reported_at,
            sampled_at=e.reported_at,
        )
        for e in (episode, other_episode)
    )
    session.add_all([qa_review, other_qa_review])
    session.flush()
    sharing = _agreement(session, person.id)
    referral = _referral(session, sharing["partner_org_id"], owner.organisation_id)
    meeting = _meeting(session, owner, person.id)
    other_meeting = _meeting(session, other_owner, other_person.id)
    other_referral = _referral(session, sharing["partner_org_id"], other_owner.organisation_id)
    session.commit()
    return World(
        team=team,
        other_team=other_team,
        owner=owner,
        ids={
            "person_id": person.id,
            "user_id": target_user.id,
            "token_id": token.id,
            "version": person.version,
            "episode_id": episode.id,
            "episode_version": episode.version,
            "review_id": review.id,
            "task_id": task.id,
            "photo_id": photo.id,
            "task_version": task.version,
            "call_id": call.id,
            "call_version": call.version,
            "qa_id": qa_review.id,
            **identity,
            **records,
            **record,
            **sharing,
            **referral,
            **meeting,
        },
        other_ids={
            "person_id": other_person.id,
            "user_id": target_user.id,
            "token_id": other_token.id,
            "version": other_person.version,
            "episode_id": other_episode.id,
            "episode_version": other_episode.version,
            "review_id": other_review.id,
            "task_id": other_task.id,
            "photo_id": other_photo.id,
            "task_version": other_task.version,
            "call_id": other_call.id,
            "call_version": other_call.version,
            "qa_id": other_qa_review.id,
            **other_identity,
            **other_records,
            **other_record,
            **sharing,
            **other_referral,
            **other_meeting,
        },
    )


def _call(
    client: TestClient,
    method: str,
    path: str,
    case: Case,
    ids: dict[str, int],
    *,
    bearer: str | None = None,
) -> Response:
    url = path.format(step="found", **ids)  # the return step the matrix tries
    headers = {"X-Justification": "permission matrix test"}
    if path.startswith("/api/"):
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        body = case.json(ids) if case.json else None
        return client.request(method, url, headers=headers, json=body)
    if method == "GET":
        return client.get(url)
    token = csrf_from(
        client.get("/sign-in" if "harbour_session" not in client.cookies else "/").text
    )
    data = (case.form(ids) if case.form else {}) | {"csrf_token": token}
    return client.request(method, url, data=data, files=case.files(ids) if case.files else None)


def _as(client: TestClient, session: Session, role: Role, team: Team, path: str) -> str | None:
    user = make_user(session, role, team=team)
    session.commit()
    if path.startswith("/api/"):
        return api_token(session, user)
    sign_in(client, user.username)
    return None


CASES = sorted(MATRIX.items())


@pytest.mark.parametrize(("route", "case"), CASES, ids=[f"{m} {p}" for (m, p), _ in CASES])
def test_anonymous(client: TestClient, world: World, route: tuple[str, str], case: Case) -> None:
    method, path = route
    response = _call(client, method, path, case, world.ids)
    if case.permitted == PUBLIC:
        assert response.status_code < 500
        return
    if path.startswith("/api/"):
        assert response.status_code == 401
    else:
        assert response.status_code == 303
        assert response.headers["location"].startswith("/sign-in")


@pytest.mark.parametrize(
    ("route", "case"),
    [c for c in CASES if c[1].wrong],
    ids=[f"{m} {p}" for (m, p), c in CASES if c.wrong],
)
def test_wrong_role(
    client: TestClient, session: Session, world: World, route: tuple[str, str], case: Case
) -> None:
    method, path = route
    assert case.wrong is not None
    bearer = _as(client, session, case.wrong, world.team, path)
    response = _call(client, method, path, case, world.ids, bearer=bearer)
    assert response.status_code == case.wrong_status, response.text[:300]


@pytest.mark.parametrize(("route", "case"), CASES, ids=[f"{m} {p}" for (m, p), _ in CASES])
def test_permitted(
    client: TestClient, session: Session, world: World, route: tuple[str, str], case: Case
) -> None:
    method, path = route
    if case.permitted == PUBLIC:
        return
    if "token_id" in path:
        bearer = None
        sign_in(client, world.owner.username)
    else:
        role = case.permitted if isinstance(case.permitted, Role) else R.officer
        bearer = _as(client, session, role, world.team, path)
    response = _call(client, method, path, case, world.ids, bearer=bearer)
    if case.allowed_status is not None:
        assert response.status_code == case.allowed_status, response.text[:300]
    else:
        assert response.status_code < 400, response.text[:300]


@pytest.mark.parametrize(
    ("route", "case"),
    [c for c in CASES if c[1].scoped],
    ids=[f"{m} {p}" for (m, p), c in CASES if c.scoped],
)
def test_permitted_but_out_of_scope(
    client: TestClient, session: Session, world: World, route: tuple[str, str], case: Case
) -> None:
    method, path = route
    if "token_id" in path:
        bearer = None
        sign_in(client, world.owner.username)
    else:
        assert isinstance(case.permitted, Role)
        bearer = _as(client, session, case.permitted, world.team, path)
    response = _call(client, method, path, case, world.other_ids, bearer=bearer)
    assert response.status_code == 404, response.text[:300]
