"""What every Harbour process wires before its first request or command.

The app factory and the CLI call `start()`, and so do the tests: the whole schema known to the
mapper (so that relationships resolve and merges see every table that names a person), and the
session listeners that act on a commit: the save-time network check and notification emails.
Nothing is registered by importing a module.
"""

from __future__ import annotations

from harbour import models
from harbour.network import incremental
from harbour.tasks import mail


def start() -> None:
    """Wire the schema and the session listeners (idempotent)."""
    assert models.metadata.tables  # every model module is imported by harbour.models
    incremental.listen()
    mail.listen()
