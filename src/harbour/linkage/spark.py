"""Harbour's identity model on Splink's Spark backend, for volumes one machine cannot hold.

The same comparisons, blocking rules and unsupervised training as on DuckDB (`model.py`), run by
Spark: `session` starts a Spark session with Splink's similarity functions (its jar) registered,
and `resolve` trains on the records, scores, holds apart the pairs the model says are different
people, and clusters. PySpark and Java 17 are needed (`pip install -e '.[spark]'`); nothing else
in Harbour imports this module.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from typing import Any

from harbour.linkage import model, prepare, training
from harbour.linkage.schemas import IdentityField, PersonRecord

INTEGERS = {"unique_id", "dob_year", "dob_month", "dob_day"}


def session(master: str = "local[2]", checkpoints: str | None = None) -> Any:
    """Start (or join) a Spark session able to run Harbour's model."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    spark = (
        SparkSession.builder.master(master)
        .appName("harbour-identity")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setCheckpointDir(checkpoints or tempfile.mkdtemp(prefix="splink-"))
    return spark


def _frame(spark: Any, columns: dict[str, list[Any]]) -> Any:
    from pyspark.sql.types import ArrayType, LongType, StringType, StructField, StructType

    fields = []
    for name in columns:
        if name in INTEGERS:
            kind: Any = LongType()
        elif name.endswith("_forms"):
            kind = ArrayType(StringType())
        else:
            kind = StringType()
        fields.append(StructField(name, kind, True))
    rows = list(zip(*columns.values(), strict=True))
    return spark.createDataFrame(rows, schema=StructType(fields))


def resolve(
    spark: Any,
    records: Sequence[PersonRecord],
    fields: Sequence[IdentityField],
    *,
    threshold: float = 0.95,
    u_max_pairs: float = 1e6,
    seed: int = 42,
) -> dict[str, int]:
    """Cluster the records on Spark; return each record's id with its cluster's number."""
    from splink import Linker, SparkAPI

    db_api = SparkAPI(spark_session=spark)  # type: ignore[no-untyped-call]
    table = db_api.register(_frame(spark, prepare.table(records, fields)))
    trained = training.train([table], fields, link=False, u_max_pairs=u_max_pairs, seed=seed)
    linker = Linker([table], trained | {"retain_matching_columns": True}, log_level=None)
    scored = linker.inference.predict(threshold_match_probability=threshold)
    different = model.different_people_sql(fields)
    if different:  # SQL written in model.py over a table Splink named: nothing from input
        kept = linker.misc.query_sql(  # type: ignore[no-untyped-call]
            f"SELECT * FROM {scored.physical_name} WHERE NOT ({different})"  # noqa: S608
        )
    else:
        kept = scored
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(kept, threshold)
    number: dict[Any, int] = {}
    out: dict[str, int] = {}
    for row in sorted(clusters.as_record_list(), key=lambda r: int(r["unique_id"])):
        cluster = number.setdefault(row["cluster_id"], len(number) + 1)
        out[records[int(row["unique_id"])].id] = cluster
    return out
