"""The registry rules shared by the pages, the spreadsheet import and the API.

Every function validates first (raising ``RegistryError`` before anything is written),
flushes (never commits) and records an audit event.
"""
from market.registry.services.accounts import (
    accounts_elsewhere,
    clean_account_number,
    current_account,
    register_account,
)
from market.registry.services.markets import (
    create_market,
    create_stall,
    retire_market,
    update_market,
    update_stall,
)
from market.registry.services.vendors import (
    assign_tenant,
    create_vendor,
    current_tenancy,
    current_tenant,
    end_tenancy,
    update_vendor,
)

__all__ = [
    "accounts_elsewhere",
    "assign_tenant",
    "clean_account_number",
    "create_market",
    "create_stall",
    "create_vendor",
    "current_account",
    "current_tenancy",
    "current_tenant",
    "end_tenancy",
    "register_account",
    "retire_market",
    "update_market",
    "update_stall",
    "update_vendor",
]
