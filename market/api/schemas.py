"""Request and response bodies of the API as pydantic models.

Their JSON Schema (pydantic v2 emits draft 2020-12, the dialect of OpenAPI 3.1) is what the
OpenAPI document publishes, so the contract cannot drift from the code that answers.
Dates are ISO 8601, amounts whole VND.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from market.ids import MAX_ID
from market.models import AdoptionStep, GoodsCategory, StallStatus, UnitLevel
from market.models.banking import AccountKind
from market.models.evidence import NonUseReason, QrUse, ScanResult
from market.models.signs import SignFormat

# Ids beyond a 32-bit integer would reach the database as an overflow, not a 404.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]


class Body(BaseModel):
    """A request body: unknown fields are refused rather than silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- reads -----------------------------------------------------------------------------------

class AdminUnitOut(Out):
    id: int
    code: str
    name: str
    level: UnitLevel
    parent_id: int | None
    active: bool


class MarketOut(Out):
    id: int
    code: str
    name: str
    market_class: int = Field(ge=1, le=3)
    address: str
    commune_id: int
    created_at: datetime
    retired_at: datetime | None


class VendorOut(Out):
    """A household business; phone and birth year are null for commune users."""

    id: int
    name: str
    shop_name: str
    phone: str | None
    birth_year: int | None
    consent_on: date | None


class AccountOut(Out):
    """The current account version; the number is masked (•••• + last 4) for commune users.

    Any change of what a stall's sign pays after its first payee (a new version, a new tenant
    with an account) waits for a person other than its maker: another board user, a commune
    user of the area, an administrator, or the vendor through a link its maker did not issue;
    until then no sign, QR code or vendor page encodes it."""

    id: int
    vendor_id: int
    version: int
    bank_bin: str
    account_number: str
    holder_name: str
    kind: AccountKind
    created_at: datetime
    awaiting_approval: bool = Field(
        description="true while this changed account waits for its second person's approval")
    approved_at: datetime | None = Field(
        description="when the change was approved; null while it waits, and for a first "
                    "account, which needs no approval")


class StallOut(Out):
    id: int
    market_id: int
    code: str
    zone: str
    row: str
    number: int | None
    category: GoodsCategory
    status: StallStatus
    created_at: datetime
    vendor: VendorOut | None
    account: AccountOut | None


class SignOut(Out):
    id: int
    stall_id: int
    bank_account_id: int
    format: SignFormat
    code: str
    issued_at: datetime
    superseded_at: datetime | None


class LadderOut(BaseModel):
    """A stall's rung on the adoption ladder on ``as_of``; ``step`` is null when the stall is
    not operating (vacant and closed stalls are outside the ladder)."""

    stall_id: int
    as_of: date
    step: AdoptionStep | None


class SnapshotOut(Out):
    day: date
    operating: int
    no_account: int
    registered: int
    issued: int
    displayed: int
    active: int
    lapsed: int
    declined: int
    reached_registered: int
    reached_displayed: int
    reached_active: int
    computed_at: datetime
    provisional: bool = Field(
        description="true for today's figures (recomputed every 15 minutes), and yesterday's "
                    "until the night run closes the day after midnight")


class SnapshotSeries(BaseModel):
    scope: Literal["market", "commune"]
    id: int
    start: date
    end: date
    items: list[SnapshotOut]


class Page(BaseModel):
    """Shared by every list: ``next_cursor`` is null on the last page."""

    next_cursor: str | None


class AdminUnitPage(Page):
    items: list[AdminUnitOut]


class MarketPage(Page):
    items: list[MarketOut]


class StallPage(Page):
    items: list[StallOut]


class SignList(BaseModel):
    items: list[SignOut]


class InspectionOut(Out):
    id: int
    stall_id: int
    inspected_on: date
    sign_displayed: bool
    own_bank_qr: bool
    scan_result: ScanResult | None
    qr_use: QrUse | None
    reason: NonUseReason | None


class SelfReportOut(Out):
    id: int
    stall_id: int
    reported_on: date
    answer: QrUse
    reason: NonUseReason | None


# --- query strings ---------------------------------------------------------------------------

class Query(BaseModel):
    """A query string: parameters this operation does not know are ignored."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class PageQuery(Query):
    cursor: str | None = Field(None, description="next_cursor of the previous page")
    limit: int = Field(50, ge=1, le=200)


class UnitQuery(PageQuery):
    level: UnitLevel | None = None
    parent_id: Id | None = None


class MarketQuery(PageQuery):
    commune_id: Id | None = None
    q: str = Field("", max_length=100, description="code or name contains")


class StallQuery(PageQuery):
    market_id: Id | None = None
    zone: str = Field("", max_length=40)
    category: GoodsCategory | None = None
    status: StallStatus | None = None
    q: str = Field("", max_length=100,
                   description="stall code (prefix), vendor or shop name, account number (prefix)")


class RangeQuery(Query):
    start: date | None = Field(None, alias="from", description="first day (default: 89 days before to)")
    end: date | None = Field(None, alias="to", description="last day (default: today)")


class LadderQuery(Query):
    as_of: date | None = Field(None, description="default: today (Asia/Ho_Chi_Minh)")


class CoverageQuery(Query):
    month: str = Field(pattern=r"^[12]\d{3}-(0[1-9]|1[0-2])$", description="YYYY-MM")


# --- writes ----------------------------------------------------------------------------------
# Field types stay loose (text where the form has text): the registry services hold the rules
# and answer with the same messages as the pages.

class MarketCreate(Body):
    code: str
    name: str
    market_class: int
    address: str = ""
    commune_id: Id


class MarketChange(Body):
    code: str | None = None
    name: str | None = None
    market_class: int | None = None
    address: str | None = None
    commune_id: Id | None = None


class StallCreate(Body):
    code: str
    zone: str = ""
    row: str = ""
    number: int | None = None
    category: str
    status: str = StallStatus.OPERATING.value


class StallChange(Body):
    code: str | None = None
    zone: str | None = None
    row: str | None = None
    number: int | None = None
    category: str | None = None
    status: str | None = None


class VendorCreate(Body):
    """A vendor is always registered as the tenant of a stall from ``start_on``."""

    stall_id: Id
    start_on: date
    name: str
    shop_name: str = ""
    phone: str | None = None
    birth_year: int | None = None
    consent_on: date | None = None


class VendorChange(Body):
    name: str | None = None
    shop_name: str | None = None
    phone: str | None = None
    birth_year: int | None = None
    consent_on: date | None = None


class AccountCreate(Body):
    bank_bin: str
    account_number: str
    holder_name: str
    kind: AccountKind = AccountKind.ACCOUNT


class Problem(BaseModel):
    """RFC 9457 problem details; validation problems add the field at fault and a message."""

    type: str
    title: str
    status: int
    detail: str = ""
    field: str | None = None
    message: str | None = None
    errors: list[dict[str, str]] | None = None


class InspectionCreate(Body):
    """A visit recorded from the field; a "no" needs a reason, "other" needs words."""

    sign_displayed: bool
    own_bank_qr: bool = False
    qr_use: QrUse | None = None
    reason: NonUseReason | None = None
    reason_text: str = Field("", max_length=200)
    note: str = Field("", max_length=2000)


class SelfReportCreate(Body):
    answer: QrUse
    reason: NonUseReason | None = None
    reason_text: str = Field("", max_length=200)
    note: str = Field("", max_length=2000)
