"""The EU4 map: ``layers`` (what every mode colours each province, and the timelapse) from
an analysis and a game-data bundle; ``render`` (kernel.eu4.map.render, numpy and Pillow:
the server's PNG) draws them on the bundle's province image. docs/map.md is the design."""

from __future__ import annotations

from kernel.eu4.map._layers import MODES, focus_tags, highlight, layers, state_at
from kernel.eu4.map.types import LegendEntry, MapCountry, MapLayers, MapMode, Timeline

__all__ = [
    "MODES",
    "LegendEntry",
    "MapCountry",
    "MapLayers",
    "MapMode",
    "Timeline",
    "focus_tags",
    "highlight",
    "layers",
    "state_at",
]
