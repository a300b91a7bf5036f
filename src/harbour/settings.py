"""Harbour's one settings object: every tunable read from `HARBOUR_*` environment variables.

Nothing else in Harbour reads `os.environ`. Defaults suit a developer's machine; production
(`HARBOUR_ENV=production`) refuses the development secret key.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEVELOPMENT_SECRET_KEY = "development-only-secret-key-do-not-use-in-production"  # noqa: S105
PROJECT_ROOT = Path(__file__).resolve().parents[2]
VAR_DIR = PROJECT_ROOT / "var"
Grade = Literal["very_low", "low", "medium", "high"]
Rank = Literal["sergeant", "inspector", "superintendent"]


class Settings(BaseSettings):
    """Every setting Harbour has, with the default a development machine needs."""

    model_config = SettingsConfigDict(env_prefix="HARBOUR_", env_file=None, extra="ignore")

    env: Literal["development", "test", "production"] = "development"
    database_url: str = Field(default=f"sqlite:///{VAR_DIR / 'harbour.db'}")
    # SQLite: how long a write waits for the one write lock before failing. Keep it well below
    # the proxy's request timeout (nginx waits 60 s by default), so that a stuck lock gives the
    # user Harbour's own error page, not the proxy's; a normal write holds the lock for
    # milliseconds.
    sqlite_busy_timeout_seconds: float = Field(default=10, gt=0, le=60)
    # The most requests that work on the database at once in one process, and so the size of its
    # connection pool (each holds one connection until it commits); more requests wait their turn
    # without holding a thread or a connection, rather than time out. Ten more connections, for
    # error pages and the readiness probe, are opened only when needed. Eight, not twenty: page
    # work is Python on the CPU, and more at once only fight over the GIL (docs/performance.md:
    # the episode page at 50 connections, 37 pages/s with 20, 112 with 8).
    database_pool_size: int = Field(default=8, ge=1, le=200)
    secret_key: str = DEVELOPMENT_SECRET_KEY
    timezone: str = "Europe/London"

    # Sessions: an idle timeout and an absolute lifetime, whichever ends first.
    session_idle_minutes: int = Field(default=30, ge=1)
    session_lifetime_hours: int = Field(default=12, ge=1)
    # Cookies are marked Secure when Harbour is served over HTTPS (always in production).
    cookie_secure: bool | None = None
    # The largest request body read, before anyone is signed in (a photo is at most 5 MiB, an
    # upload 10 MiB): bigger ones are refused with 413 as they arrive.
    max_request_bytes: int = Field(default=12 * 1024 * 1024, ge=1024)
    # A bearer token for /metrics. Without one, /metrics answers in development and test only.
    metrics_token: SecretStr | None = None

    # Lockout: an account is locked after this many failed sign-ins in a row.
    login_max_failures: int = Field(default=5, ge=1)
    lockout_minutes: int = Field(default=15, ge=1)
    # Rate limit: at most this many failed sign-ins from one address within the window. Set it
    # above what a whole building behind one proxy would ever fail at honestly.
    login_rate_limit_attempts: int = Field(default=100, ge=1)
    login_rate_limit_window_seconds: int = Field(default=300, ge=1)

    password_min_length: int = Field(default=12, ge=8)
    # Argon2id cost (RFC 9106 section 4, second recommended option: t=3, m=64 MiB).
    password_hash_time_cost: int = Field(default=3, ge=1)
    password_hash_memory_kib: int = Field(default=65536, ge=8192)
    policy_file: Path | None = None  # the force's own risk policy (default: the bundled one)
    language_file: Path | None = None  # the force's own list of phrases to challenge
    triage_rules_file: Path | None = None  # the force's own call-triage rules (RCRP)
    page_size: int = Field(default=25, ge=5, le=200)

    # Supervision clocks (domain.md defaults; local practice, so every force sets its own). For
    # each grade: the rank that must make the first review and how many hours after the report;
    # then how often later reviews fall due; and, for high risk, a senior review after the report.
    # Set as JSON, e.g. HARBOUR_REVIEW_FIRST='{"high": ["inspector", 1], ...}'.
    review_first: dict[Grade, tuple[Rank, float]] = {
        "high": ("inspector", 1),
        "medium": ("sergeant", 4),
        "low": ("sergeant", 24),
        "very_low": ("sergeant", 24),
    }
    review_every_hours: dict[Grade, float] = {"high": 4, "medium": 12, "low": 24, "very_low": 24}
    review_senior: dict[Grade, tuple[Rank, float]] = {"high": ("superintendent", 24)}
    # The force that runs Harbour (one of harbour.people.forces.FORCES): a person found in any
    # other force's area is found out of area.
    force_name: str = "Metropolitan Police Service"
    # The team whose queue takes reports nobody owns yet (a call handler's), and how soon one
    # must be allocated to an officer.
    hub_team_name: str = "Central Vulnerability Hub"
    allocation_due_minutes: float = Field(default=30, gt=0)
    # The first grade is owed this many minutes after the report (a report must not sit in an
    # inbox: HMIC 2016 found one waiting 14 hours); then it escalates like an overdue review.
    grading_due_minutes: float = Field(default=30, gt=0)
    # The escalation ladder: an overdue review (or an ungraded report) goes one rank up when it
    # falls overdue, and one rank further at each later step, in minutes overdue.
    escalation_after_minutes: list[float] = [0, 60, 240]
    # A grade below the suggestion is reviewed by a rank above the grader within this time.
    below_suggestion_review_hours: float = Field(default=1, gt=0)
    # While someone is still missing, each of these steps (hours since last seen) prompts a
    # regrade by the grade's supervising rank, due within `absence_regrade_hours`, and for a
    # child a strategy meeting.
    long_absence_hours: list[float] = [24, 48, 72]
    absence_regrade_hours: float = Field(default=1, gt=0)
    # After a return: the safe-and-well check target, and the return home interview (children).
    safe_and_well_hours: float = Field(default=24, gt=0)
    return_interview_hours: float = Field(default=72, gt=0)
    # Repeat-missing triggers (local practice): they open a strategy-meeting or exploitation-
    # screening task on the person, with the trigger shown.
    repeat_trigger_count: int = Field(default=3, ge=2)
    repeat_trigger_days: int = Field(default=90, ge=1)
    long_missing_hours: float = Field(default=24, gt=0)
    # Calls (Right Care Right Person). Police hand a person detained under s136 over to the
    # health setting within one hour of arrival, unless agreed otherwise case by case (RCRP
    # National Partnership Agreement; shared domain notes, R4).
    s136_handover_minutes: int = Field(default=60, ge=1)
    # A call handed to a partner through Harbour is a referral it must accept: until it does,
    # the duty of care stays with the force, and after this long the referral escalates back to
    # the force (the sender and the supervisors are told).
    referral_accept_minutes: int = Field(default=60, ge=1)
    # The response grades a call handler gives a police attendance (local practice): code, label.
    call_response_grades: dict[str, str] = {
        "immediate": "Immediate (emergency)",
        "priority": "Priority",
        "scheduled": "Scheduled (appointment)",
    }
    # The period the RCRP outcomes board shows until a supervisor chooses another, in days.
    call_outcomes_days: int = Field(default=28, ge=1, le=366)
    # The inspection measures: a group in a breakdown with fewer than this many counted (from
    # 1) has its figure withheld, as published statistics do; 0 shows every figure.
    measures_suppress_below: int = Field(default=5, ge=0)
    # Identity resolution (docs/operations.md). Two records join one cluster when the model's
    # match probability is at least this: 0.95 is Splink's tutorial default, a match weight of
    # about +4.2, so a pair needs clearly more agreement than chance would give.
    identity_match_threshold: float = Field(default=0.95, gt=0, lt=1)
    # Random pairs sampled to estimate u: 2 million put about 20 pairs in a level as rare as one
    # in 100,000 (its weight known to a third of a bit); more is steadier and slower.
    identity_u_max_pairs: int = Field(default=2_000_000, ge=10_000)
    identity_seed: int = 42  # the same seed trains the same model on the same file
    # Harbour's own people: `harbour identity resolve` queues pairs at or above the review
    # threshold for a person to decide, and merges on its own only at or above the auto-merge
    # threshold, which is off (None) unless a force turns it on.
    identity_review_threshold: float = Field(default=0.8, gt=0, lt=1)
    identity_auto_merge_threshold: float | None = Field(default=None, gt=0, lt=1)
    # The model trained on the person table, which intake look-ups score with.
    identity_model_path: Path = VAR_DIR / "identity" / "person-model.json"
    # Intake: how many possible matches to show, and the least probability worth showing.
    identity_intake_limit: int = Field(default=8, ge=1, le=50)
    identity_intake_floor: float = Field(default=0.05, ge=0, lt=1)
    # Email notifications (docs/operations.md): off until an SMTP server is named. Emails carry
    # no personal data, only the kind of notification and a link back into Harbour.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_starttls: bool = True
    smtp_from: str = "Harbour <harbour@localhost>"
    smtp_timeout_seconds: float = Field(default=10, gt=0, le=120)
    # Exploitation network alerts (docs/operations.md, docs/decisions/0011). Children counted for
    # a common associate, a hotspot or a cluster; for a shared phone or vehicle.
    network_min_children: int = Field(default=3, ge=2)
    network_min_shared_children: int = Field(default=2, ge=2)
    # How much a link through a phone or vehicle, or through a place, counts against a direct one.
    # An adult within this many years of a child's age is their peer, not an older associate.
    network_peer_age_years: float = Field(default=2, ge=0)
    network_object_weight: float = Field(default=0.7, gt=0, le=1)
    network_place_weight: float = Field(default=0.5, gt=0, le=1)
    # A kind of place is busy when its median place sees this many unrelated children found or
    # last seen there (schools, stations): it does not join people into links or clusters.
    network_busy_place_children: float = Field(default=2, gt=0)
    # The least number of returning (or accompanied) children a hotspot is weighed against, so
    # that a kind of place whose median place sees none still needs three to score 0.5.
    network_base_rate_floor: float = Field(default=0.25, gt=0)
    # Alerts below this score are not listed unless asked (--min-score).
    network_alert_min_score: float = Field(default=0.5, ge=0, le=1)
    # The address users reach Harbour at, to make absolute links in emails.
    public_url: str = "http://127.0.0.1:8000"
    log_level: str = "INFO"
    log_json: bool = True

    @model_validator(mode="after")
    def _refuse_development_secret(self) -> Settings:
        if self.env == "production" and self.secret_key == DEVELOPMENT_SECRET_KEY:
            raise ValueError(
                "HARBOUR_SECRET_KEY must be set to a long random value when HARBOUR_ENV=production"
            )
        if self.env == "production" and len(self.secret_key) < 32:
            raise ValueError("HARBOUR_SECRET_KEY must be at least 32 characters in production")
        return self

    @model_validator(mode="after")
    def _steps_rise(self) -> Settings:
        for name in ("escalation_after_minutes", "long_absence_hours"):
            steps = getattr(self, name)
            if not steps or any(s < 0 for s in steps) or steps != sorted(set(steps)):
                raise ValueError(
                    f"HARBOUR_{name.upper()} needs one or more steps, rising, none negative"
                )
        return self

    @model_validator(mode="after")
    def _every_grade_has_a_clock(self) -> Settings:
        grades = {"very_low", "low", "medium", "high"}
        for name in ("review_first", "review_every_hours"):
            missing = grades - set(getattr(self, name))
            if missing:
                raise ValueError(
                    f"HARBOUR_{name.upper()} needs every grade; missing {sorted(missing)}"
                )
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def secure_cookies(self) -> bool:
        if self.cookie_secure is not None:
            return self.cookie_secure
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Return the settings, read once from the environment."""
    return Settings()


def reset_settings() -> None:
    """Forget the cached settings so the next call re-reads the environment (tests)."""
    get_settings.cache_clear()
