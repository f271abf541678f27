"""Payment notices from the bank-linking services vendors already use (SePay, Casso).

Each provider posts its own webhook to ``/api/v1/webhooks/partners/<id>``; its adapter checks
the provider's authentication, keeps incoming transfers only, and translates each into the
app's notice, recorded by :func:`market.monitor.payments.record_notice` like any other. Only
what the ladder needs is kept (account, bank, amount, time, the provider's transaction id);
the transfer's content and the account balance are dropped on receipt.
"""
from __future__ import annotations

from collections.abc import Mapping

from market.extensions import db
from market.models import PaymentPartner
from market.models.evidence import PartnerKind
from market.monitor.partners import casso, sepay
from market.monitor.payments import Outcome, WebhookRejected, record_notice

ADAPTERS = {PartnerKind.SEPAY: sepay, PartnerKind.CASSO: casso}


def receive_partner_notices(partner_id: int, headers: Mapping[str, str], body: bytes
                            ) -> list[Outcome]:
    """Check and record a provider's post; flushes, the caller commits.

    Raises :class:`WebhookRejected` (401 for a bad key or signature, 400 for a body that is
    not the provider's format). Outgoing transfers are acknowledged and not counted.
    """
    partner = db.session.get(PaymentPartner, partner_id)
    adapter = ADAPTERS.get(partner.kind) if partner is not None and partner.active else None
    if adapter is None:
        raise WebhookRejected(401, "unknown partner")
    adapter.authenticate(partner.secret, headers, body)
    return [record_notice(partner, notice) for notice in adapter.incoming(body)]
