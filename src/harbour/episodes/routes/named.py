"""Named on return: the forms on the episode page that link the people, places, vehicles and
phones a child was found with or named to the child. Each form's fields carry its own prefix
(`named_`, `named_place_`, …), so that a refused form shows each message beside its own field."""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request
from fastapi.responses import Response

from harbour.episodes import service
from harbour.episodes.models import Episode
from harbour.episodes.routes.page import _act
from harbour.errors import ValidationFailed
from harbour.people.models import Person
from harbour.web import ActorDep, FormDep, RecordId, SessionDep, page_router
from harbour.web.forms import Fields, form_number, form_version

pages = page_router()

Work = Callable[[Episode, Person], None]


def _prefixed(prefix: str, work: Work) -> Work:
    """Run `work`, naming each field its message is about as the form names it."""

    def run(episode: Episode, person: Person) -> None:
        try:
            work(episode, person)
        except ValidationFailed as exc:
            errors = {
                (k if k.startswith(prefix) or k == "form" else f"{prefix}{k}"): v
                for k, v in exc.field_errors.items()
            }
            raise ValidationFailed(exc.message, field_errors=errors) from exc

    return run


def _number(fields: Fields, form: dict[str, str], name: str) -> int | None:
    """A record number typed in the form: None when blank, a message when not a number."""
    typed = form.get(name, "").strip()
    number = form_number(typed) if typed else None
    if typed and number is None:
        fields.fail(name, "Enter the record number as digits")
    return number


@pages.post("/episodes/{episode_id}/named")
def name_on_return(
    request: Request, episode_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """Someone the child was found with or named on return: chosen by record number, or recorded
    as a new person, and linked to the child."""

    def work(episode: Episode, person: Person) -> None:
        fields = Fields(form)
        number = _number(fields, form, "named_record_number")
        data = fields.build(
            service.NamedInput,
            step=form.get("named_step"),
            record_number=number,
            given_name=fields.text("named_given_name", "Given name", limit=100),
            family_name=fields.text("named_family_name", "Family name", limit=100),
            date_of_birth=fields.day("named_date_of_birth", "Date of birth"),
            phone=fields.text("named_phone", "Phone", limit=40),
            details=fields.text("named_details", "What was said", limit=2000),
            version=form_version(form),
        )
        service.name_on_return(session, actor, episode, data)

    run = _prefixed("named_", work)
    return _act(request, session, actor, episode_id, "episode.update", "named", form, run)


@pages.post("/episodes/{episode_id}/named/place")
def name_place_on_return(
    request: Request, episode_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """A place the child was found at or named on return: chosen by record number, or recorded
    as a new place, and linked to the child."""

    def work(episode: Episode, person: Person) -> None:
        fields = Fields(form)
        number = _number(fields, form, "named_place_record_number")
        data = fields.build(
            service.NamedPlaceInput,
            step=form.get("named_place_step"),
            link=form.get("named_place_link"),
            record_number=number,
            name=fields.text("named_place_name", "The place's name", limit=200),
            address=fields.text("named_place_address", "The address", limit=300),
            postcode=fields.text("named_place_postcode", "The postcode", limit=10),
            type=form.get("named_place_type") or None,
            details=fields.text("named_place_details", "What was said", limit=2000),
            version=form_version(form),
        )
        service.name_place_on_return(session, actor, episode, data)

    run = _prefixed("named_place_", work)
    return _act(request, session, actor, episode_id, "episode.update", "named-place", form, run)


@pages.post("/episodes/{episode_id}/named/vehicle")
def name_vehicle_on_return(
    request: Request, episode_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """A vehicle the child was found in or named on return, by its registration."""

    def work(episode: Episode, person: Person) -> None:
        fields = Fields(form)
        data = fields.build(
            service.NamedVehicleInput,
            step=form.get("named_vehicle_step"),
            registration=fields.text("named_vehicle_registration", "The registration", limit=16),
            make=fields.text("named_vehicle_make", "The make and model", limit=60),
            colour=fields.text("named_vehicle_colour", "The colour", limit=30),
            details=fields.text("named_vehicle_details", "What was said", limit=2000),
            version=form_version(form),
        )
        service.name_vehicle_on_return(session, actor, episode, data)

    run = _prefixed("named_vehicle_", work)
    return _act(request, session, actor, episode_id, "episode.update", "named-vehicle", form, run)


@pages.post("/episodes/{episode_id}/named/phone")
def name_phone_on_return(
    request: Request, episode_id: RecordId, session: SessionDep, actor: ActorDep, form: FormDep
) -> Response:
    """A phone number the child gave or named on return."""

    def work(episode: Episode, person: Person) -> None:
        fields = Fields(form)
        data = fields.build(
            service.NamedPhoneInput,
            step=form.get("named_phone_step"),
            whose=form.get("named_phone_whose"),
            number=fields.text("named_phone_number", "The number", limit=40),
            details=fields.text("named_phone_details", "What was said", limit=2000),
            version=form_version(form),
        )
        service.name_phone_on_return(session, actor, episode, data)

    run = _prefixed("named_phone_", work)
    return _act(request, session, actor, episode_id, "episode.update", "named-phone", form, run)
