"""A writer for the crash test, run as its own process: audited changes in a loop until killed.

Each unit of work adds one row (a view justification: a small change) and one to three audit
events about it, alternating sessions that begin as writes and as reads (an audited page view
that writes after all). Once its commit has returned it prints the row's id and the events' seqs,
flushed: a line on standard output is an acknowledged write.
Usage: python crash_writer.py DATABASE_URL NAME
"""

from __future__ import annotations

import sys

from harbour import db
from harbour.actor import Channel, system_actor
from harbour.audit import service as audit
from harbour.audit.models import ViewJustification

SUBJECT = "crash_test"


def main(url: str, name: str) -> None:
    engine = db.make_engine(url)
    db.bind(engine)
    actor = system_actor(Channel.job, name=name)
    print("ready", flush=True)
    i = 0
    while True:
        i += 1
        session = db.reading() if i % 2 else db.session_factory()()
        try:
            row = ViewJustification(
                session_key=name, subject_type=SUBJECT, subject_id=str(i), reason="crash test"
            )
            session.add(row)
            session.flush()
            events = [
                audit.record(
                    session, actor, "update", SUBJECT, row.id, after={"i": i, "of": 1 + i % 3}
                )
                for _ in range(1 + i % 3)
            ]
            session.commit()
        finally:
            session.close()
        print(row.id, *(event.seq for event in events), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
