"""The run history in words: which days a run computed, for how many markets, and why."""
from __future__ import annotations

import re
from datetime import date

from flask_babel import lazy_gettext as _l

from market.models import JobRun

WHY = {
    "full": _l("tính toàn bộ"),
    "close": _l("chốt ngày"),
    "first_today": _l("lần đầu trong ngày"),
    "changes": _l("có thay đổi hôm nay"),
    "payments": _l("giao dịch đến muộn"),
    "inspection": _l("kiểm tra nhập muộn"),
    "self_report": _l("tự khai đến muộn"),
    "tenancy": _l("đổi ngày thuê"),
    "before_horizon": _l("quá xa để tính lại: cần chạy monitor backfill"),
}


def computed_lines(run: JobRun) -> list[str]:
    """The run's computed days, readable: "17/11/2026: 3 chợ (giao dịch đến muộn)"."""
    lines = []
    for line in run.computed.splitlines():
        day, markets, reasons = line.split(" ", 2)
        why = ", ".join(str(WHY.get(part, part)) for part in re.split("[,:]", reasons))
        where = str(_l("mọi chợ")) if markets == "all" else str(_l("%(n)s chợ", n=markets))
        lines.append(f"{date.fromisoformat(day):%d/%m/%Y}: {where} ({why})")
    return lines
