"""Entering or changing a vendor's bank account: typed, or read from the QR of their bank app."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from market.auth.access import Action, can, requires, stall_or_404
from market.errors import render_error
from market.extensions import db
from market.models import AccountSource, Stall
from market.registry import bp
from market.registry import services as registry
from market.registry.errors import RegistryError
from market.registry.forms import AccountForm, QrPhotoForm
from market.registry.routes.common import show_error
from market.vietqr import ImageError, holder_name
from market.vietqr.read import read_payloads

NO_QR = _l("Không tìm thấy mã QR trong ảnh. Hãy chụp lại rõ hơn, mã nằm trọn trong ảnh.")
NOT_VIETQR = _l("Mã QR này không phải mã VietQR chuyển khoản ngân hàng.")
NOT_ACCOUNT_TRANSFER = _l(
    "Mã QR này là mã NAPAS thanh toán tại điểm bán hoặc rút tiền, không phải mã chuyển khoản "
    "đến tài khoản: hãy chụp mã nhận tiền của tài khoản."
)


def tenant_or_redirect(stall: Stall):
    vendor = registry.current_tenant(stall)
    if vendor is None:
        flash(_("Gian hàng chưa có hộ kinh doanh: hãy ghi nhận người thuê trước."), "error")
    return vendor


def render_account_page(stall, vendor, form, photo_form, shared=((), 0), status=200):
    """``shared``: the vendors the user may see who hold this account, and how many others."""
    return render_template(
        "registry/account_form.html", stall=stall, vendor=vendor, form=form,
        photo_form=photo_form, current=registry.current_account(vendor), shared=shared[0],
        elsewhere=shared[1],
    ), status


@bp.route("/stalls/<int:stall_id>/account", methods=["GET", "POST"])
@requires(Action.CHANGE_ACCOUNT)
def account(stall_id: int):
    stall = stall_or_404(stall_id, Action.CHANGE_ACCOUNT)
    vendor = tenant_or_redirect(stall)
    if vendor is None:
        return redirect(url_for("registry.stall", stall_id=stall.id))
    current = registry.current_account(vendor)
    form = AccountForm()
    if not form.is_submitted():
        form.holder_name.data = current.holder_name if current else holder_name(vendor.name)
    if not form.validate_on_submit():
        return render_account_page(stall, vendor, form, QrPhotoForm(),
                                   status=400 if form.errors else 200)
    number = registry.clean_account_number(form.account_number.data)
    if number != registry.clean_account_number(form.account_number_again.data):
        form.account_number_again.errors = [_("Hai lần nhập số tài khoản không khớp nhau.")]
        return render_account_page(stall, vendor, form, QrPhotoForm(), status=400)
    if registry.has_letters(number) and not form.confirm_letters.data:
        form.confirm_letters.errors = [_("Tài khoản %(number)s: số tài khoản có chữ cái: kiểm tra lại, "
                                         "rồi đánh dấu ô này nếu số đúng.", number=number)]
        return render_account_page(stall, vendor, form, QrPhotoForm(), status=400)
    shared, elsewhere = registry.accounts_elsewhere(form.bank_bin.data, number, current_user,
                                                    exclude_vendor_id=vendor.id)
    if (shared or elsewhere) and not form.confirm_shared.data:
        form.confirm_shared.errors = [_("Tài khoản này đã được đăng ký cho hộ khác. Hãy kiểm tra "
                                        "lại, rồi đánh dấu ô này nếu vẫn muốn đăng ký.")]
        return render_account_page(stall, vendor, form, QrPhotoForm(), (shared, elsewhere),
                                   status=400)
    try:
        saved = registry.register_account(
            vendor, bank_bin=form.bank_bin.data, account_number=number,
            holder_name=form.holder_name.data, kind=form.kind.data,
            source=form.source.data or AccountSource.TYPED)
    except RegistryError as error:
        db.session.rollback()
        show_error(form, error)
        return render_account_page(stall, vendor, form, QrPhotoForm(), (shared, elsewhere),
                                   status=400)
    db.session.commit()
    flash(_("Đã lưu tài khoản %(number)s — %(holder)s (%(bank)s).", number=saved.account_number,
            holder=saved.holder_name, bank=saved.bank.short_name), "info")
    return redirect(url_for("registry.stall", stall_id=stall.id))


@bp.post("/stalls/<int:stall_id>/account/photo")
@requires(Action.CHANGE_ACCOUNT)
def account_from_photo(stall_id: int):
    """Read the QR on a photo of the vendor's bank-app sticker and fill in the account form.

    Nothing is saved here: the person checks what was read and saves the form."""
    stall = stall_or_404(stall_id, Action.CHANGE_ACCOUNT)
    photo_form = QrPhotoForm()
    if not photo_form.validate_on_submit():
        return photo_refused(stall, photo_form, None)
    payload, error = read_account_qr(photo_form.photo.data.read())
    if payload is None:
        return photo_refused(stall, photo_form, error)
    vendor = tenant_or_redirect(stall)
    if vendor is None:
        return redirect(url_for("registry.stall", stall_id=stall.id))
    form = AccountForm(formdata=None)
    fill_from_payload(form, payload)
    flash(_("Đã đọc mã QR. Hãy kiểm tra ngân hàng, số tài khoản, tên chủ tài khoản rồi bấm Lưu."),
          "info")
    return render_account_page(stall, vendor, form, QrPhotoForm(formdata=None))


def photo_refused(stall: Stall, photo_form: QrPhotoForm, error: object):
    """The account page again, with the reason beside the photo field; nothing changed."""
    vendor = tenant_or_redirect(stall)
    if vendor is None:
        return redirect(url_for("registry.stall", stall_id=stall.id))
    if error:
        photo_form.photo.errors = [str(error)]
    form = AccountForm(formdata=None)
    form.holder_name.data = holder_name(vendor.name)
    return render_account_page(stall, vendor, form, photo_form, status=400)


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error: RequestEntityTooLarge):
    """A too-big photo is refused beside the photo field (the body is never read)."""
    if (request.endpoint != "registry.account_from_photo" or not current_user.is_authenticated
            or not can(current_user, Action.CHANGE_ACCOUNT)):
        return render_error(413, error.name)
    limit = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    stall = stall_or_404(request.view_args["stall_id"], Action.CHANGE_ACCOUNT)
    return photo_refused(stall, QrPhotoForm(formdata=None),
                         _("Ảnh quá lớn (tối đa %(limit)s MB).", limit=limit))


def read_account_qr(data: bytes):
    """(payload, None) for a VietQR transfer code in the picture, else (None, message)."""
    try:
        found = read_payloads(data)
    except ImageError:
        return None, _("Không mở được ảnh: tệp hỏng hoặc không phải ảnh.")
    if not found:
        return None, NO_QR
    payloads = [result.payload for result in found if result.payload is not None]
    for payload in payloads:
        if payload.is_vietqr:
            return payload, None
    if any(payload.kind.startswith("napas_") for payload in payloads):
        return None, NOT_ACCOUNT_TRANSFER
    return None, NOT_VIETQR


def fill_from_payload(form: AccountForm, payload) -> None:
    form.bank_bin.data = payload.bank_bin
    form.account_number.data = form.account_number_again.data = payload.account
    form.kind.data = "card" if payload.kind == "vietqr_card" else "account"
    form.source.data = AccountSource.QR_PHOTO.value
    if payload.merchant_name:
        form.holder_name.data = holder_name(payload.merchant_name)
