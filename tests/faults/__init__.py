"""Harbour's fault suite (issue 16), run with the rest of the tests on both databases.

- `test_kill_importer.py`: kill -9 of `harbour import` mid-commit, again and again;
- `test_kill_server.py`: kill -9 of `harbour serve` while officers save;
- `tests/audit/test_crash.py`: kill -9 of audited writers at random moments;
- `tests/test_holding_up.py`: concurrent edits (twenty saves at once after each kind of error,
  two saves of one record at once) and a bounded load (ninety requests in flight);
- `tests/test_client_gone.py`: a request whose client has gone is not run.

After each, nothing acknowledged is lost and `harbour audit verify` holds.
"""
