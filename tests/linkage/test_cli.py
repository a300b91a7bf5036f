"""`harbour identity dedupe` and `chart`: output columns, the summary, and errors that stop it."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harbour.cli import app
from tests.linkage import synthetic

pytestmark = pytest.mark.slow  # trains or scores a Splink model, or fuzzes the whole API

runner = CliRunner()


def _dedupe(path: Path, out: Path, *extra: str, mapping: str = synthetic.MAPPING) -> list[str]:
    return ["identity", "dedupe", str(path), "--id", "ref", "--map", mapping, "--out", str(out),
            *extra]  # fmt: skip


def test_dedupe_writes_a_cluster_for_every_record_and_a_summary(tmp_path: Path) -> None:
    rows = synthetic.population(seed=3, people=80)
    path = synthetic.write(tmp_path / "people.csv", rows, date_format="%d/%m/%Y")
    first = rows[0].as_csv("%d/%m/%Y")
    path.write_text(path.read_text().replace(",".join(first), ",".join([*first[:3], "31/02/2009",
                                                                        *first[4:]])))  # fmt: skip
    out, model = tmp_path / "clusters.csv", tmp_path / "model.json"
    result = runner.invoke(app, _dedupe(path, out, "--save-model", str(model)))
    assert result.exit_code == 0, result.output
    assert "Resolved" in result.output and "dd/mm/yyyy" in result.output
    assert "1 date(s) of birth could not be read" in result.output
    with out.open() as handle:
        written = list(csv.DictReader(handle))
    assert list(written[0]) == ["id", "cluster_id"]
    assert sorted(r["id"] for r in written) == sorted(r.ref for r in rows)
    clusters = {r["id"]: r["cluster_id"] for r in written}
    nickname, bob = synthetic.PLANTED["nickname"]
    assert clusters[nickname.ref] == clusters[bob.ref]

    chart = tmp_path / "weights.html"
    result = runner.invoke(app, ["identity", "chart", str(model), "--out", str(chart)])
    assert result.exit_code == 0, result.output
    assert "vega" in chart.read_text()


def test_linking_two_files_adds_the_source_column(tmp_path: Path) -> None:
    rows = synthetic.population(seed=5, people=60)
    left = synthetic.write(tmp_path / "a.csv", rows[::2])
    right = synthetic.write(tmp_path / "b.csv", rows[1::2], date_format="%Y%m%d")
    out = tmp_path / "linked.csv"
    result = runner.invoke(app, [*_dedupe(left, out), "--link", str(right)])
    assert result.exit_code == 0, result.output
    with out.open() as handle:
        written = list(csv.DictReader(handle))
    assert list(written[0]) == ["id", "cluster_id", "source"]
    assert len(written) == len(rows)
    assert {r["source"] for r in written} == {"a.csv", "b.csv"}


@pytest.fixture
def small(tmp_path: Path) -> Path:
    return synthetic.write(tmp_path / "small.csv", synthetic.population(seed=1, people=5))


@pytest.mark.parametrize(
    ("mapping", "extra", "message"),
    [
        ("given_name=forename,family_name=surnme", [], "has no column 'surnme'"),
        ("nickname=forename", [], "unknown field 'nickname'"),
        ("given_name=forename,given_name=surname", [], "mapped twice"),
        ("given_name", [], "is not FIELD=COLUMN"),
        ("date_of_birth=born", ["--date-format", "yyyymmdd"], "could not be read as yyyymmdd"),
        ("date_of_birth=forename", [], "no value is an ISO, YYYYMMDD or DD/MM/YYYY date"),
        ("given_name=forename", ["--threshold", "1.5"], "between 0 and 1"),
        ("given_name=forename", ["--model", "missing.json"], "could not be read"),
    ],
)
def test_problems_stop_the_command_with_exit_1_and_say_what(
    small: Path, tmp_path: Path, mapping: str, extra: list[str], message: str
) -> None:
    out = tmp_path / "clusters.csv"
    result = runner.invoke(app, [*_dedupe(small, out, *extra, mapping=mapping)])
    assert result.exit_code == 1, result.output
    assert message in " ".join(result.output.split())
    assert not out.exists()


def test_unreadable_dates_are_counted_in_the_error(small: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        app, _dedupe(small, tmp_path / "o.csv", "--date-format", "%d.%m.%Y",
                     mapping="date_of_birth=born")
    )  # fmt: skip
    assert result.exit_code == 1
    lines = small.read_text().splitlines()
    assert f"{len(lines) - 1} of {len(lines) - 1} dates of birth" in " ".join(result.output.split())


def test_a_missing_file_or_repeated_ids_stop_the_command(small: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, _dedupe(tmp_path / "nowhere.csv", tmp_path / "o.csv"))
    assert result.exit_code == 1
    assert "could not be read" in " ".join(result.output.split())
    lines = small.read_text().splitlines()
    small.write_text("\n".join([*lines, lines[1]]) + "\n")
    result = runner.invoke(app, _dedupe(small, tmp_path / "o.csv"))
    assert result.exit_code == 1
    assert "repeats 1 value(s)" in " ".join(result.output.split())


def test_a_file_too_small_to_learn_from_asks_for_a_saved_model(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("ref,name,surname,dob\n1,Ann,Smith,2010-01-02\n2,Bob,Jones,2011-03-04\n")
    result = runner.invoke(
        app, _dedupe(path, tmp_path / "o.csv", mapping="given_name=name,family_name=surname,"
                     "date_of_birth=dob")
    )  # fmt: skip
    assert result.exit_code == 1
    assert "nothing to learn from" in " ".join(result.output.split())
