"""Recording inspections: what the team saw at a stall, the scanned QR against the registry."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from market.extensions import db
from market.models import BankAccount, Inspection, Stall, User, utcnow
from market.models.evidence import NonUseReason, QrUse, ScanResult
from market.monitor.alerts import open_swapped_sign_alert
from market.monitor.clock import local_day, local_today
from market.monitor.errors import EvidenceError
from market.monitor.registry_lookup import payee_on
from market.monitor.stale import Reason, mark_stall_days
from market.vietqr import ImageError
from market.vietqr.read import read_payloads


@dataclass(frozen=True)
class Scan:
    result: ScanResult
    bank_bin: str | None = None
    account_number: str | None = None


def scan_photo(photo: bytes, account: BankAccount | None) -> Scan:
    """Read the QR in a photo and compare it with the registry's account.

    Unreadable when no VietQR transfer code is found; a match needs the same BIN and number.
    """
    try:
        results = read_payloads(photo)
    except ImageError as error:
        raise EvidenceError("photo", _("Tệp không phải ảnh PNG/JPEG đọc được.")) from error
    for found in results:
        payload = found.payload
        if payload is None or not payload.kind.startswith("vietqr"):
            continue
        bank_bin, number = payload.value("38.01.00"), payload.value("38.01.01")
        same = account is not None and (bank_bin, number) == (account.bank_bin, account.account_number)
        return Scan(ScanResult.MATCH if same else ScanResult.DIFFERENT_ACCOUNT, bank_bin, number)
    return Scan(ScanResult.UNREADABLE)


def check_answer(qr_use: QrUse | None, reason: NonUseReason | None, reason_text: str) -> None:
    """A "no" needs a reason from the list ("other" needs words); other answers take none."""
    if qr_use == QrUse.NO and reason is None:
        raise EvidenceError("reason", _("Chọn lý do vì sao chưa dùng QR."))
    if qr_use != QrUse.NO and reason is not None:
        raise EvidenceError("reason", _("Chỉ ghi lý do khi người bán không dùng QR."))
    if reason == NonUseReason.OTHER and not reason_text.strip():
        raise EvidenceError("reason_text", _("Ghi rõ lý do khác."))


def stored_inspection(client_uuid: str | None) -> Inspection | None:
    """The inspection a phone already sent under ``client_uuid``, if any."""
    if not client_uuid:
        return None
    return db.session.scalar(select(Inspection).where(Inspection.client_uuid == client_uuid))


def record_inspection(
    stall: Stall,
    inspector: User | None,
    *,
    sign_displayed: bool,
    own_bank_qr: bool = False,
    photo: bytes | None = None,
    qr_use: QrUse | None = None,
    reason: NonUseReason | None = None,
    reason_text: str = "",
    note: str = "",
    at: datetime | None = None,
    client_uuid: str | None = None,
    received: datetime | None = None,
) -> Inspection:
    """Record a visit; a photo of the displayed QR is read and compared with the registry.

    ``at`` is when the stall was seen (the phone's observed time; now when not given); the
    moment the server stores it (``received``, now when not given) is kept apart as
    ``received_at``. A code that pays a different account opens a swapped-sign alert on the stall and its
    market. A ``client_uuid`` already stored means the phone sent the same record again: the
    stored inspection is returned unchanged. Flushes, never commits.
    """
    sent_before = stored_inspection(client_uuid)
    if sent_before is not None:
        return sent_before
    check_answer(qr_use, reason, reason_text)
    received = received or utcnow()
    at = at or received
    # Compared with the payee of the day of the visit, even when it reaches the server later.
    account = payee_on(stall.id, local_day(at))
    scan = scan_photo(photo, account) if photo else None
    inspection = Inspection(
        stall_id=stall.id,
        inspector_id=inspector.id if inspector else None,
        inspected_at=at,
        inspected_on=local_day(at),
        received_at=received,
        sign_displayed=sign_displayed,
        own_bank_qr=own_bank_qr,
        scan_result=scan.result if scan else None,
        bank_account_id=account.id if account else None,
        scanned_bin=scan.bank_bin if scan else None,
        scanned_account=scan.account_number if scan else None,
        qr_use=qr_use,
        reason=reason,
        reason_text=reason_text.strip() if reason == NonUseReason.OTHER else "",
        note=note.strip(),
        client_uuid=client_uuid or None,
    )
    db.session.add(inspection)
    db.session.flush()
    if inspection.inspected_on < local_today():
        mark_stall_days(Reason.INSPECTION, [(stall.id, inspection.inspected_on)])
    if scan and scan.result == ScanResult.DIFFERENT_ACCOUNT:
        open_swapped_sign_alert(inspection, stall.market_id)
    return inspection
