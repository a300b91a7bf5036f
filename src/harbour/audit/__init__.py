"""The append-only, hash-chained audit log of every view, change, export and disclosure."""
