"""Cleaning identifying fields, nicknames, and the columns the model compares."""

from __future__ import annotations

import pytest

from harbour.linkage import nicknames, normalise, prepare
from harbour.linkage.schemas import IdentityField, PersonRecord


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("  O'Brien ", "obrien"),
        ("Zoë", "zoe"),
        ("SMITH-JONES", "smith-jones"),
        ("Mary  Jane", "mary jane"),
        ("unknown", None),
        ("N/K", None),
        ("123", None),
        (None, None),
    ],
)
def test_names_are_reduced_to_one_form(raw: str | None, clean: str | None) -> None:
    assert normalise.name(raw) == clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("se15 4qt", "SE15 4QT"),
        ("SE154QT", "SE15 4QT"),
        (" ec1a  1bb ", "EC1A 1BB"),
        ("4223", "4223"),  # not a UK postcode: kept as written
        ("", None),
    ],
)
def test_postcodes(raw: str, clean: str | None) -> None:
    assert normalise.postcode(raw) == clean


def test_postcode_sector_and_district_only_for_uk_postcodes() -> None:
    assert normalise.postcode_sector("SE15 4QT") == "SE15 4"
    assert normalise.postcode_district("SE15 4QT") == "SE15"
    assert normalise.postcode_sector("4223") is None


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("07700 900123", "+447700900123"),
        ("+44 7700 900123", "+447700900123"),
        ("0044 7700 900123", "+447700900123"),
        ("020 7946 0000", "+442079460000"),
        ("12", None),
    ],
)
def test_phones(raw: str, clean: str | None) -> None:
    assert normalise.phone(raw) == clean


def test_addresses_spell_out_street_words_but_not_st() -> None:
    assert normalise.address("12, Bellenden Rd.") == "12 bellenden road"
    assert normalise.address("3 St Mary's Cl") == "3 st mary s close"


def test_sex_reads_common_codes_and_leaves_the_rest_unknown() -> None:
    assert [normalise.sex(v) for v in ("F", "male", "Girl", "U", "")] == [
        "female", "male", "female", None, None,
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("a", "b"),
    [("bob", "robert"), ("kate", "katherine"), ("bob", "rob"), ("jack", "john"),
     ("liz", "elizabeth"), ("peggy", "margaret"), ("robert", "robert")],
)  # fmt: skip
def test_nicknames_are_related_to_their_formal_names(a: str, b: str) -> None:
    assert nicknames.related(a, b)
    assert nicknames.related(b, a)


@pytest.mark.parametrize(("a", "b"), [("alan", "albert"), ("robert", "richard"), ("kate", "amy")])
def test_names_sharing_only_a_nickname_are_not_related(a: str, b: str) -> None:
    assert not nicknames.related(a, b)


def test_the_model_columns_of_a_record() -> None:
    record = PersonRecord(
        id="1",
        given_name="Bob",
        family_name="Smith-Jones",
        aliases=["Robbie Jones"],
        date_of_birth="2010-07",
        postcode="se154qt",
    )
    fields = [IdentityField.given_name, IdentityField.family_name,
              IdentityField.date_of_birth, IdentityField.postcode]  # fmt: skip
    row = prepare.record_columns(record, fields)
    assert {"bob", "robert", "robbie"} <= set(row["given_forms"])
    assert {"smith jones", "smith", "jones"} <= set(row["family_forms"])
    assert (row["dob"], row["dob_year"], row["dob_month"], row["dob_day"]) == ("2010-07", 2010,
                                                                               7, None)  # fmt: skip
    assert row["postcode_sector"] == "SE15 4"
    swapped = prepare.record_columns(
        PersonRecord(id="2", given_name="Smith", family_name="Bob"), fields
    )
    assert swapped["names_key"] == row["names_key"]  # written the other way round: same key


def test_the_table_holds_only_the_fields_in_use() -> None:
    records = [PersonRecord(id="a", given_name="Ann", sex="F")]
    table = prepare.table(records, [IdentityField.given_name])
    assert set(table) == {"unique_id", "given_name", "given_forms", "given_sx", "given_mp"}
    assert table["unique_id"] == [0]
