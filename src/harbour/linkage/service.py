"""Resolve records of people into clusters, one a person, with Harbour's model on Splink's DuckDB.

`resolve` trains the model on the records themselves (or uses a saved one), scores the blocked
pairs and joins every pair at or above the threshold into clusters (connected components).
`dedupe` is what `harbour identity dedupe` runs: read one file (or two to link), resolve, write
one row a record. Nothing here touches Harbour's database: an analyst's extract stays in memory.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import splink
from splink import DuckDBAPI, Linker, SettingsCreator
from splink.internals.splink_dataframe import SplinkDataFrame

from harbour.linkage import model, prepare, training
from harbour.linkage.files import FileProblem, Mapping, Source, read_source, write_clusters
from harbour.linkage.schemas import DedupeSummary, IdentityField, ModelMetadata
from harbour.settings import get_settings

MODEL_FORMAT_VERSION = 1
# Bumped whenever the comparisons, blocking rules or training change what a model means.
MODEL_VERSION = "2026-11-27.2"
STEPS = ("read", "prepare", "estimate u", "estimate m", "score pairs", "cluster", "write")

Progress = Callable[[str, int, int], None]


def _quiet(_step: str, _done: int, _total: int) -> None:
    return None


@dataclass(frozen=True)
class TrainedModel:
    """A saved model: what it says about itself and Splink's settings with trained parameters.

    `term_frequencies` (kept for Harbour's own people) counts each value of the columns whose
    exact match is weighed by how common the value is, so that one new record can be scored
    against a few candidates with the same weights as in a batch run.
    """

    metadata: ModelMetadata
    splink_settings: dict[str, Any]
    term_frequencies: dict[str, dict[str, Any]] | None = None


@dataclass(frozen=True)
class Resolution:
    """Each record's cluster (numbered from 1 in input order), the summary and the model."""

    rows: list[tuple[str, str, int]]  # (source, id, cluster)
    summary: DedupeSummary
    model: TrainedModel
    pairs: list[tuple[int, int, float]]  # (record, record, match probability) at or above
    # Each pair's comparison levels (Splink's gamma value per compared column), in pair order.
    levels: list[dict[str, int]]


@contextmanager
def _splink_warnings_silenced() -> Iterator[None]:
    """Keep Splink's advice to notebook users off an analyst's terminal for one run."""
    logger = logging.getLogger("splink")
    before = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(before)


def fields_present(
    sources: Sequence[Source], mapped: Sequence[IdentityField]
) -> list[IdentityField]:
    """Return the mapped fields that hold a value in some record (an empty one is not used)."""
    used = []
    for field in IdentityField:
        if field in mapped and any(
            getattr(r, field.value) for source in sources for r in source.records
        ):
            used.append(field)
    return used


# DuckDB's share of the machine. DuckDB takes up to 80% of memory unless told otherwise, and a
# batch run also holds the records in Python: a cap makes DuckDB spill to disk instead.
DUCKDB_MEMORY_SHARE = 0.25
DUCKDB_MEMORY_MAX_GIB = 4.0


def _physical_gib() -> float:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    except (ValueError, OSError):  # not reported on this platform: assume a small machine
        return 8.0


def duckdb_api() -> DuckDBAPI:
    """Return Splink's DuckDB backend on a connection with bounded memory and threads.

    At most a quarter of the machine's memory (and 4 GiB), one thread a core, and what does
    not fit spilled to a temporary folder; the row order of intermediate tables is not kept
    (Splink never relies on it), which lets DuckDB stream them.
    """
    memory = min(DUCKDB_MEMORY_MAX_GIB, _physical_gib() * DUCKDB_MEMORY_SHARE)
    spill = Path(tempfile.gettempdir()) / "harbour-duckdb"
    connection = duckdb.connect(":memory:")
    connection.execute(f"SET memory_limit = '{int(memory * 1024)}MB'")
    connection.execute(f"SET threads = {max(1, os.cpu_count() or 1)}")
    connection.execute("SET temp_directory = ?", [str(spill)])
    connection.execute("SET preserve_insertion_order = false")
    return DuckDBAPI(connection)


@dataclass
class Scored:
    """The pairs a model scored at or above a threshold, still in DuckDB, and the model.

    `predictions` is Splink's table of those pairs (`unique_id_l`, `unique_id_r`,
    `match_probability` and each comparison's level as `gamma_<column>`), the pairs that the
    different-people rule holds apart already left out.
    """

    linker: Linker
    tables: list[SplinkDataFrame]
    predictions: SplinkDataFrame
    held_apart: int
    model: TrainedModel
    seconds: dict[str, float]

    @property
    def connection(self) -> duckdb.DuckDBPyConnection:
        """The DuckDB connection that holds the tables, to read `predictions` in chunks."""
        connection: duckdb.DuckDBPyConnection = self.linker._db_api._con  # type: ignore[attr-defined]
        return connection

    def close(self) -> None:
        """Drop every table Splink made for this run (the records and the pairs included)."""
        self.linker._db_api.delete_tables_created_by_splink_from_db()  # type: ignore[no-untyped-call]


def score(
    columns: Sequence[dict[str, list[Any]]],
    fields: Sequence[IdentityField],
    *,
    threshold: float,
    trained: TrainedModel | None = None,
    on_progress: Progress = _quiet,
    db_api: DuckDBAPI | None = None,
) -> Scored:
    """Train on the prepared tables (one to dedupe, two to link) unless given a model, and score.

    `columns` are `prepare.table`'s, one dictionary a source. The tables are registered in
    DuckDB and dropped from Python's hands; the scored pairs stay in DuckDB for the caller.
    """
    settings = get_settings()
    link = len(columns) == 2
    total = len(STEPS)
    seconds: dict[str, float] = {}
    clock = time.perf_counter()
    db_api = db_api or duckdb_api()
    tables = [db_api.register(c, dataset_display_name=f"source_{i}") for i, c in enumerate(columns)]
    seconds["register"] = round(time.perf_counter() - clock, 2)
    records = sum(len(c["unique_id"]) for c in columns)
    with _splink_warnings_silenced():
        clock = time.perf_counter()
        if trained is None:
            steps = {"estimate u": 2, "estimate m": 3}
            trained_settings = training.train(
                tables,
                fields,
                link=link,
                u_max_pairs=settings.identity_u_max_pairs,
                seed=settings.identity_seed,
                on_step=lambda step: on_progress(step, steps[step], total),
            )
        else:
            trained_settings = training.smoothed(trained.splink_settings)
        seconds["train"] = round(time.perf_counter() - clock, 2)
        # Matching columns keep each comparison's level (gamma_*) for the different-people rule.
        linker = Linker(
            tables, trained_settings | {"retain_matching_columns": True}, log_level=None
        )
        on_progress("score pairs", 4, total)
        clock = time.perf_counter()
        scored = linker.inference.predict(threshold_match_probability=threshold)
        held_apart = 0
        predictions = scored
        different = model.different_people_sql(fields)
        if different:  # SQL written in model.py over a table Splink named: nothing from input
            table = scored.physical_name
            count = f"SELECT count(*) AS n FROM {table} WHERE {different}"  # noqa: S608
            keep = f"SELECT * FROM {table} WHERE NOT ({different})"  # noqa: S608
            held_apart = int(_query(linker, count).as_record_list()[0]["n"])
            predictions = _query(linker, keep)
            scored.drop_table_from_database_and_remove_from_cache()
        seconds["score"] = round(time.perf_counter() - clock, 2)
        clock = time.perf_counter()
        frequencies: dict[str, dict[str, Any]] | None
        if trained is None:
            metadata = _metadata(fields, link, threshold, records)
            frequencies = _term_frequencies(linker, tables, trained_settings)
        else:
            metadata, frequencies = trained.metadata, trained.term_frequencies
        seconds["frequencies"] = round(time.perf_counter() - clock, 2)
    return Scored(
        linker,
        tables,
        predictions,
        held_apart,
        TrainedModel(metadata, trained_settings, frequencies),
        seconds,
    )


def resolve(
    sources: Sequence[Source],
    fields: Sequence[IdentityField],
    *,
    threshold: float | None = None,
    trained: TrainedModel | None = None,
    on_progress: Progress = _quiet,
) -> Resolution:
    """Cluster the records of one source (dedupe) or two (link), training on them unless given."""
    settings = get_settings()
    cut = threshold if threshold is not None else settings.identity_match_threshold
    if not 0 < cut < 1:
        raise FileProblem(f"the threshold must be a probability between 0 and 1, not {cut}")
    if trained is not None:
        fields = trained.metadata.fields
    if not fields:
        raise FileProblem("no mapped field holds any value: nothing to compare")
    started = time.perf_counter()
    total = len(STEPS)
    on_progress("prepare", 1, total)
    scored = score(
        [prepare.table(s.records, fields) for s in sources],
        fields,
        threshold=cut,
        trained=trained,
        on_progress=on_progress,
    )
    linker, tables, predictions = scored.linker, scored.tables, scored.predictions
    with _splink_warnings_silenced():
        on_progress("cluster", 5, total)
        clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(
            predictions, threshold_match_probability=cut
        )
        pair_rows = predictions.as_record_list()
        cluster_rows = clustered.as_record_list()
    pairs, rows = _number(sources, tables, pair_rows, cluster_rows)
    levels = [{k[6:]: int(v) for k, v in r.items() if k.startswith("gamma_")} for r in pair_rows]
    summary = _summary(sources, rows, pairs, fields, cut, time.perf_counter() - started)
    summary.pairs_held_apart = scored.held_apart
    return Resolution(rows, summary, scored.model, pairs, levels)


def _term_frequencies(
    linker: Linker, tables: Sequence[Any], splink_settings: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Count the values of every column the model weighs by frequency, over all the records.

    A value seen once is left out: a look-up gives any value not listed the frequency of one.
    """
    columns = sorted(
        {
            level["tf_adjustment_column"]
            for comparison in splink_settings["comparisons"]
            for level in comparison["comparison_levels"]
            if level.get("tf_adjustment_column")
        }
    )
    out: dict[str, dict[str, Any]] = {}
    for column in columns:  # column names come from Harbour's own model settings
        union = " UNION ALL ".join(
            f"SELECT {column} AS v FROM {t.physical_name}"  # noqa: S608
            for t in tables
        )
        sql = f"SELECT v, count(*) AS n FROM ({union}) WHERE v IS NOT NULL GROUP BY v"  # noqa: S608
        rows = _query(linker, sql).as_record_list()
        total = sum(int(r["n"]) for r in rows)
        counts = {str(r["v"]): int(r["n"]) for r in rows if int(r["n"]) > 1}
        out[column] = {"total": total, "counts": counts}
    return out


def _query(linker: Linker, sql: str) -> SplinkDataFrame:
    result: SplinkDataFrame = linker.misc.query_sql(sql)  # type: ignore[no-untyped-call]
    return result


def _number(
    sources: Sequence[Source],
    tables: Sequence[Any],
    pair_rows: list[dict[str, Any]],
    cluster_rows: list[dict[str, Any]],
) -> tuple[list[tuple[int, int, float]], list[tuple[str, str, int]]]:
    """Renumber clusters 1, 2, … in input order and name records by (source, id)."""
    table_index = {t.templated_name: i for i, t in enumerate(tables)}
    offsets = [0]
    for source in sources[:-1]:
        offsets.append(offsets[-1] + len(source.records))

    def position(row: dict[str, Any], side: str = "") -> int:
        dataset = row.get(f"source_dataset{side}")
        index = table_index.get(dataset, 0) if dataset is not None else 0
        return offsets[index] + int(row[f"unique_id{side}"])

    cluster_of = {position(row): row["cluster_id"] for row in cluster_rows}
    number: dict[Any, int] = {}
    rows = []
    for index, source in enumerate(sources):
        for i, record in enumerate(source.records):
            key = cluster_of[offsets[index] + i]
            number.setdefault(key, len(number) + 1)
            rows.append((source.name, record.id, number[key]))
    pairs = [
        (position(r, "_l"), position(r, "_r"), float(r["match_probability"])) for r in pair_rows
    ]
    return pairs, rows


def _summary(
    sources: Sequence[Source],
    rows: list[tuple[str, str, int]],
    pairs: list[tuple[int, int, float]],
    fields: Sequence[IdentityField],
    threshold: float,
    seconds: float,
) -> DedupeSummary:
    sizes: dict[int, int] = {}
    for _, _, cluster in rows:
        sizes[cluster] = sizes.get(cluster, 0) + 1
    formats = {s.date_format for s in sources if s.date_format}
    return DedupeSummary(
        records=len(rows),
        clusters=len(sizes),
        records_in_clusters=sum(n for n in sizes.values() if n > 1),
        largest_cluster=max(sizes.values(), default=0),
        pairs_linked=len(pairs),
        threshold=threshold,
        unreadable_dates=sum(s.unreadable_dates for s in sources),
        date_format=", ".join(sorted(formats)) or None,
        fields=list(fields),
        seconds=round(seconds, 2),
    )


def _metadata(
    fields: Sequence[IdentityField], link: bool, threshold: float, records: int
) -> ModelMetadata:
    return ModelMetadata(
        format_version=MODEL_FORMAT_VERSION,
        model_version=MODEL_VERSION,
        trained_at=datetime.now(UTC),
        splink_version=splink.__version__,
        fields=list(fields),
        link=link,
        records=records,
        threshold=threshold,
    )


def save_model(trained: TrainedModel, path: Path) -> None:
    """Write the model as JSON: Harbour's metadata beside Splink's settings and parameters."""
    document = {
        **trained.metadata.model_dump(mode="json"),
        "splink_settings": trained.splink_settings,
    }
    if trained.term_frequencies is not None:
        document["term_frequencies"] = trained.term_frequencies
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise FileProblem(f"{path} could not be written: {exc.strerror}") from exc


def load_model(path: Path) -> TrainedModel:
    """Read a model written by `save_model`; refuse a file of another format or version."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FileProblem(f"{path} could not be read: {exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise FileProblem(f"{path} is not JSON: {exc}") from exc
    if not isinstance(document, dict) or document.get("format") != "harbour-identity-model":
        raise FileProblem(f"{path} is not a Harbour identity model")
    if document.get("format_version") != MODEL_FORMAT_VERSION:
        raise FileProblem(
            f"{path} is a model of format {document.get('format_version')}; this Harbour reads "
            f"format {MODEL_FORMAT_VERSION}: train it again"
        )
    splink_settings = document.pop("splink_settings")
    frequencies = document.pop("term_frequencies", None)
    return TrainedModel(ModelMetadata.model_validate(document), splink_settings, frequencies)


def chart(trained: TrainedModel, path: Path) -> None:
    """Write the model's match-weight chart: a web page (.html) or a Vega-Lite spec (.json)."""
    creator = SettingsCreator.from_path_or_dict(dict(trained.splink_settings))
    figure = creator.get_settings("duckdb").match_weights_chart()  # type: ignore[no-untyped-call]
    try:
        if path.suffix.lower() == ".json":
            path.write_text(json.dumps(figure.chart_dict, indent=2) + "\n", encoding="utf-8")
        else:
            path.write_text(figure.to_html(inline=True), encoding="utf-8")
    except OSError as exc:
        raise FileProblem(f"{path} could not be written: {exc.strerror}") from exc


def dedupe(
    path: Path,
    *,
    id_column: str,
    mapping: Mapping,
    out: Path,
    link: Path | None = None,
    date_format: str | None = None,
    threshold: float | None = None,
    trained: TrainedModel | None = None,
    on_progress: Progress = _quiet,
) -> Resolution:
    """Resolve a CSV file (linked with another if given) and write its clusters to `out`."""
    on_progress("read", 0, len(STEPS))
    paths = [path] if link is None else [path, link]
    sources = [
        read_source(p, id_column=id_column, mapping=mapping, date_format=date_format) for p in paths
    ]
    if link is not None and sources[0].name == sources[1].name:
        sources[1] = Source(
            sources[1].name + " (2)",
            sources[1].records,
            sources[1].unreadable_dates,
            sources[1].date_format,
        )
    if trained is not None:
        missing = [f.value for f in trained.metadata.fields if f not in mapping]
        if missing:
            raise FileProblem(f"the model compares {', '.join(missing)}: map them with --map")
        if trained.metadata.link != (link is not None):
            raise FileProblem(
                "the model was trained to link two files" if trained.metadata.link
                else "the model was trained on one file: it cannot link two"
            )  # fmt: skip
        fields: list[IdentityField] = list(trained.metadata.fields)
    else:
        fields = fields_present(sources, list(mapping))
    resolution = resolve(
        sources, fields, threshold=threshold, trained=trained, on_progress=on_progress
    )
    on_progress("write", 6, len(STEPS))
    write_clusters(out, resolution.rows, link=link is not None)
    on_progress("write", 7, len(STEPS))
    return resolution
