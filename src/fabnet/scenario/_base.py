"""Shared building blocks of the scenario models: id, year and share types, and the base model
(frozen, ``extra="forbid"``, no NaN or infinity)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Year = Annotated[int, Field(ge=1990, le=2100, description="Calendar year.")]
Share = Annotated[float, Field(ge=0.0, le=1.0, description="A fraction in [0, 1].")]
Id = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$",
        description="An identifier: letters, digits, '-', '_', '.'.",
    ),
]
Latitude = Annotated[float, Field(ge=-90.0, le=90.0, description="Latitude [deg].")]
Longitude = Annotated[float, Field(ge=-180.0, le=180.0, description="Longitude [deg].")]
#: An annual interest or discount rate, as a fraction.
Rate = Annotated[float, Field(ge=0.0, le=0.5, description="An annual rate, as a fraction.")]
#: Money [USD million], at most USD 10 trillion (a tenth of world GDP in 2024, IMF): far above
#: any fab programme, and the range in which the planner's money terms stay well scaled.
MUSD_MAX = 1e7
Musd = Annotated[float, Field(ge=0.0, le=MUSD_MAX, description="Money [USD million].")]
#: A count of modules, starts, tools or dies, at most 10,000.
COUNT_MAX = 10_000
Count = Annotated[int, Field(ge=0, le=COUNT_MAX)]
#: A duration of a loan, a life or a tenor [years], at most 100.
Years = Annotated[int, Field(ge=1, le=100)]
#: A share that may vary by year: one number, or ``{year: share}`` held between given years.
ShareByYear = Share | Annotated[dict[Year, Share], Field(min_length=1)]


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, validate_default=True, allow_inf_nan=False
    )
