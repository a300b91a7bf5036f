"""What every command shares: the consoles, the operator as an actor, and how a command fails."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from harbour.actor import Actor, Channel, system_actor

console = Console()


err = Console(stderr=True)


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "operator"


def _actor() -> Actor:
    return system_actor(Channel.cli, name=_operator())


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]Error:[/] {escape(message)}")  # a message may quote input: "[/]"
    return typer.Exit(code=1)


if TYPE_CHECKING:
    from pydantic import BaseModel


RequestModel = TypeVar("RequestModel", bound="BaseModel")


def _read_request(file: str, model: type[RequestModel], invalid: str) -> RequestModel:
    """Read a JSON request from a file or standard input ("-"), or stop with what is wrong."""
    import sys

    from pydantic import ValidationError

    try:
        data = sys.stdin.buffer.read() if file == "-" else Path(file).read_bytes()
    except OSError as exc:
        raise _fail(f"{file} could not be read: {exc.strerror}") from exc
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark, as some editors write, is fine
    except UnicodeDecodeError as exc:
        name = "Standard input" if file == "-" else escape(file)
        err.print(
            f"[bold red]Error:[/] {name} is not UTF-8 text (byte 0x{data[exc.start]:02x} at "
            f"offset {exc.start}): save it as UTF-8 and try again",
            soft_wrap=True,
        )
        raise typer.Exit(code=2) from exc
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5]
        )
        raise _fail(f"{invalid}: {problems}") from exc
