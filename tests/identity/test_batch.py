"""The batch read and queue at scale: the same records as a look-up reads, the queue from SQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from harbour.identity import batch
from harbour.identity.models import CandidatePair, PairStatus
from harbour.identity.records import PERSON_FIELDS, all_records
from harbour.linkage import prepare, service
from harbour.linkage.training import level_labels
from harbour.people.models import Person
from harbour.settings import get_settings
from tests.identity.conftest import SYSTEM
from tests.identity.test_resolve import files, loaded  # noqa: F401

pytestmark = pytest.mark.slow  # trains or scores a Splink model, or fuzzes the whole API


def test_the_batch_reads_the_same_columns_as_the_records_intake_reads(
    session: Session,
    loaded: dict[str, Any],  # noqa: F811
) -> None:
    person = session.scalars(select(Person).limit(1)).one()
    person.aliases = ["Jo Bloggs", "Joanne"]  # other names survive the driver's JSON
    session.flush()
    records = list(all_records(session))
    expected = prepare.table(records, PERSON_FIELDS, ids=[int(r.id) for r in records])
    got, fields = batch._prepared(session)
    assert set(fields) <= set(PERSON_FIELDS) and fields
    for name, values in got.items():
        assert values == expected[name], name
    row = got["unique_id"].index(person.id)
    assert {"jo", "joanne"} <= set(got["given_forms"][row])


def test_the_queue_is_filled_once_from_the_scored_pairs_in_order(
    session: Session,
    loaded: dict[str, Any],  # noqa: F811
    model_path: Any,
) -> None:
    summary = batch.resolve_people(session, SYSTEM)
    pairs = session.scalars(select(CandidatePair).order_by(CandidatePair.id)).all()
    assert summary.queued_new == summary.pairs_scored == len(pairs) > 0
    keys = [(p.low_id, p.high_id) for p in pairs]
    assert len(set(keys)) == len(keys) and all(low < high for low, high in keys)
    review = get_settings().identity_review_threshold
    assert all(p.probability >= review and p.status is PairStatus.pending for p in pairs)
    # Inserted surest first, and every pair names each compared field's level in words.
    assert [p.probability for p in pairs] == sorted((p.probability for p in pairs), reverse=True)
    labels = level_labels(service.load_model(model_path).splink_settings)
    for pair in pairs:
        assert set(pair.levels) == set(labels)
        for column, level in pair.levels.items():
            assert level["label"] == batch.friendly(labels[column][level["level"]])
    organisations = dict(session.execute(select(Person.id, Person.organisation_id)).all())
    assert all(p.organisation_id == organisations[p.low_id] for p in pairs)
    # Scored again with the saved model: the same pairs, refreshed, none added.
    again = batch.resolve_people(session, SYSTEM, trained=service.load_model(model_path))
    assert again.queued_new == 0 and again.queued_refreshed == len(pairs)
    after = session.execute(select(CandidatePair.low_id, CandidatePair.high_id)).all()
    assert sorted(keys) == sorted((low, high) for low, high in after)
