"""Sign pages and downloads: thin views over the sign services."""
from __future__ import annotations

from flask import Response, abort, flash, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from market.auth.access import Action, market_or_404, stall_or_404
from market.downloads import content_disposition
from market.extensions import db
from market.models import SignFormat, Stall
from market.signs import bp
from market.signs.forms import SignBatchForm
from market.signs.selection import Selection, plan_signs
from market.signs.services import SignUnavailable, print_market_signs, render_stall_sign
from market.vietqr.render import render_png, render_svg

PDF = "application/pdf"


def sign_format_arg() -> SignFormat:
    try:
        return SignFormat(request.args.get("format", SignFormat.A6.value))
    except ValueError:
        abort(404)


def attachment(body: bytes, mimetype: str, filename: str, download: bool = True) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(filename, inline=not download)
    return response


def stall_unavailable(stall: Stall, error: SignUnavailable):
    page = render_template("signs/unavailable.html", stall=stall, obstacle=error.obstacle)
    return page, 409


@bp.get("/stalls/<int:stall_id>/sign.pdf")
@login_required
def stall_sign(stall_id: int):
    stall = stall_or_404(stall_id, Action.PRINT_SIGNS)
    sign_format = sign_format_arg()
    try:
        pdf = render_stall_sign(stall, sign_format, actor=current_user)
    except SignUnavailable as error:
        return stall_unavailable(stall, error)
    db.session.commit()
    filename = f"bien-qr-{stall.market.code}-{stall.code}-{sign_format.value}.pdf"
    return attachment(pdf, PDF, filename, download=request.args.get("download") == "1")


def stall_payload(stall: Stall) -> str:
    plan = plan_signs(stall.market, SignFormat.A6, stall_ids=[stall.id])
    if plan.unprintable:
        raise SignUnavailable(plan.unprintable[0].obstacle)
    return plan.printable[0].payload


@bp.get("/stalls/<int:stall_id>/qr.svg")
@login_required
def stall_qr_svg(stall_id: int):
    stall = stall_or_404(stall_id, Action.PRINT_SIGNS)
    try:
        svg = render_svg(stall_payload(stall), size_mm=60, xml_declaration=True)
    except SignUnavailable as error:
        return stall_unavailable(stall, error)
    return attachment(svg.encode(), "image/svg+xml", f"qr-{stall.market.code}-{stall.code}.svg")


@bp.get("/stalls/<int:stall_id>/qr.png")
@login_required
def stall_qr_png(stall_id: int):
    stall = stall_or_404(stall_id, Action.PRINT_SIGNS)
    try:
        png = render_png(stall_payload(stall), size_px=1200)
    except SignUnavailable as error:
        return stall_unavailable(stall, error)
    return attachment(png, "image/png", f"qr-{stall.market.code}-{stall.code}.png")


@bp.route("/markets/<int:market_id>/signs", methods=["GET", "POST"])
@login_required
def market_signs(market_id: int):
    market = market_or_404(market_id, Action.PRINT_SIGNS)
    posted = request.method == "POST"
    form = SignBatchForm() if posted else SignBatchForm(request.args, meta={"csrf": False})
    form.offer(layout_values(market.id, Stall.zone), layout_values(market.id, Stall.row))
    if (posted or request.args) and not form.validate():
        return render_page(market, form, None), 400
    selection = Selection(form.zone.data or "", form.row.data or "", form.missing_only.data)
    sign_format = SignFormat(form.format.data)
    if posted:
        batch = print_market_signs(market, sign_format, selection, actor=current_user)
        if batch.pdf:
            db.session.commit()
            return attachment(batch.pdf, PDF, f"bien-qr-{market.code}-{sign_format.value}.pdf")
        flash(_("Không có gian hàng nào in được biển với lựa chọn này."), "warning")
    plan = plan_signs(market, sign_format, selection)
    return render_page(market, form, plan)


def render_page(market, form, plan):
    return render_template("signs/market.html", market=market, form=form, plan=plan)


def layout_values(market_id: int, column) -> list[str]:
    """The zones (or rows) a market's stalls use, for the selection."""
    return list(db.session.scalars(
        select(column).where(Stall.market_id == market_id, column != "").distinct().order_by(column)
    ))


@bp.app_context_processor
def sign_formats() -> dict:
    """The print formats, for the print buttons of the stall and vendor pages."""
    return {"sign_formats": [(f.value, f.label) for f in SignFormat]}
