"""Who might this be? Candidate matches for a person while their report is being taken.

Two steps, each cheap at a million persons. Blocking: the persons who share an indexed key with
what has been typed (both names' Soundex codes in either order; a family or given name's code
with the date of birth; a phone number; a family name's code at the home postcode), at most
`PER_KEY` for each key. Scoring: the saved model (trained on the person table by `harbour
identity resolve`) scores the typed record against those candidates with Splink's real-time
comparison, whose SQL is generated once per model and reused. Without a saved model the
candidates are listed unscored, with a note that says so.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
from sqlalchemy import Select, select, union
from sqlalchemy.orm import Session

from harbour.access import service as access
from harbour.actor import Actor
from harbour.audit import service as audit
from harbour.identity.batch import pair_levels
from harbour.identity.records import records_for
from harbour.linkage import prepare
from harbour.linkage import service as identity
from harbour.linkage.dates import ISO, parse
from harbour.linkage.schemas import PersonRecord
from harbour.linkage.training import level_labels
from harbour.people.models import Person, PersonPhone, Place, normalise_phone
from harbour.settings import get_settings

PER_KEY = 200  # candidates taken from any one key: a common name must not flood the look-up
# The compared fields as an officer reads them: any level above "else" agrees (exactly or
# nearly, as its label says), "else" differs, and a field missing on either side is not listed.
_LABELS = {
    "given_name": "Given name",
    "family_name": "Family name",
    "dob": "Date of birth",
    "sex": "Sex",
    "postcode": "Postcode",
    "address": "Address",
    "phone": "Phone",
}


@dataclass(frozen=True)
class Typed:
    """What has been typed about the person so far (any part may be missing)."""

    given_name: str | None = None
    family_name: str | None = None
    date_of_birth: str | None = None  # YYYY-MM-DD, YYYY-MM or YYYY
    sex: str | None = None
    postcode: str | None = None
    phone: str | None = None

    def record(self) -> PersonRecord:
        return PersonRecord(
            id="typed",
            given_name=self.given_name,
            family_name=self.family_name,
            date_of_birth=self.date_of_birth,
            sex=self.sex,
            postcode=self.postcode,
            phone=normalise_phone(self.phone) if self.phone else None,
        )


@dataclass(frozen=True)
class Candidate:
    person_id: int
    probability: float | None
    agree: list[str]
    differ: list[str]
    levels: dict[str, dict[str, Any]]


@dataclass
class Lookup:
    candidates: list[Candidate] = field(default_factory=list)
    blocked: int = 0
    scored: bool = False
    note: str | None = None
    milliseconds: float = 0.0


def _blocking(actor: Actor, typed: Typed) -> Select[Any] | None:
    record = typed.record()
    given_sx, family_sx, names_key = prepare.name_keys(record.given_name, record.family_name)
    born = parse(record.date_of_birth, ISO) if record.date_of_birth else None
    day = None
    if born is not None and born.month is not None and born.day is not None:
        day = date(born.year, born.month, born.day)
    base = select(Person.id).where(Person.merged_into_id.is_(None), access.visible(actor, Person))
    branches: list[Select[Any]] = []
    if names_key and born is not None:
        # Both names' sounds, narrowed to the years the typed date of birth may be out by (and
        # to records with no date of birth): a common name alone blocks hundreds at a million.
        first, last = date(born.year - 1, 1, 1), date(born.year + 1, 12, 31)
        same_name = base.where(Person.names_key == names_key)
        branches.append(same_name.where(Person.date_of_birth.between(first, last)))
        branches.append(same_name.where(Person.date_of_birth.is_(None)))
    elif names_key:
        branches.append(base.where(Person.names_key == names_key))
    if day is not None:
        if family_sx:
            branches.append(base.where(Person.family_sx == family_sx, Person.date_of_birth == day))
        if given_sx:
            branches.append(base.where(Person.given_sx == given_sx, Person.date_of_birth == day))
    # Phone and postcode reach persons through another table's index: asked as IN (…) so that
    # the planner starts from the few matching rows, not from the person table.
    if record.phone:
        users = select(PersonPhone.person_id).where(PersonPhone.number == record.phone)
        branches.append(base.where(Person.id.in_(users)))
    if typed.postcode and family_sx:
        homes = select(Place.id).where(Place.postcode == typed.postcode.strip().upper())
        branches.append(base.where(Person.home_place_id.in_(homes), Person.family_sx == family_sx))
    if not branches:
        return None
    limited = [b.order_by(Person.id.desc()).limit(PER_KEY).subquery().select() for b in branches]
    return select(union(*limited).subquery().c[0])


# -- the model, loaded once per process and reloaded when its file changes ----------------------

_lock = threading.Lock()
_loaded: dict[str, Any] = {}
_local = threading.local()


def _model() -> identity.TrainedModel | None:
    path = Path(get_settings().identity_model_path)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return None
    with _lock:
        if _loaded.get("key") != (str(path), stamp):
            _loaded["model"] = identity.load_model(path)
            _loaded["key"] = (str(path), stamp)
            _loaded["labels"] = level_labels(_loaded["model"].splink_settings)
        model: identity.TrainedModel = _loaded["model"]
        return model


def _db_api() -> Any:
    from splink import DuckDBAPI  # imported here: Splink is only needed once a model exists

    api = getattr(_local, "db_api", None)
    if api is None:
        api = DuckDBAPI()
        _local.db_api = api
    return api


def _types(columns: dict[str, list[Any]]) -> pa.Table:
    arrays = {}
    for name, values in columns.items():
        if name.endswith("_forms"):
            kind: pa.DataType = pa.list_(pa.string())
        elif name in ("unique_id", "dob_year", "dob_month", "dob_day"):
            kind = pa.int64()
        elif name.startswith("tf_"):
            kind = pa.float64()
        else:
            kind = pa.string()
        arrays[name] = pa.array(values, type=kind)
    return pa.table(arrays)


def _with_frequencies(
    columns: dict[str, list[Any]], frequencies: dict[str, dict[str, Any]]
) -> dict[str, list[Any]]:
    for column, table in frequencies.items():
        if column not in columns:
            continue
        total = max(int(table.get("total") or 1), 1)
        counts = table.get("counts") or {}
        columns[f"tf_{column}"] = [
            None if value is None else counts.get(str(value), 1) / total
            for value in columns[column]
        ]
    return columns


def _score(
    model: identity.TrainedModel, typed: PersonRecord, records: list[PersonRecord]
) -> list[dict[str, Any]]:
    from splink.internals.realtime import compare_records

    fields = model.metadata.fields
    frequencies = model.term_frequencies or {}
    left = _with_frequencies(prepare.table([typed], fields), frequencies)
    right = _with_frequencies(prepare.table(records, fields), frequencies)
    result = compare_records(
        _types(left),
        _types(right),
        model.splink_settings,
        _db_api(),
        sql_cache_key=f"harbour-intake-{model.metadata.model_version}-{id(model)}",
    )
    rows: list[dict[str, Any]] = result.as_record_list()
    result.drop_table_from_database_and_remove_from_cache(force_non_splink_table=True)
    connection = _db_api()._con  # the two inputs stay registered under per-call names: let go
    registered = connection.execute(
        "SELECT view_name FROM duckdb_views() WHERE view_name LIKE '__splink__compare_records_%'"
    ).fetchall()
    for (name,) in registered:
        connection.unregister(name)
    return rows


def find(
    session: Session,
    actor: Actor,
    typed: Typed,
    *,
    justification: str,
    limit: int | None = None,
) -> Lookup:
    """Return the likeliest persons for what has been typed, best first (only those in scope).

    The look-up is audited as a search, with what was typed and who was shown.
    """
    access.require(actor, "person.view")
    lookup = _find(session, actor, typed, limit)
    if lookup.candidates:
        audit.record(
            session,
            actor,
            "search",
            "person",
            None,
            after={
                "typed": {k: v for k, v in vars(typed).items() if v},
                "shown": [c.person_id for c in lookup.candidates],
            },
            justification=justification,
        )
    return lookup


def _find(session: Session, actor: Actor, typed: Typed, limit: int | None) -> Lookup:
    started = time.perf_counter()
    settings = get_settings()
    wanted = limit or settings.identity_intake_limit
    lookup = Lookup()
    query = _blocking(actor, typed)
    if query is None:
        lookup.note = "Type a name, a date of birth or a phone number to look for this person."
        return lookup
    ids = [int(i) for i in session.execute(query).scalars()]
    lookup.blocked = len(ids)
    records = records_for(session, ids)
    if not records:
        lookup.milliseconds = (time.perf_counter() - started) * 1000
        return lookup
    model = _model()
    if model is None:
        lookup.note = (
            "No identity model has been trained yet, so these are listed by name and date of "
            "birth only: an administrator runs `harbour identity resolve` to train one."
        )
        lookup.candidates = [Candidate(int(r.id), None, [], [], {}) for r in records[:wanted]]
    else:
        labels = level_labels(model.splink_settings)
        scored = []
        for row in _score(model, typed.record(), records):
            probability = float(row["match_probability"])
            if probability < settings.identity_intake_floor:
                continue
            gammas = {k[6:]: int(v) for k, v in row.items() if k.startswith("gamma_")}
            levels = pair_levels(gammas, labels)
            agree = [_LABELS.get(c, c) for c, g in gammas.items() if g > 0]
            differ = [_LABELS.get(c, c) for c, g in gammas.items() if g == 0]
            person_id = int(records[int(row["unique_id_r"])].id)
            scored.append(Candidate(person_id, probability, agree, differ, levels))
        scored.sort(key=lambda c: -(c.probability or 0))
        lookup.candidates = scored[:wanted]
        lookup.scored = True
    lookup.milliseconds = (time.perf_counter() - started) * 1000
    return lookup


def rows(session: Session, lookup: Lookup) -> list[dict[str, Any]]:
    """Return each candidate with the person's name and date of birth, for pages and the API."""
    out = []
    for candidate in lookup.candidates:
        person = session.get_one(Person, candidate.person_id)
        out.append(
            {
                "person_id": person.id,
                "name": person.display_name,
                "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else None,
                "person": person,
                "probability": candidate.probability,
                "agree": candidate.agree,
                "differ": candidate.differ,
            }
        )
    return out
