"""A plan's risk, summarised: shortfall probabilities, expected unserved compute, VaR and CVaR of
cost, unserved compute and investor value, fan-chart percentiles, a tornado and Sobol' indices.

``analyse(plan, samples=N, seed=S)`` draws the scenario's uncertain inputs, evaluates the plan on
every sample (:func:`fabnet.risk.evaluation.evaluate`) and reduces the results. The same seed gives
the same numbers, bit for bit.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from fabnet.exceptions import ParameterError
from fabnet.results import Parts, Result

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

    from fabnet.catalog import Catalog
    from fabnet.planning import Plan, StochasticPlan
    from fabnet.risk.evaluation import PlanArrays
    from fabnet.risk.sampling import Samples

#: Percentiles of the fan charts.
FAN = (5, 25, 50, 75, 95)

logger = logging.getLogger(__name__)


@dataclass(frozen=True, repr=False)
class RiskResult(Result):
    """The risk of one plan.

    A :class:`~fabnet.results.Result` (``to_xarray`` holds the per-sample results beside the
    tables, on ``sample``, ``year`` and ``investor``; ``to_netcdf``, ``save(folder, format)``,
    :func:`fabnet.open_result`, ``headline()``); it keeps its plan and samples.

    Attributes
    ----------
    plan : Plan
    samples : Samples
    dataset : xarray.Dataset
        Everything per sample (:func:`fabnet.risk.evaluation.evaluate`).
    threshold : float
        Shortfall threshold: a year is short when more than this share of its compute goes
        unserved.
    alpha : float
        Confidence level of VaR and CVaR.
    by_year : DataFrame
        Index ``year``: probability of a shortfall above the threshold (with its 95 % Wilson
        interval), expected unserved and wanted compute [H100e].
    measures : DataFrame
        Index ``output`` (NPV of cost, unserved compute, each investor's NPV): kind, mean, VaR
        and CVaR (of the loss: cost, unserved compute, or an investor's NPV shortfall).
    fan : DataFrame
        Index ``(year, quantile)`` (quantiles :data:`FAN` as fractions): ``delivered_h100e`` and
        ``unserved_h100e`` across the samples [H100e] (:meth:`fan_wide` pivots it).
    quantiles : DataFrame
        Index ``(output, quantile)``: ``value`` of each output of :attr:`measures` at the
        quantiles :data:`FAN` (:meth:`measures_wide` joins them as columns ``p5`` … ``p95``).
    tornado : DataFrame
        One-at-a-time swings of the NPV of cost (10th to 90th percentile of each input).
    sobol : DataFrame or None
        First-order and total Sobol' indices of the NPV of cost, when asked for.
    stochastic : StochasticPlan or None
        The two-stage stochastic plan of the same scenario, when one was solved with it
        (``fabnet risk --stochastic``): saved and read back with the analysis.
    """

    plan: Plan
    samples: Samples = field(repr=False)
    dataset: xr.Dataset = field(repr=False)
    threshold: float
    alpha: float
    by_year: pd.DataFrame = field(repr=False)
    measures: pd.DataFrame = field(repr=False)
    tornado: pd.DataFrame = field(repr=False)
    fan: pd.DataFrame = field(repr=False)
    quantiles: pd.DataFrame = field(repr=False)
    sobol: pd.DataFrame | None = field(default=None, repr=False)
    stochastic: StochasticPlan | None = field(default=None, repr=False)

    KIND: ClassVar[str] = "risk"
    TITLE: ClassVar[str] = "risk analysis"
    LEGACY_FILES: ClassVar[tuple[str, ...]] = ()

    def fan_wide(self) -> pd.DataFrame:
        """:attr:`fan` with one column per quantile and output, index ``year``:
        ``delivered_p5_h100e`` … ``unserved_p95_h100e`` [H100e]."""
        import pandas as pd

        wide = pd.DataFrame(self.fan.unstack("quantile"))
        wide.columns = [
            f"{str(key[0]).removesuffix('_h100e')}_{_percent_label(float(key[1]))}_h100e"
            for key in wide.columns.to_list()
        ]
        return wide

    def measures_wide(self) -> pd.DataFrame:
        """:attr:`measures` with the quantiles of each output as columns ``p5`` … ``p95``."""
        wide = self.quantiles["value"].unstack("quantile")
        wide.columns = [_percent_label(float(q)) for q in wide.columns]
        return self.measures.join(wide)

    def headline(self) -> dict[str, Any]:
        """Samples; the chance of a shortfall in the last year; the expected unserved compute
        [H100e]; the mean, VaR and CVaR of the plan's cost (NPV, with the penalty) [musd]."""
        out: dict[str, Any] = {
            "scenario": self.plan.scenario.name,
            "samples": len(self.samples),
            "threshold": self.threshold,
            "alpha": self.alpha,
        }
        if len(self.by_year):
            last = self.by_year.index.max()
            out[f"p_shortfall_{int(last)}"] = float(self.by_year.loc[last, "p_shortfall"])
            out["expected_unserved_h100e"] = float(self.by_year["expected_unserved_h100e"].sum())
        if "npv_objective_musd" in self.measures.index:
            cost = self.measures.loc["npv_objective_musd"].to_dict()
            out |= {
                "objective_npv_mean_musd": float(cost["mean"]),
                "objective_npv_var_musd": float(cost["var"]),
                "objective_npv_cvar_musd": float(cost["cvar"]),
            }
        return out

    def _parts(self) -> Parts:
        return Parts(
            tables={
                "by_year": self.by_year,
                "measures": self.measures,
                "fan": self.fan,
                "quantiles": self.quantiles,
                "tornado": self.tornado,
                "sobol": self.sobol,
            },
            meta={"threshold": self.threshold, "alpha": self.alpha},
            datasets={"per_sample": self.dataset},
            children={"plan": self.plan, "samples": self.samples, "stochastic": self.stochastic},
        )

    @classmethod
    def _from_parts(cls, parts: Parts) -> RiskResult:
        from fabnet.planning import Plan
        from fabnet.planning.stochastic import StochasticPlan
        from fabnet.risk.sampling import Samples

        plan, samples = parts.child("plan", Plan), parts.child("samples", Samples)
        two_stage = parts.children.get("stochastic")
        return cls(
            plan=plan,
            samples=samples,
            dataset=parts.datasets["per_sample"],
            threshold=float(parts.meta["threshold"]),
            alpha=float(parts.meta["alpha"]),
            by_year=parts.table("by_year"),
            measures=parts.table("measures"),
            tornado=parts.table("tornado"),
            fan=parts.table("fan"),
            quantiles=parts.table("quantiles"),
            sobol=parts.tables["sobol"],
            stochastic=None if two_stage is None else parts.child("stochastic", StochasticPlan),
        )


#: The files an older fabnet saved for a risk analysis (such a folder may be replaced).
RISK_FILES = (
    "by_year.csv",
    "measures.csv",
    "tornado.csv",
    "sobol.csv",
    "samples_by_year.parquet",
    "samples.parquet",
    "investor_npv.parquet",
)
RiskResult.LEGACY_FILES = RISK_FILES


def _percent_label(quantile: float) -> str:
    """``0.05`` → ``"p5"``: a quantile as the percentile column of a wide table."""
    return f"p{round(float(quantile) * 100):d}"


def _fan(dataset: xr.Dataset) -> pd.DataFrame:
    """Delivered and unserved compute per year at the quantiles :data:`FAN` [H100e]."""
    import pandas as pd

    from fabnet.risk.measures import percentiles

    columns = {}
    for name in ("delivered_h100e", "unserved_h100e"):
        fan = percentiles(dataset[name], FAN).transpose("year", "percentile")
        columns[name] = fan.to_numpy().reshape(-1)
    index = pd.MultiIndex.from_product(
        [dataset["year"].to_numpy().astype(np.int64), [q / 100 for q in FAN]],
        names=["year", "quantile"],
    )
    return pd.DataFrame(columns, index=index)


def _quantiles(dataset: xr.Dataset) -> pd.DataFrame:
    """Each output of :func:`_measures` at the quantiles :data:`FAN`."""
    import pandas as pd

    rows = [
        (name, q / 100, float(np.percentile(values, q)))
        for name, (values, _) in _outputs(dataset).items()
        for q in FAN
    ]
    return pd.DataFrame(rows, columns=["output", "quantile", "value"]).set_index(
        ["output", "quantile"]
    )


def _by_year(dataset: xr.Dataset, threshold: float) -> pd.DataFrame:
    import pandas as pd

    from fabnet.risk.measures import exceedance_probability, probability_ci

    wanted = dataset["wanted_h100e"]
    unserved = dataset["unserved_h100e"]
    share = (unserved / wanted.where(wanted > 0)).fillna(0.0)
    n = dataset.sizes["sample"]
    p = exceedance_probability(share, threshold)
    low, high = probability_ci(p.to_numpy(), n, 0.95)
    return pd.DataFrame(
        {
            "p_shortfall": p.to_numpy(),
            "p_shortfall_low": low,
            "p_shortfall_high": high,
            "expected_unserved_h100e": unserved.mean("sample").to_numpy(),
            "expected_wanted_h100e": wanted.mean("sample").to_numpy(),
        },
        index=pd.Index(dataset["year"].to_numpy(), name="year"),
    )


def _outputs(dataset: xr.Dataset) -> dict[str, tuple[np.ndarray, str]]:
    """The outputs measured, each with its samples and kind (``cost``: higher is worse;
    ``value``: lower is worse): the NPVs of objective and cost, the unserved compute over the
    horizon, and each investor's NPV."""
    outputs: dict[str, tuple[np.ndarray, str]] = {
        "npv_objective_musd": (dataset["npv_objective_musd"].to_numpy(), "cost"),
        "npv_cost_musd": (dataset["npv_cost_musd"].to_numpy(), "cost"),
        "unserved_h100e": (dataset["unserved_h100e"].sum("year").to_numpy(), "cost"),
    }
    for investor in dataset["investor"].to_numpy():
        values = dataset["investor_npv_musd"].sel(investor=investor).to_numpy()
        outputs[f"npv_{investor}_musd"] = (values, "value")
    return outputs


def _measures(dataset: xr.Dataset, alpha: float) -> pd.DataFrame:
    """Risk measures of each output, on the loss side (higher is worse)."""
    import pandas as pd

    from fabnet.risk.measures import conditional_value_at_risk, value_at_risk

    rows = []
    for name, (values, kind) in _outputs(dataset).items():
        loss = values if kind == "cost" else -values
        var = float(value_at_risk(loss, alpha))
        cvar = float(conditional_value_at_risk(loss, alpha))
        rows.append(
            {
                "output": name,
                "kind": kind,
                "mean": float(values.mean()),
                # Expressed in the output's own sign: for a value, the low tail.
                "var": var if kind == "cost" else -var,
                "cvar": cvar if kind == "cost" else -cvar,
            }
        )
    return pd.DataFrame(rows).set_index("output")


def _fixed_samples(samples: Samples, values: pd.DataFrame) -> Samples:
    """Samples at given input values with every event off (for one-at-a-time and Sobol' runs)."""
    from dataclasses import replace

    n = len(values)
    n_years = len(samples.years) if samples.years is not None else 0
    events = {name: np.zeros((n, n_years), dtype=bool) for name in samples.events}
    return replace(
        samples, values=values.reset_index(drop=True).rename_axis("sample"), events=events
    )


def _npv_model(arrays: PlanArrays, samples: Samples, names: list[str], base: pd.Series) -> Any:
    """The NPV of cost as a function of some inputs, shape (d, m) → (m,) (scipy's convention);
    the other inputs stay at ``base`` and every event is off."""
    import pandas as pd

    from fabnet.risk.evaluation import evaluate

    def model(points: np.ndarray) -> np.ndarray:
        frame = pd.DataFrame(np.atleast_2d(points).T, columns=names)
        for other, value in base.items():
            if other not in frame:
                frame[other] = value
        frame = frame[list(base.index)]
        out = evaluate(arrays, _fixed_samples(samples, frame))
        return np.asarray(out["npv_objective_musd"].to_numpy(), dtype=float)

    return model


def analyse(
    plan: Plan,
    *,
    samples: int = 10_000,
    seed: int = 0,
    method: str = "lhs",
    threshold: float = 0.05,
    alpha: float = 0.95,
    chunk_size: int | None = None,
    sobol_samples: int | None = None,
    catalog: Catalog | None = None,
    on_progress: Callable[[str, int, int], None] | None = None,
) -> RiskResult:
    """Draw the plan scenario's uncertain inputs, evaluate the plan and summarise its risk.

    Parameters
    ----------
    plan : Plan
        A solved plan; its scenario's ``uncertainty`` block is sampled.
    samples : int
        Samples drawn.
    seed : int
        Seed of the draw: the same seed gives the same results, bit for bit.
    method : {'mc', 'lhs', 'sobol'}
        Plain Monte Carlo, Latin hypercube or scrambled Sobol' points.
    threshold : float
        A year is short when more than this share of its compute goes unserved.
    alpha : float
        Confidence level of VaR and CVaR.
    chunk_size : int, optional
        Samples evaluated at once (results do not depend on it).
    sobol_samples : int, optional
        Base size (a power of 2) of the Sobol' sensitivity analysis of the NPV of cost; none:
        skipped (it evaluates the plan ``n·(d + 2)`` more times).
    on_progress : callable, optional
        ``on_progress(step, done, total)``: ``("samples", k, samples)`` as the samples are
        evaluated, then ``("Sobol' indices", 0, n·(d + 2))`` before that analysis.

    Raises
    ------
    ParameterError
        For ``samples`` below 1, ``sobol_samples`` not a power of 2, ``threshold`` outside
        [0, 1) or ``alpha`` outside (0, 1).

    Examples
    --------
    >>> import fabnet
    >>> from fabnet.risk import analyse
    >>> result = analyse(fabnet.plan("altman-2024", shadow_prices=False), samples=512, seed=3)
    >>> bool(result.by_year["p_shortfall"].between(0, 1).all())
    True
    """
    from fabnet.risk.evaluation import DEFAULT_CHUNK, evaluate, plan_arrays
    from fabnet.risk.measures import sobol_indices, tornado
    from fabnet.risk.sampling import draw, frozen, one_at_a_time

    if isinstance(samples, bool) or not isinstance(samples, int | np.integer) or samples < 1:
        raise ParameterError("samples", "an integer >= 1", samples)
    if sobol_samples is not None and (
        isinstance(sobol_samples, bool)
        or not isinstance(sobol_samples, int | np.integer)
        or sobol_samples < 2
        or sobol_samples & (sobol_samples - 1)
    ):
        raise ParameterError("sobol_samples", "a power of 2 (>= 2)", sobol_samples)
    if not 0.0 <= threshold < 1.0:
        raise ParameterError("threshold", "in [0, 1)", threshold)
    if not 0.0 < alpha < 1.0:
        raise ParameterError("alpha", "in (0, 1)", alpha)
    began = time.perf_counter()
    # Without uncertain inputs every sample is the plan's own world: the measures are its
    # figures (no spread), the tornado and Sobol' tables are empty.
    uncertainty = plan.scenario.uncertainty
    arrays = plan_arrays(plan, catalog)
    drawn = draw(uncertainty, samples, seed=seed, method=method, years=plan.scenario.years)  # type: ignore[arg-type]
    counted = None if on_progress is None else (lambda k: on_progress("samples", k, samples))
    dataset = evaluate(arrays, drawn, chunk_size=chunk_size or DEFAULT_CHUNK, on_chunk=counted)
    logger.info(
        "evaluated the plan of %s on %s samples (%s, seed %d) in %.1f s",
        plan.scenario.name,
        f"{samples:,}",
        method,
        seed,
        time.perf_counter() - began,
    )

    settings = one_at_a_time(uncertainty)
    names = [str(n) for n in settings.index]
    model = _npv_model(arrays, drawn, names, settings["base"])
    swings = (
        tornado(
            lambda point: float(model(np.array([[point[n]] for n in names]))[0]),
            settings["base"],
            settings["low"],
            settings["high"],
        )
        if names
        else _empty_tornado()
    )
    sobol = None
    if sobol_samples is not None and names:
        dists = {
            spec.id: frozen(spec)  # type: ignore[arg-type]
            for spec in uncertainty.inputs
            if spec.id in names and spec.distribution != "empirical"
        }
        kept = list(dists)
        if kept:
            if on_progress is not None:
                on_progress("Sobol' indices", 0, sobol_samples * (len(kept) + 2))
            sobol = sobol_indices(
                _npv_model(arrays, drawn, kept, settings["base"]), dists, sobol_samples, seed=seed
            )
    return RiskResult(
        plan=plan,
        samples=drawn,
        dataset=dataset,
        threshold=threshold,
        alpha=alpha,
        by_year=_by_year(dataset, threshold),
        measures=_measures(dataset, alpha),
        tornado=swings,
        fan=_fan(dataset),
        quantiles=_quantiles(dataset),
        sobol=sobol,
    )


def _empty_tornado() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        columns=["input", "low_value", "high_value", "output_low", "output_high", "swing"]
    )
