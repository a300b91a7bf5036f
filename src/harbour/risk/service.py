"""Ask the grading policy for a suggestion on behalf of an actor."""

from __future__ import annotations

from harbour.access import service as access
from harbour.actor import Actor
from harbour.risk import language
from harbour.risk.policy import current_policy, suggest
from harbour.risk.schemas import LanguageFinding, LanguageReport, Suggestion, SuggestRequest


def suggest_grade(actor: Actor | None, request: SuggestRequest) -> Suggestion:
    """Return the policy's suggested grade and reasons (no actor: the command line)."""
    if actor is not None:
        access.require(actor, "risk.suggest")
    return suggest(current_policy(), request.age_years, request.answers)


def check_language(actor: Actor, text: str) -> LanguageReport:
    """Return the phrases in a text that the force has asked its staff to challenge."""
    access.require(actor, "risk.suggest")
    lexicon = language.current_lexicon()
    return LanguageReport(
        findings=[LanguageFinding(**vars(f)) for f in language.check(text, lexicon)],
        lexicon_version=lexicon.version,
    )
