"""The adoption ladder written out in plain Python over plain lists: the definitions as the
README states them, with no SQL, to hold the set-based ladder and the stored snapshots to.

``World.load()`` reads every table the ladder uses into lists of dicts; ``World.figures(day)``
gives each market's and each commune's counts on that day.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from market.extensions import db
from market.models import (
    AdoptionTarget,
    Bank,
    BankAccount,
    Inspection,
    Market,
    Payee,
    PaymentActivity,
    SelfReport,
    Sign,
    Stall,
    StallStatusChange,
    Tenancy,
)

STEPS = ("no_account", "registered", "issued", "displayed", "active", "lapsed", "declined")
FIGURES = ("operating", *STEPS, "reached_registered", "reached_displayed", "reached_active")
USING = ("daily", "sometimes")


def rows(model) -> list[dict]:
    return [dict(row._mapping) for row in db.session.execute(select(model.__table__))]


def value(item):
    return getattr(item, "value", item)


@dataclass
class World:
    markets: list[dict]
    stalls: list[dict]
    changes: list[dict]
    tenancies: list[dict]
    accounts: list[dict]
    payees: list[dict]
    banks: set[str]
    signs: list[dict]
    inspections: list[dict]
    self_reports: list[dict]
    payments: list[dict]
    targets: list[dict]
    defaults: tuple[int, int, int]
    zone: ZoneInfo

    @classmethod
    def load(cls) -> World:
        config = current_app.config
        return cls(
            rows(Market), rows(Stall), rows(StallStatusChange), rows(Tenancy), rows(BankAccount), rows(Payee),
            {bank["bin"] for bank in rows(Bank)}, rows(Sign), rows(Inspection), rows(SelfReport),
            rows(PaymentActivity), rows(AdoptionTarget),
            (int(config["ADOPTION_INSPECTION_WINDOW_DAYS"]),
             int(config["ADOPTION_ACTIVITY_WINDOW_DAYS"]), int(config["ADOPTION_MIN_PAYMENTS"])),
            ZoneInfo(config.get("TIMEZONE", "Asia/Ho_Chi_Minh")),
        )

    # --- the registry on a day ---------------------------------------------------------

    def end_of(self, day: date) -> datetime:
        return datetime.combine(day + timedelta(days=1), time(), tzinfo=self.zone).astimezone(UTC)

    @staticmethod
    def aware(moment: datetime | None) -> datetime | None:
        if moment is None or moment.tzinfo is not None:
            return moment
        return moment.replace(tzinfo=UTC)

    def market_counts(self, market: dict, day: date) -> bool:
        retired = self.aware(market["retired_at"])
        return market["opened_on"] <= day and (retired is None or retired >= self.end_of(day))

    def status_on(self, stall: dict, day: date) -> str:
        later = [c for c in self.changes if c["stall_id"] == stall["id"] and c["changed_on"] > day]
        if later:
            return value(min(later, key=lambda c: c["id"])["old_status"])
        return value(stall["status"])

    def tenancy_on(self, stall: dict, day: date) -> dict | None:
        covering = [t for t in self.tenancies if t["stall_id"] == stall["id"]
                    and t["start_on"] <= day and (t["end_on"] is None or t["end_on"] >= day)]
        return max(covering, key=lambda t: (t["start_on"], t["id"])) if covering else None

    def in_force(self, account: dict, end: datetime) -> bool:
        retired = self.aware(account["retired_at"])
        return self.aware(account["created_at"]) < end and (retired is None or retired >= end)

    def confirmed(self, account: dict, end: datetime) -> bool:
        """No payee of this version was waiting for a second person at ``end``."""
        for payee in self.payees:
            if payee["bank_account_id"] != account["id"] or payee["first"]:
                continue
            confirmed = self.aware(payee["confirmed_at"])
            if confirmed is None or confirmed >= end:
                return False
        return True

    def parameters(self, market: dict) -> tuple[int, int, int]:
        own = next((t for t in self.targets if t["market_id"] == market["id"]), {})
        area = next((t for t in self.targets if t["commune_id"] == market["commune_id"]), {})
        chosen = []
        for name, default in zip(
                ("inspection_window_days", "activity_window_days", "min_payments"), self.defaults):
            found = own.get(name)
            chosen.append(found if found is not None else
                          area.get(name) if area.get(name) is not None else default)
        return tuple(chosen)

    # --- the ladder ------------------------------------------------------------------

    def step(self, stall: dict, market: dict, day: date) -> tuple[str, bool, bool] | None:
        """(step, has an account, seen displayed) of an operating stall; None otherwise."""
        if stall["opened_on"] > day or self.status_on(stall, day) != "operating":
            return None
        inspection_days, activity_days, minimum = self.parameters(market)
        inspection_since = day - timedelta(days=inspection_days - 1)
        end = self.end_of(day)
        tenancy = self.tenancy_on(stall, day)
        versions = [a for a in self.accounts if tenancy and a["vendor_id"] == tenancy["vendor_id"]
                    and self.in_force(a, end)]
        has_account = any(a["bank_bin"] in self.banks for a in versions)
        payees = [a for a in versions if self.confirmed(a, end) and a["bank_bin"] in self.banks]
        payee = payees[0] if payees else None

        signed = payee is not None and (
            any(s["stall_id"] == stall["id"] and s["bank_account_id"] == payee["id"]
                and self.aware(s["issued_at"]) < end for s in self.signs)
            or any(i["stall_id"] == stall["id"] and i["own_bank_qr"]
                   and value(i["scan_result"]) == "match" and i["bank_account_id"] == payee["id"]
                   and i["inspected_on"] <= day for i in self.inspections))
        looks = [i for i in self.inspections if i["stall_id"] == stall["id"] and i["inspected_on"] <= day]
        latest_look = max(looks, key=lambda i: (i["inspected_on"], self.aware(i["inspected_at"]),
                                                i["id"]), default=None)
        seen = (payee is not None and latest_look is not None
                and latest_look["inspected_on"] >= inspection_since and latest_look["sign_displayed"]
                and value(latest_look["scan_result"]) == "match"
                and latest_look["bank_account_id"] == payee["id"])

        daily: dict[date, int] = defaultdict(int)
        for p in self.payments:
            if p["stall_id"] == stall["id"] and p["day"] <= day:
                daily[p["day"]] = max(daily[p["day"]], p["payments"])

        def window_sum(last: date) -> int:
            return sum(n for d, n in daily.items() if last - timedelta(days=activity_days) < d <= last)

        paying = window_sum(day) >= minimum
        answers = [(a["inspected_on"], self.aware(a["inspected_at"]), 0, a["id"], value(a["qr_use"]),
                    value(a["reason"])) for a in looks if a["qr_use"] is not None]
        answers += [(r["reported_on"], self.aware(r["reported_at"]), 1, r["id"], value(r["answer"]),
                     value(r["reason"])) for r in self.self_reports
                    if r["stall_id"] == stall["id"] and r["reported_on"] <= day]
        latest = max(answers, default=None)
        recent = latest is not None and latest[0] >= inspection_since
        said_no = recent and latest[4] == "no" and latest[5] is not None
        said_using = recent and latest[4] in USING
        reached_active = (any(a[4] in USING for a in answers)
                          or any(window_sum(d) >= minimum for d in daily if d < day and daily[d] > 0))
        if paying:
            step = "active"
        elif said_no:
            step = "declined"
        elif said_using:
            step = "active"
        elif reached_active:
            step = "lapsed"
        elif seen:
            step = "displayed"
        elif signed:
            step = "issued"
        elif has_account:
            step = "registered"
        else:
            step = "no_account"
        return step, has_account, seen

    def figures(self, day: date) -> dict[tuple[str, int], dict[str, int]]:
        """("market", id) and ("commune", id) -> counts, for the markets counting on ``day``."""
        found: dict[tuple[str, int], dict[str, int]] = {}
        for market in self.markets:
            if not self.market_counts(market, day):
                continue
            counts = dict.fromkeys(FIGURES, 0)
            for stall in self.stalls:
                if stall["market_id"] != market["id"]:
                    continue
                result = self.step(stall, market, day)
                if result is None:
                    continue
                step, has_account, seen = result
                counts["operating"] += 1
                counts[step] += 1
                counts["reached_registered"] += has_account
                counts["reached_displayed"] += seen
                counts["reached_active"] += step == "active"
            found[("market", market["id"])] = counts
            total = found.setdefault(("commune", market["commune_id"]), dict.fromkeys(FIGURES, 0))
            for name in FIGURES:
                total[name] += counts[name]
        return found
