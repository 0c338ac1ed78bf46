"""fabnet — plan a global network of AI-chip fabrication plants.

The public API is re-exported here; everything else is internal. Importing fabnet reads no file
and imports no heavy library.
"""

from fabnet._version import __version__
from fabnet.exceptions import CatalogError, FabnetError, ParameterError, ScenarioError

__all__ = [
    "CatalogError",
    "FabnetError",
    "ParameterError",
    "ScenarioError",
    "__version__",
]
