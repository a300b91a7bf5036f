"""The risk questionnaire as a form shows it: each answer key with its question, in policy order,
and the exploitation indicators a grader can tick (domain.md section 5)."""

from __future__ import annotations

from dataclasses import dataclass

from harbour.risk.policy import Policy
from harbour.risk.schemas import RiskAnswers

# Screening indicators of exploitation (domain.md section 5, sources E3 and E4).
EXPLOITATION_INDICATORS: dict[str, str] = {
    "frequent_missing": "Goes missing often",
    "found_out_of_area": "Found out of their home area",
    "unexplained_gifts": "Unexplained money, clothes or phones",
    "multiple_phones": "Several phones or SIM cards",
    "excessive_contact": "Excessive calls or messages",
    "older_associates": "Older or controlling associates",
    "unexplained_injuries": "Unexplained injuries",
    "weapons": "Carrying or linked to weapons",
    "school_decline": "Decline at school or excluded",
    "isolation": "Isolated from friends of their own age",
    "mood_change": "Self-harm or a change in mood",
    "drugs": "Drugs or drug paraphernalia",
    "travel_tickets": "Unusual train or bus tickets",
}

# What the form asks when the policy gives no label of its own.
_FALLBACK = {
    "previous_episodes": "Times missing before",
    "previous_episodes_90d": "Times missing in the last 90 days",
    "hours_missing": "Hours missing so far",
    "open_network_alerts": "Open exploitation-network alerts that touch them",
}
COUNTS = ("previous_episodes", "previous_episodes_90d", "hours_missing", "open_network_alerts")


@dataclass(frozen=True)
class Question:
    key: str
    label: str
    kind: str  # flag, count, list (indicators), flags (the record's flags)
    mitigating: bool = False


def questions(policy: Policy) -> list[Question]:
    """Every answer key of the form, with the question to show, risk factors first."""
    labels = {key: rule.label for key, rule in policy.factors.items()}
    labels |= {key: rule.label for key, rule in policy.mitigating.items()}
    result = []
    # One question each: an answer that is the same as a screening indicator is asked as it.
    same = set(policy.exploitation.aliases) if policy.exploitation else set()
    for key in RiskAnswers.model_fields:
        if key in same:
            continue
        if key == "force_flags":
            result.append(Question(key, "Flags on the person's record", "flags"))
        elif key in COUNTS:
            result.append(Question(key, _FALLBACK[key], "count"))
        elif key == "exploitation_indicators":
            result.append(Question(key, labels.get(key, "Indicators of exploitation"), "list"))
        else:
            label = labels.get(key, key.replace("_", " ").capitalize())
            result.append(Question(key, label, "flag", key in policy.mitigating))
    return result
