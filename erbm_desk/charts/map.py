"""The map of the territory, drawn offline from the commune boundaries of seeds/: communes shaded by an
indicator, EPCI outlines, cités as points one can click (`picked_cite`)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.patheffects import withStroke

from erbm_desk.charts.light_axes import add_panel
from erbm_desk.charts.style import (
    ACCENT,
    INK,
    MISSING,
    MUTED,
    PRIMARY,
    SCREEN_DPI,
    SMALL_SIZE,
    fig_title,
    fr_count,
    fr_hours,
    fr_number,
    label,
    new_figure,
    nice_ticks,
    set_tip,
)
from erbm_desk.domain.figures import MAP_INDICATORS, CommuneShape, MapData

CMAP = LinearSegmentedColormap.from_list("erbm_blues", ["#eaf0f6", "#9fbad5", PRIMARY, "#1d3b5a"]).with_extremes(
    bad=MISSING)
CITES_GID = "cites"


def _value_text(indicator: str, value) -> str:
    if indicator == "hours":
        return fr_hours(value)
    if indicator == "people":
        return fr_count(value, "personne")
    return fr_count(value, "logement livré", "logements livrés")


@dataclass(frozen=True)
class _Geometry:
    """What the map draws of the communes whatever the indicator: built once per set of communes."""

    polygons: tuple  # one (n, 2) array per ring, (lon, lat)
    insee_of: tuple[str, ...]  # the commune of each polygon
    names: dict[str, str]
    bounds: tuple[tuple[float, float], tuple[float, float]]
    label_at: dict[str, tuple[float, float]]  # EPCI SIREN -> where its name is written (mean of its vertices)


_GEOMETRIES: dict[tuple, tuple[dict, _Geometry]] = {}


def _geometry(insee_codes: tuple[str, ...], epcis: tuple[str, ...], shapes: dict) -> _Geometry:
    """The geometry of these communes, cached per process (the shapes are read once: `commune_shapes`)."""
    key = (id(shapes), insee_codes, epcis)
    found = _GEOMETRIES.get(key)
    if found is not None and found[0] is shapes:
        return found[1]
    if len(_GEOMETRIES) >= 64:
        _GEOMETRIES.clear()
    geometry = _build_geometry(insee_codes, epcis, shapes)
    _GEOMETRIES[key] = (shapes, geometry)
    return geometry


def _build_geometry(insee_codes: tuple[str, ...], epcis: tuple[str, ...], shapes: dict) -> _Geometry:
    polygons, insee_of, names = [], [], {}
    for insee in insee_codes:
        shape = shapes.get(insee)
        if shape is None:
            continue
        names[insee] = shape.name
        for ring in shape.rings:
            polygons.append(np.asarray(ring, dtype=float))
            insee_of.append(insee)
    if polygons:
        stacked = np.concatenate(polygons)
        bounds = (tuple(stacked.min(axis=0)), tuple(stacked.max(axis=0)))
    else:
        bounds = ((0.0, 0.0), (1.0, 1.0))
    label_at = {}
    for siren in epcis:
        rings = [np.asarray(shape.rings[0]) for insee in insee_codes
                 if (shape := shapes.get(insee)) and shape.epci_siren == siren]
        if rings:
            label_at[siren] = tuple(float(v) for v in np.concatenate(rings).mean(axis=0))
    return _Geometry(tuple(polygons), tuple(insee_of), names, bounds, label_at)


def map_figure(data: MapData, shapes: dict[str, CommuneShape], outlines: dict[str, tuple], *,
               indicator: str = "hours", clickable: bool = True, size=(7.4, 5.2), dpi=SCREEN_DPI,
               into=None) -> Figure:
    """Communes of `data.insee_codes` shaded by `indicator` ('hours', 'people' or 'homes_delivered'); communes
    without a cité in scope stay light grey. The commune collection has gid 'communes' and `erbm_insee` (one
    INSEE code per polygon); the cités' collection has gid 'cites' and `erbm_cite_ids`."""
    fig = new_figure(size, dpi, into)
    title = MAP_INDICATORS[indicator]
    hint = "Cliquer sur une cité pour ouvrir son tableau de bord ; " if clickable else "Points : les cités ; "
    fig_title(fig, f"Carte : {title.lower()} par commune", f"{hint}gris : aucune cité dans le périmètre")
    ax = add_panel(fig, (0.01, 0.1, 0.98, 0.78))
    ax.set_axis_off()

    geometry = _geometry(tuple(data.insee_codes), tuple(data.epcis), shapes)
    values, tips = [], []
    for insee in geometry.insee_of:
        v = data.values.get(insee, {}).get(indicator)
        values.append(np.nan if v is None else float(v))
        name = geometry.names[insee]
        tips.append(f"{name} : {_value_text(indicator, v)}" if v is not None
                    else f"{name} : aucune cité dans le périmètre")
    finite = [v for v in values if not math.isnan(v)]
    norm = Normalize(0, max(finite) if finite and max(finite) > 0 else 1)
    communes = PolyCollection(geometry.polygons, cmap=CMAP, norm=norm, edgecolors="#ffffff", linewidths=0.3)
    communes.set_array(np.ma.masked_invalid(np.array(values, dtype=float)))
    communes.set_gid("communes")
    communes.erbm_insee = list(geometry.insee_of)
    set_tip(communes, tips)
    ax.add_collection(communes, autolim=False)

    segments = [seg for siren in data.epcis for seg in outlines.get(siren, ())]
    ax.add_collection(LineCollection(segments, colors="#4b5563", linewidths=0.9), autolim=False)
    halo = [withStroke(linewidth=2.5, foreground="white")]
    for siren, (x, y) in geometry.label_at.items():
        if siren in data.epci_names:
            label(ax, x, y, data.epci_names[siren], ha="center", va="center", fontsize=SMALL_SIZE, color="#374151",
                  fontweight="bold", path_effects=halo, zorder=4)

    cites = data.cites
    in_scope = [c.in_scope for c in cites]
    points = ax.scatter([c.x for c in cites], [c.y for c in cites], s=[30 if s else 14 for s in in_scope],
                        c=[ACCENT if s else "#ffffff" for s in in_scope],
                        edgecolors=[INK if s else MUTED for s in in_scope], linewidths=0.8, zorder=3,
                        picker=True, pickradius=5)
    points.set_gid(CITES_GID)
    points.erbm_cite_ids = [c.id for c in cites]
    set_tip(points, [c.name for c in cites])

    if geometry.polygons:
        (x0, y0), (x1, y1) = geometry.bounds
        pad = 0.02
        ax.set_xlim(x0 - pad, x1 + pad)
        ax.set_ylim(y0 - pad, y1 + pad * 1.6)
        ax.set_aspect(1 / math.cos(math.radians((y0 + y1) / 2)))

    # The colour scale: a gradient image and a few texts (a Colorbar costs as much as the whole map).
    vmax = norm.vmax
    cax = add_panel(fig, (0.3, 0.055, 0.4, 0.025))
    cax.imshow(np.linspace(0, 1, 256)[None, :], aspect="auto", cmap=CMAP, extent=(0, vmax, 0, 1))
    cax.set_axis_off()
    for t in nice_ticks(vmax, 4):
        if t <= vmax:
            label(cax, t, -0.3, fr_number(t), transform=cax.get_xaxis_transform(), ha="center", va="top",
                     fontsize=SMALL_SIZE, color=INK)
    label(cax, 0.5, 1.25, title, transform=cax.transAxes, ha="center", va="bottom", fontsize=SMALL_SIZE,
             color=MUTED)
    fig.erbm_map = True
    return fig


def picked_cite(event) -> int | None:
    """The id of the cité a matplotlib pick event is about (map point or comparison bar), else None."""
    artist = getattr(event, "artist", None)
    ids = getattr(artist, "erbm_cite_ids", None)
    if ids is not None:
        ind = getattr(event, "ind", None)
        return ids[int(ind[0])] if ind is not None and len(ind) else None
    return getattr(artist, "erbm_cite_id", None)
