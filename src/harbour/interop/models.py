"""Which Harbour record each imported external id became, so re-imports update in place."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from harbour import clock
from harbour.db import Base


class ImportRef(Base):
    __tablename__ = "import_ref"
    __table_args__ = (
        UniqueConstraint("kind", "external_id"),
        # The other way round: a record's external id, for alerts and exports that name records.
        Index("ix_import_ref_record", "kind", "record_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(100))
    record_id: Mapped[int]
    digest: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(default=clock.now)
