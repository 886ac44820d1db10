"""The insertion clauses on the dashboard and in the bilan: hours by titulaire company (required against
realised) and the lots behind, worst first. Input types from domain/clauses.py."""

from __future__ import annotations

from decimal import Decimal

from matplotlib.figure import Figure

from erbm_desk.charts.light_axes import add_panel
from erbm_desk.charts.style import (
    ACCENT,
    ALERT,
    CHART_SIZE,
    GRID,
    INK,
    LABEL_SIZE,
    MUTED,
    PRIMARY,
    SCREEN_DPI,
    SMALL_SIZE,
    empty_message,
    fig_title,
    figure_size,
    fr_hours,
    fr_number,
    hbars,
    label_margin,
    new_figure,
    panel_title,
)
from erbm_desk.domain.clauses import CompanyLine, LotLine
from erbm_desk.domain.french import format_date

ROW_HEIGHT_IN = 0.22
ZERO = Decimal(0)


def titulaires_figure(rows: list[CompanyLine], *, top_n: int = 15, width: float = CHART_SIZE[0] * 2,
                      dpi=SCREEN_DPI, into=None) -> Figure:
    """The titulaires owing the most hours: hours required and realised side by side, lots behind in the alert
    colour."""
    ranked = sorted(rows, key=lambda c: (-(c.obligation.required or ZERO), c.name))
    shown = ranked[:top_n]
    height = max(CHART_SIZE[1], 1.3 + ROW_HEIGHT_IN * len(shown))
    fig = new_figure((width, height), dpi, into)
    width, height = figure_size(fig)
    more = f"les {len(shown)} premières sur {len(rows)}, " if len(rows) > len(shown) else ""
    fig_title(fig, "Heures d'insertion par entreprise titulaire",
              f"{more}classées par heures exigées ; en rouge, les titulaires en retard sur un lot")
    labels = [f"{c.name} ({c.lots_behind}/{c.lots} lot{'s' if c.lots > 1 else ''} en retard)" if c.lots_behind
              else c.name for c in shown]
    left = label_margin(labels, width, maximum=0.38)
    top, bottom = 1 - 0.85 / height, 0.12 / height
    if not shown:
        empty_message(add_panel(fig, (left, bottom, 0.9 - left, top - bottom)), "Aucun lot dans le périmètre")
        return fig
    gap = 0.02
    panel_w = (0.98 - left - gap) / 2
    required = [c.obligation.required or ZERO for c in shown]
    realised = [c.obligation.realised for c in shown]
    xmax = float(max(max(required), max(realised)) or 1)
    ax = add_panel(fig, (left, bottom, panel_w, top - bottom))
    hbars(ax, labels, required, color=[ALERT if c.lots_behind else ACCENT for c in shown], tip_text=fr_hours,
          xmax=xmax)
    panel_title(ax, "Heures exigées")
    ax = add_panel(fig, (left + panel_w + gap, bottom, panel_w, top - bottom))
    hbars(ax, labels, realised, color=PRIMARY, tip_text=fr_hours, show_labels=False, xmax=xmax)
    panel_title(ax, "Heures réalisées")
    return fig


def lots_behind_figure(rows: list[LotLine], *, max_rows: int = 15, width: float = CHART_SIZE[0] * 2,
                       dpi=SCREEN_DPI, into=None) -> Figure:
    """The lots behind, by hours missing to date (most first), as a table."""
    ranked = sorted(rows, key=lambda r: (-r.obligation.shortfall, r.company, r.marche, r.number))
    shown = ranked[:max_rows]
    height = max(1.6, 1.0 + 0.24 * (len(shown) + 1))
    fig = new_figure((width, height), dpi, into)
    width, height = figure_size(fig)
    more = f"les {len(shown)} plus en retard sur {len(rows)}" if len(rows) > len(shown) else \
        f"{len(rows)} lot{'s' if len(rows) > 1 else ''}"
    fig_title(fig, "Lots en retard", f"{more}, par heures manquantes à date")
    top = 1 - 0.75 / height
    if not shown:
        fig.text(0.015, top - 0.1, "Aucun lot en retard.", fontsize=LABEL_SIZE, color=MUTED, va="top")
        return fig
    columns = (("Titulaire", 0.015, "left", 34), ("Marché et lot", 0.28, "left", 40), ("Cité", 0.58, "left", 24),
               ("Exigées", 0.80, "right", 0), ("Réalisées", 0.88, "right", 0), ("Manque", 0.975, "right", 0))
    step = (top - 0.08 / height) / (len(shown) + 1)
    y = top
    for title, x, ha, _n in columns:
        fig.text(x, y, title, fontsize=SMALL_SIZE, color=MUTED, ha=ha, va="top", fontweight="bold")
    for line in shown:
        y -= step
        o = line.obligation
        end = f" (fini le {format_date(line.end)})" if o.finished and line.end else ""
        cells = (line.company, f"{line.marche} · lot {line.number} {line.label}{end}", line.cite,
                 fr_number(o.required or ZERO), fr_number(o.realised), fr_number(o.shortfall))
        for (title, x, ha, limit), text in zip(columns, cells):
            if limit and len(text) > limit:
                text = text[:limit - 1] + "…"
            fig.text(x, y, text, fontsize=SMALL_SIZE + 0.5, color=ALERT if title == "Manque" else INK, ha=ha,
                     va="top")
        fig.add_artist(_rule(fig, y - step * 0.25))
    fig.text(0.975, 0.02 / height + 0.01, "heures", fontsize=SMALL_SIZE, color=MUTED, ha="right")
    return fig


def _rule(fig, y: float):
    from matplotlib.lines import Line2D

    return Line2D([0.015, 0.975], [y, y], color=GRID, linewidth=0.6, transform=fig.transSubfigure)

