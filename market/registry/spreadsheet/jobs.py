"""Import jobs: the dry run and the commit in a background thread of the web process.

A 20,000-row file takes longer than a request should, so the upload starts a thread and
the page polls the ``import_job`` row. Progress is written through its own short
connection, so any worker answering the poll sees it while the job's transaction is open.
"""
from __future__ import annotations

import threading
from typing import Any

from flask import Flask, current_app
from flask_login import login_user
from sqlalchemy import update

from market.extensions import db
from market.models import ImportJob, ImportStatus, User, utcnow
from market.registry.spreadsheet.apply import ImportRefused, apply_plan
from market.registry.spreadsheet.plan import ImportPlan, RowProblem, plan_import
from market.registry.spreadsheet.reader import SpreadsheetError, read_sheet
from market.texts import N_, stored

SHOWN = 1000  # problems and changes kept for the page; the counts cover them all


def start(job: ImportJob) -> threading.Thread:
    """Run the job's next step (dry run or commit) in a thread; the caller has committed."""
    app = current_app._get_current_object()
    thread = threading.Thread(target=run, args=(app, job.id), daemon=True,
                              name=f"import-job-{job.id}")
    thread.start()
    return thread


def run(app: Flask, job_id: int) -> None:
    # A request context of its own gives the audit trail its actor and the messages a language.
    with app.test_request_context():
        job = db.session.get(ImportJob, job_id)
        user = db.session.get(User, job.user_id)
        login_user(user)
        try:
            status, result = _step(job, user)
        except (SpreadsheetError, ImportRefused) as refusal:
            db.session.rollback()
            _finish(job_id, ImportStatus.FAILED, _refusal_result(refusal))
        except Exception:
            db.session.rollback()
            app.logger.exception("import job %s failed", job_id)
            _finish(job_id, ImportStatus.FAILED, {"error": stored(N_("Lỗi hệ thống khi nhập tệp."))})
        else:
            # With the commit's changes, in the same transaction: "applied" means applied.
            _finish(job_id, status, result, session=db.session)
            db.session.commit()
        finally:
            db.session.remove()


def _step(job: ImportJob, user: User) -> tuple[ImportStatus, dict[str, Any]]:
    applying = job.status == ImportStatus.APPLYING
    sheet = read_sheet(job.content)
    progress = Progress(job.id, len(sheet.rows), quiet=applying and _locks_whole_file())
    plan = plan_import(sheet, user, progress)
    if not applying:
        return ImportStatus.CHECKED, summary(plan)
    confirmed = job.result or {}
    if plan.ok and (plan.counts(), len(plan.warnings)) != (confirmed.get("counts"),
                                                          confirmed.get("warning_count", 0)):
        # Someone changed the registry since the dry run: what was confirmed is not what
        # would be written any more.
        raise SpreadsheetError(
            N_("Sổ đăng ký đã thay đổi sau lần kiểm tra. Hãy tải tệp lên lại để kiểm tra lại.")
        )
    progress.restart()
    apply_plan(plan, progress)
    return ImportStatus.APPLIED, summary(plan)


def _locks_whole_file() -> bool:
    """SQLite locks the whole file while the commit's transaction is open: no progress then."""
    return db.engine.dialect.name == "sqlite"


class Progress:
    """Writes ``done_rows`` of the job every few hundred rows, outside the job's transaction."""

    def __init__(self, job_id: int, total: int, *, quiet: bool = False) -> None:
        self.job_id, self.quiet = job_id, quiet
        self._write(done_rows=0, total_rows=total)

    def __call__(self, done: int, total: int) -> None:
        self._write(done_rows=done, total_rows=total)

    def restart(self) -> None:
        self._write(done_rows=0)

    def _write(self, **values: int) -> None:
        if self.quiet:
            return
        with db.engine.begin() as connection:
            connection.execute(update(ImportJob).where(ImportJob.id == self.job_id).values(**values))


def _finish(job_id: int, status: ImportStatus, result: dict[str, Any], session=None) -> None:
    values = {"status": status, "result": result, "finished_at": utcnow()}
    if status != ImportStatus.FAILED:
        values["done_rows"] = ImportJob.total_rows
    if status != ImportStatus.CHECKED:
        values["content"] = None  # the file is kept only as long as it can still be committed
    statement = update(ImportJob).where(ImportJob.id == job_id).values(**values)
    # After a failure the job's transaction is gone: the outcome goes through its own.
    if session is not None:
        session.execute(statement)
        return
    with db.engine.begin() as connection:
        connection.execute(statement)


def summary(plan: ImportPlan) -> dict[str, Any]:
    """The dry run as plain data for the page: counts, problems and changes (the first few)."""
    changes = [c for c in plan.changes if c.action != "unchanged"]
    return {
        "counts": plan.counts(),
        "rows": len(plan.rows),
        "problem_count": len(plan.problems),
        "problems": problem_rows(plan.problems),
        "warning_count": len(plan.warnings),
        "warnings": problem_rows(plan.warnings),
        "change_count": len(changes),
        "changes": [
            [c.row, c.entity, c.action, c.key, [[k, old, new] for k, (old, new) in c.fields.items()]]
            for c in changes[:SHOWN]
        ],
    }


def problem_rows(problems: list[RowProblem]) -> list[list]:
    """Row, column and the message as a code and parameters (read in the reader's language)."""
    return [[p.row, p.column, stored(p.message)] for p in problems[:SHOWN]]


def _refusal_result(refusal: SpreadsheetError | ImportRefused) -> dict[str, Any]:
    if isinstance(refusal, SpreadsheetError):
        return {"error": stored(refusal.message)}
    problems: list[RowProblem] = refusal.problems
    return {
        "error": stored(N_("Không ghi gì vào sổ: tệp có lỗi.")),
        "problem_count": len(problems),
        "problems": problem_rows(problems),
    }

