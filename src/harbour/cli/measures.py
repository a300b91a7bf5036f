"""harbour measures: the inspection measures of a period, as the dashboard counts them."""

from __future__ import annotations

import csv
import json
import sys
from datetime import date
from typing import Annotated

import typer

from harbour.cli.common import _actor, _fail

COLUMNS = ("measure", "group", "numerator", "denominator", "value", "suppressed")


def _day(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _fail(f"{option} must be a date as YYYY-MM-DD, not {value!r}") from None


def measures_command(
    start: Annotated[str, typer.Option("--from", help="First day of the period, YYYY-MM-DD")],
    end: Annotated[str, typer.Option("--to", help="Last day of the period, YYYY-MM-DD")],
    by: Annotated[
        str | None,
        typer.Option(
            help="Break down by borough, age_band, sex, ethnicity, ethnic_group, "
            "observed_ethnicity or looked_after"
        ),
    ] = None,
    borough: Annotated[str | None, typer.Option(help="Count only people living here")] = None,
    output: Annotated[str, typer.Option("--format", help="json or csv")] = "json",
) -> None:
    """Print every inspection measure of a period (docs/measures.md defines each one).

    JSON is a list of {"measure", "group", "numerator", "denominator", "value", "suppressed"};
    the group is "all" without --by. Days are UK local days, both included. A group with fewer
    than HARBOUR_MEASURES_SUPPRESS_BELOW counted (5) is suppressed: numerator and value null.
    """
    from harbour import db
    from harbour.errors import HarbourError
    from harbour.measures import service

    if output not in ("json", "csv"):
        raise _fail("--format must be json or csv")
    first, last = _day(start, "--from"), _day(end, "--to")
    where = {"borough": borough} if borough else None
    try:
        with db.unit_of_work() as session:
            found = service.measures(session, _actor(), first, last, by=by, where=where)
    except HarbourError as exc:
        raise _fail("; ".join(exc.field_errors.values()) or exc.message) from exc
    rows = [figure.as_dict() for figure in found]
    if output == "json":
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    writer = csv.DictWriter(sys.stdout, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
