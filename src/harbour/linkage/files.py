"""Analysts' CSV files: the column mapping, reading records with their dates, writing clusters.

A mapping names which column holds each identifying field: `given_name=first_name,dob=...`; a
field may join several columns with `+` (`address=house_number+street`). Every problem a person
can fix is raised as `FileProblem` with a message that names the column, field or value.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from harbour.errors import ValidationFailed
from harbour.linkage import dates
from harbour.linkage.schemas import IdentityField, PersonRecord

Mapping = dict[IdentityField, list[str]]
# More than this share of a file's dates unreadable means the format is wrong, not the data.
MAX_UNREADABLE_SHARE = 0.5


class FileProblem(ValidationFailed):
    """A file, column, field or value that stops the command; the message says which."""


@dataclass(frozen=True)
class Source:
    """One file's records, ready for the model, with what reading them found."""

    name: str
    records: list[PersonRecord]
    unreadable_dates: int
    date_format: str | None


def parse_mapping(text: str) -> Mapping:
    """Read `FIELD=COLUMN[+COLUMN],...` into the columns of each identifying field."""
    known = ", ".join(f.value for f in IdentityField)
    mapping: Mapping = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        field_text, sep, columns_text = item.partition("=")
        if not sep or not columns_text.strip():
            raise FileProblem(f"{item!r} in --map is not FIELD=COLUMN")
        try:
            field = IdentityField(field_text.strip())
        except ValueError:
            raise FileProblem(
                f"unknown field {field_text.strip()!r} in --map: use {known}"
            ) from None
        if field in mapping:
            raise FileProblem(f"{field.value} is mapped twice in --map")
        columns = [c.strip() for c in columns_text.split("+") if c.strip()]
        mapping[field] = columns
    if not mapping:
        raise FileProblem(f"--map names no field: use FIELD=COLUMN with FIELD one of {known}")
    return mapping


def _text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FileProblem(f"{path} could not be read: {exc.strerror}") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")  # Excel's export on UK Windows


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    text = _text(path)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:65_536], delimiters=",;\t|"
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text, newline=""), dialect=dialect)
    header = [h.strip() for h in reader.fieldnames or []]
    if not header:
        raise FileProblem(f"{path} is empty: it needs a header row naming its columns")
    reader.fieldnames = header
    rows = [{k: (v or "") for k, v in row.items() if k is not None} for row in reader]
    return header, rows


def _check_columns(path: Path, header: list[str], wanted: Iterable[str]) -> None:
    missing = [c for c in wanted if c not in header]
    if missing:
        shown = ", ".join(header[:20]) + (" …" if len(header) > 20 else "")
        raise FileProblem(
            f"{path.name} has no column {', '.join(repr(m) for m in missing)}; "
            f"its columns are: {shown}"
        )


def read_source(
    path: Path, *, id_column: str, mapping: Mapping, date_format: str | None = None
) -> Source:
    """Read a CSV file's records through the mapping; dates with the given or detected format."""
    header, rows = _rows(path)
    _check_columns(path, header, [id_column, *(c for cols in mapping.values() for c in cols)])
    ids = [row[id_column].strip() for row in rows]
    blank = sum(1 for i in ids if not i)
    if blank:
        raise FileProblem(f"{path.name}: {blank:,} row(s) have no value in the id column")
    repeated = [value for value, n in Counter(ids).items() if n > 1]
    if repeated:
        raise FileProblem(
            f"{path.name}: the id column {id_column!r} repeats {len(repeated):,} value(s), "
            f"for example {repeated[0]!r}; each row needs its own id"
        )

    def value(row: dict[str, str], field: IdentityField) -> str | None:
        columns = mapping.get(field)
        if not columns:
            return None
        joined = " ".join(row[c].strip() for c in columns if row[c].strip())
        return joined or None

    born: list[str | None] = [None] * len(rows)
    unreadable = 0
    chosen: str | None = None
    if IdentityField.date_of_birth in mapping:
        raw = [value(row, IdentityField.date_of_birth) or "" for row in rows]
        try:
            chosen = date_format or dates.detect(raw)
            parsed, unreadable = dates.read_column(raw, chosen)
        except dates.DateFormatError as exc:
            raise FileProblem(f"{path.name}: dates of birth: {exc}") from exc
        present = sum(1 for r in raw if r.strip())
        if present and unreadable > present * MAX_UNREADABLE_SHARE:
            example = next(r for r, d in zip(raw, parsed, strict=True) if r.strip() and not d)
            raise FileProblem(
                f"{path.name}: {unreadable:,} of {present:,} dates of birth could not be read "
                f"as {chosen} (for example {example!r}); give the format with --date-format"
            )
        born = [d.iso if d else None for d in parsed]
    records = [
        PersonRecord(
            id=ids[i],
            given_name=value(row, IdentityField.given_name),
            family_name=value(row, IdentityField.family_name),
            date_of_birth=born[i],
            sex=value(row, IdentityField.sex),
            postcode=value(row, IdentityField.postcode),
            address=value(row, IdentityField.address),
            town=value(row, IdentityField.town),
            phone=value(row, IdentityField.phone),
            email=value(row, IdentityField.email),
        )
        for i, row in enumerate(rows)
    ]
    return Source(path.name, records, unreadable, chosen)


def write_clusters(path: Path, rows: Iterable[tuple[str, str, int]], *, link: bool) -> None:
    """Write `id,cluster_id` (and `source` when two files were linked), one row per record."""
    try:
        with path.open("w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["id", "cluster_id", "source"] if link else ["id", "cluster_id"])
            for source, record_id, cluster in rows:
                writer.writerow([record_id, cluster, source] if link else [record_id, cluster])
    except OSError as exc:
        raise FileProblem(f"{path} could not be written: {exc.strerror}") from exc
