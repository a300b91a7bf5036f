"""What keeps a million-person run fast gives the same answers as the plain way of doing it."""

from __future__ import annotations

import random

import duckdb
import pytest

from harbour.linkage import model, prepare, service
from harbour.linkage.schemas import IdentityField as F
from harbour.linkage.schemas import PersonRecord

pytestmark = pytest.mark.slow  # trains or scores a Splink model, or fuzzes the whole API

ALL = list(F)


def _records() -> list[PersonRecord]:
    rng = random.Random(7)
    given = ["Bob", "Robert", "Amelia", "O'Brien", " ", None, "Mary-Jane", "unknown"]
    family = ["Smith-Jones", "Smith", "Ng", None, "Åberg"]
    born = ["2010-07-01", "2010-07", "1999", None, "1985-13-40"]
    postcodes = ["SE15 4QT", "se154qt", "HB83 9GS", "2000", None, "N1  7GU", "SW1A1AA"]
    phones = ["+447700900123", "07700 900123", "+44770", "12", None, "0044 7700 900 123"]
    out = []
    for i in range(300):
        out.append(
            PersonRecord(
                id=str(i),
                given_name=rng.choice(given),
                family_name=rng.choice(family),
                aliases=rng.choice([[], ["Robbie Jones"], ["Jo"], ["Jo Bloggs", "Joanne"]]),
                date_of_birth=rng.choice(born),
                sex=rng.choice(["F", "male", None, "x"]),
                postcode=rng.choice(postcodes),
                address=rng.choice(["12 High St.", "12 high street", None]),
                town=rng.choice(["London", None]),
                phone=rng.choice(phones),
                email=rng.choice(["A@B.com", None, "nope"]),
            )
        )
    return out


def test_the_table_is_each_record_cleaned_on_its_own() -> None:
    records = _records()
    table = prepare.table(records, ALL, ids=[f"id{i}" for i in range(len(records))])
    for i, record in enumerate(records):
        row = prepare.record_columns(record, ALL)
        assert {name: values[i] for name, values in table.items() if name != "unique_id"} == row
    assert table["unique_id"][:2] == ["id0", "id1"]
    with pytest.raises(ValueError, match="one id"):
        prepare.table(records, ALL, ids=[1])


def test_the_cheap_test_before_an_edit_distance_never_drops_a_pair_one_edit_apart() -> None:
    rng = random.Random(1)
    letters = "AB12 "
    pairs = []
    for _ in range(20_000):
        a = "".join(rng.choice(letters) for _ in range(rng.randint(1, 9)))
        b, i = list(a), rng.randrange(len(a) + 1)
        edit = rng.randrange(4)
        if edit == 0 and i < len(b):
            b[i] = rng.choice(letters)
        elif edit == 1:
            b.insert(i, rng.choice(letters))
        elif edit == 2 and i < len(b):
            del b[i]
        elif i < len(b) - 1:
            b[i], b[i + 1] = b[i + 1], b[i]
        pairs.append((a, "".join(b)))
    con = duckdb.connect()
    con.execute("CREATE TABLE p (x_l VARCHAR, x_r VARCHAR)")
    con.executemany("INSERT INTO p VALUES (?, ?)", pairs)
    guard = model._ONE_EDIT_GUARD.format(c="x")
    one_edit, dropped = con.execute(
        "SELECT count(*) FILTER (damerau_levenshtein(x_l, x_r) <= 1), "
        f"count(*) FILTER (damerau_levenshtein(x_l, x_r) <= 1 AND NOT ({guard})) FROM p"
    ).fetchone() or (0, 0)
    assert one_edit > 10_000 and dropped == 0


def test_sounding_alike_pairs_names_only_with_a_year_that_could_be_mistyped() -> None:
    con = duckdb.connect()
    con.execute(
        "CREATE TABLE t AS SELECT * FROM (VALUES (1, 'A1 B2', 1983, 5, 7), (2, 'A1 B2', 1984, 1,"
        " 2), (3, 'A1 B2', 1973, 9, 9), (4, 'A1 B2', 1990, 5, 7), (5, 'A1 B2', 1960, 2, 3),"
        " (6, 'A1 B2', NULL, NULL, NULL), (7, 'C3 D4', 1983, 5, 7))"
        " v(unique_id, names_key, dob_year, dob_month, dob_day)"
    )
    paired = con.execute(
        f"SELECT l.unique_id, r.unique_id FROM t l JOIN t r ON {model.NAMES_NEAR_YEAR} "
        "AND l.unique_id < r.unique_id WHERE l.unique_id = 1 ORDER BY 2"
    ).fetchall()
    # Next year, a decade out (the last digit kept), the same day and month, or not known;
    # not 1960 on another day, and not another name.
    assert [r for _, r in paired] == [2, 3, 4, 6]


def test_training_pairs_names_with_sex_when_the_records_hold_it() -> None:
    def sql(rules: list[object]) -> list[str]:
        return [r.get_blocking_rule("duckdb").blocking_rule_sql for r in rules]  # type: ignore[attr-defined]

    with_sex = sql(model.em_rules([F.given_name, F.family_name, F.sex, F.date_of_birth]))
    assert 'l."sex" = r."sex"' in with_sex[0] and with_sex[1] == 'l."dob" = r."dob"'
    assert "sex" not in sql(model.em_rules([F.given_name, F.family_name]))[0]


def test_duckdb_is_given_bounded_memory_and_every_core() -> None:
    api = service.duckdb_api()
    connection = api._con
    limit = connection.execute("SELECT current_setting('memory_limit')").fetchone()
    threads = connection.execute("SELECT current_setting('threads')").fetchone()
    assert limit is not None and threads is not None
    number, unit = str(limit[0]).split()
    gib = float(number) * {"KiB": 2**-20, "MiB": 2**-10, "GiB": 1.0}[unit]
    assert 0 < gib <= service.DUCKDB_MEMORY_MAX_GIB + 0.01
    assert int(threads[0]) >= 1
