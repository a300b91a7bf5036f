"""Interoperability's services: loading records in Harbour's import format.

`reading` reads the files line by line and validates each line (or gives its reason);
`importer` loads them through the ORM (any database) and reports every rejected line; `bulk` is
PostgreSQL's fast path (COPY); `writers` turns a parsed line into the rows it writes. Callers
outside this package use these names.
"""

from __future__ import annotations

from harbour.interop.bulk import BulkUnavailable, run_bulk_import
from harbour.interop.importer import (
    Rejection,
    Summary,
    organisation_for_import,
    run_import,
    write_report,
)
from harbour.interop.reading import ImportFailed

__all__ = [
    "BulkUnavailable",
    "ImportFailed",
    "Rejection",
    "Summary",
    "organisation_for_import",
    "run_bulk_import",
    "run_import",
    "write_report",
]
