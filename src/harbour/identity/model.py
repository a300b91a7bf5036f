"""Harbour's record-linkage model: Splink comparisons, blocking rules and unsupervised training.

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

import json
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on
from splink.blocking_rule_library import CustomRule
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_creator import ComparisonCreator
from splink.internals.exceptions import EMTrainingException
from splink.internals.splink_dataframe import SplinkDataFrame

from harbour.errors import ValidationFailed
from harbour.identity.schemas import IdentityField

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


def train(
    tables: Sequence[SplinkDataFrame],
    fields: Iterable[IdentityField],
    *,
    link: bool,
    u_max_pairs: float,
    seed: int,
    on_step: Callable[[str], None] = lambda _step: None,
) -> dict[str, Any]:
    """Train the model on the records themselves and return its Splink settings dictionary.

    u (how often each level occurs between different people) comes from random pairs; m (how
    often within one person) from EM passes, without labels. The first pass blocks on exact
    names (and sex), where true pairs are a share EM can find; the prior (the chance that two
    records picked at random match) is that share divided by the Bayes factors of exact names
    and sex (`_reversed_prior`), which needs no guess at how many true pairs a deterministic
    rule would find. The later passes (the date of birth) run once free, to learn the names'
    m, then again with their share of true pairs fixed by that prior: in a block where true
    pairs are a few in ten thousand, a free share runs away to whatever else the pairs share.

    Each EM pass starts from the estimates so far with m floored (`smoothed`). When the records
    separate cleanly, EM drives the m of a level seen only between different people towards
    zero, and Splink 5 stops with an error once one underflows to exactly zero; the pass is then
    run again with fewer iterations (EM has nearly converged after a few). A level estimated by
    both passes takes the mean of the two, as Splink's median of two does.
    """
    wanted = list(fields)
    linker = Linker(list(tables), settings(wanted, link=link), log_level=None)
    on_step("estimate u")
    linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
    current = _fresh(linker.misc.save_model_to_json())
    estimates: dict[tuple[int, int], dict[int, float]] = {}
    on_step("estimate m")
    rules = em_rules(wanted)
    # Every pass once with the share of true pairs in its block free, then the later passes
    # again with that share fixed by the prior the first pass implies (see `_reversed_prior`).
    schedule = [(i, r, False) for i, r in enumerate(rules)]
    schedule += [(i, r, True) for _ in range(PRIOR_ROUNDS) for i, r in enumerate(rules) if i]
    first: tuple[BlockingRuleCreator, float] | None = None
    passes = 0
    for index, rule, fixed in schedule:
        if fixed and first is None:
            break  # the first pass learnt nothing: there is no prior to fix the others by
        start = smoothed(current, fill_untrained=False)
        if fixed and first is not None:
            start["probability_two_random_records_match"] = _reversed_prior(current, *first)
        outcome = _em_pass(tables, start, rule, index=index, first=passes == 0, fixed=fixed)
        if outcome is None:
            continue
        current, in_block = outcome
        passes += 1
        for key, (before, after) in _m_values(start, current).items():
            if after != before:
                estimates.setdefault(key, {})[index] = after  # a later round replaces its own
        if index == 0:
            first = (rule, in_block)
    if not passes:
        raise NothingToLearn(
            "the records give the model nothing to learn from: no two of them share the names or "
            "date of birth its training pairs on. Train on a larger file (--save-model) and score "
            "this one with --model"
        )
    for (c, level), by_pass in estimates.items():
        levels = current["comparisons"][c]["comparison_levels"]
        levels[level]["m_probability"] = sum(by_pass.values()) / len(by_pass)
    if first is not None:
        current["probability_two_random_records_match"] = _reversed_prior(current, *first)
    current["probability_two_random_records_match"] = _capped_prior(
        linker, tables, current.get("probability_two_random_records_match"), link=link
    )
    return without_matches_in_u(smoothed(current), u_floor=0.5 / u_max_pairs)


# How many more times the later passes are run, each with the prior the first pass implies
# given the m values the round before estimated.
PRIOR_ROUNDS = 1


def _reversed_prior(
    splink_settings: dict[str, Any], rule: BlockingRuleCreator, block: float
) -> float:
    """Return the prior implied by the share of true pairs EM found in a pass's block.

    The pass blocked on exact agreement of some columns (both names, and sex), so the odds of
    a match inside the block are the prior odds times the Bayes factor (m / u) of exact
    agreement on each of them: the prior is the block's odds divided by those factors. This
    is what Splink's `populate_probability_two_random_records_match_from_trained_values`
    does, here with the factors as the later passes estimate them.
    """
    sql = rule.get_blocking_rule(SQL).blocking_rule_sql
    odds = block / (1 - block) if block < 1 else float("inf")
    for comparison in splink_settings["comparisons"]:
        column = comparison["output_column_name"]
        if f'l."{column}" = r."{column}"' not in sql:
            continue
        for level in comparison["comparison_levels"]:
            if level.get("sql_condition") == f'"{column}_l" = "{column}_r"':
                m, u = level.get("m_probability"), level.get("u_probability")
                if isinstance(m, int | float) and isinstance(u, int | float) and m > 0 and u > 0:
                    odds /= m / u
    return odds / (1 + odds)


# The most pairs one EM pass compares. A pass blocked on the date of birth alone pairs some 30
# million records at a million people; EM needs only a fair sample of them to learn m, and
# comparing every one would take most of a batch run's time and memory. Splink samples the
# records on each side of the pass's join by a hash of their ids (`max_pairs`).
EM_MAX_PAIRS = 500_000
# EM iterates on the counts of each combination of levels, not on every pair, with term
# frequencies left out of its iterations (Splink's `estimate_without_term_frequencies`): the
# same estimates here to three places, in a fraction of the time.
EM_WITHOUT_TF = True
PAIRS_PER_RECORD = 10


def _capped_prior(
    linker: Linker, tables: Sequence[SplinkDataFrame], prior: Any, *, link: bool
) -> float:
    """Keep EM's prior no higher than ten true pairs for each record.

    EM's first pass blocks on both names. When a few names are very common (a synthetic list,
    or a community where a handful of names are shared), nearly every pair in a block looks
    alike and EM's estimate of the prior runs away: at 200,000 records it put 6% of all pairs
    down as matches. Ten true pairs a record is a person recorded some twenty times over, far
    above any real file, so the cap binds only on such a runaway (one pair a record was tried
    and cost fake_1000, whose clusters are large, eight points of F1).
    """
    sizes = []
    for table in tables:  # table names are Splink's own
        sql = f"SELECT count(*) AS n FROM {table.physical_name}"  # noqa: S608
        sizes.append(int(linker.misc.query_sql(sql).as_record_list()[0]["n"]))  # type: ignore[no-untyped-call]
    records = sum(sizes)
    pairs = sizes[0] * sizes[1] if link and len(sizes) == 2 else records * (records - 1) / 2
    ceiling = min(1.0, PAIRS_PER_RECORD * records / pairs) if pairs else 1.0
    value = float(prior) if isinstance(prior, int | float) else ceiling
    return min(value, ceiling)


def _em_pass(
    tables: Sequence[SplinkDataFrame],
    start: dict[str, Any],
    rule: BlockingRuleCreator,
    *,
    index: int,
    first: bool,
    fixed: bool = False,
) -> tuple[dict[str, Any], float] | None:
    """Run one EM pass from `start`; return the settings it leaves and the share of true pairs
    it found in its block (None if its rule pairs no records at all).

    With `fixed` the share is not estimated but set from the prior in `start` (Splink scales it
    by the Bayes factors of the columns the rule blocks on): in a block where true pairs are a
    few in ten thousand, as blocking on the date of birth alone is at a million people, a free
    share runs away to whatever other likeness the block's pairs share.
    """
    schedule = EM_ITERATIONS_FIXED if fixed else EM_ITERATIONS
    for iterations in schedule:
        linker = Linker(list(tables), start | {"max_iterations": iterations}, log_level=None)
        try:
            session = linker.training.estimate_parameters_using_expectation_maximisation(
                rule,
                populate_probability_two_random_records_match_from_trained_values=first,
                fix_probability_two_random_records_match=fixed,
                max_pairs=EM_MAX_PAIRS,
                estimate_without_term_frequencies=EM_WITHOUT_TF,
            )
        except EMTrainingException:
            log.info("EM pass %s found no pairs to learn from: skipped", index)
            return None
        except ValueError as exc:
            if "underflow" not in str(exc) or iterations == schedule[-1]:
                raise
            log.info("EM pass %s underflowed after %s iterations: retrying", index, iterations)
            continue
        block = float(session.core_model_settings.probability_two_random_records_match)
        return _fresh(linker.misc.save_model_to_json()), block
    return None


def _fresh(splink_settings: dict[str, Any]) -> dict[str, Any]:
    """Drop the linker's id so that the next linker caches its tables under its own names."""
    out = json.loads(json.dumps(splink_settings))
    out.pop("linker_uid", None)
    return dict(out)


def _m_values(
    before: dict[str, Any], after: dict[str, Any]
) -> dict[tuple[int, int], tuple[Any, Any]]:
    out = {}
    for c, (old, new) in enumerate(zip(before["comparisons"], after["comparisons"], strict=True)):
        pairs = zip(old["comparison_levels"], new["comparison_levels"], strict=True)
        for level, (a, b) in enumerate(pairs):
            if not a.get("is_null_level"):
                out[(c, level)] = (a.get("m_probability"), b.get("m_probability"))
    return out


# The least share of true pairs that any level is taken to hold. EM sees a few thousand true
# pairs in a training pass, so a level it never (or almost never) saw among them is rare, not
# impossible: without a floor, a nickname level unseen in training would weigh -60 and veto
# every other field. One in a thousand is the "rule of three" bound for ~3,000 true pairs.
M_FLOOR = 0.001


def without_matches_in_u(splink_settings: dict[str, Any], *, u_floor: float) -> dict[str, Any]:
    """Return settings with u corrected for the true pairs among the random pairs that gave it.

    u is counted over random pairs as if none matched, but a share (the prior) of them do, and
    they fall mostly in the strongest levels. When two small files are linked the prior is large
    enough that most random pairs agreeing on a whole address are the same person: u is then
    the mixture `prior * m + (1 - prior) * u`, solved here for u (never below `u_floor`, half a
    pair in the sample).
    """
    out = _fresh(splink_settings)
    prior = float(out.get("probability_two_random_records_match") or 0)
    for comparison in out["comparisons"]:
        for level in comparison["comparison_levels"]:
            m, u = level.get("m_probability"), level.get("u_probability")
            if level.get("is_null_level") or not isinstance(m, int | float):
                continue
            if isinstance(u, int | float):
                level["u_probability"] = min(max((u - prior * m) / (1 - prior), u_floor), 1.0)
            else:
                # Never seen in the random sample. If EM never saw it either (m at its floor),
                # the records hold no such case: weigh it at nothing rather than at a guess.
                level["u_probability"] = m if m <= M_FLOOR else u_floor
    return out


# EM passes are tried with Splink's default cap of 25 iterations, then fewer (see `train`).
EM_ITERATIONS = (25, 8, 3, 1)
# A pass run again with the share fixed starts near its answer: fewer iterations, and no pass
# of 25 that would mostly end in an underflow and be thrown away.
EM_ITERATIONS_FIXED = (8, 3, 1)


def smoothed(
    splink_settings: dict[str, Any], m_floor: float = M_FLOOR, *, fill_untrained: bool = True
) -> dict[str, Any]:
    """Return settings with every trained m at least `m_floor` (and untrained ones set to it)."""
    out = _fresh(splink_settings)
    comparisons = []
    for comparison in splink_settings["comparisons"]:
        levels = []
        for level in comparison["comparison_levels"]:
            level = dict(level)
            if not level.get("is_null_level"):
                m = level.get("m_probability")
                if isinstance(m, int | float):
                    level["m_probability"] = max(m, m_floor)
                elif fill_untrained:
                    level["m_probability"] = m_floor
            levels.append(level)
        comparisons.append({**comparison, "comparison_levels": levels})
    out["comparisons"] = comparisons
    out.pop("max_iterations", None)
    return out


def level_labels(splink_settings: dict[str, Any]) -> dict[str, dict[int, str]]:
    """Return, for each compared column, the label of each level by its gamma value.

    Splink numbers a comparison's levels from 0 (the last, "else" level) upwards, with the null
    level -1: the labels a person reads beside a pair ("Nickname, other name …", "Exact match").
    """
    out: dict[str, dict[int, str]] = {}
    for comparison in splink_settings["comparisons"]:
        levels = comparison["comparison_levels"]
        counted = [level for level in levels if not level.get("is_null_level")]
        labels = {-1: "Not known on one or both"}
        for position, level in enumerate(counted):
            labels[len(counted) - 1 - position] = str(level.get("label_for_charts", ""))
        out[str(comparison["output_column_name"])] = labels
    return out
