"""Migration 0019 (the person record): up with data, down on SQLite keeping every person, and
up again."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, create_engine, inspect, text

ROOT = Path(__file__).resolve().parents[2]
NEW = {"care_basis", "social_worker_name", "social_worker_phone", "social_worker_email"}


def _config(connection: Connection) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["connection"] = connection
    return config


def test_0019_goes_down_and_up_again_with_people_on_record(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'person_record.db'}")
    with engine.connect() as connection:
        config = _config(connection)
        command.upgrade(config, "0018_alerts_per_org")
        connection.execute(
            text(
                "INSERT INTO organisation (id, name, kind, created_at, updated_at) "
                "VALUES (1, 'Force', 'police', '2026-01-01', '2026-01-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO person (id, given_name, sex, organisation_id, looked_after, "
                "local_authority, flags, version, created_at, updated_at) VALUES (7, 'Leah', "
                "'female', 1, 1, 'Riverside Council', '[\"cse_risk\"]', 3, '2026-01-01', "
                "'2026-01-01')"
            )
        )
        connection.commit()
        command.upgrade(config, "0019_person_record")
        connection.commit()
        connection.execute(
            text(
                "UPDATE person SET care_basis = 'care_order', social_worker_name = 'Pat', "
                'flag_reviews = \'{"cse_risk": "2027-01-01"}\' WHERE id = 7'
            )
        )
        connection.execute(
            text("INSERT INTO person_phone (person_id, number) VALUES (7, '+447700900123')")
        )
        connection.commit()
        # Downgraded inside a transaction with foreign keys enforced and rows pointing at the
        # person: copying the person table (batch mode's way) would fail, or cascade and delete
        # the person's phones.
        connection.exec_driver_sql("SELECT 1").all()
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        command.downgrade(config, "0018_alerts_per_org")
        connection.commit()
        columns = {c["name"] for c in inspect(connection).get_columns("person")}
        assert not columns & (NEW | {"flag_reviews"})
        row = connection.execute(
            text("SELECT given_name, looked_after, local_authority, flags, version FROM person")
        ).one()
        assert tuple(row) == ("Leah", 1, "Riverside Council", '["cse_risk"]', 3)
        phones = connection.execute(text("SELECT person_id, number FROM person_phone")).all()
        assert [tuple(p) for p in phones] == [(7, "+447700900123")]
        command.upgrade(config, "head")
        connection.commit()
        again = connection.execute(text("SELECT care_basis, given_name FROM person")).one()
        assert tuple(again) == (None, "Leah")
    engine.dispose()
