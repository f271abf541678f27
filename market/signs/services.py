"""Printing QR signs: for one stall, or for a whole market or a part of it.

The outer layer (request, command) commits once; these services only flush.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale

from market.models import Market, Sign, SignFormat, Stall, User
from market.signs.issuing import format_code, issue_signs, log_prints, supersede_signs
from market.signs.pdf import collector_tuned_for_printing, render_chunks
from market.signs.selection import (
    Obstacle,
    Selection,
    SignPlan,
    StallForSign,
    plan_signs,
)
from market.vietqr import holder_name
from market.vietqr.render import render_svg

__all__ = [
    "PrintedBatch",
    "SignUnavailable",
    "plan_signs",
    "print_market_signs",
    "render_stall_sign",
    "supersede_signs",
]

# Width of the QR code (quiet zone included) on each format, in millimetres.
# The code with its quiet zone of four modules, as wide as each page allows inside its frame.
QR_SIZE_MM = {SignFormat.A6: 80, SignFormat.A5: 112, SignFormat.A4: 160, SignFormat.STICKERS: 56}
STICKERS_PER_SHEET = 6
# Signs per WeasyPrint document: bounds the memory of one rendering, whatever the batch.
CHUNK_SIZE = 250
# Documents of a big batch are rendered side by side by this many processes (the
# SIGNS_RENDER_PROCESSES setting overrides it); layout is CPU-bound and single-threaded.
RENDER_PROCESSES = 2


class SignUnavailable(Exception):
    """The stall cannot have a sign now; ``obstacle`` says why."""

    def __init__(self, obstacle: Obstacle):
        super().__init__(obstacle.label)
        self.obstacle = obstacle


@dataclass(frozen=True)
class PrintedBatch:
    pdf: bytes
    signs: list[Sign]
    unprintable: list[StallForSign]


@dataclass(frozen=True)
class SignFace:
    """What one printed sign shows."""

    market_name: str
    stall_code: str
    display_name: str
    bank_short_name: str
    holder: str
    account_grouped: str
    qr_svg: str
    code: str
    issued_on: str


def render_stall_sign(stall: Stall, format: SignFormat | str, *, actor: User | None = None,
                      actor_label: str = "") -> bytes:
    """The PDF of one stall's sign for its current account, issuing the sign on first print
    and logging the print. Raises :class:`SignUnavailable` when the stall cannot have one."""
    sign_format = SignFormat(format)
    plan = plan_signs(stall.market, sign_format, stall_ids=[stall.id])
    if plan.unprintable:
        raise SignUnavailable(plan.unprintable[0].obstacle)
    return print_plan(stall.market, plan, sign_format, actor=actor, actor_label=actor_label).pdf


def print_market_signs(market: Market, format: SignFormat | str,
                       selection: Selection | None = None, *, actor: User | None = None,
                       actor_label: str = "",
                       progress: Callable[[int, int], None] | None = None) -> PrintedBatch:
    """One PDF with the sign of every selected stall that can have one, in floor order, and
    the stalls that cannot (with the reason). ``progress(done, total)`` follows the pages."""
    sign_format = SignFormat(format)
    # The whole batch, not just its rendering: planning thousands of stalls loads as many
    # objects, which the collector would otherwise walk again and again too.
    with collector_tuned_for_printing():
        plan = plan_signs(market, sign_format, selection or Selection())
        return print_plan(market, plan, sign_format, actor=actor, actor_label=actor_label,
                          progress=progress)


def print_plan(market: Market, plan: SignPlan, sign_format: SignFormat, *,
               actor: User | None, actor_label: str,
               progress: Callable[[int, int], None] | None = None) -> PrintedBatch:
    if not plan.printable:
        return PrintedBatch(b"", [], plan.unprintable)
    signs = issue_signs(plan.printable, sign_format, actor)
    log_prints(signs, actor, actor_label)
    faces = [sign_face(market, entry, sign, sign_format)
             for entry, sign in zip(plan.printable, signs, strict=True)]
    chunk = chunk_size(sign_format)
    documents = [signs_html(market, faces[i:i + chunk], sign_format)
                 for i in range(0, len(faces), chunk)]

    def chunk_done(index: int) -> None:
        if progress:
            progress(min((index + 1) * chunk, len(faces)), len(faces))

    processes = current_app.config.get("SIGNS_RENDER_PROCESSES", RENDER_PROCESSES)
    pdf = render_chunks(documents, processes=processes, progress=chunk_done)
    return PrintedBatch(pdf, signs, plan.unprintable)


def chunk_size(sign_format: SignFormat) -> int:
    size = current_app.config.get("SIGNS_CHUNK_SIZE", CHUNK_SIZE)
    if sign_format == SignFormat.STICKERS:  # whole sheets only
        size = max(STICKERS_PER_SHEET, size - size % STICKERS_PER_SHEET)
    return size


def sign_face(market: Market, entry: StallForSign, sign: Sign, sign_format: SignFormat) -> SignFace:
    account = entry.account
    issued = sign.issued_at.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
    return SignFace(
        market_name=market.name,
        stall_code=entry.stall.code,
        display_name=entry.vendor.display_name,
        bank_short_name=entry.bank.short_name,
        holder=holder_name(account.holder_name),
        account_grouped=group_for_reading(account.account_number),
        qr_svg=sign_qr_svg(entry.payload, sign_format),
        code=format_code(sign.code),
        issued_on=issued.strftime("%d/%m/%Y"),
    )


def sign_qr_svg(payload: str, sign_format: SignFormat) -> str:
    """The code as drawn on a sign of ``sign_format``: inline vector art, quiet zone included."""
    return render_svg(payload, size_mm=QR_SIZE_MM[sign_format])


def group_for_reading(number: str, size: int = 4) -> str:
    """Groups of four read aloud one by one, never a lone digit at the end:
    ``0011012345678`` → ``0011 0123 456 78``, ``1023456789`` → ``1023 4567 89``."""
    groups = [number[i:i + size] for i in range(0, len(number), size)]
    if len(groups) > 1 and len(groups[-1]) == 1:  # 4 + 1 read better as 3 + 2
        tail = groups[-2] + groups[-1]
        groups[-2:] = [tail[:3], tail[3:]]
    return " ".join(groups)


def signs_html(market: Market, faces: list[SignFace], sign_format: SignFormat) -> str:
    # Signs speak Vietnamese whatever language the person printing them reads.
    with force_locale("vi"):
        # Rendered without the page context processors: a sign needs no menu or user.
        return current_app.jinja_env.get_template("print/signs.html").render(
            signs=faces,
            format=sign_format.value,
            title=market.name,
            stickers_per_sheet=STICKERS_PER_SHEET,
        )
