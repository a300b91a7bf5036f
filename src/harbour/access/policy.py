"""The access table: for each action, the scope in which each role may take it.

Scopes widen from `self` (records the actor owns or is) through `team` and `organisation` to
`all`. A role that is not listed for an action may not take it. Rank rules (who may review a high
risk grade, who may close a child's call) are actions here like any other, so that there is one
place to read and one place to change.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping

from harbour.actor import Role


class Scope(enum.IntEnum):
    self = 1
    team = 2
    # The actor's team's records, and records about the people an information-sharing agreement
    # in force shares with the actor's organisation, limited to the fields it shares
    # (`harbour.access.agreements`). Only pages that show a shared record by its field list ask
    # for the shared part (`visible(..., shared=True)`); every other page sees the team's.
    agreement = 3
    organisation = 4
    all = 5


R = Role
S = Scope

_FORCE_READERS = (
    R.call_handler,
    R.officer,
    R.hub_officer,
    R.sergeant,
    R.inspector,
    R.superintendent,
    R.exploitation_investigator,
    R.analyst,
)
_SUPERVISORS = (R.sergeant, R.inspector, R.superintendent)
_EXPLOITATION_WORKERS = (R.officer, R.hub_officer, R.exploitation_investigator, *_SUPERVISORS)

POLICY: Mapping[str, Mapping[Role, Scope]] = {
    # People: the children and adults Harbour holds. Partners see the people and fields that
    # the information-sharing agreements of their organisation share (and their team's own
    # records); administrators manage accounts, not people.
    "person.view": {
        **dict.fromkeys(_FORCE_READERS, S.organisation),
        R.partner_practitioner: S.agreement,
        R.auditor: S.all,
    },
    "person.create": {
        **dict.fromkeys(_FORCE_READERS, S.organisation),
        R.partner_practitioner: S.team,
    },
    "person.update": {
        R.call_handler: S.team,
        R.officer: S.team,
        R.hub_officer: S.organisation,
        R.exploitation_investigator: S.organisation,
        **dict.fromkeys(_SUPERVISORS, S.organisation),
        R.partner_practitioner: S.team,
    },
    # Identity: decide whether two records are one person (the review queue), merge and unmerge.
    # Both records must be in scope; merging is done by people who work across the force's records.
    "person.merge": {
        **dict.fromkeys((R.hub_officer, R.analyst, R.exploitation_investigator), S.organisation),
        **dict.fromkeys(_SUPERVISORS, S.organisation),
    },
    # The batch job (`harbour identity resolve`) scores every record and, only where a force has
    # turned automatic merging on, merges the surest pairs itself.
    "person.resolve": {R.administrator: S.all},
    # Exploitation network alerts: the inbox, an alert's evidence and network view; working them
    # (assign, annotate, link to an operation, dismiss) is for investigators and supervisors.
    "network.view": {
        **dict.fromkeys((R.hub_officer, R.exploitation_investigator, R.analyst), S.organisation),
        **dict.fromkeys(_SUPERVISORS, S.organisation),
    },
    "network.work": {
        **dict.fromkeys((R.exploitation_investigator, R.analyst), S.organisation),
        **dict.fromkeys(_SUPERVISORS, S.organisation),
    },
    # Intelligence links entered by hand (graded 3x5x2) on a person's record.
    "intelligence.record": {
        **dict.fromkeys(
            (R.officer, R.hub_officer, R.exploitation_investigator, R.analyst), S.organisation
        ),
        **dict.fromkeys(_SUPERVISORS, S.organisation),
    },
    # Places and vehicles: force-wide for the force; partners see those their team recorded.
    "place.view": {
        **dict.fromkeys(_FORCE_READERS, S.organisation),
        R.partner_practitioner: S.organisation,
        R.auditor: S.all,
    },
    # Missing episodes: report, grade, record what happens, close. Viewing one is person.view.
    "episode.report": {
        **dict.fromkeys((R.call_handler, R.officer, R.hub_officer), S.organisation),
        **dict.fromkeys(_SUPERVISORS, S.organisation),
    },
    "episode.grade": {
        **dict.fromkeys((R.officer, R.hub_officer), S.organisation),
        **dict.fromkeys(_SUPERVISORS, S.organisation),
    },
    "episode.update": {
        **dict.fromkeys(
            (R.call_handler, R.officer, R.hub_officer, R.exploitation_investigator),
            S.organisation,
        ),
        **dict.fromkeys(_SUPERVISORS, S.organisation),
    },
    "episode.close": {
        R.hub_officer: S.organisation,
        **dict.fromkeys(_SUPERVISORS, S.organisation),
    },
    # Tasks on episodes and people: hand over and complete.
    "task.update": {
        **dict.fromkeys(
            (R.call_handler, R.officer, R.hub_officer, R.exploitation_investigator),
            S.organisation,
        ),
        **dict.fromkeys(_SUPERVISORS, S.organisation),
    },
    # Exploitation: screen a person, refer them to the National Referral Mechanism and record
    # its decisions, issue and serve a Child Abduction Warning Notice. Viewing them is
    # person.view (analysts read them); call handlers and partners do not record them.
    "screening.record": dict.fromkeys(_EXPLOITATION_WORKERS, S.organisation),
    "nrm.refer": dict.fromkeys(_EXPLOITATION_WORKERS, S.organisation),
    "cawn.issue": dict.fromkeys(_EXPLOITATION_WORKERS, S.organisation),
    # The disruption ledger of an adult of concern: orders, arrests, ANPR markers, hotel and
    # taxi-licensing interventions, with the children they protect. Investigators, the hub and
    # supervisors record them; analysts read them; partners and call handlers do not see them.
    "disruption.view": {
        **dict.fromkeys((R.hub_officer, R.exploitation_investigator, R.analyst), S.organisation),
        **dict.fromkeys(_SUPERVISORS, S.organisation),
    },
    "disruption.record": {
        **dict.fromkeys((R.hub_officer, R.exploitation_investigator), S.organisation),
        **dict.fromkeys(_SUPERVISORS, S.organisation),
    },
    # Calls for service: record a call, decide it (RCRP, THRIVE, NDM). Viewing one is
    # person.view, as for an episode; supervisors audit the RCRP outcomes.
    "call.record": {
        **dict.fromkeys((R.call_handler, R.officer, R.hub_officer), S.organisation),
        **dict.fromkeys(_SUPERVISORS, S.organisation),
    },
    "call.decide": {
        **dict.fromkeys((R.call_handler, R.officer, R.hub_officer), S.organisation),
        **dict.fromkeys(_SUPERVISORS, S.organisation),
    },
    "call.outcomes": dict.fromkeys(_SUPERVISORS, S.organisation),
    # The inspection measures (harbour.measures): figures, never records, counted over the
    # records in this scope. The command line's operator (an administrator) counts the whole.
    "measures.view": {
        **dict.fromkeys((*_SUPERVISORS, R.analyst), S.organisation),
        R.administrator: S.all,
    },
    # Decision quality: supervisors draw a sample of children graded low and calls not sent to
    # police, and record whether each decision was right.
    "measures.qa": dict.fromkeys(_SUPERVISORS, S.organisation),
    # Loading historical records (`harbour import`) and generating synthetic data.
    "data.import": {R.administrator: S.all},
    # Accounts.
    "user.view": {**{role: S.self for role in Role}, R.administrator: S.all},
    "user.manage": {R.administrator: S.all},
    "token.manage": {role: S.self for role in Role},
    "password.change": {role: S.self for role in Role},  # your own; administrators reset others'
    # Information-sharing agreements: drawn up, suspended and ended by the force's administrators
    # (the data protection officer's decisions, recorded by them) and read by supervisors.
    "agreement.view": {
        R.administrator: S.all,
        R.auditor: S.all,
        **dict.fromkeys(_SUPERVISORS, S.organisation),
    },
    "agreement.manage": {R.administrator: S.all},
    # The audit log.
    "audit.view": {R.auditor: S.all},
    "audit.verify": {R.auditor: S.all, R.administrator: S.all},
    # The risk calculator holds no personal data: any signed-in role may ask it.
    "risk.suggest": {role: S.all for role in Role},
    "triage.suggest": {role: S.all for role in Role},  # likewise the RCRP narrative assist
    # Rank rules, used by the episode and call workflows.
    # A review due at a rank may be done by that rank or above.
    "risk.review": dict.fromkeys(_SUPERVISORS, S.organisation),
    "risk.review_high": {R.inspector: S.organisation, R.superintendent: S.organisation},
    "risk.review_senior": {R.superintendent: S.organisation},
    "call.close_child_advice_only": dict.fromkeys(_SUPERVISORS, S.organisation),
    # Who work is given to. Casework may be handed over to these roles; a report nobody owns yet
    # (a call handler's) is announced to these; new exploitation alerts are announced to these.
    "episode.hold": {
        **dict.fromkeys((R.officer, R.hub_officer, R.exploitation_investigator), S.organisation),
        **dict.fromkeys(_SUPERVISORS, S.organisation),
    },
    "episode.allocate": {R.hub_officer: S.organisation},
    # The board of work nobody owns (reports in the hub queue, tasks with no owner), and moving
    # one person's open casework to another or back to the queue (a leaver's cases).
    "casework.unowned": {
        R.hub_officer: S.organisation,
        **dict.fromkeys(_SUPERVISORS, S.organisation),
    },
    "casework.reassign": dict.fromkeys(_SUPERVISORS, S.organisation),
    # The workload of officers and teams (counts of open casework, tasks and reviews owed).
    "casework.workload": {
        R.hub_officer: S.organisation,
        **dict.fromkeys(_SUPERVISORS, S.organisation),
    },
    "network.alerted": {R.exploitation_investigator: S.organisation},
    # Referrals between the force and a partner organisation: both sides see those they sent or
    # received; the receiving side accepts, rejects and marks them done, the sender revokes.
    "referral.view": {
        **dict.fromkeys((R.call_handler, R.officer, R.hub_officer), S.organisation),
        **dict.fromkeys((*_SUPERVISORS, R.exploitation_investigator), S.organisation),
        R.partner_practitioner: S.organisation,
        R.auditor: S.all,
    },
    "referral.send": {
        **dict.fromkeys((R.call_handler, R.officer, R.hub_officer), S.organisation),
        **dict.fromkeys((*_SUPERVISORS, R.exploitation_investigator), S.organisation),
        R.partner_practitioner: S.organisation,
    },
    "referral.decide": {
        **dict.fromkeys((R.hub_officer, *_SUPERVISORS), S.organisation),
        R.partner_practitioner: S.organisation,
    },
    # Referring someone who refused consent needs a recorded reason from someone who may decide
    # it (consent not sought in an emergency needs only the reason why).
    "referral.override_consent": {
        **dict.fromkeys((R.hub_officer, *_SUPERVISORS), S.organisation),
        R.partner_practitioner: S.organisation,
    },
    # Strategy meetings and MACE panels: recorded by the hub, investigators and supervisors;
    # read across the force, and by partners for the children their agreements share for
    # meetings (the minutes only when the agreements share every child discussed).
    "meeting.record": {
        **dict.fromkeys((R.hub_officer, R.exploitation_investigator), S.organisation),
        **dict.fromkeys(_SUPERVISORS, S.organisation),
    },
    "meeting.view": {
        **dict.fromkeys(_FORCE_READERS, S.organisation),
        R.partner_practitioner: S.agreement,
        R.auditor: S.all,
    },
    # Told when a referral is not accepted in time and the duty of care stays with the force.
    "referral.escalated": dict.fromkeys(_SUPERVISORS, S.organisation),
    # The local authority's return home interview, recorded by its own practitioner on a child
    # its agreement shares for return interviews (the hub records one on its behalf with
    # episode.update).
    "interview.record": {R.partner_practitioner: S.agreement},
}

# An action taken at the `agreement` scope needs its agreement to share this field, rather than
# the record type's own (`__shared_field__`): seeing a child's episodes is not recording their
# return home interview.
AGREEMENT_FIELDS: Mapping[str, str] = {"interview.record": "return_interviews"}

# The ranks that review a missing episode's grade, lowest first, with the action that lets a
# role review at that rank. An overdue review escalates one step up this ladder.
REVIEW_LADDER: tuple[tuple[Role, str], ...] = (
    (R.sergeant, "risk.review"),
    (R.inspector, "risk.review_high"),
    (R.superintendent, "risk.review_senior"),
)
# Who owes a new report's first grade: the hub, below the ladder, so that an ungraded report
# that falls overdue escalates to the ladder's foot.
GRADING_RANK: Role = R.hub_officer

# What each role's home page leads with: the boards of the work its role does, in order.
HOME_BOARDS: Mapping[Role, tuple[str, ...]] = {
    R.call_handler: ("calls", "open"),
    R.officer: ("open", "calls"),
    R.hub_officer: ("open", "reviews", "alerts"),
    R.sergeant: ("reviews", "open", "calls"),
    R.inspector: ("reviews", "open", "alerts"),
    R.superintendent: ("reviews", "open"),
    R.exploitation_investigator: ("alerts", "open"),
    R.analyst: ("alerts",),
    R.partner_practitioner: ("referrals", "interviews", "meetings"),
    R.auditor: ("audit",),
    R.administrator: ("accounts",),
}


def roles_with(action: str) -> list[Role]:
    """Every role that may take `action` in some scope, in the enum's order."""
    return [role for role in Role if scope_for(role, action) is not None]


def home_boards(role: Role | None) -> tuple[str, ...]:
    """The boards a role's home page shows, in order (none for no role)."""
    return HOME_BOARDS.get(role, ()) if role is not None else ()


def scope_for(role: Role | None, action: str) -> Scope | None:
    """Return the widest scope in which `role` may take `action`, or None if it may not."""
    try:
        table = POLICY[action]
    except KeyError:
        raise KeyError(f"unknown action {action!r}: add it to harbour.access.policy") from None
    return None if role is None else table.get(role)
