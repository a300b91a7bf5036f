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
    clocks: Annotated[
        bool,
        typer.Option(
            help="Run the supervision clocks (harbour reviews escalate) every minute in this "
            "process; turn off where cron runs them"
        ),
    ] = True,
) -> None:
    """Serve Harbour over HTTP."""
    import threading

    import uvicorn

    from harbour.cli.reviews import clocks_every_minute

    settings = get_settings()
    console.print(f"Harbour ({settings.env}) on [bold]http://{host}:{port}[/]")
    stop = threading.Event()
    if clocks:
        threading.Thread(target=clocks_every_minute, args=(stop,), daemon=True).start()
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
    stop.set()
