"""Cumulative hours of insertion realised month by month, against the hours the operations require."""

from __future__ import annotations

from datetime import date

from matplotlib.figure import Figure

from erbm_desk.charts.light_axes import add_panel
from erbm_desk.charts.style import (
    ACCENT,
    CHART_SIZE,
    PRIMARY,
    SCREEN_DPI,
    category_scale,
    empty_message,
    fig_title,
    fr_hours,
    fr_month,
    frame_axes,
    legend_row,
    new_figure,
    set_tip,
    value_scale,
)
from erbm_desk.domain.figures import MonthlyHours


def _month_labels(months: list[date]) -> tuple[list[int], list[str]]:
    """Positions (month indexes) and labels: each January over long spans, every few months otherwise."""
    if len(months) > 30:
        step = max(1, len(months) // 84 + 1)
        picked = [i for i, m in enumerate(months) if m.month == 1 and (m.year % step == 0)]
        return picked, [str(months[i].year) for i in picked]
    step = max(1, len(months) // 5)
    picked = list(range(0, len(months), step))
    return picked, [fr_month(months[i]) for i in picked]


def hours_figure(hours: MonthlyHours, *, size=CHART_SIZE, dpi=SCREEN_DPI, into=None) -> Figure:
    """Two lines over the months (x = month index 0, 1, …): hours realised and hours required, cumulated."""
    fig = new_figure(size, dpi, into)
    realised = hours.cumulative[-1] if hours.cumulative else 0
    fig_title(fig, "Heures d'insertion cumulées",
              f"{fr_hours(realised)} réalisées ; {fr_hours(hours.required_total)} exigées par les opérations")
    ax = add_panel(fig, (0.13, 0.12, 0.83, 0.62))
    frame_axes(ax)
    if not hours.months:
        empty_message(ax, "Aucune heure saisie sur la période")
        return fig
    xs = list(range(len(hours.months)))
    (done,) = ax.plot(xs, [float(v) for v in hours.cumulative], color=PRIMARY, linewidth=2)
    (required,) = ax.plot(xs, [float(v) for v in hours.required_cumulative], color=ACCENT, linewidth=1.6,
                          linestyle=(0, (4, 2)))
    done.erbm_months = required.erbm_months = hours.months
    set_tip(done, lambda: [f"{fr_month(m)} : {fr_hours(c)} réalisées (dont {fr_hours(h)} dans le mois)"
                           for m, c, h in zip(hours.months, hours.cumulative, hours.realised)])
    set_tip(required, lambda: [f"{fr_month(m)} : {fr_hours(r)} exigées (cumul)"
                               for m, r in zip(hours.months, hours.required_cumulative)])
    done.set_pickradius(4)
    required.set_pickradius(4)
    ax.set_xlim(-0.5, max(len(xs) - 0.5, 0.5))
    value_scale(ax, max(float(max(hours.cumulative)), float(max(hours.required_cumulative))) * 1.05)
    category_scale(ax, *_month_labels(hours.months))
    legend_row(fig, [("réalisées (cumul)", PRIMARY, "line"), ("exigées, réparties sur les mois de travaux", ACCENT,
                                                             "dash")], 0.13, 0.80)
    return fig
