"""SQLAlchemy 2 typed models. Importing this package registers every table on the metadata."""
from market.models.adoption import (
    AdoptionSnapshot,
    AdoptionStep,
    AdoptionTarget,
    JobRun,
    StaleMark,
)
from market.models.api import ApiToken, IdempotentRequest
from market.models.audit import AuditEvent
from market.models.banking import AccountKind, AccountSource, Bank, BankAccount, Payee
from market.models.base import Base, utcnow
from market.models.evidence import (
    Alert,
    Inspection,
    PaymentActivity,
    PaymentNotification,
    PaymentPartner,
    SelfReport,
    UnmatchedReportRow,
)
from market.models.geography import AdminUnit, UnitLevel
from market.models.imports import ImportJob, ImportStatus
from market.models.links import VendorLink
from market.models.registry import GoodsCategory, Market, Stall, StallStatus, StallStatusChange
from market.models.security import LoginFailure
from market.models.signs import Sign, SignFormat, SignPrint
from market.models.users import Role, User, user_market
from market.models.vendors import Tenancy, Vendor
from market.models.visits import Visit, VisitAssignment, VisitOutcome

__all__ = [
    "AccountKind",
    "AccountSource",
    "AdminUnit",
    "AdoptionSnapshot",
    "AdoptionStep",
    "AdoptionTarget",
    "Alert",
    "ApiToken",
    "AuditEvent",
    "Bank",
    "BankAccount",
    "Base",
    "GoodsCategory",
    "IdempotentRequest",
    "ImportJob",
    "ImportStatus",
    "Inspection",
    "JobRun",
    "LoginFailure",
    "Market",
    "Payee",
    "PaymentActivity",
    "PaymentNotification",
    "PaymentPartner",
    "Role",
    "SelfReport",
    "Sign",
    "SignFormat",
    "SignPrint",
    "StaleMark",
    "Stall",
    "StallStatus",
    "StallStatusChange",
    "Tenancy",
    "UnitLevel",
    "UnmatchedReportRow",
    "User",
    "Vendor",
    "VendorLink",
    "Visit",
    "VisitAssignment",
    "VisitOutcome",
    "user_market",
    "utcnow",
]
