"""harbour triage: the Right Care Right Person narrative assist."""

from __future__ import annotations

from typing import Annotated

import typer

from harbour.cli.common import _fail, _read_request

triage_app = typer.Typer(help="Call triage: the Right Care Right Person narrative assist.")


@triage_app.command("suggest")
def triage_suggest(
    file: Annotated[str, typer.Argument(help='A JSON file, or "-" for standard input')],
) -> None:
    """Print the RCRP suggestion for {"narrative": "...", "caller_type": ..., "answers": {...}}."""
    from harbour.calls import service as triage
    from harbour.calls.rules import RulesError
    from harbour.calls.schemas import TriageRequest

    request = _read_request(file, TriageRequest, "The call is not valid")
    try:
        suggestion = triage.suggest_outcome(None, request)
    except RulesError as exc:
        raise _fail(f"The triage rules could not be read: {exc}") from exc
    typer.echo(suggestion.model_dump_json(indent=2))
