"""Harbour's identity model on Splink's Spark backend (a local Spark), against DuckDB's answer.

Needs PySpark and Java (the `spark` extra, which `make test` installs); skipped without them.
Runs on 500 records of `shared/data/linkage/fake_1000.csv` when it is beside the checkout, and
on the suite's own invented population otherwise.
"""

from __future__ import annotations

import csv
import shutil
from itertools import combinations
from pathlib import Path

import pytest

from harbour.linkage import service
from harbour.linkage.files import Source
from harbour.linkage.schemas import IdentityField as F
from harbour.linkage.schemas import PersonRecord
from tests.linkage.synthetic import population

pytestmark = pytest.mark.spark
FAKE = Path(__file__).resolve().parents[3] / "shared" / "data" / "linkage" / "fake_1000.csv"
FIELDS = [F.given_name, F.family_name, F.date_of_birth, F.town, F.email]


def _pairs(clusters: dict[str, int]) -> set[frozenset[str]]:
    members: dict[int, list[str]] = {}
    for record, cluster in clusters.items():
        members.setdefault(cluster, []).append(record)
    return {frozenset(p) for group in members.values() for p in combinations(group, 2)}


def _f1(found: set[frozenset[str]], truth: set[frozenset[str]]) -> float:
    hits = len(found & truth)
    return 2 * hits / (len(found) + len(truth)) if found or truth else 1.0


def _records() -> tuple[list[PersonRecord], set[frozenset[str]]]:
    """500 records of fake_1000 when the shared data sits beside the checkout, else the
    suite's own invented population (a clean clone elsewhere has only that)."""
    if FAKE.exists():
        rows = list(csv.DictReader(FAKE.open(encoding="utf-8")))[:500]
        records = [
            PersonRecord(
                id=r["unique_id"], given_name=r["first_name"] or None,
                family_name=r["surname"] or None, date_of_birth=r["dob"] or None,
                town=r["city"] or None, email=r["email"] or None,
            )
            for r in rows
        ]  # fmt: skip
        return records, _pairs({r["unique_id"]: int(r["cluster"]) for r in rows})
    people = population(seed=11, people=250)
    records = [
        PersonRecord(
            id=r.ref, given_name=r.forename or None, family_name=r.surname or None,
            date_of_birth=r.born.isoformat() if r.born else None, town=r.town or None,
            email=r.email or None,
        )
        for r in people
    ]  # fmt: skip
    return records, _pairs({r.ref: r.person for r in people})


def test_the_model_runs_on_spark_and_agrees_with_duckdb(tmp_path: Path) -> None:
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs Java")
    from harbour.linkage import spark as on_spark

    records, truth = _records()
    session = on_spark.session("local[2]", str(tmp_path / "checkpoints"))
    try:
        sparked = on_spark.resolve(session, records, FIELDS, u_max_pairs=2e5)
    finally:
        session.stop()
    duck = service.resolve([Source("fake", records, 0, None)], FIELDS)
    ducked = {record_id: cluster for _, record_id, cluster in duck.rows}
    assert set(sparked) == {r.id for r in records}
    # The same model on another engine: close to DuckDB's clusters, and as good against the truth.
    assert _f1(_pairs(sparked), _pairs(ducked)) >= 0.9
    assert _f1(_pairs(sparked), truth) >= _f1(_pairs(ducked), truth) - 0.05
