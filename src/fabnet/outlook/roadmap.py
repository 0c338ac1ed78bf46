"""The product roadmap: which accelerators deliver each year's new compute.

The scenario's ``demand.mix`` gives each named product's share of new compute [H100e] by year
(held flat after its last given year). ``demand.successors`` extends each vendor's line beyond its
last named part: generation k = 1, 2, … launches in ``first_year + (k − 1)·cadence_years`` as a
copy of that part with compute ``× h100e_growth^k``, logic dies ``× logic_area_growth^k`` (more
dies of the same size), HBM stacks ``× hbm_stacks_growth^k`` and package area
``× interposer_growth^k`` (at most ``max_interposer_reticles`` reticles), on the k-th node and HBM
generation listed (the last repeats). Each generation takes over the vendor's share of new
compute linearly within ``ramp_years`` of its launch: with ``r_k(t) = clip((t − L_k + 1) /
ramp_years, 0, 1)``, generation k holds ``V(t)·r_k(t)·Π_{j>k}(1 − r_j(t))`` of the vendor's share
``V(t)`` and the named parts keep ``Π_j (1 − r_j(t))`` of theirs, so shares still sum to 1.

Both the outlook (:mod:`fabnet.outlook.demand`) and the planner read the mix from here, so a
product that is not in the scenario file (a generic successor) is a product like any other.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from fabnet.exceptions import ParameterError
from fabnet.scenario import Product, Scenario, Successors, interpolate
from fabnet.units import MM2_PER_RETICLE

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RETICLE_MM2", "generations", "product_mix", "successor"]

#: One lithography reticle field, 26 mm × 33 mm [mm²] (:data:`fabnet.units.MM2_PER_RETICLE`).
RETICLE_MM2 = MM2_PER_RETICLE


def successor(after: Product, spec: Successors, k: int) -> Product:
    """Generation ``k`` (≥ 1) of the generic parts after ``after``, by ``spec``'s trends.

    Examples
    --------
    >>> from fabnet.scenario import Product, Successors
    >>> chip = Product(id="X1", name="X1", vendor="Acme", launch_year=2026, h100e_per_unit=2.0,
    ...                logic_die_count=2, logic_die_area_mm2=800.0, logic_node="N3", hbm_stacks=8,
    ...                packaging="COWOS", interposer_area_mm2=3000.0)
    >>> spec = Successors(after="X1", first_year=2028, cadence_years=2, h100e_growth=2.0,
    ...                   logic_area_growth=1.5, hbm_stacks_growth=1.5, interposer_growth=1.4,
    ...                   max_interposer_reticles=5.0, nodes=["N2", "A16"], source="estimate")
    >>> gen = successor(chip, spec, 2)
    >>> gen.id, gen.launch_year, gen.h100e_per_unit, gen.logic_die_count, gen.logic_node
    ('ACME-2030', 2030, 8.0, 4, 'A16')
    >>> gen.hbm_stacks, round(gen.interposer_area_mm2)
    (18, 4290)
    """
    if after.parts or after.logic_die_count is None:
        raise ParameterError(
            f"demand.successors[{spec.after}].after",
            "a product with its own logic dies (not a board of parts)",
            spec.after,
        )
    year = spec.first_year + (k - 1) * spec.cadence_years
    ident = f"{_slug(after.vendor)}-{year}"
    data = after.model_dump(exclude_none=True)
    data.update(
        id=ident,
        name=f"{after.vendor} generic {year} accelerator (after {after.id}, generation {k})",
        launch_year=year,
        h100e_per_unit=float(after.h100e_per_unit or 0.0) * spec.h100e_growth**k,
        logic_die_count=max(1, round(after.logic_die_count * spec.logic_area_growth**k)),
        source=f"generic successor of {after.id}: {spec.source}",
    )
    if spec.nodes:
        data["logic_node"] = spec.nodes[min(k, len(spec.nodes)) - 1]
    if spec.hbm_generations:
        data["hbm_generation"] = spec.hbm_generations[min(k, len(spec.hbm_generations)) - 1]
    if after.hbm_stacks:
        data["hbm_stacks"] = max(1, round(after.hbm_stacks * spec.hbm_stacks_growth**k))
    data.update(_package(data, spec, k))
    return Product.model_validate(data)


def _package(data: dict[str, object], spec: Successors, k: int) -> dict[str, object]:
    """The package size fields of generation ``k``: area (or width × height, or reticles)
    × growth^k, capped at the largest package."""
    factor = spec.interposer_growth**k
    area = _interposer_mm2(data)
    if area is not None and spec.max_interposer_reticles is not None:
        factor = min(factor, spec.max_interposer_reticles * RETICLE_MM2 / area)
    changes: dict[str, object] = {}
    for name, power in (
        ("interposer_area_mm2", 1.0),
        ("interposer_reticles", 1.0),
        ("interposer_width_mm", 0.5),
        ("interposer_height_mm", 0.5),
    ):
        value = data.get(name)
        if isinstance(value, int | float):
            changes[name] = float(value) * factor**power
    return changes


def _interposer_mm2(data: dict[str, object]) -> float | None:
    """The interposer's area [mm²] as the product gives it: in mm², in reticles, or as width ×
    height (None without an interposer)."""
    area, reticles = data.get("interposer_area_mm2"), data.get("interposer_reticles")
    width, height = data.get("interposer_width_mm"), data.get("interposer_height_mm")
    if isinstance(area, int | float):
        return float(area)
    if isinstance(reticles, int | float):
        return float(reticles) * RETICLE_MM2
    if isinstance(width, int | float) and isinstance(height, int | float):
        return float(width) * float(height)
    return None


def _slug(vendor: str) -> str:
    """``"AWS (Annapurna Labs)"`` → ``"AWS"``: the vendor's first word, upper case."""
    return vendor.split(maxsplit=1)[0].upper() if vendor.split() else "VENDOR"


def generations(after: Product, spec: Successors, last_year: int) -> list[Product]:
    """The generic generations ``spec`` launches after ``after`` up to ``last_year``: one every
    ``cadence_years`` from ``first_year``."""
    count = max(0, math.floor((last_year - spec.first_year) / spec.cadence_years) + 1)
    return [successor(after, spec, k) for k in range(1, count + 1)]


def product_mix(scenario: Scenario) -> tuple[dict[str, Product], pd.DataFrame]:
    """Every product the demand may use (the scenario's and the generic successors), and the
    share of each year's new compute each delivers.

    Returns
    -------
    products : dict
        Product id → :class:`~fabnet.scenario.Product`, successors included.
    mix : DataFrame
        Index ``product`` (the mix's and the successors', in that order), columns the horizon's
        years: share of new compute [fraction]; every column sums to 1.
    """
    import pandas as pd

    years = scenario.years
    products = {p.id: p for p in scenario.products}
    shares = {
        pid: np.clip([interpolate(path, y) for y in years], 0.0, 1.0)
        for pid, path in scenario.demand.mix.items()
    }
    t = np.asarray(years, dtype=float)
    for spec in scenario.demand.successors:
        after = products[spec.after]
        vendor = after.vendor
        own = [pid for pid in shares if products[pid].vendor == vendor]
        total = np.sum([shares[pid] for pid in own], axis=0)
        gens = generations(after, spec, years[-1])
        ramps = [
            np.clip((t - float(g.launch_year or 0) + 1.0) / spec.ramp_years, 0.0, 1.0) for g in gens
        ]
        kept = np.ones_like(t)
        for ramp in ramps:
            kept = kept * (1.0 - ramp)
        for pid in own:
            shares[pid] = shares[pid] * kept
        for k, (gen, ramp) in enumerate(zip(gens, ramps, strict=True)):
            later = np.ones_like(t)
            for other in ramps[k + 1 :]:
                later = later * (1.0 - other)
            products[gen.id] = gen
            shares[gen.id] = total * ramp * later
    mix = pd.DataFrame(
        [shares[pid] for pid in shares],
        index=pd.Index(list(shares), name="product"),
        columns=pd.Index(years, name="year"),
    )
    return products, mix.round(12)
