"""Migration 0021 (profiles, photos, addresses): each home on record becomes the current address,
imported profile keys take the form's names; down on SQLite keeps every person and home, and puts
the old keys back; up again."""

from __future__ import annotations

import json
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, create_engine, inspect, text

ROOT = Path(__file__).resolve().parents[2]


def _config(connection: Connection) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["connection"] = connection
    return config


def _profiles(connection: Connection) -> tuple[object, object]:
    philomena, herbert = connection.execute(
        text("SELECT philomena, herbert FROM person WHERE id = 7")
    ).one()
    return json.loads(philomena), json.loads(herbert)


def test_0021_goes_up_down_and_up_again_with_homes_and_profiles(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'profiles.db'}")
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys = ON")
        config = _config(connection)
        command.upgrade(config, "0020_legacy_grade")
        connection.execute(
            text(
                "INSERT INTO organisation (id, name, kind, created_at, updated_at) "
                "VALUES (1, 'Force', 'police', '2026-01-01', '2026-01-01')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO place (id, type, address, organisation_id, version, created_at, "
                "updated_at) VALUES (3, 'care_home', 'Riverside House', 1, 1, '2026-01-01', "
                "'2026-01-01')"
            )
        )
        philomena = {
            "part1_completed_at": "2024-01-01",
            "places_frequented": ["Library"],
            "nickname": "Mira",
        }
        herbert = {"completed_at": "2025-05-05", "likely_destinations": ["Former home"]}
        connection.execute(
            text(
                "INSERT INTO person (id, given_name, sex, organisation_id, home_place_id, "
                "philomena, herbert, version, created_at, updated_at) VALUES (7, 'Mira', "
                "'female', 1, 3, :p, :h, 2, '2026-01-01', '2026-01-01')"
            ),
            {"p": json.dumps(philomena), "h": json.dumps(herbert)},
        )
        connection.execute(
            text(
                "INSERT INTO person (id, given_name, sex, organisation_id, version, created_at, "
                "updated_at) VALUES (8, 'Noah', 'male', 1, 1, '2026-01-01', '2026-01-01')"
            )
        )
        connection.commit()
        command.upgrade(config, "0021_person_profiles")
        connection.commit()
        homes = connection.execute(
            text("SELECT person_id, place_id, from_on, to_on, imported FROM person_address")
        ).all()
        assert [tuple(h) for h in homes] == [(7, 3, None, None, 1)]  # Noah has no home
        assert _profiles(connection) == (
            {"completed_on": "2024-01-01", "places_they_may_go": ["Library"], "nickname": "Mira"},
            {"completed_on": "2025-05-05", "places_they_may_go": ["Former home"]},
        )
        connection.execute(
            text(
                "INSERT INTO person_photo (person_id, content_type, data, uploaded_at) "
                "VALUES (7, 'image/png', x'89504e47', '2026-01-01')"
            )
        )
        connection.commit()
        command.downgrade(config, "0020_legacy_grade")
        connection.commit()
        tables = set(inspect(connection).get_table_names())
        assert not tables & {"person_address", "person_photo"}
        people = connection.execute(text("SELECT id, home_place_id, version FROM person")).all()
        assert [tuple(p) for p in people] == [(7, 3, 2), (8, None, 1)]
        assert _profiles(connection) == (
            {
                "part1_completed_at": "2024-01-01",
                "places_frequented": ["Library"],
                "nickname": "Mira",
            },
            {"completed_at": "2025-05-05", "likely_destinations": ["Former home"]},
        )
        command.upgrade(config, "head")
        connection.commit()
        again = connection.execute(text("SELECT person_id, place_id FROM person_address")).all()
        assert [tuple(a) for a in again] == [(7, 3)]
    engine.dispose()
