"""Turn person records into the columns Harbour's linkage model compares and blocks on.

Pure: a list of `PersonRecord` in, a dictionary of equal-length columns out (what Splink registers
as a table). Besides the cleaned fields it derives the keys the model needs: Soundex and Metaphone
codes of each name, the set of forms a given name may take (nicknames, other given names, aliases)
and of a family name (each part of a double-barrelled name, aliases), the parts of the date of
birth, and the sector and district of a UK postcode.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from harbour.identity import nicknames, normalise
from harbour.identity.dates import ISO, parse
from harbour.identity.schemas import IdentityField, PersonRecord

F = IdentityField

# The model's columns for each identifying field (besides `unique_id` and `source_dataset`).
COLUMNS: dict[IdentityField, tuple[str, ...]] = {
    F.given_name: ("given_name", "given_forms", "given_sx", "given_mp"),
    F.family_name: ("family_name", "family_forms", "family_sx", "family_mp"),
    F.date_of_birth: ("dob", "dob_year", "dob_month", "dob_day"),
    F.sex: ("sex",),
    F.postcode: ("postcode", "postcode_sector", "postcode_district"),
    F.address: ("address",),
    F.town: ("town",),
    F.phone: ("phone",),
    F.email: ("email",),
}


def _given_forms(given: str | None, aliases: Iterable[str]) -> list[str] | None:
    forms: set[str] = set()
    for whole in (given, *aliases):
        if not whole:
            continue
        forms.add(whole)
        for part in normalise.name_parts(whole):
            forms |= nicknames.forms(part)
    return sorted(forms) or None


def _family_forms(family: str | None, aliases: Iterable[str]) -> list[str] | None:
    forms: set[str] = set()
    for whole in (family, *aliases):
        if whole:
            forms.add(whole.replace("-", " "))
            forms.update(normalise.name_parts(whole))
    return sorted(forms) or None


def _split_aliases(aliases: Sequence[str]) -> tuple[list[str], list[str]]:
    """Split other names into given and family names: the last word of two or more is family."""
    given: list[str] = []
    family: list[str] = []
    for alias in aliases:
        cleaned = normalise.name(alias)
        if not cleaned:
            continue
        words = cleaned.split(" ")
        if len(words) == 1:
            given.append(cleaned)
        else:
            given.append(" ".join(words[:-1]))
            family.append(words[-1])
    return given, family


def name_keys(given: str | None, family: str | None) -> tuple[str | None, str | None, str | None]:
    """Return the Soundex codes of a given and a family name and their order-free pair.

    The pair ("names_key") is the same when given and family are swapped; it is None unless both
    names are known. Harbour's person table keeps all three, indexed, for intake look-ups.
    """
    given_sx = normalise.soundex(normalise.name(given))
    family_sx = normalise.soundex(normalise.name(family))
    pair = " ".join(sorted((given_sx, family_sx))) if given_sx and family_sx else None
    return given_sx, family_sx, pair


def record_columns(record: PersonRecord, fields: Iterable[IdentityField]) -> dict[str, Any]:
    """Return the model's columns for one record, for the fields in use."""
    wanted = set(fields)
    out: dict[str, Any] = {}
    alias_given, alias_family = _split_aliases(record.aliases)
    if F.given_name in wanted:
        given = normalise.name(record.given_name)
        out["given_name"] = given
        out["given_forms"] = _given_forms(given, alias_given)
        out["given_sx"] = normalise.soundex(given)
        out["given_mp"] = normalise.metaphone(given)
    if F.family_name in wanted:
        family = normalise.name(record.family_name)
        out["family_name"] = family
        out["family_forms"] = _family_forms(family, alias_family)
        out["family_sx"] = normalise.soundex(family)
        out["family_mp"] = normalise.metaphone(family)
    if {F.given_name, F.family_name} <= wanted:
        out["names_key"] = name_keys(record.given_name, record.family_name)[2]
    if F.date_of_birth in wanted:
        born = parse(record.date_of_birth, ISO) if record.date_of_birth else None
        out["dob"] = born.iso if born else None
        out["dob_year"] = born.year if born else None
        out["dob_month"] = born.month if born else None
        out["dob_day"] = born.day if born else None
    if F.sex in wanted:
        out["sex"] = normalise.sex(record.sex)
    if F.postcode in wanted:
        code = normalise.postcode(record.postcode)
        out["postcode"] = code
        out["postcode_sector"] = normalise.postcode_sector(code)
        out["postcode_district"] = normalise.postcode_district(code)
    if F.address in wanted:
        out["address"] = normalise.address(record.address)
    if F.town in wanted:
        out["town"] = normalise.town(record.town)
    if F.phone in wanted:
        out["phone"] = normalise.phone(record.phone)
    if F.email in wanted:
        out["email"] = normalise.email(record.email)
    return out


def table(records: Sequence[PersonRecord], fields: Iterable[IdentityField]) -> dict[str, list[Any]]:
    """Return the model's input table as columns, with `unique_id` the record's position."""
    wanted = [f for f in IdentityField if f in set(fields)]
    names = [column for field in wanted for column in COLUMNS[field]]
    if {F.given_name, F.family_name} <= set(wanted):
        names.append("names_key")
    columns: dict[str, list[Any]] = {"unique_id": list(range(len(records)))}
    columns.update({name: [] for name in names})
    for record in records:
        row = record_columns(record, wanted)
        for name in names:
            columns[name].append(row[name])
    return columns
