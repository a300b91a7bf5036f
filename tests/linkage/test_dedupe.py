"""Resolving a file of invented people: known duplicates found, distinct people kept apart."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from harbour.linkage import files, service
from harbour.linkage.service import Resolution
from tests.linkage import synthetic

pytestmark = pytest.mark.slow  # trains or scores a Splink model, or fuzzes the whole API


@pytest.fixture(scope="module")
def people_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return synthetic.write(tmp_path_factory.mktemp("identity") / "people.csv",
                           synthetic.population())  # fmt: skip


@pytest.fixture(scope="module")
def resolved(people_csv: Path, tmp_path_factory: pytest.TempPathFactory) -> Resolution:
    return service.dedupe(
        people_csv,
        id_column="ref",
        mapping=files.parse_mapping(synthetic.MAPPING),
        out=tmp_path_factory.mktemp("out") / "clusters.csv",
    )


def _cluster_of(resolution: Resolution) -> dict[str, int]:
    return {record: cluster for _, record, cluster in resolution.rows}


def _pairs(groups: Iterator[tuple[str, int]]) -> set[tuple[str, str]]:
    members: dict[int, list[str]] = {}
    for record, group in groups:
        members.setdefault(group, []).append(record)
    return {pair for m in members.values() for pair in itertools.combinations(sorted(m), 2)}


@pytest.mark.parametrize("case", ["nickname", "misspelt", "swapped_dob"])
def test_each_planted_duplicate_is_found(resolved: Resolution, case: str) -> None:
    first, duplicate = synthetic.PLANTED[case]
    cluster = _cluster_of(resolved)
    assert cluster[first.ref] == cluster[duplicate.ref]


def test_sisters_sharing_a_surname_and_a_home_are_kept_apart(resolved: Resolution) -> None:
    cluster = _cluster_of(resolved)
    amelia, grace = synthetic.PLANTED["siblings"]
    siobhan, _ = synthetic.PLANTED["misspelt"]
    assert len({cluster[amelia.ref], cluster[grace.ref], cluster[siobhan.ref]}) == 3


def test_most_duplicates_are_found_and_almost_no_one_is_merged_wrongly(
    resolved: Resolution,
) -> None:
    truth = {row.ref: row.person for row in synthetic.population()}
    got = _pairs(iter(_cluster_of(resolved).items()))
    want = _pairs(iter(truth.items()))
    precision = len(got & want) / len(got)
    recall = len(got & want) / len(want)
    assert precision >= 0.98, precision
    assert recall >= 0.9, recall


def test_every_record_gets_one_row_and_clusters_count_from_one(resolved: Resolution) -> None:
    ids = [record for _, record, _ in resolved.rows]
    assert sorted(ids) == sorted(row.ref for row in synthetic.population())
    clusters = {cluster for _, _, cluster in resolved.rows}
    assert clusters == set(range(1, len(clusters) + 1))
    assert resolved.summary.clusters == len(clusters)
    assert resolved.summary.records == len(ids)


def test_a_saved_model_reloads_and_predicts_the_same(
    resolved: Resolution, people_csv: Path, tmp_path: Path
) -> None:
    saved = tmp_path / "model.json"
    service.save_model(resolved.model, saved)
    reloaded = service.load_model(saved)
    assert reloaded.metadata.model_version == service.MODEL_VERSION
    again = service.dedupe(
        people_csv,
        id_column="ref",
        mapping=files.parse_mapping(synthetic.MAPPING),
        out=tmp_path / "again.csv",
        trained=reloaded,
    )
    assert again.rows == resolved.rows
    before, after = sorted(resolved.pairs), sorted(again.pairs)
    assert [(a, b) for a, b, _ in after] == [(a, b) for a, b, _ in before]
    assert [p for _, _, p in after] == pytest.approx([p for _, _, p in before], abs=1e-9)


def test_a_model_of_another_format_is_refused(resolved: Resolution, tmp_path: Path) -> None:
    saved = tmp_path / "model.json"
    service.save_model(resolved.model, saved)
    saved.write_text(saved.read_text().replace('"format_version": 1', '"format_version": 99'))
    with pytest.raises(files.FileProblem, match="train it again"):
        service.load_model(saved)


def test_the_match_weight_chart_is_written_as_a_page_or_a_spec(
    resolved: Resolution, tmp_path: Path
) -> None:
    service.chart(resolved.model, tmp_path / "chart.html")
    service.chart(resolved.model, tmp_path / "chart.json")
    assert "<html" in (tmp_path / "chart.html").read_text().lower()
    spec = (tmp_path / "chart.json").read_text()
    assert "Nickname, other name" in spec and "Day and month swapped" in spec


def test_two_files_are_linked_with_a_source_column(tmp_path: Path) -> None:
    rows = synthetic.population(seed=11, people=150)
    left = synthetic.write(tmp_path / "force_a.csv", rows[::2])
    right = synthetic.write(tmp_path / "force_b.csv", rows[1::2], date_format="%d/%m/%Y")
    out = tmp_path / "linked.csv"
    result = service.dedupe(
        left,
        id_column="ref",
        mapping=files.parse_mapping(synthetic.MAPPING),
        out=out,
        link=right,
    )
    lines = out.read_text().splitlines()
    assert lines[0] == "id,cluster_id,source"
    assert len(lines) == len(rows) + 1
    assert {line.rsplit(",", 1)[1] for line in lines[1:]} == {"force_a.csv", "force_b.csv"}
    truth = {row.ref: row.person for row in rows}
    got = _pairs(iter({r: c for _, r, c in result.rows}.items()))
    want = _pairs(iter(truth.items()))
    assert len(got & want) / len(got) >= 0.98
    assert len(got & want) / len(want) >= 0.85
