"""The scenario's finance section: debt, equity shares, supply options (reservations and
acquisitions), strategies, and the finance settings that hold them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Literal

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
)

from fabnet.scenario._base import (
    Id,
    Musd,
    Rate,
    Share,
    Years,
    _Model,
)

#: The highest wafer price accepted [USD per wafer]: 1 million, ~30 times a leading-edge wafer
#: (~USD 30,000 for N2 in 2025, domain-facts §3); a price above it is a unit mistake.
WAFER_PRICE_MAX_USD = 1e6


def _sums_to_one(values: Iterable[float], what: str) -> None:
    """Raise unless ``values`` sum to 1 (100 %), saying by how much they miss."""
    total = sum(values)
    if abs(total - 1.0) > 1e-6:
        side = "over" if total > 1.0 else "under"
        raise ValueError(f"{what} sum to {total:.4g}, {side} 100 %")


class Debt(_Model):
    """Commercial debt terms: the plan's debt beyond any government loan carries these."""

    rate: Rate = Field(
        # estimate: BBB corporate bonds yielded ~5.5-6 % in 2024 (ICE BofA index, press) less
        # ~2 % expected inflation, since the plan's money is constant (real) dollars
        0.04,
        description="Annual interest rate, real (the plan's money is constant dollars).",
    )
    tenor_years: Years = Field(10, description="Years from drawing to full repayment.")
    grace_years: Annotated[int, Field(ge=0, le=99)] = Field(
        2, description="Interest-only years first."
    )

    @field_validator("grace_years")
    @classmethod
    def _grace(cls, value: int, info: ValidationInfo) -> int:
        tenor = info.data.get("tenor_years")
        if tenor is not None and value >= tenor:
            raise ValueError(f"must be shorter than tenor_years ({tenor})")
        return value


class EquityShares(_Model):
    """Fixed equity shares of the investors in one country's projects (instead of the shares
    that follow from the plan's funding)."""

    country: Id
    shares: dict[Id, Share] = Field(min_length=1, description="Investor → share; sum to 1.")

    @field_validator("shares")
    @classmethod
    def _sum(cls, shares: dict[str, float]) -> dict[str, float]:
        _sums_to_one(shares.values(), "shares")
        return shares


class Reservation(_Model):
    """Capacity reservation: prepaid capacity at a partner's own expansion."""

    partners: list[Id] | None = Field(None, description="Partners that take reservations (all).")
    fee_usd_per_wspm_year: dict[Id, Annotated[float, Field(ge=0.0, le=1e7)]] = Field(
        default_factory=dict,
        description="Reservation fee per resource (default: the catalog's"
        " reservation_fee_usd_per_wspm_year), prepaid when the capacity is ordered.",
    )
    max_share_of_partner_capacity: Share = Field(
        0.2,  # estimate: a foundry's largest customers each take ~20-25 % of its output
        description="Most capacity one customer can reserve, as a share of the partner's own.",
    )
    source: str | None = Field(None, description="Where the reservation terms come from.")


class Acquisition(_Model):
    """Buying a chipmaker: its fabs after closing, at a premium, if antitrust review allows."""

    target: Id = Field(description="The partner (chipmaker) bought.")
    premium: Annotated[float, Field(ge=0.0, le=20.0)] = Field(
        0.3, description="Premium over the target's book value."
    )
    price_musd: Musd | None = Field(
        None, description="Price paid [USD million]; default (1 + premium) × book value."
    )
    closing_months: Annotated[float, Field(ge=0.0, le=120.0)] = Field(
        18.0, description="From the decision to closing (review included) [months]."
    )
    block_probability: Share = Field(0.25, description="Chance antitrust review blocks the deal.")
    break_fee_musd: Musd = Field(
        0.0, description="Paid to the target if the deal is blocked [USD million]."
    )
    source: str | None = Field(None, description="Where the deal's figures come from.")


class Strategies(_Model):
    """The strategies ``fabnet compare`` sets side by side with the own-build plan."""

    reservation: Reservation = Field(default_factory=Reservation)
    acquisitions: list[Acquisition] = Field(default_factory=list)


class Finance(_Model):
    """How a plan's modules turn into cash flows: spend, revenue, costs, tax, debt, value."""

    spend_profile: list[Share] | None = Field(
        None,
        min_length=1,
        description="Share of a module's capex spent in each part of its lead time, stretched"
        " over each project's lead years; sums to 1. None: evenly, as the planner assumes.",
    )
    equipment_share: Share = Field(
        0.75,  # estimate: SEMI puts tools at ~70-80 % of a leading-edge fab's capex
        description="Share of capex that is equipment (the rest: buildings and facilities).",
    )
    equipment_life_years: Years = Field(
        5, description="Straight-line depreciation life of equipment [years]."
    )
    building_life_years: Years = Field(
        20, description="Straight-line depreciation life of buildings [years]."
    )
    prices: dict[Id, Annotated[float, Field(gt=0.0, le=WAFER_PRICE_MAX_USD)]] = Field(
        default_factory=dict,
        description="Internal transfer price per resource [USD per wafer]; default: the"
        " catalog's market wafer price.",
    )
    tax: bool = Field(True, description="Charge corporate income tax by country.")
    tax_rates: dict[Id, Share] = Field(
        default_factory=dict,
        description="Tax rate per country; default: the catalog's corporate_tax_rate.",
    )
    debt: Debt = Field(default_factory=Debt)
    terminal_value: Literal["salvage", "perpetuity", "none"] = Field(
        "salvage",
        description="Value at the horizon's end: book value (salvage), a growing perpetuity"
        " of the last year's free cash flow, or none.",
    )
    terminal_growth: Annotated[float, Field(ge=-0.5, le=0.2)] = Field(
        0.0, description="Growth of the perpetuity (below the discount rate)."
    )
    equity: list[EquityShares] = Field(default_factory=list)
    strategies: Strategies = Field(default_factory=Strategies)

    @field_validator("spend_profile")
    @classmethod
    def _profile(cls, profile: list[float] | None) -> list[float] | None:
        if profile is not None:
            _sums_to_one(profile, "shares")
        return profile
