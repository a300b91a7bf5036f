"""harbour risk: the APP risk grading policy."""

from __future__ import annotations

from typing import Annotated

import typer

from harbour.cli.common import _fail, _read_request

risk_app = typer.Typer(help="The APP risk grading policy.")


@risk_app.command("suggest")
def risk_suggest(
    file: Annotated[str, typer.Argument(help='A JSON file, or "-" for standard input')],
) -> None:
    """Print the policy's suggested grade and reasons for {"age_years": N, "answers": {...}}."""
    from harbour.risk import service as risk
    from harbour.risk.policy import PolicyError
    from harbour.risk.schemas import SuggestRequest

    request = _read_request(file, SuggestRequest, "The answers are not valid")
    try:
        suggestion = risk.suggest_grade(None, request)
    except PolicyError as exc:
        raise _fail(f"The risk policy could not be read: {exc}") from exc
    typer.echo(suggestion.model_dump_json(indent=2))
