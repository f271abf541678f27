"""Spreadsheet imports: the uploaded file, the progress and the outcome, shared by every worker."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from market.models.base import UTCDateTime, db, str_enum, utcnow


class ImportStatus(enum.StrEnum):
    CHECKING = "checking"  # the dry run is reading and validating the file
    CHECKED = "checked"  # the dry run is done: problems or a plan waiting for confirmation
    APPLYING = "applying"
    APPLIED = "applied"
    FAILED = "failed"


class ImportJob(db.Model):
    """One uploaded spreadsheet on its way through the dry run and the commit.

    The progress lives in this row (not in a worker's memory) so that whichever web worker
    answers the progress poll sees it. The file is kept here only until the job ends.
    """

    __tablename__ = "import_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    # Shown back to the user only; never used to name anything on disk.
    file_name: Mapped[str] = mapped_column(String(255), default="")
    file_format: Mapped[str] = mapped_column(String(4))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    status: Mapped[ImportStatus] = mapped_column(
        str_enum(ImportStatus, 10), default=ImportStatus.CHECKING
    )
    total_rows: Mapped[int] = mapped_column(default=0)
    done_rows: Mapped[int] = mapped_column(default=0)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    error: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def running(self) -> bool:
        return self.status in (ImportStatus.CHECKING, ImportStatus.APPLYING)

    def __repr__(self) -> str:
        return f"<ImportJob {self.id} {self.status}>"
