"""Identity fixtures: the simulator's people, and the identity model trained on them once.

Training the Splink model is most of an identity test's time, and every test here loads the same
simulated people, so the model is trained once per run (`trained_model_file`). Tests that check
training itself (that a run trains and saves a model) still train their own.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine

from harbour import db
from harbour.actor import Channel, system_actor
from harbour.identity import batch
from harbour.interop import importer
from harbour.linkage import service as linkage
from harbour.linkage.service import TrainedModel
from harbour.settings import get_settings
from harbour.simulate.service import simulate
from tests.factories import make_org

AS_OF = date(2026, 11, 27)
SYSTEM = system_actor(Channel.cli)


@pytest.fixture(scope="session")
def people_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("people")
    simulate(seed=3, scale="demo", years=1, as_of=AS_OF, out=out)
    return out


@pytest.fixture(scope="session")
def trained_model_file(
    engine: Engine, people_files: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The model a batch run trains on the simulated people, trained once and kept in a file."""
    path = tmp_path_factory.mktemp("model") / "person-model.json"
    connection = engine.connect()
    outer = connection.begin()
    db.bind(connection)
    try:
        session = db.session_factory()()
        org = make_org(session)
        importer.run_import(people_files, SYSTEM, organisation_id=org.id)
        session.flush()
        batch.resolve_people(session, SYSTEM, save_to=path)
        session.close()
    finally:
        db.bind(engine)
        outer.rollback()
        connection.close()
    return path


@pytest.fixture
def model_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "person-model.json"
    monkeypatch.setenv("HARBOUR_IDENTITY_MODEL_PATH", str(path))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


@pytest.fixture
def trained(trained_model_file: Path, model_path: Path) -> TrainedModel:
    """The trained model, saved where this test's settings look for it (as after a batch run)."""
    shutil.copy(trained_model_file, model_path)
    return linkage.load_model(model_path)
