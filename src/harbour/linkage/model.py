"""Harbour's record-linkage model: Splink comparisons and blocking rules (training is
`linkage.training`).

The model is Splink's Fellegi-Sunter model; this module only says what to compare and how to
train it. `settings(fields, link)` builds Splink settings for the identifying fields a source
holds, on any Splink backend (DuckDB here, Spark for national volumes): every level is from
Splink's level library or plain SQL marked as DuckDB's, which Splink translates. `train` estimates
u by random sampling and m by expectation maximisation, without labels.

Compared with Splink's stock comparisons, Harbour's add the errors seen in police records of
people: nicknames and other names (Bob for Robert, a double-barrelled surname used in part),
given and family names written the wrong way round, a date of birth with day and month swapped,
a year out by one or only partly known, and UK postcodes compared by sector and district.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator

from harbour.errors import ValidationFailed
from harbour.linkage.schemas import IdentityField

F = IdentityField


log = logging.getLogger(__name__)


SQL = "duckdb"  # the dialect of the SQL written here; Splink translates it for other backends


class NothingToLearn(ValidationFailed):
    """The records hold no pairs for EM to learn from (too few, or nothing shared)."""


def _level(sql: str, label: str) -> cll.CustomLevel:
    return cll.CustomLevel(sql, label_for_charts=label, base_dialect_str=SQL)


def _given_name() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="given_name",
        comparison_description="Given name, with nicknames, other names and swaps",
        comparison_levels=[
            cll.NullLevel("given_name"),
            cll.ExactMatchLevel("given_name", term_frequency_adjustments=True),
            cll.JaroWinklerLevel("given_name", 0.92),
            cll.ArrayIntersectLevel("given_forms", 1).configure(
                label_for_charts="Nickname, other name or one of several given names"
            ),
            cll.JaroWinklerLevel("given_name", 0.88),
            _level(
                "given_name_l = family_name_r OR given_name_r = family_name_l",
                "Given name written as the other's family name",
            ),
            _level("given_mp_l = given_mp_r", "Sounds alike (Metaphone)"),
            _level(
                "(length(given_name_l) = 1 OR length(given_name_r) = 1) "
                "AND substr(given_name_l, 1, 1) = substr(given_name_r, 1, 1)",
                "Initial agrees",
            ),
            cll.JaroWinklerLevel("given_name", 0.7),
            cll.ElseLevel(),
        ],
    )


def _family_name() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="family_name",
        comparison_description="Family name, with other names, double-barrelled names and swaps",
        comparison_levels=[
            cll.NullLevel("family_name"),
            cll.ExactMatchLevel("family_name", term_frequency_adjustments=True),
            cll.JaroWinklerLevel("family_name", 0.92),
            cll.ArrayIntersectLevel("family_forms", 1).configure(
                label_for_charts="Other name or part of a double-barrelled name"
            ),
            cll.JaroWinklerLevel("family_name", 0.88),
            _level(
                "family_name_l = given_name_r OR family_name_r = given_name_l",
                "Family name written as the other's given name",
            ),
            _level("family_mp_l = family_mp_r", "Sounds alike (Metaphone)"),
            cll.JaroWinklerLevel("family_name", 0.7),
            cll.ElseLevel(),
        ],
    )


def _family_name_only() -> ComparisonCreator:
    """The family-name comparison for sources with no given name (no swap level)."""
    return cl.NameComparison("family_name")


def _date_of_birth() -> ComparisonCreator:
    full = "dob_day_l IS NOT NULL AND dob_day_r IS NOT NULL"
    return cl.CustomComparison(
        output_column_name="dob",
        comparison_description="Date of birth: exact, swapped, mistyped, year out by one, partial",
        comparison_levels=[
            cll.NullLevel("dob_year"),
            _level(f"dob_l = dob_r AND {full}", "Exact match"),
            _level(
                f"{full} AND dob_year_l = dob_year_r AND dob_day_l = dob_month_r "
                "AND dob_month_l = dob_day_r",
                "Day and month swapped",
            ),
            # Two full dates one digit apart agree on their first five or last four characters:
            # a cheap test first, so that edit distance is worked out for few pairs.
            _level(
                f"{full} AND (left(dob_l, 5) = left(dob_r, 5) OR right(dob_l, 4) = right(dob_r, 4))"
                " AND levenshtein(dob_l, dob_r) <= 1",
                "One digit differs",
            ),
            _level(
                f"{full} AND abs(dob_year_l - dob_year_r) = 1 AND dob_month_l = dob_month_r "
                "AND dob_day_l = dob_day_r",
                "Year out by one",
            ),
            _level(
                "(dob_day_l IS NULL OR dob_day_r IS NULL) AND dob_year_l = dob_year_r "
                "AND (dob_month_l IS NULL OR dob_month_r IS NULL OR dob_month_l = dob_month_r)",
                "Partial date agrees",
            ),
            _level(
                f"{full} AND dob_year_l = dob_year_r AND dob_month_l = dob_month_r",
                "Same month and year",
            ),
            _level("abs(dob_year_l - dob_year_r) <= 2", "Within two years"),
            cll.ElseLevel(),
        ],
    )


# True of any two strings of six or more characters one edit apart (a character changed, added,
# dropped, or two neighbours swapped): the edit leaves the first three or the last two alone.
# Tested before the edit distance itself, which costs a microsecond a pair, so that distance
# is worked out only for the few pairs that could pass (the level's result is the same).
_ONE_EDIT_GUARD = (
    "length({c}_l) < 6 OR length({c}_r) < 6 OR left({c}_l, 3) = left({c}_r, 3) "
    "OR right({c}_l, 2) = right({c}_r, 2)"
)


def _postcode() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="postcode",
        comparison_description="Home postcode: exact, one character, sector, district",
        comparison_levels=[
            cll.NullLevel("postcode"),
            cll.ExactMatchLevel("postcode", term_frequency_adjustments=True),
            _level(
                f"({_ONE_EDIT_GUARD.format(c='postcode')}) "
                "AND damerau_levenshtein(postcode_l, postcode_r) <= 1",
                "One character differs or two swapped",
            ),
            cll.ExactMatchLevel("postcode_sector").configure(label_for_charts="Same sector"),
            cll.ExactMatchLevel("postcode_district").configure(label_for_charts="Same district"),
            cll.ElseLevel(),
        ],
    )


def _text(column: str, description: str, *, tf: bool = False) -> ComparisonCreator:
    # Jaro-Winkler rather than edit distance: as telling on addresses and far cheaper on long text.
    return cl.CustomComparison(
        output_column_name=column,
        comparison_description=description,
        comparison_levels=[
            cll.NullLevel(column),
            cll.ExactMatchLevel(column, term_frequency_adjustments=tf),
            cll.JaroWinklerLevel(column, 0.94),
            cll.JaroWinklerLevel(column, 0.88),
            cll.JaroWinklerLevel(column, 0.7),
            cll.ElseLevel(),
        ],
    )


def _phone() -> ComparisonCreator:
    return cl.CustomComparison(
        output_column_name="phone",
        comparison_description="Phone number: exact, one digit, last eight digits",
        comparison_levels=[
            cll.NullLevel("phone"),
            cll.ExactMatchLevel("phone"),
            cll.DamerauLevenshteinLevel("phone", 1).configure(
                label_for_charts="One digit differs or two swapped"
            ),
            _level("right(phone_l, 8) = right(phone_r, 8)", "Last eight digits agree"),
            cll.ElseLevel(),
        ],
    )


def comparisons(fields: Iterable[IdentityField]) -> list[ComparisonCreator]:
    """Return Harbour's comparisons for the fields a source holds."""
    have = set(fields)
    out: list[ComparisonCreator] = []
    if F.given_name in have:
        out.append(_given_name())
    if F.family_name in have:
        out.append(_family_name() if F.given_name in have else _family_name_only())
    if F.date_of_birth in have:
        out.append(_date_of_birth())
    if F.sex in have:
        out.append(cl.ExactMatch("sex"))
    if F.postcode in have:
        out.append(_postcode())
    if F.address in have:
        out.append(_text("address", "Address: exact, mistyped, similar"))
    if F.town in have:
        out.append(_text("town", "Town: exact, mistyped, similar", tf=True))
    if F.phone in have:
        out.append(_phone())
    if F.email in have:
        out.append(cl.EmailComparison("email"))
    return out


def different_people_sql(fields: Iterable[IdentityField]) -> str | None:
    """Return the SQL condition on a scored pair that marks it as two different people.

    Fellegi-Sunter adds up fields as if independent, but a household shares a family name, an
    address, a postcode, a town and often a phone: two sisters agree on all of them, enough to
    outweigh a different given name and date of birth. So a pair whose given names clearly
    differ (no level above Jaro-Winkler 0.7: not a nickname, swap, initial or typo) *and* whose
    dates of birth clearly differ (another month or year, and none of the known errors) is
    never joined automatically, whatever its score; it is counted as held apart. The gamma
    values are Splink's level numbers, counted up from 0 for the last ("else") level.
    """
    have = set(fields)
    if not {F.given_name, F.date_of_birth} <= have:
        return None
    # Holding apart every pair whose dates of birth are far apart (gamma_dob = 0) would part a
    # parent and child of one name, but it costs FEBRL4 three points of recall (its dates carry
    # more than one error): tried and reverted, see docs/performance.md.
    return "gamma_given_name IN (0, 1) AND gamma_dob IN (0, 1)"


# Two names that sound alike pair records only when their years of birth could be one year
# mistyped: within one of each other, the same last digit (1983 and 1973), or with the same day
# and month; or when either is not known. A name key alone grows with the square
# of the records (8.4 million pairs at a million people, 0.4% of them true) and most pairs
# sharing only a common name's sound are different people; the other rules pair records on the
# date of birth whatever the names' sound.
NAMES_NEAR_YEAR = (
    "l.names_key = r.names_key AND (l.dob_year IS NULL OR r.dob_year IS NULL "
    "OR abs(l.dob_year - r.dob_year) <= 1 "
    "OR l.dob_year % 10 = r.dob_year % 10 "
    "OR (l.dob_month = r.dob_month AND l.dob_day = r.dob_day))"
)


def blocking_rules(fields: Iterable[IdentityField]) -> list[BlockingRuleCreator]:
    """Return the rules that choose which pairs are scored: phonetic names, birth date, postcode.

    Each rule pairs keys that fail for different reasons, so that a true pair is missed only if
    every rule has a missing or mistyped half: both names sound alike (in either order) with
    years of birth that could be one mistyped year (`NAMES_NEAR_YEAR`); a family or given name
    sounds alike on the same date of birth (a changed or misspelt other name); the same postcode
    with the year of birth, the family name's sound or the given initial (names or dates
    mistyped); the same address in the same postcode sector (one street address recurs across
    the country; an address without a postcode is left to the other rules), email or phone.
    """
    have = set(fields)
    rules: list[BlockingRuleCreator] = []
    if {F.given_name, F.family_name} <= have:
        if F.date_of_birth in have:
            rules.append(CustomRule(NAMES_NEAR_YEAR, sql_dialect=SQL))
        else:
            rules.append(block_on("names_key"))
    if F.date_of_birth in have:
        if F.family_name in have:
            rules.append(block_on("family_sx", "dob"))
        if F.given_name in have:
            rules.append(block_on("given_sx", "dob"))
        if F.postcode in have:
            rules.append(block_on("postcode", "dob_year"))
        if F.town in have:
            rules.append(block_on("town", "dob"))
    if F.postcode in have:
        if F.family_name in have:
            rules.append(block_on("postcode", "family_sx"))
        if F.given_name in have:
            rules.append(block_on("postcode", "substr(given_name, 1, 1)"))
    if F.address in have:  # a UK postcode's sector, any other postcode whole
        area = "coalesce(postcode_sector, postcode)"
        rules.append(block_on("address", area) if F.postcode in have else block_on("address"))
    for field in (F.email, F.phone):
        if field in have:
            rules.append(block_on(field.value))
    if not rules:
        for field, column in ((F.family_name, "family_sx"), (F.given_name, "given_sx")):
            if field in have:
                rules.append(block_on(column))
    return rules


def em_rules(fields: Iterable[IdentityField]) -> list[BlockingRuleCreator]:
    """Return the blocking rules of the EM passes: each field is estimated in at least one.

    A pass cannot estimate the fields its rule blocks on, so one pass blocks on the names and the
    next on the date of birth (or postcode, email, phone when there is no date of birth). A pass
    whose rule pairs more than `EM_MAX_PAIRS` records compares a random share of them.
    """
    have = set(fields)
    out: list[BlockingRuleCreator] = []
    if {F.given_name, F.family_name} <= have:
        # With sex in the rule: a given name nearly always tells the sex, so two different people
        # of one name agree on sex far more often than random pairs do (u), and EM, whose u is
        # fixed, would take that agreement for a sign of a match. Among common names at scale,
        # where true pairs are a few in a hundred of the block, EM then ran away to "every pair
        # of one name is the same person" (a prior of 1e-4 against a true 4e-7 at 200,000).
        names = (
            ("given_name", "family_name", "sex") if F.sex in have else ("given_name", "family_name")
        )
        out.append(block_on(*names))
    elif F.family_name in have:
        out.append(block_on("family_name"))
    elif F.given_name in have:
        out.append(block_on("given_name"))
    for field, column in (
        (F.date_of_birth, "dob"),
        (F.postcode, "postcode"),
        (F.email, "email"),
        (F.phone, "phone"),
    ):
        if field in have:
            out.append(block_on(column))
            break
    return out


def settings(fields: Iterable[IdentityField], *, link: bool) -> SettingsCreator:
    """Return Splink settings for Harbour's model over these fields (dedupe, or link two files)."""
    wanted = list(fields)
    return SettingsCreator(
        link_type="link_and_dedupe" if link else "dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=list[ComparisonCreator | dict[str, Any]](comparisons(wanted)),
        blocking_rules_to_generate_predictions=list[BlockingRuleCreator | dict[str, Any]](
            blocking_rules(wanted)
        ),
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )
