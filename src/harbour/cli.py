"""The `harbour` command: serve, migrate, manage users, verify the audit log, set up the demo."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from alembic.config import Config
from rich.console import Console
from rich.table import Table

from harbour import clock, db
from harbour import models as _models  # noqa: F401  (every table known to the mapper)
from harbour.actor import Actor, Channel, Role, system_actor
from harbour.audit import service as audit
from harbour.auth import credentials
from harbour.auth import service as auth
from harbour.auth.models import OrganisationKind
from harbour.errors import HarbourError
from harbour.settings import PROJECT_ROOT, get_settings

app = typer.Typer(
    help="Harbour: the case-working platform of a Central Vulnerability Hub.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
db_app = typer.Typer(help="Create and migrate the database named by HARBOUR_DATABASE_URL.")
users_app = typer.Typer(help="Manage user accounts (changes are audited).")
audit_app = typer.Typer(help="Check the append-only audit log.")
demo_app = typer.Typer(help="Demo organisations, users and invented people (development only).")
orgs_app = typer.Typer(help="Organisations: the force and its partner agencies (audited).")
teams_app = typer.Typer(help="Teams within organisations (audited).")
risk_app = typer.Typer(help="The APP risk grading policy.")
triage_app = typer.Typer(help="Call triage: the Right Care Right Person narrative assist.")
identity_app = typer.Typer(help="Identity resolution: find the records that describe one person.")
reviews_app = typer.Typer(help="Supervision reviews of missing episodes.")
network_app = typer.Typer(help="The entity network: exploitation alerts with their evidence.")
app.add_typer(db_app, name="db")
app.add_typer(risk_app, name="risk")
app.add_typer(triage_app, name="triage")
app.add_typer(identity_app, name="identity")
app.add_typer(reviews_app, name="reviews")
app.add_typer(network_app, name="network")
app.add_typer(orgs_app, name="orgs")
app.add_typer(teams_app, name="teams")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")
app.add_typer(demo_app, name="demo")

console = Console()
err = Console(stderr=True)


def _operator() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "operator"


def _actor() -> Actor:
    return system_actor(Channel.cli, name=_operator())


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]Error:[/] {message}")
    return typer.Exit(code=1)


def _alembic_config() -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    return config


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument(help="Target revision")] = "head") -> None:
    """Migrate the database to the newest schema (or REVISION)."""
    from alembic import command

    command.upgrade(_alembic_config(), revision)
    console.print(f"Database is at revision [bold]{revision}[/].")


@db_app.command("current")
def db_current() -> None:
    """Show the database's current revision."""
    from alembic import command

    command.current(_alembic_config())


@orgs_app.command("create")
def orgs_create(
    name: str,
    kind: Annotated[OrganisationKind, typer.Option(help="What sort of organisation")] = (
        OrganisationKind.force
    ),
) -> None:
    """Create an organisation (does nothing if one of that name exists)."""
    with db.unit_of_work() as session:
        org = auth.ensure_organisation(session, _actor(), name.strip(), kind)
        console.print(f"Organisation [bold]{org.name}[/] ({org.kind.label}).")


@orgs_app.command("list")
def orgs_list() -> None:
    """List organisations and their teams."""
    with db.unit_of_work() as session:
        table = Table("organisation", "kind", "teams")
        teams_by_org: dict[int, list[str]] = {}
        for team in auth.teams(session):
            teams_by_org.setdefault(team.organisation_id, []).append(team.name)
        for org in auth.organisations(session):
            table.add_row(org.name, org.kind.label, ", ".join(teams_by_org.get(org.id, [])))
        console.print(table)


@teams_app.command("create")
def teams_create(
    name: str,
    organisation: Annotated[str, typer.Option(help="The organisation the team belongs to")],
) -> None:
    """Create a team in an organisation (does nothing if it exists)."""
    try:
        with db.unit_of_work() as session:
            org = auth.find_organisation(session, organisation)
            team = auth.ensure_team(session, _actor(), org, name.strip())
            console.print(f"Team [bold]{team.name}[/] in {org.name}.")
    except HarbourError as exc:
        raise _fail(exc.message) from exc


@users_app.command("create")
def users_create(
    username: str,
    role: Annotated[Role, typer.Option(help="The user's role")],
    organisation: Annotated[
        str | None, typer.Option(help="Organisation name (default: the only force)")
    ] = None,
    team: Annotated[str | None, typer.Option(help="Team name within the organisation")] = None,
    name: Annotated[str | None, typer.Option(help="Display name")] = None,
    password: Annotated[
        str | None, typer.Option(help="Password (asked for, hidden, when not given)")
    ] = None,
    email: Annotated[
        str | None, typer.Option(help="Email address for notifications (none: no email)")
    ] = None,
) -> None:
    """Create a user account."""
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with db.unit_of_work() as session:
            actor = _actor()
            orgs = auth.organisations(session)
            if organisation is None:
                forces = [o for o in orgs if o.kind.value == "force"]
                if len(forces) != 1:
                    raise _fail("Name the organisation with --organisation")
                org = forces[0]
            else:
                org = auth.find_organisation(session, organisation)
            team_row = auth.find_team(session, org, team) if team else None
            user = auth.create_user(
                session,
                actor,
                username=username,
                role=role,
                organisation=org,
                team=team_row,
                password=password,
                display_name=name,
                email=email,
            )
            console.print(f"Created [bold]{user.username}[/] ({role.label}, {org.name}).")
    except HarbourError as exc:
        raise _fail(exc.message) from exc


@users_app.command("list")
def users_list() -> None:
    """List user accounts."""
    with db.unit_of_work() as session:
        rows = auth.list_users(session, _actor())
        orgs = {o.id: o.name for o in auth.organisations(session)}
        teams = {t.id: t.name for t in auth.teams(session)}
        table = Table("username", "name", "role", "organisation", "team", "status")
        for user in rows:
            status = "active" if user.is_active else "disabled"
            if user.locked_until is not None and user.is_active:
                status = "locked until " + user.locked_until.isoformat(timespec="minutes")
            table.add_row(
                user.username,
                user.display_name,
                user.role.value,
                orgs.get(user.organisation_id, ""),
                teams.get(user.team_id, "") if user.team_id else "",
                status,
            )
        console.print(table)


def _change(username: str, *, active: bool, reason: str) -> None:
    try:
        with db.unit_of_work() as session:
            actor = _actor()
            user = auth.get_user_by_username(session, actor, username)
            auth.set_active(session, actor, user, active=active, reason=reason)
    except HarbourError as exc:
        raise _fail(exc.message) from exc


@users_app.command("disable")
def users_disable(
    username: str,
    reason: Annotated[str, typer.Option(help="Why (kept in the audit log)")] = "disabled by CLI",
) -> None:
    """Disable an account and end its sessions."""
    _change(username, active=False, reason=reason)
    console.print(f"Disabled [bold]{username}[/].")


@users_app.command("enable")
def users_enable(
    username: str,
    reason: Annotated[str, typer.Option(help="Why (kept in the audit log)")] = "enabled by CLI",
) -> None:
    """Re-enable an account and clear any lockout."""
    _change(username, active=True, reason=reason)
    console.print(f"Enabled [bold]{username}[/].")


@users_app.command("reset-password")
def users_reset_password(
    username: str,
    password: Annotated[
        str | None, typer.Option(help="New password (asked for if missing)")
    ] = None,
    reason: Annotated[str, typer.Option(help="Why (kept in the audit log)")] = "reset by CLI",
) -> None:
    """Set a new password, unlock the account and end its sessions."""
    if password is None:
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        with db.unit_of_work() as session:
            actor = _actor()
            user = auth.get_user_by_username(session, actor, username)
            auth.reset_password(session, actor, user, password, reason=reason)
    except HarbourError as exc:
        raise _fail(exc.message) from exc
    console.print(f"Password reset for [bold]{username}[/].")


@users_app.command("token")
def users_token(
    username: str,
    name: Annotated[str, typer.Option(help="What the token is for")] = "api client",
    days: Annotated[int, typer.Option(help="Days until it expires (0: never)")] = 90,
) -> None:
    """Create a personal access token for a user and print it once."""
    try:
        with db.unit_of_work() as session:
            user = auth.get_user_by_username(session, _actor(), username)
            owner = auth.actor_for(user, channel=Channel.cli)
            _, plain = credentials.create_token(session, owner, user, name=name, days=days or None)
    except HarbourError as exc:
        raise _fail(exc.message) from exc
    console.print(plain, soft_wrap=True)


@audit_app.command("verify")
def audit_verify() -> None:
    """Walk the hash chain; name the first altered, removed or inserted event; exit 1 if any."""
    with db.unit_of_work() as session:
        verdict = audit.verify(session)
    try:
        with db.unit_of_work() as session:
            audit.record(
                session,
                _actor(),
                "verify",
                "audit_log",
                None,
                after={"ok": verdict.ok, "checked": verdict.checked},
            )
    except HarbourError as exc:
        err.print(f"[yellow]This check could not be recorded:[/] {exc.message}")
    if verdict.ok:
        console.print(f"[green]Audit log intact:[/] {verdict.checked} events checked.")
        return
    err.print(
        f"[bold red]Audit log broken at event {verdict.first_bad_seq}:[/] {verdict.problem} "
        f"({verdict.checked} events checked before it)."
    )
    raise typer.Exit(code=1)


@audit_app.command("reseal")
def audit_reseal(
    reason: Annotated[str, typer.Option(help="Why (for example: secret key rotated)")],
) -> None:
    """Re-sign the chain's head with the current secret key, after checking every event.

    Use it after rotating HARBOUR_SECRET_KEY. It refuses if any event is altered or missing.
    """
    with db.unit_of_work() as session:
        verdict = audit.reseal(session, _actor(), reason)
    if not verdict.ok:
        err.print(f"[bold red]Not resealed:[/] event {verdict.first_bad_seq}: {verdict.problem}")
        raise typer.Exit(code=1)
    console.print(f"[green]Resealed[/] after checking {verdict.checked} events.")


@app.command("import")
def import_records(
    path: Annotated[Path, typer.Argument(help="A .jsonl file, or a folder of them")],
    report: Annotated[
        Path | None,
        typer.Option(help="Where to write rejected lines (default: PATH.rejected.jsonl)"),
    ] = None,
    organisation: Annotated[
        str | None, typer.Option(help="Organisation that owns the records (default: the force)")
    ] = None,
    bulk: Annotated[
        bool,
        typer.Option(
            help="PostgreSQL COPY path for national volumes: files are read in name order and "
            "a record may refer only to records on earlier lines or earlier imports"
        ),
    ] = False,
) -> None:
    """Load records in Harbour's import format (docs/import-format.md).

    Every line is checked; valid lines are loaded and rejected ones are written to the report
    with their line number and the reason. Exit status: 0 all loaded, 3 some lines rejected,
    1 the import could not run.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

    from harbour.interop import importer
    from harbour.interop.schemas import KINDS

    try:
        with db.unit_of_work() as session:
            org_id = importer.organisation_for_import(session, organisation)
        with Progress(
            TextColumn("{task.description:12}"), BarColumn(), MofNCompleteColumn(), console=err
        ) as progress:
            tasks: dict[str, TaskID] = {}

            def advance(kind: str, done: int, total: int) -> None:
                if kind not in tasks:
                    tasks[kind] = progress.add_task(kind, total=total)
                progress.update(tasks[kind], completed=done)

            if bulk:
                from harbour.interop.bulk import run_bulk_import

                summary = run_bulk_import(path, _actor(), organisation_id=org_id)
            else:
                summary = importer.run_import(
                    path, _actor(), organisation_id=org_id, on_progress=advance
                )
    except HarbourError as exc:
        raise _fail(exc.message) from exc
    table = Table(title=f"Imported {summary.lines} lines from {len(summary.files)} file(s)")
    for column in ("kind", "created", "updated", "unchanged"):
        table.add_column(column, justify="right" if column != "kind" else "left")
    for kind in KINDS:
        counts = (summary.created[kind], summary.updated[kind], summary.unchanged[kind])
        if any(counts):
            table.add_row(kind, *(f"{n:,}" for n in counts))
    console.print(table)
    if summary.rejected:
        target = report or path.with_name(path.name + ".rejected.jsonl")
        importer.write_report(summary, target)
        err.print(
            f"[bold yellow]{len(summary.rejected):,} line(s) rejected[/]; each is in {target} "
            "with its line number and the reason."
        )
        for rejection in summary.rejected[:5]:
            err.print(f"  {Path(rejection.file).name}:{rejection.line}: {rejection.reason}")
        raise typer.Exit(code=3)
    console.print("[green]Every line loaded.[/]")


@app.command("simulate")
def simulate_command(
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same files")] = 1,
    scale: Annotated[
        str, typer.Option(help="demo (3 areas), borough, london (32 boroughs) or national")
    ] = "demo",
    years: Annotated[float, typer.Option(help="Years of history", min=0.1, max=20)] = 1.0,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Last day of the data, YYYY-MM-DD (default today)")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Folder for the files (default var/simulate/SCALE-SEED)")
    ] = None,
    load: Annotated[bool, typer.Option(help="Import the files into the database")] = False,
    if_empty: Annotated[
        bool, typer.Option(help="With --load: do nothing if the database holds episodes already")
    ] = False,
) -> None:
    """Generate a synthetic force area as import files plus truth.json (and --load it)."""
    from datetime import date

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from harbour import timefmt
    from harbour.simulate.scales import SCALES
    from harbour.simulate.service import simulate

    if scale not in SCALES:
        raise _fail(f"Unknown scale {scale!r}: use one of {', '.join(SCALES)}")
    try:
        day = date.fromisoformat(as_of) if as_of else timefmt.local(clock.now()).date()
    except ValueError as exc:
        raise _fail(f"--as-of {as_of!r} is not a date such as 2026-11-27") from exc
    if day > timefmt.local(clock.now()).date():
        raise _fail("--as-of cannot be after today: every record Harbour imports is in the past")
    if load and if_empty and _has_episodes():
        console.print("The database already holds episodes: nothing simulated.")
        return
    folder = out or PROJECT_ROOT / "var" / "simulate" / f"{scale}-{seed}"
    with Progress(
        TextColumn("areas"), BarColumn(), MofNCompleteColumn(), console=err, transient=True
    ) as progress:
        task = progress.add_task("areas", total=SCALES[scale].areas)
        result = simulate(
            seed=seed,
            scale=scale,
            years=years,
            as_of=day,
            out=folder,
            on_area=lambda done, _total: progress.update(task, completed=done),
        )
    table = Table(title=f"Simulated {scale} scale, seed {seed}, to {day.isoformat()}")
    table.add_column("kind")
    table.add_column("records", justify="right")
    for kind, count in result.counts.items():
        table.add_row(kind, f"{count:,}")
    console.print(table)
    console.print(f"Files in {folder}; ground truth in {result.truth}")
    if load:
        import_records(folder, report=None, organisation=None, bulk=False)


def _has_episodes() -> bool:
    from sqlalchemy import select

    from harbour.episodes.models import Episode

    with db.unit_of_work() as session:
        return session.scalar(select(Episode.id).limit(1)) is not None


@demo_app.command("setup")
def demo_setup() -> None:
    """Create the demo organisations, one user per role and a few invented people."""
    from harbour import demo

    try:
        with db.unit_of_work() as session:
            made = demo.set_up(session, _actor())
    except HarbourError as exc:
        raise _fail(exc.message) from exc
    table = Table(title="Demo sign-ins (development only)")
    table.add_column("username", no_wrap=True, min_width=25)
    table.add_column("role")
    table.add_column("organisation / team")
    for row in made:
        table.add_row(row.username, row.role.label, f"{row.organisation} / {row.team}")
    console.print(table)
    console.print(f"Every demo user's password is [bold]{demo.DEMO_PASSWORD}[/]", soft_wrap=True)


@reviews_app.command("escalate")
def reviews_escalate() -> None:
    """Tell the next rank up about reviews that have become overdue (run every minute).

    For example, from cron: * * * * * harbour reviews escalate. Each overdue review is escalated
    once; several runs at the same time do not notify twice.
    """
    from harbour.episodes import service as episodes

    with db.unit_of_work() as session:
        count = episodes.escalate_overdue(session, system_actor(Channel.job, name="escalation"))
    console.print(f"{count} overdue {'review' if count == 1 else 'reviews'} escalated.")


if TYPE_CHECKING:
    from pydantic import BaseModel

RequestModel = TypeVar("RequestModel", bound="BaseModel")


def _read_request(file: str, model: type[RequestModel], invalid: str) -> RequestModel:
    """Read a JSON request from a file or standard input ("-"), or stop with what is wrong."""
    import sys

    from pydantic import ValidationError

    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except OSError as exc:
        raise _fail(f"{file} could not be read: {exc.strerror}") from exc
    try:
        return model.model_validate_json(text)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5]
        )
        raise _fail(f"{invalid}: {problems}") from exc


@risk_app.command("suggest")
def risk_suggest(
    file: Annotated[str, typer.Argument(help='A JSON file, or "-" for standard input')],
) -> None:
    """Print the policy's suggested grade and reasons for {"age_years": N, "answers": {...}}."""
    from harbour.risk import service as risk
    from harbour.risk.policy import PolicyError
    from harbour.risk.schemas import SuggestRequest

    request = _read_request(file, SuggestRequest, "The answers are not valid")
    try:
        suggestion = risk.suggest_grade(None, request)
    except PolicyError as exc:
        raise _fail(f"The risk policy could not be read: {exc}") from exc
    typer.echo(suggestion.model_dump_json(indent=2))


@triage_app.command("suggest")
def triage_suggest(
    file: Annotated[str, typer.Argument(help='A JSON file, or "-" for standard input')],
) -> None:
    """Print the RCRP suggestion for {"narrative": "...", "caller_type": ..., "answers": {...}}."""
    from harbour.triage import service as triage
    from harbour.triage.rules import RulesError
    from harbour.triage.schemas import TriageRequest

    request = _read_request(file, TriageRequest, "The call is not valid")
    try:
        suggestion = triage.suggest_outcome(None, request)
    except RulesError as exc:
        raise _fail(f"The triage rules could not be read: {exc}") from exc
    typer.echo(suggestion.model_dump_json(indent=2))


@identity_app.command("dedupe")
def identity_dedupe(
    file: Annotated[Path, typer.Argument(help="A CSV file with a header row")],
    id_column: Annotated[str, typer.Option("--id", help="The column that identifies each row")],
    mapping: Annotated[
        str,
        typer.Option(
            "--map",
            help="FIELD=COLUMN,... with FIELD one of given_name, family_name, date_of_birth, "
            "sex, postcode, address, town, phone, email (COLUMN+COLUMN joins columns)",
        ),
    ],
    out: Annotated[Path, typer.Option(help="Where to write id,cluster_id (one row a record)")],
    link: Annotated[
        Path | None, typer.Option(help="A second file to link with FILE (same --id and --map)")
    ] = None,
    date_format: Annotated[
        str | None,
        typer.Option(help="iso, yyyymmdd, dd/mm/yyyy or a strftime pattern (default: detected)"),
    ] = None,
    threshold: Annotated[
        float | None, typer.Option(help="Match probability that joins two records (0-1)")
    ] = None,
    save_model: Annotated[
        Path | None, typer.Option(help="Also save the trained model as JSON here")
    ] = None,
    model: Annotated[
        Path | None, typer.Option(help="Use this saved model instead of training on the file")
    ] = None,
) -> None:
    """Group the records of a CSV file (or two linked files) that describe the same person.

    Harbour's model is trained on the file itself, without labels. Exit status: 0 done,
    1 could not run (the message says why).
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from harbour.identity import files
    from harbour.identity import service as identity

    try:
        fields = files.parse_mapping(mapping)
        trained = identity.load_model(model) if model else None
        with Progress(
            TextColumn("{task.description:12}"), BarColumn(), MofNCompleteColumn(),
            console=err, transient=True,
        ) as progress:  # fmt: skip
            task = progress.add_task("read", total=len(identity.STEPS))

            def advance(step: str, done: int, total: int) -> None:
                progress.update(task, description=step, completed=done, total=total)

            result = identity.dedupe(
                file, id_column=id_column, mapping=fields, out=out, link=link,
                date_format=date_format, threshold=threshold, trained=trained,
                on_progress=advance,
            )  # fmt: skip
        if save_model:
            identity.save_model(result.model, save_model)
    except HarbourError as exc:
        raise _fail(exc.message) from exc
    summary = result.summary
    table = Table(title=f"Resolved {summary.records:,} records in {summary.seconds:.1f} s")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for label, value in (
        ("people (clusters)", f"{summary.clusters:,}"),
        ("records sharing a cluster", f"{summary.records_in_clusters:,}"),
        ("largest cluster", f"{summary.largest_cluster:,}"),
        ("pairs joined", f"{summary.pairs_linked:,}"),
        ("pairs held apart (given name and birth differ)", f"{summary.pairs_held_apart:,}"),
        ("threshold (match probability)", f"{summary.threshold:g}"),
        ("fields compared", ", ".join(f.value for f in summary.fields)),
        ("date format", summary.date_format or "-"),
    ):
        table.add_row(label, value)
    console.print(table)
    if summary.unreadable_dates:
        err.print(
            f"[bold yellow]{summary.unreadable_dates:,} date(s) of birth could not be read[/] "
            "and were treated as missing."
        )
    saved = f"; model saved to {save_model}" if save_model else ""
    console.print(f"Clusters written to {out}{saved}")


@identity_app.command("resolve")
def identity_resolve(
    review_threshold: Annotated[
        float | None,
        typer.Option(help="Queue pairs at or above this match probability (default: setting)"),
    ] = None,
    auto_merge_above: Annotated[
        float | None,
        typer.Option(
            help="Merge pairs at or above this probability without review (default: setting; "
            "off unless set)"
        ),
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(help="Score with this saved model instead of training on the person table"),
    ] = None,
) -> None:
    """Score every person record against the others and queue possible duplicates for review.

    Trains Harbour's model on the person table (unless --model is given) and saves it where
    intake look-ups read it (HARBOUR_IDENTITY_MODEL_PATH). A pair already decided is never
    queued again. Exit status: 0 done, 1 could not run.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from harbour.identity import service as identity
    from harbour.resolution import batch

    actor = system_actor(Channel.cli, name="identity-resolve")
    try:
        trained = identity.load_model(model) if model else None
        with db.unit_of_work() as session, Progress(
            TextColumn("{task.description:12}"), BarColumn(), MofNCompleteColumn(),
            console=err, transient=True,
        ) as progress:  # fmt: skip
            task = progress.add_task("read", total=9)

            def advance(step: str, done: int, total: int) -> None:
                progress.update(task, description=step, completed=done, total=total)

            summary = batch.resolve_people(
                session, actor, review_threshold=review_threshold,
                auto_merge_threshold=auto_merge_above, trained=trained, on_progress=advance,
            )  # fmt: skip
    except HarbourError as exc:
        raise _fail(exc.message) from exc
    seconds = sum(summary.seconds.values())
    table = Table(title=f"Resolved {summary.persons:,} person records in {seconds:.1f} s")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for label, value in (
        ("pairs at or above the review threshold", f"{summary.pairs_scored:,}"),
        ("newly queued for review", f"{summary.queued_new:,}"),
        ("already queued (score refreshed)", f"{summary.queued_refreshed:,}"),
        ("already decided (left alone)", f"{summary.already_decided:,}"),
        ("held apart (given name and birth differ)", f"{summary.held_apart:,}"),
        ("merged automatically", f"{summary.merged_automatically:,}"),
        ("above the auto-merge threshold but a field differs", f"{summary.left_for_review:,}"),
        ("review threshold", f"{summary.review_threshold:g}"),
        (
            "auto-merge threshold",
            "off" if summary.auto_merge_threshold is None else f"{summary.auto_merge_threshold:g}",
        ),
    ):
        table.add_row(label, value)
    console.print(table)
    if summary.model_path:
        console.print(f"Model saved to {summary.model_path}; review the queue at /identity/review")


@identity_app.command("chart")
def identity_chart(
    model: Annotated[Path, typer.Argument(help="A model saved by dedupe --save-model")],
    out: Annotated[Path, typer.Option(help="CHART.html (a web page) or CHART.json (Vega-Lite)")],
) -> None:
    """Write a saved model's match-weight chart for an analyst to read."""
    from harbour.identity import service as identity

    try:
        identity.chart(identity.load_model(model), out)
    except HarbourError as exc:
        raise _fail(exc.message) from exc
    console.print(f"Match-weight chart written to {out}")


@network_app.command("alerts")
def network_alerts(
    output: Annotated[str, typer.Option("--format", help="json (the only format so far)")] = "json",
    min_score: Annotated[
        float | None,
        typer.Option(help="List alerts at or above this score (default: setting)", min=0, max=1),
    ] = None,
    include_dismissed: Annotated[
        bool, typer.Option("--all", help="Include dismissed alerts (with their status)")
    ] = False,
) -> None:
    """Rebuild the network, keep its alerts, and print them as JSON, highest score first.

    Open and assigned alerts are printed; dismissed ones too with --all. Each has its kind,
    subject, score, children, members, evidence and status.
    """
    import json

    from harbour.network import alerts
    from harbour.network import service as network

    if output != "json":
        raise _fail("--format must be json")
    floor = get_settings().network_alert_min_score if min_score is None else min_score
    with db.unit_of_work() as session:
        alerts.store(session, network.analyse(session), min_score=floor)
        listed = [
            a for a in alerts.listed(session, include_dismissed=include_dismissed)
            if a["score"] >= floor
        ]  # fmt: skip
    typer.echo(json.dumps(listed, ensure_ascii=False, indent=1))


@network_app.command("analyse")
def network_analyse(
    min_score: Annotated[
        float | None,
        typer.Option(help="Show alerts at or above this score (default: setting)", min=0, max=1),
    ] = None,
    top: Annotated[int, typer.Option(help="How many alerts to show", min=1)] = 20,
) -> None:
    """Rebuild the whole network from the database, keep its alerts and summarise them.

    New alerts, and dismissed ones that have new evidence, are opened and the exploitation team
    and the children's officers told; alerts no longer found are kept, marked inactive.
    """
    import time
    from collections import Counter

    from harbour.network import alerts
    from harbour.network import service as network

    started = time.perf_counter()
    with db.unit_of_work() as session:
        result = network.analyse(session)
        stored = alerts.store(session, result, min_score=min_score)
        listed = result.listed(min_score)
    seconds = time.perf_counter() - started
    kinds = Counter(alert["kind"] for alert in listed)
    console.print(
        f"{len(result.g.nodes):,} entities, {len(result.g.links):,} links, "
        f"{len(listed):,} alerts ({', '.join(f'{n} {k}' for k, n in sorted(kinds.items())) or '-'})"
        f" in {seconds:.1f} s; {stored.new} new, {stored.returned} back after dismissal, "
        f"{stored.inactive} no longer found, {stored.notified} notifications"
    )
    table = Table(title="Highest-scoring network alerts")
    for column in ("score", "kind", "subject", "children", "why"):
        table.add_column(column, justify="right" if column in ("score", "children") else "left")
    for alert in listed[:top]:
        subject = alert["subject"]
        table.add_row(
            f"{alert['score']:.2f}", alert["kind"],
            f"{subject['type']} {subject['external_id']}", str(len(alert["children"])),
            alert["reason"],
        )  # fmt: skip
    console.print(table)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(help="Worker processes")] = 1,
    reload: Annotated[bool, typer.Option(help="Restart when code changes")] = False,
) -> None:
    """Serve Harbour over HTTP."""
    import uvicorn

    settings = get_settings()
    console.print(f"Harbour ({settings.env}) on [bold]http://{host}:{port}[/]")
    uvicorn.run(
        "harbour.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        proxy_headers=True,
        access_log=False,
    )


def main() -> None:
    app()


if __name__ == "__main__":
    main()
