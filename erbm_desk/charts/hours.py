"""Cumulative hours of insertion realised month by month, against the hours the operations require."""

from __future__ import annotations

from datetime import date

from matplotlib.dates import MonthLocator, YearLocator, date2num, num2date
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from erbm_desk.charts.style import (
    ACCENT,
    CHART_SIZE,
    INK,
    MUTED,
    PRIMARY,
    SCREEN_DPI,
    SMALL_SIZE,
    clean_axes,
    empty_message,
    fig_title,
    fr_hours,
    fr_month,
    int_axis,
    new_figure,
    set_tip,
)
from erbm_desk.services.dashboard_data import MonthlyHours


def _month_axis(ax, months: list[date]) -> None:
    span = len(months)
    if span > 30:
        ax.xaxis.set_major_locator(YearLocator(base=max(1, span // 72 + 1)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: str(num2date(v).year)))
    else:
        ax.xaxis.set_major_locator(MonthLocator(interval=max(1, span // 5)))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _p: fr_month(num2date(v).date())))


def hours_figure(hours: MonthlyHours, *, size=CHART_SIZE, dpi=SCREEN_DPI, into=None) -> Figure:
    fig = new_figure(size, dpi, into)
    realised = hours.cumulative[-1] if hours.cumulative else 0
    fig_title(fig, "Heures d'insertion cumulées",
              f"{fr_hours(realised)} réalisées ; {fr_hours(hours.required_total)} exigées par les opérations")
    ax = fig.add_axes((0.13, 0.12, 0.83, 0.66))
    if not hours.months:
        empty_message(ax, "Aucune heure saisie sur la période")
        return fig
    clean_axes(ax, grid_axis="y")
    xs = date2num(hours.months)
    (done,) = ax.plot(xs, [float(v) for v in hours.cumulative], color=PRIMARY, linewidth=2,
                      label="Réalisées (cumul)")
    (required,) = ax.plot(xs, [float(v) for v in hours.required_cumulative], color=ACCENT, linewidth=1.6,
                          linestyle=(0, (4, 2)), label="Exigées, réparties sur les mois de travaux")
    set_tip(done, [f"{fr_month(m)} : {fr_hours(c)} réalisées (dont {fr_hours(h)} dans le mois)"
                   for m, c, h in zip(hours.months, hours.cumulative, hours.realised)])
    set_tip(required, [f"{fr_month(m)} : {fr_hours(r)} exigées (cumul)"
                       for m, r in zip(hours.months, hours.required_cumulative)])
    done.set_pickradius(4)
    required.set_pickradius(4)
    ax.set_xlim(xs[0], xs[-1] if len(xs) > 1 else xs[0] + 30)
    ax.set_ylim(0, max(float(max(hours.cumulative)), float(max(hours.required_cumulative)), 1) * 1.08)
    int_axis(ax.yaxis)
    _month_axis(ax, hours.months)
    ax.legend(loc="upper left", fontsize=SMALL_SIZE, frameon=False, labelcolor=INK)
    ax.set_ylabel("heures", fontsize=SMALL_SIZE, color=MUTED)
    return fig
