"""Uncertain inputs of a scenario: distributions with their parameters and source, and the
correlations between them (a Gaussian copula). Declared here, sampled by the risk analysis."""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Annotated, Literal

from pydantic import Field, model_validator

from fabnet.scenario._base import Id, Share, _Model

#: Largest magnitude of a distribution's parameter: the targets are factors near 1 and delays
#: of months, so anything larger is a unit mistake (and the target's range below refuses more).
PARAM_MAX = 1e4
Param = Annotated[float, Field(ge=-PARAM_MAX, le=PARAM_MAX)]
Spread = Annotated[float, Field(gt=0.0, le=PARAM_MAX)]

#: Where each target's values make sense: factors on growth, capex, learning speed and price
#: from 0 to 10 (a tenfold change), and construction delays from 5 years early to 20 late
#: [months]. A distribution's 0.1 %–99.9 % range (its support where bounded) must lie inside.
TARGET_RANGES: dict[str, tuple[float, float]] = {
    "demand_growth": (0.0, 10.0),
    "capex_overrun": (0.0, 10.0),
    "d0_learning_speed": (0.0, 10.0),
    "wafer_price": (0.0, 10.0),
    "construction_delay_months": (-60.0, 240.0),
}
#: The standard normal's 99.9 % quantile: a normal's range is mean ± this × sd.
_Z999 = NormalDist().inv_cdf(0.999)


class _Distribution(_Model):
    id: Id
    target: Literal[
        "demand_growth",
        "construction_delay_months",
        "capex_overrun",
        "d0_learning_speed",
        "wafer_price",
        "disruption",
    ]
    applies_to: list[Id] = Field(
        default_factory=list,
        description="Regions or resources the target is limited to (empty: all).",
    )
    source: str = Field(min_length=1, description="Where the distribution comes from.")

    def span(self) -> tuple[float, float] | None:
        """The 0.1 %–99.9 % range of the values drawn (the support where it is bounded)."""
        return None

    @model_validator(mode="after")
    def _in_range(self) -> _Distribution:
        if (self.target == "disruption") != (self.distribution == "bernoulli"):  # type: ignore[attr-defined]
            raise ValueError(
                "a disruption is a bernoulli event, and a bernoulli event is a disruption"
                f" (got target {self.target!r} with distribution"
                f" {self.distribution!r})"  # type: ignore[attr-defined]
            )
        span = self.span()
        allowed = TARGET_RANGES.get(self.target)
        if span is not None and allowed is not None:
            low, high = allowed
            if span[0] < low or span[1] > high:
                raise ValueError(
                    f"draws {self.target} from {span[0]:.4g} to {span[1]:.4g} (0.1 %–99.9 %),"
                    f" outside [{low:g}, {high:g}] where it makes sense"
                )
        return self


class Normal(_Distribution):
    """Normal distribution."""

    distribution: Literal["normal"]
    mean: Param
    sd: Spread

    def span(self) -> tuple[float, float]:
        return (self.mean - _Z999 * self.sd, self.mean + _Z999 * self.sd)


class TruncatedNormal(_Distribution):
    """Normal distribution truncated to [low, high]."""

    distribution: Literal["truncated_normal"]
    mean: Param
    sd: Spread
    low: Param
    high: Param

    @model_validator(mode="after")
    def _bounds(self) -> TruncatedNormal:
        if not self.low < self.high:
            raise ValueError(f"low must be below high (got {self.low}, {self.high})")
        return self

    def span(self) -> tuple[float, float]:
        low, high = self.mean - _Z999 * self.sd, self.mean + _Z999 * self.sd
        if high <= self.low or low >= self.high:  # the mean far outside: the bounds hold
            return (self.low, self.high)
        return (max(low, self.low), min(high, self.high))


class LogNormal(_Distribution):
    """Log-normal distribution given by its median and the sd of its logarithm."""

    distribution: Literal["lognormal"]
    median: Annotated[float, Field(gt=0.0, le=PARAM_MAX)]
    sigma: Annotated[float, Field(gt=0.0, le=2.0)] = Field(
        description="Standard deviation of the logarithm; at most 2 (a factor of e² ≈ 7.4 at"
        " one standard deviation)."
    )

    def span(self) -> tuple[float, float]:
        return (
            self.median * math.exp(-_Z999 * self.sigma),
            self.median * math.exp(_Z999 * self.sigma),
        )


class Triangular(_Distribution):
    """Triangular distribution."""

    distribution: Literal["triangular"]
    low: Param
    mode: Param
    high: Param

    def span(self) -> tuple[float, float]:
        return (self.low, self.high)

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high or self.low == self.high:
            raise ValueError(
                f"need low <= mode <= high and low < high (got {self.low}, {self.mode},"
                f" {self.high})"
            )
        return self


class Uniform(_Distribution):
    """Uniform distribution on [low, high]."""

    distribution: Literal["uniform"]
    low: Param
    high: Param

    def span(self) -> tuple[float, float]:
        return (self.low, self.high)

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if not self.low < self.high:
            raise ValueError(f"low must be below high (got {self.low}, {self.high})")
        return self


class Event(_Distribution):
    """A disruption event: each year it happens with ``annual_probability``."""

    distribution: Literal["bernoulli"]
    annual_probability: Share
    capacity_lost: Share = Field(description="Share of capacity lost while it lasts.")
    duration_years: Annotated[float, Field(gt=0.0, le=50.0)]


class Empirical(_Distribution):
    """An empirical distribution: values with optional weights."""

    distribution: Literal["empirical"]
    values: list[Param] = Field(min_length=1)
    weights: list[Annotated[float, Field(ge=0.0, le=1e9)]] | None = None

    def span(self) -> tuple[float, float]:
        return (min(self.values), max(self.values))

    @model_validator(mode="after")
    def _weights(self) -> Empirical:
        if self.weights is not None:
            if len(self.weights) != len(self.values):
                raise ValueError(
                    f"weights must match values ({len(self.weights)} vs {len(self.values)})"
                )
            if sum(self.weights) <= 0:
                raise ValueError("weights must not all be 0")
        return self


Distribution = Annotated[
    Normal | TruncatedNormal | LogNormal | Triangular | Uniform | Event | Empirical,
    Field(discriminator="distribution"),
]


class Correlation(_Model):
    """Rank correlation between two uncertain inputs (Gaussian copula)."""

    between: tuple[Id, Id]
    rho: Annotated[float, Field(ge=-1.0, le=1.0)]


class Uncertainty(_Model):
    """Uncertain inputs, declared here and sampled by the risk analysis."""

    inputs: list[Distribution] = Field(default_factory=list)
    correlations: list[Correlation] = Field(default_factory=list)
