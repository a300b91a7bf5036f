"""Turn person records into the columns Harbour's linkage model compares and blocks on.

Pure: a list of `PersonRecord` in, a dictionary of equal-length columns out (what Splink registers
as a table). Besides the cleaned fields it derives the keys the model needs: Soundex and Metaphone
codes of each name, the set of forms a given name may take (nicknames, other given names, aliases)
and of a family name (each part of a double-barrelled name, aliases), the parts of the date of
birth, and the sector and district of a UK postcode.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from harbour.linkage import nicknames, normalise
from harbour.linkage.dates import ISO, parse
from harbour.linkage.schemas import IdentityField, PersonRecord

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


def _given(given_name: str | None, aliases: tuple[str, ...]) -> tuple[Any, ...]:
    given = normalise.name(given_name)
    forms = _given_forms(given, _split_aliases(aliases)[0])
    return given, forms, normalise.soundex(given), normalise.metaphone(given)


def _family(family_name: str | None, aliases: tuple[str, ...]) -> tuple[Any, ...]:
    family = normalise.name(family_name)
    forms = _family_forms(family, _split_aliases(aliases)[1])
    return family, forms, normalise.soundex(family), normalise.metaphone(family)


def _birth(value: str | None) -> tuple[Any, ...]:
    born = parse(value, ISO) if value else None
    return (born.iso, born.year, born.month, born.day) if born else (None, None, None, None)


# A UK postcode already in its cleaned form (`OUTWARD INWARD`, capitals, one space), as Harbour
# stores a home's: `normalise.postcode` would return it unchanged.
_CLEAN_UK_POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]? [0-9][A-Z]{2}")


def _postcode(value: str | None) -> tuple[Any, ...]:
    code = value if value and _CLEAN_UK_POSTCODE.fullmatch(value) else normalise.postcode(value)
    return code, normalise.postcode_sector(code), normalise.postcode_district(code)


def _one(function: Callable[[str | None], Any]) -> Callable[[str | None], tuple[Any, ...]]:
    return lambda value: (function(value),)


def _phone(value: str | None) -> tuple[str | None]:
    # A number already stored in the international form (as Harbour stores them) is its own
    # cleaned form: `normalise.phone` keeps "+" and the digits, and there are six or more.
    if value and value[0] == "+" and len(value) > 6 and value[1:].isdigit():
        return (value,)
    return (normalise.phone(value),)


# The raw values each field's columns are made from (PersonRecord attribute names).
RAW: dict[IdentityField, tuple[str, ...]] = {
    F.given_name: ("given_name", "aliases"),
    F.family_name: ("family_name", "aliases"),
    F.date_of_birth: ("date_of_birth",),
    F.sex: ("sex",),
    F.postcode: ("postcode",),
    F.address: ("address",),
    F.town: ("town",),
    F.phone: ("phone",),
    F.email: ("email",),
}
_DERIVE: dict[IdentityField, Callable[..., tuple[Any, ...]]] = {
    F.given_name: _given,
    F.family_name: _family,
    F.date_of_birth: _birth,
    F.sex: _one(normalise.sex),
    F.postcode: _postcode,
    F.address: _one(normalise.address),
    F.town: _one(normalise.town),
    F.phone: _phone,
    F.email: _one(normalise.email),
}


def _names_key(given_sx: str | None, family_sx: str | None) -> str | None:
    return " ".join(sorted((given_sx, family_sx))) if given_sx and family_sx else None


def record_columns(record: PersonRecord, fields: Iterable[IdentityField]) -> dict[str, Any]:
    """Return the model's columns for one record, for the fields in use."""
    wanted = set(fields)
    out: dict[str, Any] = {}
    for field in IdentityField:
        if field in wanted:
            raw = [getattr(record, name) for name in RAW[field]]
            if field in (F.given_name, F.family_name):
                raw[1] = tuple(raw[1] or ())
            out.update(zip(COLUMNS[field], _DERIVE[field](*raw), strict=True))
    if {F.given_name, F.family_name} <= wanted:
        out["names_key"] = _names_key(out["given_sx"], out["family_sx"])
    return out


def _derived(
    derive: Callable[..., tuple[Any, ...]], keys: list[Any], width: int, *, pairs: bool
) -> list[list[Any]]:
    """Derive each distinct key once and return the `width` derived columns.

    A key is one raw value, or with `pairs` a name with its other names (the name alone when
    there are none, which is most records: a string's hash is kept, a tuple's is not).
    """
    if pairs:
        memo = {k: derive(*k) if isinstance(k, tuple) else derive(k, ()) for k in set(keys)}
    else:
        memo = {k: derive(k) for k in set(keys)}
    if width == 1:
        single = {k: v[0] for k, v in memo.items()}
        return [list(map(single.__getitem__, keys))]
    if not keys:
        return [[] for _ in range(width)]
    return [list(column) for column in zip(*map(memo.__getitem__, keys), strict=True)]


def columns(
    raw: Mapping[str, Sequence[Any]],
    fields: Iterable[IdentityField],
    ids: Sequence[Any] | None = None,
) -> dict[str, list[Any]]:
    """Return the model's input table as columns, from raw values held column by column.

    `raw` holds a list for each PersonRecord attribute the fields need (`RAW`), one value a
    record (`aliases` a list of other names, or None); `ids` each record's `unique_id` (by
    default its position). Each field is cleaned once for each distinct raw value and the result
    shared: a million people hold a few thousand names and dates, so this saves most of the
    work, and equal values are one string in memory.
    """
    wanted = [f for f in IdentityField if f in set(fields)]
    count = len(next(iter(raw.values()))) if raw else 0
    out: dict[str, list[Any]] = {"unique_id": list(range(count)) if ids is None else list(ids)}
    if len(out["unique_id"]) != count:
        raise ValueError("one id is needed for each record")
    aliases: list[tuple[str, ...] | None] | None = None
    for field in wanted:
        values = raw[RAW[field][0]]
        pairs = field in (F.given_name, F.family_name)
        if pairs:
            if aliases is None:
                aliases = [tuple(a) if a else None for a in raw["aliases"]]
            keys: list[Any] = [
                v if a is None else (v, a) for v, a in zip(values, aliases, strict=True)
            ]
        else:
            keys = list(values) if not isinstance(values, list) else values
        names = COLUMNS[field]
        derived = _derived(_DERIVE[field], keys, len(names), pairs=pairs)
        out.update(zip(names, derived, strict=True))
    if {F.given_name, F.family_name} <= set(wanted):
        pairs_sx = list(zip(out["given_sx"], out["family_sx"], strict=True))
        keyed = {pair: _names_key(*pair) for pair in set(pairs_sx)}
        out["names_key"] = list(map(keyed.__getitem__, pairs_sx))
    return out


def table(
    records: Sequence[PersonRecord],
    fields: Iterable[IdentityField],
    ids: Sequence[Any] | None = None,
) -> dict[str, list[Any]]:
    """Return the model's input table as columns, with `unique_id` the record's position
    (or `ids`, one a record)."""
    wanted = [f for f in IdentityField if f in set(fields)]
    names = sorted({name for field in wanted for name in RAW[field]})
    raw = {name: [getattr(r, name) for r in records] for name in names}
    if not names:
        return {"unique_id": list(range(len(records))) if ids is None else list(ids)}
    return columns(raw, wanted, ids)
