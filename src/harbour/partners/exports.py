"""Redacted exports for a partner: what its agreements share about a person, as CSV or PDF, with
every part withheld listed with the reason, and each export logged as a disclosure naming the
agreements and the recipients.

The export is built from the same reading of the record as the shared page
(`service.shared_context`): a field no agreement shares is never read, so it cannot be written.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from sqlalchemy.orm import Session

from harbour import clock, timefmt
from harbour.access import service as access
from harbour.access.agreements import FIELDS, IDENTITY
from harbour.actor import Actor
from harbour.errors import NotFound
from harbour.partners import service
from harbour.people import service as people
from harbour.people.models import Person

FORMATS = {"csv": "A spreadsheet (CSV)", "pdf": "A document to print (PDF)"}


@dataclass(frozen=True)
class Line:
    """One part of the export: shared with its value, or withheld with the reason."""

    part: str
    label: str
    value: str
    shared: bool
    reason: str


def _day(value: Any) -> str:
    return value.strftime("%-d %B %Y") if value else ""


def _identity(person: Person) -> list[tuple[str, str]]:
    return [
        ("Given name", person.given_name or "Not known"),
        ("Family name", person.family_name or "Not known"),
        ("Date of birth", _day(person.date_of_birth) or "Not known"),
        ("Sex", person.sex.value.capitalize()),
    ]


def _values(field: str, person: Person, context: dict[str, Any]) -> list[tuple[str, str]]:
    """The field's values in words, from what the shared page reads."""
    if field == IDENTITY:
        return _identity(person)
    if field == "aliases":
        return [("Other names", ", ".join(person.aliases or []) or "None recorded")]
    if field == "ethnicity":
        names = context["ethnicities"]
        return [
            ("Ethnicity (self-defined)", names.get(person.ethnicity, person.ethnicity or "")),
            ("Ethnicity (observed)", names.get(person.observed_ethnicity, "") or "Not recorded"),
        ]
    if field == "phones":
        return [("Phone numbers", ", ".join(context.get("phones") or []) or "None recorded")]
    if field == "address":
        return [("Current address", context.get("address") or "None recorded")]
    if field == "photo":
        photo = "Held: see it on the shared page" if context.get("photo") else "None recorded"
        return [("Current photo", photo)]
    if field == "markers":
        return [
            (m.label, f"Review by {_day(m.review_on)}" if m.review_on else "")
            for m in person.markers
        ] or [("Warning markers", "None recorded")]
    if field == "care":
        looked = {True: "Yes", False: "No"}.get(person.looked_after, "Not known")  # type: ignore[arg-type]
        return [
            ("Looked after", looked),
            ("Legal basis", person.care_basis_label or ""),
            ("Responsible local authority", person.local_authority or ""),
            ("Social worker", person.social_worker_name or ""),
            ("Social worker's phone", person.social_worker_phone or ""),
            ("Social worker's email", person.social_worker_email or ""),
        ]
    if field in ("philomena", "herbert"):
        held = context.get(field) or {}
        return [
            (key.replace("_", " ").capitalize(), ", ".join(v) if isinstance(v, list) else str(v))
            for key, v in held.items()
            if v and key != "photo_id"
        ] or [(FIELDS[field], "None recorded")]
    if field == "episodes":
        return [
            (
                f"Reported missing {timefmt.absolute(e.reported_at)}",
                ("Risk " + e.risk_grade.value.replace("_", " ") if e.risk_grade else "Not graded")
                + (f"; found {timefmt.absolute(e.found_at)}" if e.found_at else "; still missing"),
            )
            for e in context.get("episodes") or []
        ] or [("Missing episodes", "None recorded")]
    if field == "return_interviews":
        return [("Return home interviews", "Recorded on the interview page of each return")]
    return []


def lines(person: Person, context: dict[str, Any]) -> list[Line]:
    """Every part of the record the export speaks of, shared or withheld, in the vocabulary's
    order."""
    shown = context["shown"]
    references = ", ".join(context["cover"].references)
    out: list[Line] = []
    for field, label in FIELDS.items():
        if field in shown:
            out += [
                Line(label, name, value or "Not recorded", True, f"Shared under {references}")
                for name, value in _values(field, person, context)
            ]
        else:
            out.append(Line(label, label, "", False, f"Withheld: not shared by {references}"))
    return out


def shared_person(session: Session, actor: Actor, person_id: int) -> Person:
    """The person, when the actor sees them only through an agreement (404 otherwise: the
    force exports its records another way, and no one exports what is not shared)."""
    person = people.find_for_view(session, actor, person_id, shared=True)
    if not access.shared_only(actor, person):
        raise NotFound("The record you asked for does not exist or is not yours to see.")
    return person


def export(
    session: Session,
    actor: Actor,
    person_id: int,
    fmt: str,
    recipients: str,
    reason: str,
) -> tuple[bytes, str, str]:
    """The export of what the actor's agreements share about the person, logged as a
    disclosure to the recipients: (the file, its media type, its name)."""
    if fmt not in FORMATS:
        raise NotFound("There is no such export.")
    person = shared_person(session, actor, person_id)
    cover = people.disclose(session, actor, person.id, reason, export=fmt, recipients=recipients)
    context = service.shared_context(session, actor, person, cover, reason)
    rows = lines(person, context)
    stamp = timefmt.local(clock.now())
    name = f"harbour-person-{person.id}-{stamp:%Y%m%d-%H%M}.{fmt}"
    heading = {
        "person": person.display_name,
        "agreements": ", ".join(cover.references),
        "disclosed_to": recipients,
        "disclosed_by": actor.display_name,
        "at": timefmt.absolute(clock.now()),
    }
    if fmt == "csv":
        return _csv(heading, rows), "text/csv; charset=utf-8", name
    return _pdf(heading, rows), "application/pdf", name


def _csv(heading: dict[str, str], rows: list[Line]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    for key, value in heading.items():
        writer.writerow([f"# {key.replace('_', ' ')}", value])
    writer.writerow(["part", "field", "value", "status", "why"])
    for row in rows:
        writer.writerow(
            [row.part, row.label, row.value, "shared" if row.shared else "withheld", row.reason]
        )
    return out.getvalue().encode("utf-8")


def _text(value: str) -> str:
    """The PDF's core fonts hold Latin-1: other characters are replaced, never dropped."""
    return value.encode("latin-1", "replace").decode("latin-1")


def _pdf(heading: dict[str, str], rows: list[Line]) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_title(_text(f"Disclosure: {heading['person']}"))
    pdf.set_author("Harbour")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, _text(heading["person"]), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=10)
    for key in ("agreements", "disclosed_to", "disclosed_by", "at"):
        line = f"{key.replace('_', ' ').capitalize()}: {heading[key]}"
        pdf.multi_cell(0, 6, _text(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    part = None
    for row in rows:
        if row.part != part:
            part = row.part
            pdf.set_font("Helvetica", "B", 11)
            pdf.ln(2)
            pdf.multi_cell(0, 7, _text(part), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("Helvetica", size=10)
        text = f"{row.label}: {row.value}" if row.shared else row.reason
        pdf.multi_cell(0, 5.5, _text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(4)
    pdf.set_font("Helvetica", "I", 8)
    pdf.multi_cell(
        0,
        4.5,
        _text(
            "This disclosure is recorded in Harbour's audit log with the "
            "agreements, the recipients and the reason given. Do not pass it on beyond them."
        ),
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    return bytes(pdf.output())
