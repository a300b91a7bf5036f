"""Census-sized name pools for the simulator, drawn from Faker's per-country name lists.

A force's records hold thousands of given names and surnames, a few of them common and most rare.
The hand-written lists in `names` (about a hundred of each, with the nicknames the identity model
must recognise) stay as the commonest core; Faker's lists for the countries London's residents come
from add the long tail, each country's share set from London's ethnic mix (census 2021,
`shared/population.md`). Within a list, a name's weight falls with its rank as 1 / (rank + 20),
so the commonest surname is about one in a hundred, as Smith is in England. Only names written in
Latin letters are kept (accents removed), since the records a force holds are.
"""

from __future__ import annotations

import importlib
import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from harbour.simulate import names

# Faker locale -> share of the pool (roughly London's census 2021 ethnic groups by origin).
LOCALE_SHARES: dict[str, float] = {
    "en_GB": 30.0,
    "en_US": 8.0,  # English-language names with census frequencies
    "en_IE": 3.0,
    "pl_PL": 2.5,
    "ro_RO": 2.5,
    "it_IT": 2.0,
    "pt_PT": 2.0,
    "es_ES": 1.5,
    "fr_FR": 1.5,
    "tr_TR": 2.0,
    "en_IN": 7.5,
    "en_PK": 7.0,
    "ar_PS": 2.0,
    "yo_NG": 3.0,
    "en_NG": 2.5,
    "tw_GH": 1.5,
    "en_KE": 1.0,
    "sw": 1.0,
}
CORE_SHARE = 25.0  # the hand-written lists in `names`
RANK_OFFSET = 20
_LATIN = re.compile(r"^[A-Z][a-z]+(?:[-' ][A-Z]?[a-z]+)*$")


@dataclass(frozen=True)
class Pool:
    """Names with cumulative weights, ready for `random.Random.choices(names, cum_weights=...)`."""

    names: tuple[str, ...]
    cum_weights: tuple[float, ...]


def _latin(name: str) -> str | None:
    plain = "".join(
        c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)
    ).strip()
    return plain if _LATIN.match(plain) else None


def _locale_names(locale: str, attribute: str) -> list[str]:
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
    raw: Iterable[str] = getattr(provider, attribute, ()) or ()
    seen: dict[str, None] = {}
    for name in raw:
        plain = _latin(name)
        if plain is not None:
            seen.setdefault(plain, None)
    return list(seen)


def _build(core: Sequence[str], attribute: str) -> Pool:
    weights: dict[str, float] = {}

    def add(listed: Sequence[str], share: float) -> None:
        ranked = [1.0 / (rank + RANK_OFFSET) for rank in range(len(listed))]
        total = sum(ranked)
        for name, weight in zip(listed, ranked, strict=True):
            weights[name] = weights.get(name, 0.0) + share * weight / total

    add(core, CORE_SHARE)
    for locale, share in LOCALE_SHARES.items():
        listed = _locale_names(locale, attribute)
        if len(listed) >= 10:  # a locale with no real list of this kind is left out
            add(listed, share)
    ordered = sorted(weights.items(), key=lambda item: (-item[1], item[0]))
    return Pool(
        tuple(name for name, _ in ordered),
        tuple(itertools.accumulate(weight for _, weight in ordered)),
    )


@cache
def given(sex: str) -> Pool:
    if sex == "female":
        return _build(names.GIVEN_FEMALE, "first_names_female")
    return _build(names.GIVEN_MALE, "first_names_male")


@cache
def family() -> Pool:
    return _build(names.FAMILY, "last_names")
