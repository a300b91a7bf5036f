"""harbour serve: serve Harbour over HTTP."""

from __future__ import annotations

from typing import Annotated

import typer

from harbour.cli.common import console
from harbour.settings import get_settings


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
    reload: Annotated[bool, typer.Option(help="Restart when code changes")] = False,
) -> None:
    """Serve Harbour over HTTP."""
    import uvicorn

    settings = get_settings()
    console.print(f"Harbour ({settings.env}) on [bold]http://{host}:{port}[/]")
    uvicorn.run(
        "harbour.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        proxy_headers=True,
        access_log=False,
    )
