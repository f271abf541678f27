"""The registry rules shared by the pages, the spreadsheet import and the API.

Every function validates first (raising ``RegistryError`` before anything is written),
flushes (never commits) and records an audit event. The plural forms (``create_stalls``,
``register_accounts``, …) take many items at once and are what the single forms run on a
batch of one: the same checks and audit events, in a few statements for the whole batch;
they raise ``ItemRefused``, a ``RegistryError`` that names the refused item's position.
"""
from market.registry.services.accounts import (
    accounts_elsewhere,
    clean_account_number,
    current_account,
    current_accounts,
    has_letters,
    register_account,
    register_accounts,
)
from market.registry.services.checks import ItemRefused
from market.registry.services.markets import (
    create_market,
    create_stall,
    create_stalls,
    retire_market,
    update_market,
    update_stall,
    update_stalls,
)
from market.registry.services.vendors import (
    assign_tenant,
    assign_tenants,
    create_vendor,
    create_vendors,
    current_tenancies,
    current_tenancy,
    current_tenant,
    end_tenancies,
    end_tenancy,
    update_vendor,
    update_vendors,
)

__all__ = [
    "ItemRefused",
    "accounts_elsewhere",
    "assign_tenant",
    "assign_tenants",
    "clean_account_number",
    "create_market",
    "create_stall",
    "create_stalls",
    "create_vendor",
    "create_vendors",
    "current_account",
    "current_accounts",
    "current_tenancies",
    "current_tenancy",
    "current_tenant",
    "end_tenancies",
    "end_tenancy",
    "has_letters",
    "register_account",
    "register_accounts",
    "retire_market",
    "update_market",
    "update_stall",
    "update_stalls",
    "update_vendor",
    "update_vendors",
]
