"""The grading policy: a versioned TOML file read into rules, and pure functions over it.

`suggest` returns a grade and every reason for it: each factor that raised it, the child minimum,
escalations for young age and serious combinations, and what a mitigating factor did or could not
do. A mitigating factor lowers a suggestion, never below the child minimum nor below the floor a
serious factor sets. Unknown answers are never read as "no": a serious factor left unknown is
named as a question still to ask.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, get_args

from harbour.risk.grades import RiskGrade
from harbour.risk.schemas import INDICATORS, ForceFlag, Reason, RiskAnswers, Suggestion
from harbour.settings import get_settings

ORDER = [RiskGrade.very_low, RiskGrade.low, RiskGrade.medium, RiskGrade.high]
DEFAULT_POLICY = Path(__file__).with_name("policy.toml")


class PolicyError(ValueError):
    """The policy file is not usable; the message says where."""


@dataclass(frozen=True)
class Rule:
    grade: RiskGrade
    label: str
    source: str
    serious: bool = False
    threshold: float | None = None
    steps: int = 0
    all_of: tuple[str, ...] = ()
    # A combination's counts: each must reach its threshold ("hours_missing" 72 or more).
    at_least: tuple[tuple[str, float], ...] = ()
    # A combination for the young: the person is under this age (a child of unknown age is not).
    under_age: int | None = None


@dataclass(frozen=True)
class Exploitation:
    """Exploitation by itself: any `alone` indicator, or `count` indicators together."""

    rule: Rule
    alone: frozenset[str]
    count: int
    aliases: dict[str, str]  # an answer key that is the same question as an indicator
    # Answers that are indicators of their own for the count (online contact with unknown
    # adults: a CSE indicator, E2), though the screening's list names them otherwise.
    counted: tuple[str, ...] = ()


@dataclass(frozen=True)
class Policy:
    version: str
    child_age: int
    child_minimum: RiskGrade
    young_child_age: int
    factors: dict[str, Rule]
    counts: dict[str, Rule]
    combinations: tuple[Rule, ...]
    mitigating: dict[str, Rule]
    unknown_age_is_child: bool = True
    provisional_minimum: RiskGrade | None = None
    initial_questions: tuple[str, ...] = ()
    exploitation: Exploitation | None = None
    force_flags: dict[str, Rule] = field(default_factory=dict)
    child_hours: tuple[Rule, ...] = ()
    # Several factors together: `threshold` factors of at least medium make `grade`.
    accumulation: Rule | None = None
    # Whether the time steps for children apply to a person of unknown age too.
    unknown_age_time_steps: bool = True


def _grade(value: Any, where: str) -> RiskGrade:
    try:
        return RiskGrade(value)
    except ValueError:
        raise PolicyError(
            f"{where}: grade {value!r} is not one of {[g.value for g in ORDER]}"
        ) from None


def _rule(body: dict[str, Any], where: str, **extra: Any) -> Rule:
    for name in ("label", "source"):
        if not isinstance(body.get(name), str):
            raise PolicyError(f"{where}: needs a {name}")
    grade = _grade(body.get("grade", "very_low"), where)
    return Rule(grade, body["label"], body["source"], bool(body.get("serious", False)), **extra)


def parse_policy(data: dict[str, Any]) -> Policy:
    """Build a policy from parsed TOML, checking every key names a question of the form."""
    known = set(RiskAnswers.model_fields)

    def check(key: str, where: str) -> None:
        if key not in known:
            raise PolicyError(f"{where}: {key!r} is not a question of the risk form")

    factors = {}
    for key, body in data.get("factors", {}).items():
        check(key, f"factors.{key}")
        factors[key] = _rule(body, f"factors.{key}")
    counts = {}
    for key, body in data.get("counts", {}).items():
        check(key, f"counts.{key}")
        counts[key] = _rule(body, f"counts.{key}", threshold=float(body["threshold"]))
    combinations = []
    for i, body in enumerate(data.get("combinations", [])):
        where = f"combinations[{i}]"
        for key in body.get("all", []):
            check(key, where)
        at_least = tuple((k, float(v)) for k, v in body.get("at_least", {}).items())
        for key, _ in at_least:
            if key not in counts:
                raise PolicyError(f"{where}: {key!r} is not one of the counts")
        if not body.get("all") and not at_least:
            raise PolicyError(f"{where}: needs an 'all' list or 'at_least' counts")
        under = body.get("under_age")
        combinations.append(
            _rule(
                body,
                where,
                all_of=tuple(body.get("all", [])),
                at_least=at_least,
                under_age=int(under) if under is not None else None,
            )
        )
    mitigating = {}
    for key, body in data.get("mitigating", {}).items():
        check(key, f"mitigating.{key}")
        mitigating[key] = _rule(body, f"mitigating.{key}", steps=int(body.get("steps", 1)))
    flags = {}
    for key, body in data.get("force_flags", {}).items():
        if key not in get_args(ForceFlag):
            raise PolicyError(f"force_flags.{key}: not a flag the record can carry")
        flags[key] = _rule(body, f"force_flags.{key}")
    hours = tuple(
        _rule(body, f"child_hours[{i}]", threshold=float(body["hours"]))
        for i, body in enumerate(data.get("child_hours", []))
    )
    for key in data.get("initial_questions", []):
        check(key, "initial_questions")
    provisional = data.get("provisional_minimum")
    try:
        return Policy(
            version=str(data["version"]),
            child_age=int(data.get("child_age", 18)),
            child_minimum=_grade(data.get("child_minimum", "medium"), "child_minimum"),
            young_child_age=int(data.get("young_child_age", 0)),
            factors=factors,
            counts=counts,
            combinations=tuple(combinations),
            mitigating=mitigating,
            unknown_age_is_child=bool(data.get("unknown_age_is_child", True)),
            provisional_minimum=_grade(provisional, "provisional_minimum") if provisional else None,
            initial_questions=tuple(data.get("initial_questions", [])),
            exploitation=_exploitation(data.get("exploitation"), check),
            force_flags=flags,
            child_hours=hours,
            accumulation=_accumulation(data.get("accumulation")),
            unknown_age_time_steps=bool(data.get("unknown_age_time_steps", True)),
        )
    except KeyError as exc:
        raise PolicyError(f"the policy needs a {exc.args[0]}") from None


def _accumulation(body: dict[str, Any] | None) -> Rule | None:
    if body is None:
        return None
    return _rule(body, "accumulation", threshold=float(body.get("threshold", 3)))


def _exploitation(body: dict[str, Any] | None, check: Any) -> Exploitation | None:
    if body is None:
        return None
    alone = frozenset(body.get("alone", []))
    aliases = dict(body.get("aliases", {}))
    for indicator in alone | set(aliases.values()):
        if indicator not in INDICATORS:
            raise PolicyError(f"exploitation: {indicator!r} is not a screening indicator")
    counted = tuple(body.get("counted", []))
    for key in [*aliases, *counted]:
        check(key, "exploitation")
    return Exploitation(
        rule=_rule(body, "exploitation"),
        alone=alone,
        count=int(body.get("count", 3)),
        aliases=aliases,
        counted=counted,
    )


def load_policy(path: Path | None = None) -> Policy:
    """Read a policy file (the force's own if HARBOUR_POLICY_FILE is set, else the default)."""
    target = path or get_settings().policy_file or DEFAULT_POLICY
    try:
        data = tomllib.loads(Path(target).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(f"{target}: {exc}") from exc
    return parse_policy(data)


@lru_cache(maxsize=1)
def current_policy() -> Policy:
    """Return the policy in force (read once per process)."""
    return load_policy()


def _answer(answers: RiskAnswers, key: str) -> bool | None:
    value = getattr(answers, key)
    if value is None:
        return None
    if isinstance(value, list):
        return bool(value)
    return bool(value)


def _raise(grade: RiskGrade, to: RiskGrade) -> RiskGrade:
    return to if ORDER.index(to) > ORDER.index(grade) else grade


def _words(grade: RiskGrade) -> str:
    return grade.value.replace("_", " ")


def indicators_of(policy: Policy, answers: RiskAnswers) -> set[str]:
    """The exploitation indicators the answers give, counting a question that is the same as
    an indicator (an older associate, a find out of area) once."""
    found = set(answers.exploitation_indicators or [])
    if policy.exploitation is not None:
        found |= {ind for key, ind in policy.exploitation.aliases.items() if _answer(answers, key)}
        found |= {key for key in policy.exploitation.counted if _answer(answers, key)}
    return found


def is_child(policy: Policy, age_years: int | None) -> bool:
    """Under the child age, or of unknown age where the policy presumes a child (MSA s51)."""
    if age_years is None:
        return policy.unknown_age_is_child
    return age_years < policy.child_age


def suggest(policy: Policy, age_years: int | None, answers: RiskAnswers) -> Suggestion:
    """Suggest a grade for the answers, with every reason, under a policy."""
    grade = RiskGrade.very_low
    floor = RiskGrade.very_low  # what serious factors demand: mitigation cannot go below it
    reasons: list[Reason] = []

    def add(factor: str, effect: str, source: str | None = None) -> None:
        reasons.append(Reason(factor=factor, effect=effect, source=source))

    def apply(rule: Rule, factor: str, effect: str) -> None:
        nonlocal grade, floor
        grade = _raise(grade, rule.grade)
        if rule.serious:
            floor = _raise(floor, rule.grade)
        add(factor, effect, rule.source)

    for key, rule in policy.factors.items():
        answer = _answer(answers, key)
        if answer:
            apply(rule, key, f"{rule.label}: at least {_words(rule.grade)}")
        elif answer is None and rule.serious:
            add(key, f"Not known yet — ask: {rule.label} would make it {_words(rule.grade)}")
    for flag in answers.force_flags or []:
        held = policy.force_flags.get(flag)
        if held is not None:
            apply(held, f"force_flags:{flag}", f"{held.label}: at least {_words(held.grade)}")
    for key, rule in policy.counts.items():
        value = getattr(answers, key)
        if value is not None and rule.threshold is not None and value >= rule.threshold:
            apply(rule, key, f"{rule.label} ({value:g}): at least {_words(rule.grade)}")
    for rule in policy.combinations:
        if rule.under_age is not None and (age_years is None or age_years >= rule.under_age):
            continue
        counted = all(
            (value := getattr(answers, key)) is not None and value >= threshold
            for key, threshold in rule.at_least
        )
        if counted and all(_answer(answers, key) for key in rule.all_of):
            keys = [*rule.all_of, *(key for key, _ in rule.at_least)]
            apply(rule, "+".join(keys), f"{rule.label}: {_words(rule.grade)}")
    heavy = [
        k
        for k, r in policy.factors.items()
        if ORDER.index(r.grade) >= ORDER.index(RiskGrade.medium) and _answer(answers, k)
    ]
    together = policy.accumulation
    if together is not None and together.threshold and len(heavy) >= together.threshold:
        apply(
            together, "+".join(heavy), f"{together.label} ({len(heavy)}): {_words(together.grade)}"
        )
    exploitation = policy.exploitation
    if exploitation is not None:
        found = indicators_of(policy, answers)
        strong = sorted(found & exploitation.alone)
        if strong or len(found) >= exploitation.count:
            named = ", ".join(strong) if strong else f"{len(found)} indicators"
            rule = exploitation.rule
            apply(rule, "exploitation", f"{rule.label} ({named}): {_words(rule.grade)}")
    child = is_child(policy, age_years)
    hours = answers.hours_missing
    timed = child and (age_years is not None or policy.unknown_age_time_steps)
    if timed and hours is not None:
        reached = [step for step in policy.child_hours if hours >= (step.threshold or 0)]
        if reached:
            step = reached[-1]
            apply(step, "hours_missing", f"{step.label} ({hours:g} hours): "
                  f"{_words(step.grade)}; regrade now")  # fmt: skip
    if age_years is not None and age_years < policy.young_child_age:
        grade = floor = _raise(grade, RiskGrade.high)
        add("age_years", f"Aged {age_years}: vulnerable through age, high (A10)")
    minimum = policy.child_minimum if child else RiskGrade.very_low
    unanswered = [q for q in policy.initial_questions if getattr(answers, q) is None]
    provisional = policy.provisional_minimum
    if unanswered and provisional is not None and ORDER.index(provisional) > ORDER.index(minimum):
        minimum = provisional
        add(
            "provisional",
            f"Provisional: {len(unanswered)} of the initial questions not answered yet, so not "
            f"below {_words(provisional)} until they are",
        )
    for key, rule in policy.mitigating.items():
        if not _answer(answers, key):
            continue
        lowest = max(ORDER.index(grade) - rule.steps, ORDER.index(floor), ORDER.index(minimum))
        lowered = ORDER[min(lowest, ORDER.index(grade))]
        if lowered != grade:
            add(key, f"{rule.label}: lowers it to {_words(lowered)}", rule.source)
            grade = lowered
        else:
            add(key, f"{rule.label}: cannot lower it below {_words(grade)}")
    if ORDER.index(grade) < ORDER.index(minimum):
        grade = minimum
        if child and minimum is policy.child_minimum:
            add("age_years", f"Under {policy.child_age}: the child minimum is {_words(minimum)}")
    if age_years is None and child:
        add(
            "age_years",
            f"Age not known: presumed a child (Modern Slavery Act 2015 s51), so at least "
            f"{_words(policy.child_minimum)} and every rule for children applies",
        )
    return Suggestion(grade=grade, reasons=reasons, policy_version=policy.version)
