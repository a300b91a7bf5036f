"""docs/measures.md, written from the definitions (`scripts/measures_doc.py`; a test checks that
the file in the repository is what this writes)."""

from __future__ import annotations

from harbour.measures.definitions import MEASURES, SECTIONS
from harbour.measures.groups import AGE_BANDS, BROAD_GROUPS, DIMENSIONS
from harbour.measures.population import REFERENCE_GROUP, SHARES, SOURCE

INTRO = """# The inspection measures

Written by `scripts/measures_doc.py` from `src/harbour/measures/definitions.py`: edit the
definitions, not this file. The dashboard (`/measures`, for sergeants, inspectors,
superintendents and analysts) and `harbour measures --from YYYY-MM-DD --to YYYY-MM-DD` compute
every figure with the same code.

## How the figures are counted

- **The period** is from the start of the first day to the end of the last, in UK local time.
  Each measure says which time puts a record in the period (its *time basis*).
- **Scope.** A leader counts the records of their own force (the scope of `measures.view` in the
  access table); the command line counts every record. Figures name no one, but each viewing
  and each CSV download is in the audit log.
- **A child** is under 18 on the day of the report. Someone whose age is not known is not
  counted as a child in these measures, as in the closure rules; the age band *not known* shows
  how many they are.
- **Kinds.** A *share* is numerator / denominator; a *count* has no denominator; a *median* has no
  numerator (its denominator is how many were measured); the *top-6% share* counts the
  episodes of the 6% of children (rounded up) with the most episodes.
- **Breakdowns** group each counted record by the person it is about: {dimensions}. The borough
  is where the person lives now (their home on record); the age band is the age on the day
  counted ({bands}); looked-after status and flags are as the record stands now.
- **Small numbers.** In a breakdown, a group with from 1 to 4 counted
  (`HARBOUR_MEASURES_SUPPRESS_BELOW`, 5) has its numerator and value withheld: a share of so
  few says little and could point to a person. The whole is never suppressed.
- **Disproportionality** compares children reported missing in each broad ethnic group
  (self-defined; {groups}) with that group's residents: the rate per 100,000 and the rate ratio
  against the {reference} group, with a 95% interval by the log method,
  exp(ln RR +/- 1.96 sqrt(1/a + 1/b)), where a and b are the two counts (the population is
  large enough that its own error is left out). Population: {source} ({shares}).
- **Trends** count each record in the week (from Monday) or month of its time basis; a period
  with nothing counted shows no value rather than zero.
- **How the figures stay right as records change.** The episode measures are counted in the
  database from `measure_episode`, one row per episode with what the measures need (its person's
  groups on the day of the report, the first grading, the return, repeats, harm). The
  transaction that changes an episode, a grading, a person's record, a home's borough or an
  exploitation concern rewrites the rows of every episode of the people it touched, before it
  commits, so a figure never lags the records and a rolled-back change leaves nothing behind.
  The bulk importer (COPY, which no listener sees) ends by rewriting them all, as does
  `harbour db refresh-measures`. Reviews, calls, screenings, NRM referrals and warning notices
  are few (only live records have them) and are counted from their own tables.
- **Children in a breakdown.** A measure of children counts each child once in the whole; in a
  breakdown a child counts once in each group they had an episode in (a child who turned 15
  during the period is in both 12-14 and 15-17).
"""


def markdown() -> str:
    bands = ", ".join(band for band, _, _ in AGE_BANDS) + ", not known"
    shares = ", ".join(f"{BROAD_GROUPS[g]} {v}%" for g, v in SHARES.items())
    lines = [
        INTRO.format(
            dimensions=", ".join(f"`{k}` ({v.lower()})" for k, v in DIMENSIONS.items()),
            bands=bands,
            groups=", ".join(BROAD_GROUPS.values()),
            reference=BROAD_GROUPS[REFERENCE_GROUP],
            source=SOURCE,
            shares=shares,
        )
    ]
    for section in SECTIONS:
        lines.append(f"## {section}\n")
        for m in MEASURES:
            if m.section != section:
                continue
            lines.append(f"### `{m.name}`: {m.title}\n")
            lines.append(f"- **Kind:** {m.kind.replace('_', ' ')}")
            lines.append(f"- **Numerator:** {m.numerator}")
            lines.append(f"- **Denominator:** {m.denominator}")
            lines.append(f"- **Which records count:** {m.counts}")
            lines.append(f"- **Time basis:** {m.basis}")
            lines.append(f"- **Source of the definition:** {m.source}\n")
    return "\n".join(lines).rstrip() + "\n"
