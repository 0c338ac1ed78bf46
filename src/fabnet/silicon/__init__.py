"""Silicon physics: dies per wafer, die yield, defect learning, packaging and cost per die.

Pure, vectorised functions: scalars in give scalars out, arrays give arrays of the broadcast
shape, pandas Series give Series with the same index. Lengths are in mm, areas in mm², defect
densities in defects per cm², prices in USD per item. Each function is also reachable through
its module (``fabnet.silicon.die_per_wafer.flynn``).
"""

from fabnet.silicon import cost_per_die, defect_learning, die_per_wafer, packaging, yield_models
from fabnet.silicon.cost_per_die import cost_per_good_die, cost_per_package, good_dies_per_wafer
from fabnet.silicon.defect_learning import LearningCurve, defect_density, fit_learning_curve
from fabnet.silicon.die_per_wafer import (
    RETICLE_AREA_MM2,
    RETICLE_HEIGHT_MM,
    RETICLE_WIDTH_MM,
    exact_count,
    flynn,
    gross_per_wafer,
    hennessy_patterson,
    rectangle_for_area,
)
from fabnet.silicon.packaging import (
    good_packages_per_wafer,
    hbm_stacks_per_dram_wafer,
    interposers_per_wafer,
)
from fabnet.silicon.yield_models import (
    YIELD_MODELS,
    bose_einstein,
    defect_density_for_yield,
    die_yield,
    moore,
    murphy,
    negative_binomial,
    poisson,
    rectangular,
    seeds,
)

__all__ = [
    "RETICLE_AREA_MM2",
    "RETICLE_HEIGHT_MM",
    "RETICLE_WIDTH_MM",
    "YIELD_MODELS",
    "LearningCurve",
    "bose_einstein",
    "cost_per_die",
    "cost_per_good_die",
    "cost_per_package",
    "defect_density",
    "defect_density_for_yield",
    "defect_learning",
    "die_per_wafer",
    "die_yield",
    "exact_count",
    "fit_learning_curve",
    "flynn",
    "good_dies_per_wafer",
    "good_packages_per_wafer",
    "gross_per_wafer",
    "hbm_stacks_per_dram_wafer",
    "hennessy_patterson",
    "interposers_per_wafer",
    "moore",
    "murphy",
    "negative_binomial",
    "packaging",
    "poisson",
    "rectangle_for_area",
    "rectangular",
    "seeds",
    "yield_models",
]
