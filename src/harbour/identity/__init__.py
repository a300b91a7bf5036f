"""Identity resolution over Harbour's own people: intake look-ups, batch review queue, merges.

`harbour.linkage` is the linkage model (Splink, no database). This package runs it over the
person table: `records` reads persons as the model's records, `candidates` answers "who might this
be?" while a report is taken, `batch` scores the whole table into a review queue, and `merging`
merges two records of one person and unmerges them exactly.
"""
