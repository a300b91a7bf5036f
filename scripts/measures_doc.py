"""Write docs/measures.md from the measures' definitions.

.venv/bin/python scripts/measures_doc.py
"""

from __future__ import annotations

from pathlib import Path

from harbour.measures.document import markdown

DOC = Path(__file__).resolve().parents[1] / "docs" / "measures.md"

if __name__ == "__main__":
    DOC.write_text(markdown(), encoding="utf-8")
    print(f"Wrote {DOC.name}")
