"""docs/measures.md says what the definitions say."""

from __future__ import annotations

from pathlib import Path

from harbour.measures.definitions import MEASURES
from harbour.measures.document import markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "measures.md"


def test_the_measures_guide_is_written_from_the_definitions() -> None:
    assert DOC.read_text(encoding="utf-8") == markdown(), "run scripts/measures_doc.py"


def test_every_measure_is_defined_in_full() -> None:
    names = [m.name for m in MEASURES]
    assert len(names) == len(set(names))
    for m in MEASURES:
        for part in (m.title, m.numerator, m.denominator, m.counts, m.basis, m.source):
            assert part.strip(), m.name
        assert f"### `{m.name}`" in markdown()
