"""The RCRP suggestion: from a narrative's signals to a category, an outcome and every reason.

The narrative is read (`reading`), the caller type adds its signals, and the handler's answers
override the signals of the same name. The rules' tables then name the category and outcome.
Three safety rules follow in code, so that no edit of the tables can turn them off: a missing
person is always a missing-person report; a risk to life, a child at risk, or a child whose
whereabouts are unknown always goes to police; and a call no rule settles goes to police.
Last, the second reader (`second_reader`) may raise a hand-off to police, never lower anything.
"""

from __future__ import annotations

from collections.abc import Iterable

from harbour.calls import reading, second_reader
from harbour.calls.reading import Mention, Reading
from harbour.calls.rules import Rule, Rules
from harbour.calls.schemas import (
    POLICE_OUTCOMES,
    CallerType,
    Category,
    Highlight,
    Outcome,
    TriageAnswers,
    TriageSuggestion,
)

RAISES_RISK = frozenset({"risk_to_life", "crime", "child_risk"})
# What keeps a call from closing as advice on the handler's two "no" answers alone, when no
# rule settles it: anything about a child, a person's welfare, or a police power asked for.
CONCERNS = frozenset(
    {
        "child", "child_risk", "child_welfare", "welfare", "missing", "departed", "returned",
        "presumed_inside", "medical", "mental_health", "care_needs", "impaired_capacity",
        "exposure", "harm", "s136", "detained", "older_associate", "police_power",
    }
)  # fmt: skip
QUESTIONS = {
    "crime": "Crime that has happened or is happening",
    "risk_to_life": "Real and immediate risk to life or of serious harm",
}
OUTCOME_WORDS = {
    Outcome.police_attend: "police attend",
    Outcome.missing_person_report: "missing-person report (police attend)",
    Outcome.refer_partner: "hand to a partner",
    Outcome.advice_only: "advice only",
}


def _quote(text: str, mentions: Iterable[Mention]) -> str:
    seen: list[str] = []
    for mention in mentions:
        phrase = text[mention.start : mention.end]
        if phrase.lower() not in (s.lower() for s in seen):
            seen.append(phrase)
    shown = ", ".join(f"\u201c{p}\u201d" for p in seen[:4])
    return shown + (f" and {len(seen) - 4} more" if len(seen) > 4 else "")


def meaning(text: str, mention: Mention, child_age: int) -> str:
    """Say what a highlighted phrase was read to mean, and what it did."""
    concept = mention.concept
    if concept is None and mention.adult:
        return f"aged {mention.age}: an adult (with a child in the call: an older associate, E3)"
    if concept is None:
        return f"aged {mention.age}: a child (under {child_age}) (D4)"
    base = f"{concept.meaning} ({concept.source})"
    cue = f"\u201c{text[mention.cue[0] : mention.cue[1]]}\u201d" if mention.cue else ""
    if mention.reading is Reading.negated:
        effect = "does not raise risk" if RAISES_RISK & set(concept.signals) else "is not counted"
        return f"{base} \u2014 negated by {cue}: said not to apply, so it {effect}"
    if mention.reading is Reading.hedged:
        if mention.signals:
            return f"{base} \u2014 hedged by {cue}: possible, so it counts until ruled out"
        return f"{base} \u2014 hedged by {cue}: not established, so not relied on"
    if mention.reading is Reading.past:
        if set(mention.signals) == set(concept.signals):
            return f"{base} \u2014 in the past ({cue})"
        return f"{base} \u2014 in the past ({cue}): a vulnerability, not a present risk (R10)"
    return base


def _highlights(text: str, mentions: list[Mention], child_age: int) -> list[Highlight]:
    shown = []
    for mention in mentions:
        start, end = mention.start, mention.end
        if mention.cue and mention.reading in (Reading.negated, Reading.hedged):
            # Show the cue with the phrase ("not suicidal") unless that would swallow another.
            wide = (min(start, mention.cue[0]), max(end, mention.cue[1]))
            if not any(
                o is not mention and o.start < wide[1] and o.end > wide[0] for o in mentions
            ):
                start, end = wide
        shown.append(
            Highlight(
                text=text[start:end],
                start=start,
                end=end,
                meaning=meaning(text, mention, child_age),
            )
        )
    return shown


def _first(rules: Iterable[Rule], signals: set[str], category: Category | None) -> Rule | None:
    return next((r for r in rules if r.matches(signals, category)), None)


def _read(
    rules: Rules,
    narrative: str,
    caller_type: CallerType | None,
    answers: TriageAnswers | None,
) -> tuple[list[Mention], dict[str, list[Mention]], set[str], dict[str, bool]]:
    """Read the narrative's mentions and signals, add the caller type's, apply the answers."""
    answers = answers or TriageAnswers()
    mentions = reading.read(rules, narrative)
    evidence: dict[str, list[Mention]] = {}
    for mention in mentions:
        for signal in mention.signals:
            evidence.setdefault(signal, []).append(mention)
    prior = rules.caller_types.get(caller_type, ()) if caller_type else ()
    signals = set(evidence) | set(prior)
    gap = reading.age_gap(mentions)
    if gap is not None:
        # A much older adult with a child: an exploitation indicator (older associates, E3).
        signals |= {"child_risk", "older_associate"}
        evidence.setdefault("older_associate", []).extend(gap)
    given = {k: v for k, v in answers.model_dump().items() if v is not None}
    for key, value in given.items():
        if value:
            signals.add(key)
        elif key in ("missing", "crime") and _affirmed(mentions, key):
            # The narrative says nobody knows where they are, or tells of a crime now: a "no"
            # keeps police away only with a supervisor (the reader may raise an outcome, never
            # lower it). A risk to life the handler has ruled out stays ruled out.
            continue
        else:
            signals.discard(key)
    if given.get("missing"):
        signals.discard("whereabouts_known")  # the handler says nobody knows where they are
    return mentions, evidence, signals, given


def _affirmed(mentions: list[Mention], signal: str) -> bool:
    """Whether the narrative itself states the signal now: not negated, hedged or past."""
    return any(signal in m.signals and m.reading is Reading.affirmed for m in mentions)


def read_answers(
    rules: Rules,
    narrative: str,
    caller_type: CallerType | None = None,
    answers: TriageAnswers | None = None,
) -> TriageAnswers:
    """Answer the RCRP questions as the narrative reads, the handler's answers overriding it."""
    _, _, signals, _ = _read(rules, narrative, caller_type, answers)
    return TriageAnswers(**{key: key in signals for key in TriageAnswers.model_fields})


def suggest(
    rules: Rules,
    narrative: str,
    caller_type: CallerType | None = None,
    answers: TriageAnswers | None = None,
    *,
    second: bool = True,
) -> TriageSuggestion:
    """Suggest the category and RCRP outcome of a call, with every reason and highlight.

    `second=False` leaves out the second reader: the phrase rules alone, for measuring them.
    """
    mentions, evidence, signals, given = _read(rules, narrative, caller_type, answers)
    reasons = [_question(narrative, key, signals, given, mentions) for key in QUESTIONS]
    reasons += _facts(narrative, signals, given, evidence, caller_type)

    category_rule = _first(rules.categories, signals, None)
    category = category_rule.category if category_rule and category_rule.category else None
    if category_rule is None or category is None:
        category = Category.other
        reasons.append("Category: other \u2014 no category's signs were found")
    else:
        reasons.append(
            f"Category: {category.value.replace('_', ' ')} \u2014 {category_rule.label} "
            f"({category_rule.source})"
        )

    rule = _first(rules.outcomes, signals, category)
    if (rule is None or rule.outcome is None) and _answered_no(given) and not CONCERNS & signals:
        outcome, partner = Outcome.advice_only, None
        reasons.append(
            "Outcome: advice only — you answered no to both RCRP questions and nothing in "
            "the narrative needs police or a partner (R2)"
        )
    elif rule is None or rule.outcome is None:
        outcome, partner = Outcome.police_attend, None
        reasons.append(
            "Outcome: police attend \u2014 nothing in the narrative settles the call, so police "
            "attend until the RCRP questions are answered (when unsure, police)"
        )
    else:
        outcome, partner = rule.outcome, rule.partner
        to = f" ({rules.partners[partner]})" if partner else ""
        reasons.append(f"Outcome: {OUTCOME_WORDS[outcome]}{to} \u2014 {rule.label} ({rule.source})")

    outcome, partner = _safety(category, outcome, partner, signals, reasons, given)
    reader_version = None
    if second:
        reader_version = second_reader.weights().version
        outcome, partner = _second_reading(narrative, outcome, partner, reasons, given)
    concepts = {m.concept.id for m in mentions if m.concept is not None and m.signals}
    child = "child" in signals
    if child and "abduction" in concepts:
        reasons.append("Consider a port alert and a Child Rescue Alert for an abducted child (A4)")
    if child and {"child_risk", "older_associate"} & signals and outcome in POLICE_OUTCOMES:
        reasons.append(
            "If an adult is named, consider a Child Abduction Warning Notice to them (E5)"
        )
    if outcome in POLICE_OUTCOMES and "medical" in signals:
        reasons.append("Call the ambulance service as well: there is a medical need")
    if outcome is Outcome.advice_only and "child" in signals:
        reasons.append("Closing a call about a child as advice only needs a supervisor's agreement")
    return TriageSuggestion(
        category=category,
        outcome=outcome,
        partner=partner,
        police_attend=outcome in POLICE_OUTCOMES,
        reasons=reasons,
        highlights=_highlights(narrative, mentions, rules.child_age),
        rules_version=rules.version,
        reader_version=reader_version,
    )


def _answered_no(given: dict[str, bool]) -> bool:
    """Whether the handler has answered both RCRP questions no."""
    return all(given.get(q) is False for q in QUESTIONS)


def _second_reading(
    narrative: str,
    outcome: Outcome,
    partner: str | None,
    reasons: list[str],
    given: dict[str, bool],
) -> tuple[Outcome, str | None]:
    """Raise a hand-off the handler has not settled when a sentence reads like a police call.
    The model is loaded only here, the first time a call needs it."""
    if outcome in POLICE_OUTCOMES or _answered_no(given):
        return outcome, partner
    reader = second_reader.current_reader()
    found = reader.raises(narrative)
    if found is None:
        return outcome, partner
    sentence = narrative[found.start : found.end]
    reasons.append(
        f"Second reader: \u201c{sentence}\u201d reads like the calls that needed police "
        f"(score {found.score:.2f}, threshold {reader.weights.threshold:.2f}), although no "
        "rule's phrase was found in it; police attend until you have answered both RCRP "
        "questions (unknown is never no)"
    )
    return Outcome.police_attend, None


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def _facts(
    text: str,
    signals: set[str],
    given: dict[str, bool],
    evidence: dict[str, list[Mention]],
    caller_type: CallerType | None,
) -> list[str]:
    """Say whether the call is about a child and whether the whereabouts are known, and why."""
    caller = caller_type.value.replace("_", " ") if caller_type else "caller"

    def why(key: str) -> str:
        if key in given:
            return f"{_yes(given[key])} (the handler's answer)"
        if key in evidence:
            return f"yes \u2014 {_quote(text, evidence[key])}"
        return f"yes, taken from the caller type ({caller})"

    facts = []
    if "child" in signals or "child" in given:
        facts.append(f"About a child: {why('child')}")
    if "missing" in signals or "missing" in given:
        facts.append(f"Whereabouts unknown: {why('missing')}")
    if "whereabouts_known" in signals:
        facts.append(f"Whereabouts known: {why('whereabouts_known')} (D4)")
    return facts


def _question(
    text: str, key: str, signals: set[str], given: dict[str, bool], mentions: list[Mention]
) -> str:
    question = QUESTIONS[key]
    if key in given:
        return f"{question}: {_yes(given[key])} (the handler's answer)"
    raising = [m for m in mentions if key in m.signals]
    if key in signals and raising:
        possible = [m for m in raising if m.reading is Reading.hedged]
        certain = [m for m in raising if m.reading is not Reading.hedged]
        parts = []
        if certain:
            parts.append(_quote(text, certain))
        if possible:
            parts.append(f"possibly: {_quote(text, possible)}")
        return f"{question}: yes \u2014 {'; '.join(parts)} (R2)"
    denied = [
        m
        for m in mentions
        if m.concept is not None
        and key in m.concept.signals
        and m.reading in (Reading.negated, Reading.past)
    ]
    if denied:
        return (
            f"{question}: not indicated \u2014 {_quote(text, denied)} "
            "read as negated or in the past; ask if unsure"
        )
    return f"{question}: not indicated by the narrative; ask the caller"


def _safety(
    category: Category,
    outcome: Outcome,
    partner: str | None,
    signals: set[str],
    reasons: list[str],
    given: dict[str, bool] | None = None,
) -> tuple[Outcome, str | None]:
    """Apply the safety rules the tables cannot turn off. The narrative can only raise the
    outcome: what is not answered is never read as no."""
    given = given or {}
    back = "returned" in signals
    if category is Category.missing_person and outcome is Outcome.police_attend and back:
        return outcome, partner  # back, with harm or exploitation to investigate: police attend
    if category is Category.missing_person and outcome is not Outcome.missing_person_report:
        reasons.append(
            "Safety rule: a missing person is always a missing-person report, never deflected"
        )
        return Outcome.missing_person_report, None
    if outcome in POLICE_OUTCOMES:
        return outcome, partner
    if "risk_to_life" in signals:
        reasons.append("Safety rule: a risk to life or of serious harm always goes to police (R2)")
        return Outcome.police_attend, None
    if {"child", "child_risk"} <= signals:
        reasons.append(
            "Safety rule: a child at risk always goes to police, even where they are is known"
        )
        return Outcome.police_attend, None
    unknown_whereabouts = "missing" in signals and not {"whereabouts_known", "returned"} & signals
    # A voluntary patient with capacity who leaves is health's to follow up (R3), once the
    # handler has answered both RCRP questions no; unanswered, they are missing until found.
    health_to_follow = "voluntary" in signals and _answered_no(given)
    if unknown_whereabouts and not health_to_follow:
        who = "a child" if "child" in signals else "anyone"
        reasons.append(
            f"Safety rule: {who} whose whereabouts cannot be established is missing (A2): a "
            "missing-person report, never deflected"
        )
        return Outcome.missing_person_report, None
    in_police_hands = "s136_live" in signals  # roadside, in the van, no place of safety
    if "s136" in signals and (
        in_police_hands or category not in (Category.s136_handover, Category.transport)
    ):
        reasons.append(
            "Safety rule: a person detained under s136 is in police custody until handed over at "
            "a place of safety (R4): police stay with them"
        )
        return Outcome.police_attend, None
    if "harm" in signals:
        reasons.append("Safety rule: harm described is a possible crime to investigate (R2)")
        return Outcome.police_attend, None
    if {"no_contact", "silence_days"} <= signals and not {"whereabouts_known", "returned"} & (
        signals
    ):
        reasons.append(
            "Safety rule: no contact for days is a police welfare check or a missing-person "
            "report (A2, R2), never a hand-off or advice"
        )
        return Outcome.police_attend, None
    if "child" in signals and partner == "adult_social_care":
        reasons.append("A child's care and support is for children's social care, not adults'")
        partner = "childrens_social_care"
    if outcome is Outcome.advice_only:
        unanswered = [q for q in QUESTIONS if given.get(q) is not False]
        if unanswered and "advice" in signals and not (CONCERNS | RAISES_RISK) & signals:
            asked = " and ".join(QUESTIONS[q].lower() for q in unanswered)
            reasons.append(
                f"Unknown is never no: advice only needs your answer to {asked}; until then, "
                "a civil matter or a request for information is for another agency (Citizens "
                "Advice, the council, a solicitor)"
            )
            return Outcome.refer_partner, "other"
        if unanswered:
            asked = " and ".join(QUESTIONS[q].lower() for q in unanswered)
            reasons.append(
                f"Unknown is never no: advice only needs your answer to {asked}; until then, "
                "police attend"
            )
            return Outcome.police_attend, None
        away = {"whereabouts_known", "missing", "returned"} & signals
        if "child" in signals and away and given.get("exploitation") is not False:
            reasons.append(
                "Unknown is never no: for a child not where they should be, advice only needs "
                "your answer that there are no signs of exploitation; until then, police attend"
            )
            return Outcome.police_attend, None
    return outcome, partner
