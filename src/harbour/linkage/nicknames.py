"""Given names that may stand for one another: Bob and Robert, Kate and Katherine.

The pairs come from the `nicknames` package (a hand-curated list of English given names and their
nicknames, maintained by Carlton Northern and Nick Crews, Apache-2.0). A name stands for itself
and for each formal name it is a nickname of, so two names are related when they share a formal
name: "bob" and "rob" both stand for "robert". Names are not chained further: "al" is a nickname
of both Alan and Albert, but Alan and Albert are not related through it.
"""

from __future__ import annotations

from functools import cache, lru_cache

from nicknames import NickNamer


@cache
def _namer() -> NickNamer:
    return NickNamer()


@lru_cache(maxsize=65_536)
def forms(given: str) -> frozenset[str]:
    """Return a cleaned given name with every formal name it may be a nickname of."""
    return frozenset({given, *_namer().canonicals_of(given)})


def related(a: str, b: str) -> bool:
    """Tell whether two cleaned given names may name the same person (equal, or nicknames)."""
    return bool(forms(a) & forms(b))
