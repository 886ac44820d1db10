"""The commune boundaries shipped in seeds/ (the offline map) and the EPCI outlines drawn from them, read once
per process."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from functools import lru_cache
from pathlib import Path

from erbm_desk.domain.figures import CommuneShape
from erbm_desk.paths import SEEDS_DIR

@lru_cache(maxsize=4)
def commune_shapes(path: str | Path = SEEDS_DIR / "communes.geojson") -> dict[str, CommuneShape]:
    """The commune boundaries shipped in seeds/ (offline map), keyed by INSEE code. Read once."""
    with open(path, encoding="utf-8") as fh:
        collection = json.load(fh)
    shapes = {}
    for feature in collection["features"]:
        props, geom = feature["properties"], feature["geometry"]
        polygons = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        rings = tuple(tuple((float(x), float(y)) for x, y in polygon[0]) for polygon in polygons)
        shapes[props["insee_code"]] = CommuneShape(props["insee_code"], props["name"], props["epci_siren"], rings)
    return shapes


def _distance(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = dx * dx + dy * dy
    t = 0.0 if not length else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length))
    return math.hypot(p[0] - a[0] - t * dx, p[1] - a[1] - t * dy)


OUTLINE_TOLERANCE = 0.0013  # degrees (≈ 150 m): neighbouring communes' simplified borders differ by less


@lru_cache(maxsize=4)
def epci_outlines(path: str | Path = SEEDS_DIR / "communes.geojson") -> dict[str, tuple]:
    """Per EPCI SIREN, the boundary segments ((x0, y0), (x1, y1)) of its communes that border no other commune
    of the same EPCI: the EPCI's outline, without a geometry library.

    The shipped boundaries are simplified commune by commune, so two neighbours rarely share their vertices:
    a segment is inner when its midpoint lies within OUTLINE_TOLERANCE of another commune of the same EPCI."""
    cell = 0.01
    segments: list[tuple] = []
    grid: dict[tuple[int, int], list[int]] = defaultdict(list)
    for shape in commune_shapes(path).values():
        for ring in shape.rings:
            for a, b in zip(ring, ring[1:]):
                if a == b:
                    continue
                index = len(segments)
                segments.append((a, b, shape.insee_code, shape.epci_siren))
                for gx in range(int(min(a[0], b[0]) // cell), int(max(a[0], b[0]) // cell) + 1):
                    for gy in range(int(min(a[1], b[1]) // cell), int(max(a[1], b[1]) // cell) + 1):
                        grid[(gx, gy)].append(index)
    outlines: dict[str, list] = defaultdict(list)
    for a, b, insee, siren in segments:
        mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
        gx, gy = int(mid[0] // cell), int(mid[1] // cell)
        inner = any(
            segments[j][2] != insee and segments[j][3] == siren
            and _distance(mid, segments[j][0], segments[j][1]) < OUTLINE_TOLERANCE
            for dx in (-1, 0, 1) for dy in (-1, 0, 1) for j in grid.get((gx + dx, gy + dy), ())
        )
        if not inner:
            outlines[siren].append((a, b))
    return {siren: tuple(segs) for siren, segs in outlines.items()}
