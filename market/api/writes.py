"""Write operations: the registry services behind the pages, with their validation and audit."""
from __future__ import annotations

from flask import abort, url_for
from flask_login import current_user

from market.api import schemas
from market.api.bodies import account_out, stalls_out, vendor_out
from market.api.operations import operation
from market.api.scope import vendor_or_404
from market.auth.access import Action, can, market_or_404, stall_or_404
from market.monitor import inspections, self_reports
from market.monitor.errors import EvidenceError
from market.registry import services
from market.registry.errors import RegistryError

WRITE_ERRORS = (400, 401, 404, 422, 429)


def location(endpoint: str, **values: int) -> dict[str, str]:
    return {"Location": url_for(endpoint, **values)}


@operation("POST", "/markets", summary="Register a market", tag="markets",
           body=schemas.MarketCreate, response=schemas.MarketOut, status=201,
           errors=(400, 401, 403, 422, 429))
def create_market(body: schemas.MarketCreate):
    """Administrators only: a market's board is given access to it by an administrator."""
    if not can(current_user, Action.ADMINISTER):
        abort(403)
    market = services.create_market(**body.model_dump())
    return schemas.MarketOut.model_validate(market), location("api.get_market",
                                                              market_id=market.id)


@operation("PATCH", "/markets/<int:market_id>", summary="Change a market", tag="markets",
           body=schemas.MarketChange, response=schemas.MarketOut, errors=WRITE_ERRORS)
def update_market(market_id: int, body: schemas.MarketChange):
    market = market_or_404(market_id, Action.EDIT_REGISTRY)
    services.update_market(market, **body.model_dump(exclude_unset=True))
    return schemas.MarketOut.model_validate(market)


@operation("POST", "/markets/<int:market_id>/stalls", summary="Add a stall to a market",
           tag="stalls", body=schemas.StallCreate, response=schemas.StallOut, status=201,
           errors=WRITE_ERRORS)
def create_stall(market_id: int, body: schemas.StallCreate):
    market = market_or_404(market_id, Action.EDIT_REGISTRY)
    stall = services.create_stall(market, **body.model_dump())
    return stalls_out([stall.id])[0], location("api.get_stall", stall_id=stall.id)


@operation("PATCH", "/stalls/<int:stall_id>", summary="Change a stall", tag="stalls",
           body=schemas.StallChange, response=schemas.StallOut, errors=WRITE_ERRORS)
def update_stall(stall_id: int, body: schemas.StallChange):
    stall = stall_or_404(stall_id, Action.EDIT_REGISTRY)
    services.update_stall(stall, **body.model_dump(exclude_unset=True))
    return stalls_out([stall.id])[0]


@operation("POST", "/vendors", summary="Register a vendor as a stall's tenant", tag="vendors",
           body=schemas.VendorCreate, response=schemas.VendorOut, status=201,
           errors=WRITE_ERRORS)
def create_vendor(body: schemas.VendorCreate):
    """Creates the household business and its tenancy of ``stall_id`` from ``start_on``; a
    previous tenant's tenancy ends the day before."""
    stall = stall_or_404(body.stall_id, Action.EDIT_REGISTRY)
    vendor = services.create_vendor(**body.model_dump(exclude={"stall_id", "start_on"}))
    services.assign_tenant(stall, vendor, body.start_on)
    return vendor_out(vendor), location("api.get_vendor", vendor_id=vendor.id)


@operation("PATCH", "/vendors/<int:vendor_id>", summary="Change a vendor", tag="vendors",
           body=schemas.VendorChange, response=schemas.VendorOut, errors=WRITE_ERRORS)
def update_vendor(vendor_id: int, body: schemas.VendorChange):
    vendor = vendor_or_404(vendor_id, Action.EDIT_REGISTRY)
    services.update_vendor(vendor, **body.model_dump(exclude_unset=True))
    return vendor_out(vendor)


@operation("POST", "/vendors/<int:vendor_id>/accounts", summary="Register a vendor's account",
           tag="vendors", body=schemas.AccountCreate, response=schemas.AccountOut, status=201,
           errors=WRITE_ERRORS)
def register_account(vendor_id: int, body: schemas.AccountCreate):
    """Makes this the current account version; the previous one is retired and its signs are
    superseded. The same account again returns the current version unchanged."""
    vendor = vendor_or_404(vendor_id, Action.CHANGE_ACCOUNT)
    account = services.register_account(vendor, **body.model_dump())
    return account_out(account)


@operation("POST", "/stalls/<int:stall_id>/inspections", summary="Record an inspection visit",
           tag="evidence", body=schemas.InspectionCreate, response=schemas.InspectionOut,
           status=201, errors=WRITE_ERRORS)
def record_inspection(stall_id: int, body: schemas.InspectionCreate):
    """The token's user is the inspector (board, team or administrator)."""
    stall = stall_or_404(stall_id, Action.RECORD_EVIDENCE)
    try:
        inspection = inspections.record_inspection(stall, current_user, **body.model_dump())
    except EvidenceError as error:
        raise RegistryError(error.field, error.message) from None
    return schemas.InspectionOut.model_validate(inspection)


@operation("POST", "/stalls/<int:stall_id>/self-reports", summary="Record a vendor's own answer",
           tag="evidence", body=schemas.SelfReportCreate, response=schemas.SelfReportOut,
           status=201, errors=WRITE_ERRORS)
def record_self_report(stall_id: int, body: schemas.SelfReportCreate):
    """What the vendor says about QR use, relayed by a partner system (e.g. the citizen app)."""
    stall = stall_or_404(stall_id, Action.RECORD_EVIDENCE)
    try:
        report = self_reports.record_self_report(stall, **body.model_dump())
    except EvidenceError as error:
        raise RegistryError(error.field, error.message) from None
    return schemas.SelfReportOut.model_validate(report)
