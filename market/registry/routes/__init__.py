"""The registry pages, one module per object; views parse input, call a service, render."""
from functools import cache

from flask_babel import lazy_gettext as _l

from market.auth.access import Action, can, mask_account
from market.navigation import add_nav_entry
from market.registry import bp
from market.registry.routes import (  # noqa: F401
    accounts,
    approvals,
    audit,
    markets,
    search,
    stalls,
)
from market.registry.routes.labels import stall_labels
from market.vietqr import all_banks, holder_name

add_nav_entry("registry.markets", _l("Chợ"), Action.READ, order=10)
add_nav_entry("registry.search", _l("Tìm gian hàng"), Action.READ, order=15)
add_nav_entry("registry.audit", _l("Nhật ký thay đổi"), Action.EDIT_REGISTRY, order=80)


@bp.app_context_processor
def registry_helpers() -> dict:
    """What registry templates (and others') use: permissions, masking, bank names."""
    return {"can": can, "mask_account": mask_account, "bank_names": bank_short_names(),
            "stall_labels": stall_labels}


@cache
def bank_short_names() -> dict[str, str]:
    return {bank.bin: bank.short_name for bank in all_banks()}


@bp.app_template_filter("holder_preview")
def holder_preview(name: str | None) -> str:
    """The holder name as it will be stored, shown back while typing it."""
    return holder_name(name or "")
