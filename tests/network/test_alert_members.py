"""Alert subjects and members are rows: the migration that moved them out of JSON, and the schema
the migrations build agreeing with the models."""

from __future__ import annotations

import json
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import Connection, create_engine, text

from harbour.models import metadata

ROOT = Path(__file__).resolve().parents[2]


def _config(connection: Connection) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["connection"] = connection
    return config


def test_the_migrations_build_the_schema_the_models_describe(connection: Connection) -> None:
    assert compare_metadata(MigrationContext.configure(connection), metadata) == []


def test_the_migration_moves_alert_json_into_rows_and_back(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'alerts.db'}")
    with engine.connect() as connection:
        config = _config(connection)
        command.upgrade(config, "0014_partial_merged_index")
        connection.execute(
            text(
                "INSERT INTO organisation (id, name, kind, created_at, updated_at) "
                "VALUES (1, 'Force', 'police', '2026-01-01', '2026-01-01')"
            )
        )
        for pid in (10, 11, 12):
            connection.execute(
                text(
                    "INSERT INTO person (id, sex, organisation_id, version, created_at, "
                    "updated_at) VALUES (:id, 'unknown', 1, 1, '2026-01-01', '2026-01-01')"
                ),
                {"id": pid},
            )
        connection.execute(
            text(
                "INSERT INTO network_alert (id, kind, subject_type, subject_key, score, reason, "
                "described, child_ids, member_keys, evidence_count, active, status, "
                "first_raised_at, last_raised_at, organisation_id, version) VALUES "
                "(1, 'common_associate', 'person', '12', 0.9, 'r', '{}', :children, :members, "
                "2, 1, 'open', '2026-01-01', '2026-01-01', 1, 1)"
            ),
            {
                "children": json.dumps([10, 11, 999]),  # 999: a record no longer held
                "members": json.dumps(["person:12", "phone:+447700900555"]),
            },
        )
        connection.commit()
        command.upgrade(config, "head")
        connection.commit()
        assert (
            connection.execute(
                text("SELECT subject_person_id FROM network_alert WHERE id = 1")
            ).scalar()
            == 12
        )
        rows = connection.execute(
            text(
                "SELECT part, position, person_id, node_key FROM network_alert_member "
                "ORDER BY part, position"
            )
        ).all()
        assert [tuple(r) for r in rows] == [
            ("child", 0, 10, None),
            ("child", 1, 11, None),
            ("member", 0, 12, None),
            ("member", 1, None, "phone:+447700900555"),
        ]
        command.downgrade(config, "0014_partial_merged_index")
        connection.commit()
        back = connection.execute(
            text("SELECT child_ids, member_keys FROM network_alert WHERE id = 1")
        ).one()
        assert json.loads(back[0]) == [10, 11]
        assert json.loads(back[1]) == ["person:12", "phone:+447700900555"]
