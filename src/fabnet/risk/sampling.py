"""Draw samples of a scenario's uncertain inputs, with their rank correlations.

:func:`draw` turns the ``uncertainty`` block of a scenario into a :class:`Samples`: one value per
sample for every continuous or empirical input, and for every disruption event one yes/no per
sample and year saying whether the event *starts* that year. The draw has three steps:

1. **Points in the unit cube** ``[0, 1)^d`` by the ``method``: ``"mc"`` (plain Monte Carlo,
   numpy's PCG64), ``"lhs"`` (Latin hypercube: each of the ``n`` equal strata of every dimension
   holds exactly one point) or ``"sobol"`` (scrambled Sobol' points: each of the ``n`` strata
   holds one point when ``n`` is a power of two; other ``n`` are allowed but lose that balance).
   The dimensions are, in this order: the continuous and empirical inputs as declared, then for
   each event (as declared) one dimension per year. Changing that order changes the draws.
2. **Rank correlations by a Gaussian copula.** The declared Spearman correlations ``ρ_s`` become
   correlations ``r = 2 sin(π ρ_s / 6)`` of standard normals (the relation for a bivariate
   normal); the uniforms of the correlated inputs go to normals, are mixed by the Cholesky factor
   of that matrix and come back to uniforms. Spearman's ρ survives any increasing transform, so
   the inputs reach the declared ``ρ_s`` whatever their marginals (up to ties of empirical ones).
   The mixing keeps the Latin-hypercube or Sobol' balance only for inputs that no correlation
   names: a correlated input is as well spread as a Monte Carlo one, no better.
3. **Marginals**: each uniform goes through its input's inverse CDF (:func:`marginal_ppf`); an
   event starts in a year when its uniform is below ``annual_probability``.

Events are independent of everything else: a correlation naming one is refused.

References
----------
.. [1] McKay, M. D., Beckman, R. J. and Conover, W. J. (1979). A comparison of three methods for
   selecting values of input variables in the analysis of output from a computer code.
   *Technometrics* 21(2), 239–245. doi:10.1080/00401706.1979.10489755
.. [2] Sobol', I. M. (1967). On the distribution of points in a cube and the approximate
   evaluation of integrals. *USSR Comput. Math. Math. Phys.* 7(4), 86–112.
.. [3] Owen, A. B. (1998). Scrambling Sobol' and Niederreiter–Xing points. *J. Complexity*
   14(4), 466–489. doi:10.1006/jcom.1998.0487
.. [4] Kruskal, W. H. (1958). Ordinal measures of association. *JASA* 53(284), 814–861
   (ρ_s = (6/π) arcsin(r/2) for a bivariate normal). doi:10.1080/01621459.1958.10501481
.. [5] Clemen, R. T. and Reilly, T. (1999). Correlations and copulas for decision and risk
   analysis. *Management Science* 45(2), 208–224. doi:10.1287/mnsc.45.2.208
"""

from __future__ import annotations

import inspect
import itertools
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Final, Literal, Protocol, TypeAlias, cast

import numpy as np
import numpy.typing as npt

from fabnet.exceptions import ParameterError
from fabnet.results import Parts, Stored
from fabnet.scenario._uncertainty import (
    Correlation,
    Empirical,
    Event,
    LogNormal,
    Normal,
    Triangular,
    TruncatedNormal,
    Uncertainty,
    Uniform,
)
from fabnet.silicon._array import FloatOrArray, as_float_array, float_like, require

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

__all__ = [
    "METHODS",
    "InverseCDF",
    "Marginal",
    "Method",
    "Samples",
    "draw",
    "frozen",
    "marginal_ppf",
    "one_at_a_time",
]

Method: TypeAlias = Literal["mc", "lhs", "sobol"]
#: The ways :func:`draw` fills the unit cube.
METHODS: Final[tuple[Method, ...]] = ("mc", "lhs", "sobol")
#: A continuous input: what :func:`frozen` turns into a scipy distribution.
Continuous: TypeAlias = Normal | TruncatedNormal | LogNormal | Triangular | Uniform
#: An input with one value per sample (anything but an event).
Marginal: TypeAlias = Continuous | Empirical
BoolArray: TypeAlias = npt.NDArray[np.bool_]

#: Uniforms are kept in [2⁻⁵³, 1 − 2⁻⁵³] so that unbounded inverse CDFs stay finite (about ±8.2
#: standard deviations of a normal).
_TINY: Final = 2.0**-53


class InverseCDF(Protocol):
    """Anything with a vectorised inverse CDF ``ppf`` (a frozen scipy distribution)."""

    def ppf(self, q: npt.ArrayLike) -> Any:
        """Return the ``q``-quantiles."""


@dataclass(frozen=True, eq=False)
class Samples(Stored):
    """Samples of a scenario's uncertain inputs. Build it with :func:`draw`.

    Equality is identity; compare the :attr:`values` and :attr:`events` to compare contents.

    Attributes
    ----------
    values : pandas.DataFrame
        One float column per continuous or empirical input (by id, as declared), one row per
        sample; the index is named ``sample`` (``0 … n−1`` for a fresh draw).
    events : Mapping of str to numpy.ndarray of bool
        For each event id, an array of shape ``(n, len(years))``: whether the event starts in that
        sample and year. Read-only.
    uncertainty : fabnet.scenario.Uncertainty
        The declaration that was sampled (event severities and durations are read from it).
    method : {'mc', 'lhs', 'sobol'}
        How the unit cube was filled.
    seed : int
        The seed of the draw.
    years : tuple of int or None
        The calendar years of the event columns (``None`` when none were given).

    Examples
    --------
    >>> from fabnet.scenario import Uncertainty
    >>> uncertainty = Uncertainty.model_validate({"inputs": [
    ...     {"id": "overrun", "target": "capex_overrun", "distribution": "triangular",
    ...      "low": 1.0, "mode": 1.1, "high": 2.0, "source": "estimate"},
    ...     {"id": "quake", "target": "disruption", "distribution": "bernoulli",
    ...      "annual_probability": 0.02, "capacity_lost": 0.3, "duration_years": 1,
    ...      "source": "estimate"}]})
    >>> samples = draw(uncertainty, 100, seed=0, years=[2030, 2031])
    >>> dict(samples.to_xarray().sizes)
    {'sample': 100, 'year': 2}
    >>> worst = samples.subset(samples.values["overrun"].to_numpy() > 1.6)
    >>> bool((worst.values["overrun"] > 1.6).all())
    True
    """

    values: pd.DataFrame
    events: Mapping[str, BoolArray]
    uncertainty: Uncertainty
    method: Method
    seed: int
    years: tuple[int, ...] | None

    KIND: ClassVar[str] = "samples"

    def __len__(self) -> int:
        return len(self.values)

    def _parts(self) -> Parts:
        """The values as a table; the events as the (sample, year) positions where one starts
        (they are rare), with each event's array shape."""
        import pandas as pd

        rows = [
            (name, int(i), int(j))
            for name, onsets in self.events.items()
            for i, j in np.argwhere(onsets)
        ]
        onsets = pd.DataFrame(
            {
                "event": pd.Series([r[0] for r in rows], dtype="str"),
                "row": pd.Series([r[1] for r in rows], dtype="int64"),
                "column": pd.Series([r[2] for r in rows], dtype="int64"),
            }
        )
        return Parts(
            tables={"values": self.values, "onsets": onsets},
            meta={
                "events": {name: list(onsets.shape) for name, onsets in self.events.items()},
                "uncertainty": self.uncertainty.model_dump(mode="json"),
                "method": self.method,
                "seed": self.seed,
                "years": None if self.years is None else list(self.years),
            },
        )

    @classmethod
    def _from_parts(cls, parts: Parts) -> Samples:
        from fabnet.scenario._uncertainty import Uncertainty

        onsets = parts.tables["onsets"]
        assert onsets is not None
        assert parts.tables["values"] is not None
        events: dict[str, BoolArray] = {}
        for name, shape in parts.meta["events"].items():
            array = np.zeros(tuple(shape), dtype=bool)
            mine = onsets[onsets["event"] == name]
            array[mine["row"].to_numpy(), mine["column"].to_numpy()] = True
            events[name] = _read_only(array)
        years = parts.meta["years"]
        return cls(
            values=parts.tables["values"],
            events=MappingProxyType(events),
            uncertainty=Uncertainty.model_validate(parts.meta["uncertainty"]),
            method=parts.meta["method"],
            seed=int(parts.meta["seed"]),
            years=None if years is None else tuple(int(y) for y in years),
        )

    @property
    def event_specs(self) -> dict[str, Event]:
        """The declared events by id (probability, capacity lost, duration)."""
        return {x.id: x for x in self.uncertainty.inputs if isinstance(x, Event)}

    def to_xarray(self) -> xr.Dataset:
        """The samples as a Dataset: one variable per input, dims ``sample`` (and ``year``).

        Continuous inputs are float variables over ``sample``; events are bool variables over
        ``(sample, year)``. ``method`` and ``seed`` are kept as attributes.
        """
        import xarray as xr

        data: dict[str, Any] = {
            str(name): ("sample", column.to_numpy()) for name, column in self.values.items()
        }
        data |= {name: (("sample", "year"), onsets) for name, onsets in self.events.items()}
        coords: dict[str, Any] = {"sample": self.values.index.to_numpy()}
        if self.years is not None:
            coords["year"] = list(self.years)
        return xr.Dataset(data, coords=coords, attrs={"method": self.method, "seed": self.seed})

    def subset(self, indices: npt.ArrayLike) -> Samples:
        """The samples at the given positions (``0 … n−1``) or where a boolean mask is true.

        The rows keep their ``sample`` labels, so a subset (of a subset …) can be traced back to
        the original draw.
        """
        positions = np.asarray(indices)
        if positions.dtype == np.bool_:
            positions = np.flatnonzero(positions)
        elif positions.size and not np.issubdtype(positions.dtype, np.integer):
            raise ParameterError("indices", "integer positions or a boolean mask", indices)
        positions = positions.astype(np.intp)
        events = {name: _read_only(onsets[positions]) for name, onsets in self.events.items()}
        return Samples(
            values=self.values.iloc[positions],
            events=MappingProxyType(events),
            uncertainty=self.uncertainty,
            method=self.method,
            seed=self.seed,
            years=self.years,
        )


def draw(
    uncertainty: Uncertainty,
    n: int,
    *,
    seed: int,
    method: Method = "mc",
    years: Iterable[int] | None = None,
) -> Samples:
    """Draw ``n`` samples of the uncertain inputs, with their rank correlations.

    Parameters
    ----------
    uncertainty : fabnet.scenario.Uncertainty
        The inputs (distributions) and rank correlations to sample.
    n : int
        Number of samples [-], ≥ 1.
    seed : int
        Seed (≥ 0). The same ``(uncertainty, n, seed, method, years)`` gives the same bytes.
    method : {'mc', 'lhs', 'sobol'}, default 'mc'
        Monte Carlo, Latin hypercube or scrambled Sobol' points (see the module notes).
    years : iterable of int, optional
        Calendar years in which events may start, strictly increasing. Required when the
        uncertainty declares an event.

    Returns
    -------
    Samples
        ``values`` of shape ``(n, number of continuous and empirical inputs)`` and, per event, a
        bool array of shape ``(n, len(years))``.

    Raises
    ------
    ParameterError
        For an unknown ``method``, ``n < 1``, a negative seed, missing or unordered ``years``,
        duplicate input ids, a correlation naming an event, an unknown or repeated pair, or
        rank correlations that cannot hold together (the normal correlation matrix is not
        positive definite; ``|ρ| = 1`` is such a case: declare one input instead of two).

    Notes
    -----
    With ``method="sobol"`` and ``n`` not a power of two, scipy's warning about the lost balance
    is silenced: the points are still a valid low-discrepancy sample, only not balanced.

    Examples
    --------
    >>> from fabnet.scenario import Uncertainty
    >>> uncertainty = Uncertainty.model_validate({
    ...     "inputs": [
    ...         {"id": "growth", "target": "demand_growth", "distribution": "lognormal",
    ...          "median": 1.0, "sigma": 0.15, "source": "estimate"},
    ...         {"id": "quake", "target": "disruption", "distribution": "bernoulli",
    ...          "annual_probability": 0.01, "capacity_lost": 0.5, "duration_years": 1,
    ...          "source": "estimate"},
    ...     ],
    ... })
    >>> samples = draw(uncertainty, 1000, seed=7, method="lhs", years=range(2025, 2031))
    >>> len(samples), samples.values.shape, samples.events["quake"].shape
    (1000, (1000, 1), (1000, 6))
    """
    if method not in METHODS:
        raise ParameterError("method", "one of " + ", ".join(map(repr, METHODS)), method)
    n = _integer(n, "n", minimum=1)
    seed = _integer(seed, "seed", minimum=0)
    ids = [x.id for x in uncertainty.inputs]
    repeated = sorted({i for i in ids if ids.count(i) > 1})
    if repeated:
        raise ParameterError("uncertainty.inputs", "distinct ids", ", ".join(repeated))
    marginals: list[Marginal] = [x for x in uncertainty.inputs if not isinstance(x, Event)]
    events = [x for x in uncertainty.inputs if isinstance(x, Event)]
    year_tuple = _years(years, events)
    mixing = copula(uncertainty.correlations, marginals, events)

    n_years = len(year_tuple or ())
    cube = _unit_cube(n, len(marginals) + len(events) * n_years, seed, method)
    u = cube[:, : len(marginals)]
    if mixing is not None:
        columns, cholesky = mixing
        from scipy.special import ndtr, ndtri  # type: ignore[import-untyped]

        u[:, columns] = ndtr(ndtri(_open(u[:, columns])) @ cholesky.T)
    u = _open(u)

    import pandas as pd

    values = pd.DataFrame(
        {x.id: marginal_ppf(x, u[:, j]) for j, x in enumerate(marginals)},
        index=pd.RangeIndex(n, name="sample"),
        columns=[x.id for x in marginals],
        dtype=np.float64,
    )
    starts = cube[:, len(marginals) :].reshape(n, len(events), n_years)
    onsets = {
        x.id: _read_only(starts[:, k, :] < x.annual_probability) for k, x in enumerate(events)
    }
    return Samples(
        values=values,
        events=MappingProxyType(onsets),
        uncertainty=uncertainty,
        method=method,
        seed=seed,
        years=year_tuple,
    )


def frozen(dist: Continuous) -> InverseCDF:
    """The scipy frozen distribution of a continuous scenario input.

    ===================  =============================================================
    distribution         scipy
    ===================  =============================================================
    ``normal``           ``norm(loc=mean, scale=sd)``
    ``truncated_normal`` ``truncnorm((low − mean)/sd, (high − mean)/sd, mean, sd)``
    ``lognormal``        ``lognorm(s=sigma, scale=median)``
    ``triangular``       ``triang((mode − low)/(high − low), low, high − low)``
    ``uniform``          ``uniform(loc=low, scale=high − low)``
    ===================  =============================================================

    Parameters
    ----------
    dist : Normal, TruncatedNormal, LogNormal, Triangular or Uniform
        A continuous input of the scenario's uncertainty block (in the input's own unit).

    Returns
    -------
    scipy.stats frozen distribution
        With ``ppf``, ``cdf``, ``mean``, ``std`` … in the input's unit.

    Raises
    ------
    ParameterError
        For an event or an empirical input (no scipy continuous distribution stands for them).

    Examples
    --------
    >>> from fabnet.scenario._uncertainty import LogNormal
    >>> growth = LogNormal(id="g", target="demand_growth", distribution="lognormal",
    ...                    median=2.0, sigma=0.5, source="estimate")
    >>> float(frozen(growth).median())
    2.0
    """
    from scipy import stats  # type: ignore[import-untyped]

    match dist:
        case Normal():
            result = stats.norm(loc=dist.mean, scale=dist.sd)
        case TruncatedNormal():
            a, b = (dist.low - dist.mean) / dist.sd, (dist.high - dist.mean) / dist.sd
            result = stats.truncnorm(a, b, loc=dist.mean, scale=dist.sd)
        case LogNormal():
            result = stats.lognorm(s=dist.sigma, scale=dist.median)
        case Triangular():
            width = dist.high - dist.low
            result = stats.triang((dist.mode - dist.low) / width, loc=dist.low, scale=width)
        case Uniform():
            result = stats.uniform(loc=dist.low, scale=dist.high - dist.low)
        case _:
            raise ParameterError("dist", "a continuous distribution", _describe(dist))
    return cast(InverseCDF, result)


def marginal_ppf(dist: Marginal, u: npt.ArrayLike) -> FloatOrArray:
    """Inverse CDF of one input: the value below which a share ``u`` of its draws lie.

    Continuous inputs use :func:`frozen`; an empirical input returns the smallest of its values
    (sorted ascending) whose cumulative weight reaches ``u``, i.e. ``inf{x : F(x) ≥ u}``.

    Parameters
    ----------
    dist : Normal, TruncatedNormal, LogNormal, Triangular, Uniform or Empirical
        The input's distribution.
    u : array_like
        Probabilities [-] in [0, 1]. ``0`` and ``1`` give the ends of the support, which may be
        infinite.

    Returns
    -------
    float, numpy.ndarray or pandas.Series
        Quantiles in the input's unit, of the kind and shape of ``u``.

    Raises
    ------
    ParameterError
        For ``u`` outside [0, 1] (or NaN), or an event (it has no values, only onsets).

    Examples
    --------
    >>> from fabnet.scenario._uncertainty import Empirical
    >>> nodes = Empirical(id="node", target="d0_learning_speed", distribution="empirical",
    ...                   values=[3.0, 1.0, 2.0], weights=[0.5, 0.25, 0.25], source="estimate")
    >>> marginal_ppf(nodes, [0.1, 0.25, 0.3, 0.5, 0.51, 1.0]).tolist()
    [1.0, 1.0, 2.0, 2.0, 3.0, 3.0]
    """
    q = as_float_array(u, "u")
    require((q >= 0) & (q <= 1), q, "u", "in [0, 1]")
    if isinstance(dist, Empirical):
        values = np.asarray(dist.values, dtype=np.float64)
        weights = np.ones_like(values) if dist.weights is None else np.asarray(dist.weights)
        order = np.argsort(values, kind="stable")
        cumulative = np.cumsum(weights[order], dtype=np.float64)
        # x / x is exactly 1, so the last value (or the last with weight) is reached at u = 1.
        result = values[order][np.searchsorted(cumulative / cumulative[-1], q, side="left")]
    else:
        result = np.asarray(frozen(dist).ppf(q), dtype=np.float64)
    return float_like(result, u)


def one_at_a_time(uncertainty: Uncertainty, *, low: float = 0.1, high: float = 0.9) -> pd.DataFrame:
    """Low, median and high quantiles of every continuous and empirical input (for a tornado).

    Parameters
    ----------
    uncertainty : fabnet.scenario.Uncertainty
        The declared inputs; events are left out.
    low, high : float, default 0.1 and 0.9
        Probabilities [-] of the low and high settings, ``0 < low < 0.5 < high < 1``. The 10th
        and 90th percentiles are the usual swing of a tornado diagram (Howard, 1988,
        *Management Science* 34(6), 679–695).

    Returns
    -------
    pandas.DataFrame
        Index ``input`` (ids as declared), float columns ``low``, ``base`` (the median) and
        ``high``, in each input's unit; its columns feed :func:`fabnet.risk.tornado`.

    Raises
    ------
    ParameterError
        When the quantile levels are not ``0 < low < 0.5 < high < 1``.

    Examples
    --------
    >>> from fabnet.scenario import Uncertainty
    >>> uncertainty = Uncertainty.model_validate({"inputs": [
    ...     {"id": "price", "target": "wafer_price", "distribution": "uniform",
    ...      "low": 0.8, "high": 1.2, "source": "estimate"}]})
    >>> one_at_a_time(uncertainty).round(3).to_dict("index")
    {'price': {'low': 0.84, 'base': 1.0, 'high': 1.16}}
    """
    if not 0 < low < 0.5:
        raise ParameterError("low", "in (0, 0.5)", low)
    if not 0.5 < high < 1:
        raise ParameterError("high", "in (0.5, 1)", high)
    import pandas as pd

    marginals = [x for x in uncertainty.inputs if not isinstance(x, Event)]
    levels = np.array([low, 0.5, high])
    rows = np.array([marginal_ppf(x, levels) for x in marginals]).reshape(-1, 3)
    index = pd.Index([x.id for x in marginals], name="input")
    return pd.DataFrame(rows, index=index, columns=["low", "base", "high"])


def _describe(dist: object) -> str:
    kind = getattr(dist, "distribution", type(dist).__name__)
    return f"{kind} input {getattr(dist, 'id', '?')!r}"


def _open(u: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """``u`` kept off 0 and 1, so that normal quantiles stay finite."""
    return np.clip(u, _TINY, 1.0 - _TINY)


def _read_only(array: BoolArray) -> BoolArray:
    array.flags.writeable = False
    return array


def _years(years: Iterable[int] | None, events: Sequence[Event]) -> tuple[int, ...] | None:
    if years is None:
        if events:
            names = ", ".join(repr(x.id) for x in events)
            raise ParameterError("years", f"the years to sample when events ({names}) exist", None)
        return None
    values = list(years)
    integers = values and all(_is_integer(y) for y in values)
    if not integers or any(b <= a for a, b in itertools.pairwise(values)):
        raise ParameterError("years", "a non-empty, strictly increasing list of integers", values)
    return tuple(int(y) for y in values)


def _is_integer(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _integer(value: object, parameter: str, *, minimum: int) -> int:
    if not _is_integer(value) or int(cast(int, value)) < minimum:
        raise ParameterError(parameter, f"an integer >= {minimum}", value)
    return int(cast(int, value))


def copula(
    correlations: Sequence[Correlation], marginals: Sequence[Marginal], events: Sequence[Event]
) -> tuple[list[int], npt.NDArray[np.float64]] | None:
    """Columns of the correlated inputs and the Cholesky factor of their normal correlations
    (None without correlations); a ParameterError for correlations that cannot hold together.
    ``validate`` runs it too (:mod:`fabnet.scenario._feasible`)."""
    position = {x.id: j for j, x in enumerate(marginals)}
    event_ids = {x.id for x in events}
    pairs: dict[frozenset[str], float] = {}
    for k, pair in enumerate(correlations):
        where = f"uncertainty.correlations[{k}].between"
        if event_ids.intersection(pair.between):
            raise ParameterError(
                where, "continuous or empirical inputs (events are independent)", pair.between
            )
        if not set(pair.between) <= position.keys():
            raise ParameterError(where, "ids of uncertain inputs", pair.between)
        key = frozenset(pair.between)
        if len(key) != 2 or key in pairs:
            raise ParameterError(where, "two distinct inputs, each pair once", pair.between)
        pairs[key] = pair.rho
    if not pairs:
        return None
    columns = sorted({position[i] for key in pairs for i in key})
    index = {column: k for k, column in enumerate(columns)}
    matrix = np.eye(len(columns))
    for key, rho in pairs.items():
        a, b = (index[position[i]] for i in key)
        matrix[a, b] = matrix[b, a] = 2.0 * np.sin(np.pi * rho / 6.0)
    try:
        cholesky = np.linalg.cholesky(matrix).astype(np.float64)
    except np.linalg.LinAlgError:
        declared = "; ".join(f"{p.between[0]}~{p.between[1]} {p.rho:g}" for p in correlations)
        smallest = float(np.linalg.eigvalsh(matrix)[0])
        raise ParameterError(
            "uncertainty.correlations",
            f"rank correlations that can hold together ({declared} cannot: the normal"
            " correlation matrix is not positive definite)",
            f"smallest eigenvalue {smallest:.3g}",
        ) from None
    return columns, cholesky


def _unit_cube(n: int, d: int, seed: int, method: Method) -> npt.NDArray[np.float64]:
    """``n`` points in ``[0, 1)^d`` by ``method``, seeded with numpy's PCG64."""
    if d == 0:
        return np.empty((n, 0))
    rng = np.random.Generator(np.random.PCG64(seed))
    if method == "mc":
        return rng.random((n, d))
    from scipy.stats import qmc  # type: ignore[import-untyped]

    engine_class = qmc.LatinHypercube if method == "lhs" else qmc.Sobol
    engine = engine_class(d, **{_rng_keyword(engine_class, "seed"): rng})
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "The balance properties of Sobol", UserWarning)
        return np.asarray(engine.random(n), dtype=np.float64)


def _rng_keyword(function: Any, legacy: str) -> str:
    """``"rng"`` where ``function`` takes it, else its ``legacy`` name for the random state.

    scipy 1.15 renamed ``seed`` and ``random_state`` to ``rng`` (the old names now head for
    deprecation); fabnet allows scipy ≥ 1.11, whose functions know only the old ones.
    """
    return "rng" if "rng" in inspect.signature(function).parameters else legacy
