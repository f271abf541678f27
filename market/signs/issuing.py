"""Issuing signs: one record per (stall, account version, format) with a verification code,
reused on reprints; every print is logged; a retired account's signs are superseded."""
from __future__ import annotations

import secrets
from collections.abc import Iterable

from sqlalchemy import insert, select, update

from market.extensions import db
from market.models import Sign, SignFormat, SignPrint, User, utcnow
from market.signs.selection import StallForSign

# No 0/O, 1/I/L or U/V pairs: a code read over the phone or copied by hand stays one code.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
CODE_LENGTH = 8
# Keeps every IN (...) list well under the databases' bound-parameter limits.
QUERY_CHUNK = 500


def new_codes(count: int) -> set[str]:
    """``count`` fresh verification codes not yet used by any sign."""
    codes: set[str] = set()
    while len(codes) < count:
        wanted = count - len(codes)
        candidates = {
            "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
            for _ in range(wanted)
        }
        taken = set(db.session.scalars(select(Sign.code).where(Sign.code.in_(candidates))))
        codes |= candidates - taken
    return codes


def format_code(code: str) -> str:
    """``K7M3PQ9X`` → ``K7M3-PQ9X``, easier to read aloud."""
    return f"{code[:4]}-{code[4:]}"


def issue_signs(entries: list[StallForSign], sign_format: SignFormat,
                actor: User | None = None) -> list[Sign]:
    """The sign of each printable stall, in the same order: reused when one exists for the
    stall's current account in this format, issued otherwise. Signs of the same stalls for
    other accounts (a previous tenant, a changed account) are superseded."""
    keys = [(e.stall.id, e.account.id) for e in entries]
    wanted = set(keys)
    existing: dict[tuple[int, int], Sign] = {}
    now = utcnow()
    for chunk in chunked(list({stall_id for stall_id, _ in keys})):
        for sign in db.session.scalars(select(Sign).where(Sign.stall_id.in_(chunk))):
            key = (sign.stall_id, sign.bank_account_id)
            if key not in wanted:
                if sign.superseded_at is None:
                    sign.superseded_at = now
            elif sign.format == sign_format:
                existing[key] = sign
    missing = [k for k in dict.fromkeys(keys) if k not in existing]
    codes = iter(new_codes(len(missing)))
    for stall_id, account_id in missing:
        sign = Sign(stall_id=stall_id, bank_account_id=account_id, format=sign_format,
                    code=next(codes), issued_at=now, issued_by_id=actor_id(actor))
        db.session.add(sign)
        existing[(stall_id, account_id)] = sign
    db.session.flush()
    return [existing[k] for k in keys]


def log_prints(signs: Iterable[Sign], actor: User | None = None, actor_label: str = "") -> None:
    """Record one print of each sign: who, when (the format is the sign's)."""
    now = utcnow()
    rows = [
        {"sign_id": s.id, "printed_at": now, "printed_by_id": actor_id(actor),
         "actor_label": actor_label}
        for s in signs
    ]
    if rows:
        db.session.execute(insert(SignPrint), rows)


def supersede_signs(bank_account_id: int) -> int:
    """Mark every current sign of an account version superseded (called when the version is
    retired); such a sign is never printed again. Returns how many were superseded."""
    result = db.session.execute(
        update(Sign)
        .where(Sign.bank_account_id == bank_account_id, Sign.superseded_at.is_(None))
        .values(superseded_at=utcnow()),
        execution_options={"synchronize_session": "fetch"},
    )
    return result.rowcount


def actor_id(actor: User | None) -> int | None:
    return actor.id if actor is not None and actor.is_authenticated else None


def chunked(items: list, size: int = QUERY_CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
