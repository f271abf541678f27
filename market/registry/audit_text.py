"""The audit trail in words: each recorded field as "Label: old → new" in the interface's
language, values as the pages show them, internal ids left out."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from market.auth.access import mask_account
from market.models import AccountKind, AuditEvent, GoodsCategory, Role, StallStatus
from market.models.registry import CATEGORY_LABELS, STATUS_LABELS
from market.registry import bp

FIELD_LABELS = {
    "code": _l("Mã"), "name": _l("Tên"), "zone": _l("Khu"), "row": _l("Dãy"), "number": _l("Số"),
    "category": _l("Ngành hàng"), "status": _l("Tình trạng"), "market_class": _l("Hạng chợ"),
    "address": _l("Địa chỉ"), "shop_name": _l("Tên cửa hàng"), "phone": _l("Số điện thoại"),
    "birth_year": _l("Năm sinh"), "consent_on": _l("Ngày đồng ý"), "start_on": _l("Thuê từ"),
    "end_on": _l("Thuê đến"), "version": _l("Phiên bản"), "bank_bin": _l("Ngân hàng (BIN)"),
    "account_number": _l("Số tài khoản"), "holder_name": _l("Chủ tài khoản"), "kind": _l("Loại"),
    "source": _l("Cách nhập"), "approved_via": _l("Người xác nhận"), "retired_at": _l("Ngừng từ"),
    "revoked_at": _l("Thu hồi lúc"), "username": _l("Tên đăng nhập"), "full_name": _l("Họ tên"),
    "role": _l("Vai trò"), "active": _l("Được đăng nhập"), "level": _l("Cấp"),
    "password": _l("Mật khẩu"), "session_version": _l("Phiên đăng nhập"), "accounts": _l("Tài khoản"),
}
VALUE_LABELS: dict[str, dict[str, Any]] = {
    "category": {c.value: CATEGORY_LABELS[c] for c in GoodsCategory},
    "status": {s.value: STATUS_LABELS[s] for s in StallStatus},
    "kind": {AccountKind.ACCOUNT.value: _l("Tài khoản"), AccountKind.CARD.value: _l("Thẻ")},
    "source": {"typed": _l("nhập tay"), "qr_photo": _l("đọc từ ảnh mã QR"),
               "import": _l("nhập từ bảng tính"), "api": _l("qua API")},
    "approved_via": {"waiting": _l("đang chờ"), "board": _l("thành viên ban quản lý khác"),
                     "vendor": _l("hộ kinh doanh, qua đường dẫn riêng")},
    "role": {Role.ADMIN.value: _l("Quản trị viên"), Role.COMMUNE.value: _l("UBND xã/phường"),
             Role.BOARD.value: _l("Ban quản lý chợ"), Role.TEAM.value: _l("Tổ chuyển đổi số")},
}
HIDDEN_VALUES = {"password", "session_version"}  # said to have changed, never shown


def spoken(key: str, value: Any, viewer) -> str:
    if value is None or value == "":
        return _("(trống)")
    if isinstance(value, bool):
        return _("có") if value else _("không")
    if key == "account_number":
        return mask_account(value, viewer)
    labels = VALUE_LABELS.get(key, {})
    if value in labels:
        return str(labels[value])
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            return format_date(datetime.fromisoformat(value).date() if "T" in value
                               else date.fromisoformat(value), "dd/MM/yyyy")
        except ValueError:
            return value
    return str(value)


@bp.app_template_global()
def audit_lines(event: AuditEvent, viewer) -> list[str]:
    """One sentence per changed field: "Ngành hàng: Rau, củ → Trái cây"."""
    old, new = event.old or {}, event.new or {}
    lines = []
    for key in dict.fromkeys([*new, *old]):
        if key.endswith("_id") or key == "id":
            continue
        label = FIELD_LABELS.get(key, key.replace("_", " "))
        if key in HIDDEN_VALUES:
            lines.append(_("%(field)s: đã thay đổi", field=label))
            continue
        after = spoken(key, new.get(key), viewer)
        if event.old is None:
            lines.append(f"{label}: {after}")
        elif key in old and key in new and old[key] == new[key]:
            continue
        else:
            lines.append(f"{label}: {spoken(key, old.get(key), viewer)} → {after}")
    return lines
