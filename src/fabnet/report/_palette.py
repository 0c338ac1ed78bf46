"""Colours and marker symbols of the report, in one place.

Resources take the Okabe–Ito palette and regions Paul Tol's "muted" scheme; both were designed
to stay distinguishable with the common forms of colour-vision deficiency. Fab status is shown
by marker shape as well as by the legend, so no information rests on colour alone.

References
----------
.. [1] M. Okabe and K. Ito, "Color Universal Design (CUD): how to make figures and
   presentations that are friendly to colorblind people", 2008. https://jfly.uni-koeln.de/color/
.. [2] P. Tol, "Colour schemes", SRON technical note SRON/EPS/TN/09-002, issue 3.2, 2021.
   https://personal.sron.nl/~pault/
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = [
    "CATEGORY_CYCLE",
    "FONT_FAMILY",
    "OTHER_COLOR",
    "REGION_COLORS",
    "RESOURCE_COLORS",
    "RESOURCE_ORDER",
    "SERIES_COLORS",
    "SITE_COLOR",
    "SOURCE_COLORS",
    "STATUS_SYMBOLS",
    "color_of",
    "cycle_colors",
    "ordered",
    "rgba",
]

#: Resources in process order: logic nodes from oldest to newest, then memory and packaging.
RESOURCE_ORDER: tuple[str, ...] = ("N7", "N5", "N3", "N2", "A16", "HBM", "COWOS")

#: Okabe–Ito colours per resource [1]_.
RESOURCE_COLORS: dict[str, str] = {
    "N7": "#E69F00",  # orange
    "N5": "#56B4E9",  # sky blue
    "N3": "#009E73",  # bluish green
    "N2": "#0072B2",  # blue
    "A16": "#D55E00",  # vermillion
    "HBM": "#CC79A7",  # reddish purple
    "COWOS": "#000000",  # black
}

#: Paul Tol's "muted" colours per fabnet region [2]_.
REGION_COLORS: dict[str, str] = {
    "TW": "#332288",  # indigo
    "US": "#88CCEE",  # cyan
    "KR": "#44AA99",  # teal
    "JP": "#117733",  # green
    "CN": "#CC6677",  # rose
    "EU": "#DDCC77",  # sand
    "SEA": "#999933",  # olive
    "ME": "#882255",  # wine
    "IN": "#AA4499",  # purple
}

#: Anything not in a palette (Tol's "muted" pale grey).
OTHER_COLOR = "#BBBBBB"

#: Candidate sites on the map (Tol's "muted" rose would clash with CN; a dark grey star).
SITE_COLOR = "#444444"

#: Plotly marker symbols per fab status: filled when it produces, open when it does not yet.
STATUS_SYMBOLS: dict[str, str] = {
    "operating": "circle",
    "building": "circle-open-dot",
    "announced": "circle-open",
    "cancelled": "x-thin-open",
}


def color_of(key: str, palette: dict[str, str]) -> str:
    """The colour of ``key`` in ``palette``, or :data:`OTHER_COLOR`.

    Examples
    --------
    >>> color_of("N3", RESOURCE_COLORS)
    '#009E73'
    >>> color_of("N1", RESOURCE_COLORS)
    '#BBBBBB'
    """
    return palette.get(key, OTHER_COLOR)


def rgba(color: str, opacity: float) -> str:
    """A ``#RRGGBB`` colour with an opacity, as CSS ``rgba()``.

    Examples
    --------
    >>> rgba("#0072B2", 0.25)
    'rgba(0, 114, 178, 0.25)'
    """
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {opacity:g})"


def ordered(keys: Iterable[str], order: Iterable[str] = RESOURCE_ORDER) -> list[str]:
    """The distinct ``keys`` in ``order``, then any others alphabetically.

    Examples
    --------
    >>> ordered(["HBM", "N3", "X9", "N3", "N7"])
    ['N7', 'N3', 'HBM', 'X9']
    """
    distinct = {str(key) for key in keys}
    known = [key for key in order if key in distinct]
    return known + sorted(distinct - set(known))


#: Lines and bars that are not a resource or a region (Okabe–Ito again [1]_).
SERIES_COLORS: dict[str, str] = {
    "demand": "#000000",  # black: demand is the reference line in every panel
    "wanted": "#000000",
    "deliverable": "#0072B2",  # blue
    "shortfall": "#D55E00",  # vermillion
    "delivered": "#0072B2",  # blue, as deliverable
    "unserved": "#D55E00",  # vermillion, as shortfall
    "shadow_price": "#CC79A7",  # reddish purple
    "existing": "#CCCCCC",  # light grey: the fabs there are, under the new capacity
}

#: Where capex money comes from (Okabe–Ito [1]_).
SOURCE_COLORS: dict[str, str] = {
    "investors": "#0072B2",  # blue
    "grants": "#009E73",  # bluish green
    "debt": "#E69F00",  # orange
}

#: Colours for categories without a palette of their own (investors): Tol's "muted" [2]_, then
#: the Okabe–Ito colours [1]_ other than black; 16 in all before they repeat.
CATEGORY_CYCLE: tuple[str, ...] = (
    *REGION_COLORS.values(),
    *(color for color in RESOURCE_COLORS.values() if color != "#000000"),
)


def cycle_colors(keys: Iterable[str]) -> dict[str, str]:
    """A colour of :data:`CATEGORY_CYCLE` per distinct key, in the order the keys come.

    Examples
    --------
    >>> cycle_colors(["b", "a", "b"])
    {'b': '#332288', 'a': '#88CCEE'}
    """
    colors: dict[str, str] = {}
    for key in keys:
        if key not in colors:
            colors[key] = CATEGORY_CYCLE[len(colors) % len(CATEGORY_CYCLE)]
    return colors


#: Font stack of the figures and the page: local system fonts only, nothing downloaded.
FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
