"""What every Harbour process wires before its first request or command.

The app factory and the CLI call `start()`, and so do the tests: the whole schema known to the
mapper (so that relationships resolve and merges see every table that names a person), the
session listeners that act on a commit (the save-time network check, notification emails, and
last the audit chain's, which links the events those may have recorded), and
the sources of force data that the grading screen shows from the floors above episodes, and
the regrade prompt when a flag is added to the record of someone still missing.
Nothing is registered by importing a module.
"""

from __future__ import annotations

from harbour import models
from harbour.audit import chain as audit_chain
from harbour.episodes import force_data, schedule
from harbour.exploitation import service as exploitation
from harbour.measures import store as measure_store
from harbour.network import alerts, incremental
from harbour.people import record
from harbour.tasks import mail


def start() -> None:
    """Wire the schema and the session listeners (idempotent)."""
    assert models.metadata.tables  # every model module is imported by harbour.models
    incremental.listen()
    mail.listen()
    measure_store.listen()  # the measures' facts rewritten in the transaction that changes them
    audit_chain.listen()  # after the network check: it links the events the check records
    # What the floors above episodes hold about a person, put in front of the grader.
    force_data.add_source(alerts.force_facts)
    force_data.add_source(exploitation.force_facts)
    # A flag added to the record of someone still missing prompts a regrade.
    record.on_flags_added(schedule.flags_added)
