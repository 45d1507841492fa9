"""Amounts in minor units (pence, cents) and how they are shown."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

SYMBOLS = {"gbp": "£", "eur": "€", "usd": "$"}
MONTHS_IN = {"month": 1, "year": 12}


def money_format(*, amount: int, currency: str) -> str:
    """699, "gbp" -> "£6.99"; an unknown currency is written with its code: "6.99 CHF"."""
    major = (Decimal(amount) / 100).quantize(Decimal("0.01"))
    symbol = SYMBOLS.get(currency.lower())
    return f"{symbol}{major:,}" if symbol else f"{major:,} {currency.upper()}"


def monthly_equivalent(*, amount: int, interval: str) -> int:
    """What a plan costs per month, in minor units, rounded to the nearest unit."""
    months = MONTHS_IN[interval]
    return int((Decimal(amount) / months).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
