"""Homes delivered per year, the pace needed to reach the target by the end of 2027, and where the pace so
far leads."""

from __future__ import annotations

from matplotlib.figure import Figure

from erbm_desk.charts.light_axes import add_panel, limits_by_hand
from erbm_desk.charts.style import (
    ACCENT,
    CHART_SIZE,
    MUTED,
    PRIMARY,
    PRIMARY_LIGHT,
    SCREEN_DPI,
    SMALL_SIZE,
    category_scale,
    fig_title,
    fr_count,
    fr_number,
    frame_axes,
    label,
    new_figure,
    no_clip,
    panel_title,
    rule,
    set_tip,
    value_scale,
)
from erbm_desk.domain.figures import HomesPace


def _homes(n) -> str:
    return fr_count(n, "logement")


def homes_figure(homes: HomesPace, *, size=(CHART_SIZE[0], CHART_SIZE[1] + 0.3), dpi=SCREEN_DPI,
                 into=None) -> Figure:
    fig = new_figure(size, dpi, into)
    if homes.pace_needed is None:
        needed = ""
    elif homes.pace_needed == 0:
        needed = " ; objectif atteint"
    else:
        needed = f" ; il faut {fr_number(homes.pace_needed)}/an d'ici fin 2027"
    fig_title(fig, "Logements livrés",
              f"{_homes(homes.delivered_total)} sur {fr_number(homes.target)} ({homes.target_label}) ; "
              f"rythme actuel {fr_number(homes.pace_current)}/an{needed}")
    years = homes.years
    last_year = homes.as_of.year
    future = [y for y in years if y > last_year]
    odd_years = [y for y in years if y % 2 == 1]

    # Left: deliveries per year, and the pace needed for each year left.
    ax = add_panel(fig, (0.10, 0.12, 0.38, 0.64))
    limits_by_hand(ax)  # set_xlim and value_scale below
    frame_axes(ax)
    past = [(y, d) for y, d in zip(years, homes.delivered) if y <= last_year]
    bars = ax.bar([y for y, _ in past], [d for _, d in past], width=0.7, color=PRIMARY, clip_path=no_clip(ax))
    for bar, (y, d) in zip(bars, past):
        set_tip(bar, lambda y=y, d=d: f"{y} : {_homes(d)} livrés")
        bar.erbm_label, bar.erbm_value = str(y), d
    if homes.pace_needed and future:
        need = ax.bar(future, [float(homes.pace_needed)] * len(future), width=0.7, color="white",
                      edgecolor=ACCENT, linewidth=1.2, hatch="////", clip_path=no_clip(ax))
        for bar, y in zip(need, future):
            set_tip(bar, lambda y=y: f"{y} : {_homes(homes.pace_needed)} à livrer pour tenir l'objectif")
            bar.erbm_label, bar.erbm_value = str(y), homes.pace_needed
        label(ax, sum(future) / len(future), float(homes.pace_needed), "nécessaire", ha="center", va="bottom",
                fontsize=SMALL_SIZE, color=ACCENT)
    rule(ax, float(homes.pace_current), color=MUTED, linewidth=1, linestyle=":")
    label(ax, years[0] - 0.5, float(homes.pace_current), "rythme actuel", ha="left", va="bottom",
            fontsize=SMALL_SIZE, color=MUTED)
    panel_title(ax, "Livrés par an")
    ax.set_xlim(years[0] - 0.6, years[-1] + 0.6)
    top = max([d for _, d in past] + [float(homes.pace_needed or 0), float(homes.pace_current), 1])
    value_scale(ax, top * 1.18, nbins=4)
    category_scale(ax, odd_years, [str(y) for y in odd_years])

    # Right: cumulative deliveries, the projection at the pace so far, the target.
    ax2 = add_panel(fig, (0.60, 0.12, 0.37, 0.64))
    frame_axes(ax2)
    done = [(y, c) for y, c in zip(years, homes.cumulative) if c is not None]
    proj = [(y, p) for y, p in zip(years, homes.projection) if p is not None]
    (line,) = ax2.plot([y for y, _ in done], [c for _, c in done], color=PRIMARY, linewidth=2, marker="o",
                       markersize=3)
    set_tip(line, lambda: [f"fin {y} : {_homes(c)} livrés depuis 2017" for y, c in done])
    (projection,) = ax2.plot([y for y, _ in proj], [p for _, p in proj], color=PRIMARY_LIGHT, linewidth=1.8,
                             linestyle=(0, (4, 2)), marker="o", markersize=3)
    set_tip(projection, lambda: [f"fin {y} : {_homes(p)} au rythme actuel" for y, p in proj])
    if proj:
        label(ax2, proj[-1][0] + 0.3, proj[-1][1], f"projection\n{fr_number(proj[-1][1])}", ha="right",
                 va="bottom", fontsize=SMALL_SIZE, color=PRIMARY, linespacing=1.1)
    rule(ax2, homes.target, color=ACCENT, linewidth=1.2)
    label(ax2, years[0] - 0.3, homes.target, f"{homes.target_label} : {fr_number(homes.target)}", ha="left",
             va="bottom", fontsize=SMALL_SIZE, color=ACCENT)
    panel_title(ax2, "Cumul depuis 2017")
    ax2.set_xlim(years[0] - 0.4, years[-1] + 0.4)
    value_scale(ax2, max(homes.target, homes.projection_2027, homes.delivered_total, 1) * 1.12, nbins=4)
    category_scale(ax2, odd_years, [str(y) for y in odd_years])
    return fig
