"""How the figures are counted, in words: the one text the dashboard's panel and the monthly
report both show, so that what a commune reads on screen and hands on paper cannot differ.

The words follow the ladder's rules (``market.monitor.ladder``); the windows and the minimum
number of payments are the configured defaults, which a market or commune may override.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from market.monitor.ladder import Defaults


@dataclass(frozen=True)
class Definition:
    term: str
    meaning: str


def definitions() -> list[Definition]:
    """The terms of the figures, in the reader's language."""
    windows = Defaults.from_config()
    inspection, activity = windows.inspection_window_days, windows.activity_window_days
    return [
        Definition(_("Gian hàng đang kinh doanh"), _(
            "Gian hàng có trạng thái đang kinh doanh trong ngày tính. Gian hàng trống hoặc đã "
            "đóng không được tính vào mẫu số.")),
        Definition(_("Có tài khoản"), _(
            "Người thuê gian hàng trong ngày tính có tài khoản ngân hàng hợp lệ (ngân hàng có "
            "trong danh mục) ở phiên bản đang dùng cuối ngày đó.")),
        Definition(_("Đã treo mã QR"), _(
            "Trong %(days)s ngày tính đến ngày tính, một lần kiểm tra thấy mã QR được treo và "
            "mã quét được khớp với tài khoản trong sổ. Gồm cả gian hàng đang dùng QR.",
            days=inspection)),
        Definition(_("Đang dùng QR"), _(
            "Có ít nhất %(payments)s giao dịch QR trong %(activity)s ngày tính đến ngày tính, "
            "hoặc lần kiểm tra gần nhất (trong %(inspection)s ngày) ghi người bán có dùng QR.",
            payments=windows.min_payments, activity=activity, inspection=inspection)),
        Definition(_("Đã treo mã, chưa dùng"), _(
            "Bậc của gian hàng đã treo mã QR (như trên) nhưng chưa dùng QR, chưa ngừng dùng và "
            "chưa từ chối. Khác với “Đã treo mã QR”, con số này không gồm gian hàng đang dùng QR.")),
        Definition(_("Đã ngừng dùng"), _(
            "Từng dùng QR trước đây nhưng nay không còn đạt điều kiện đang dùng.")),
        Definition(_("Từ chối"), _(
            "Câu trả lời gần nhất của người bán là không dùng QR, có nêu lý do.")),
        Definition(_("Tỉ lệ"), _(
            "Số gian hàng đạt bậc chia cho số gian hàng đang kinh doanh, cùng một ngày. Số "
            "liệu của xã/phường là tổng các chợ của nó trong cùng ngày; một chợ đạt “Chợ 4.0” "
            "khi cả ba tỉ lệ đạt mục tiêu.")),
        Definition(_("Ngày tính"), _(
            "Số liệu được chốt sau nửa đêm cho ngày vừa hết; số liệu của hôm nay là tạm tính. "
            "Các khoảng ngày trên là mặc định, từng chợ hoặc xã/phường có thể đặt khác.")),
    ]
