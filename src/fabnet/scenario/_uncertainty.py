"""Uncertain inputs of a scenario: distributions with their parameters and source, and the
correlations between them (a Gaussian copula). Declared here, sampled by the risk analysis."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, NonNegativeFloat, PositiveFloat, model_validator

from fabnet.scenario._base import Id, Share, _Model


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


class Normal(_Distribution):
    """Normal distribution."""

    distribution: Literal["normal"]
    mean: float
    sd: PositiveFloat


class TruncatedNormal(_Distribution):
    """Normal distribution truncated to [low, high]."""

    distribution: Literal["truncated_normal"]
    mean: float
    sd: PositiveFloat
    low: float
    high: float

    @model_validator(mode="after")
    def _bounds(self) -> TruncatedNormal:
        if not self.low < self.high:
            raise ValueError(f"low must be below high (got {self.low}, {self.high})")
        return self


class LogNormal(_Distribution):
    """Log-normal distribution given by its median and the sd of its logarithm."""

    distribution: Literal["lognormal"]
    median: PositiveFloat
    sigma: PositiveFloat


class Triangular(_Distribution):
    """Triangular distribution."""

    distribution: Literal["triangular"]
    low: float
    mode: float
    high: float

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
    low: float
    high: float

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
    duration_years: PositiveFloat


class Empirical(_Distribution):
    """An empirical distribution: values with optional weights."""

    distribution: Literal["empirical"]
    values: list[float] = Field(min_length=1)
    weights: list[NonNegativeFloat] | None = None

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
