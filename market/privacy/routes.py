import json

from flask import Response, abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from market import audit
from market.auth.access import Action, requires
from market.downloads import content_disposition
from market.extensions import db
from market.models import Vendor
from market.privacy import bp, services
from market.privacy.forms import EraseForm


def vendor_or_404(vendor_id: int) -> Vendor:
    vendor = services.visible_vendor(vendor_id, current_user)
    if vendor is None:
        abort(404)
    return vendor


@bp.get("/vendors/<int:vendor_id>/export.json")
@requires(Action.EDIT_REGISTRY)
def export(vendor_id: int):
    """Everything held about one vendor, as a JSON download (who downloaded it is audited)."""
    vendor = vendor_or_404(vendor_id)
    data = services.vendor_export(vendor)
    audit.record("export", "vendor", vendor.id)
    db.session.commit()
    return Response(json.dumps(data, ensure_ascii=False, indent=2, default=str),
                    mimetype="application/json", headers={
                        "Content-Disposition": content_disposition(
                            f"ho-kinh-doanh-{vendor_id}.json")})


@bp.post("/vendors/<int:vendor_id>/erase")
@requires(Action.EDIT_REGISTRY)
def erase(vendor_id: int):
    vendor = vendor_or_404(vendor_id)
    stall_id = max(vendor.tenancies, key=lambda t: t.start_on).stall_id
    form = EraseForm()
    if form.validate_on_submit():
        services.erase_vendor(vendor)
        db.session.commit()
        flash(_("Đã xoá dữ liệu cá nhân của hộ kinh doanh; số liệu thống kê được giữ nguyên."), "info")
    else:
        flash(_("Chưa xoá: vui lòng đánh dấu xác nhận trước khi xoá."), "error")
    return redirect(url_for("registry.stall", stall_id=stall_id))
