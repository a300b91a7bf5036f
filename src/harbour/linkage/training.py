"""Training the identity model: Splink EM passes over blocked pairs, with capped priors, floors
on m and u, and the level labels that charts and reviews show."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from splink import Linker
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.exceptions import EMTrainingException
from splink.internals.splink_dataframe import SplinkDataFrame

from harbour.linkage.model import SQL, NothingToLearn, em_rules, log, settings
from harbour.linkage.schemas import IdentityField


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
