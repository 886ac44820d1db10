"""The cités side by side: hours realised, people and homes delivered, ranked by hours (small multiples)."""

from __future__ import annotations

from matplotlib.figure import Figure

from erbm_desk.charts.light_axes import add_panel
from erbm_desk.charts.style import (
    ACCENT,
    CHART_SIZE,
    GOOD,
    PRIMARY,
    SCREEN_DPI,
    SERIES,
    empty_message,
    fig_title,
    figure_size,
    fr_count,
    fr_hours,
    hbars,
    label_margin,
    new_figure,
    panel_title,
)
from erbm_desk.domain.figures import GroupRow

ROW_HEIGHT_IN = 0.22
PANELS = (
    ("hours_realised", "Heures réalisées", PRIMARY),
    ("people", "Personnes", SERIES[1]),
    ("homes_delivered", "Logements livrés", GOOD),
)


def cite_labels(rows: list[GroupRow]) -> list[str]:
    """Cité names, with the commune where two cités of the list share a name."""
    names = [r.name for r in rows]
    return [f"{r.name} ({r.commune})" if names.count(r.name) > 1 else r.name for r in rows]


def cites_figure(rows: list[GroupRow], *, top_n: int = 15, width: float = CHART_SIZE[0] * 2,
                 mask_below: int | None = None, hidden: dict[int, str] | None = None, highlight: int | None = None,
                 dpi=SCREEN_DPI, into=None) -> Figure:
    """`rows` ranked already (dashboard_data ranks by hours); the first `top_n` are drawn. With `mask_below`,
    people counts under it show as « < 5 »; `hidden` maps a cité id to the text its people count shows instead
    of the number (the bilan's suppressed cells: « < 5 » or « s »)."""
    shown = rows[:top_n]
    height = max(CHART_SIZE[1], 1.2 + ROW_HEIGHT_IN * len(shown))
    fig = new_figure((width, height), dpi, into)
    width, height = figure_size(fig)
    more = f"les {len(shown)} premières sur {len(rows)}, " if len(rows) > len(shown) else ""
    fig_title(fig, "Comparaison des cités", f"{more}classées par heures réalisées")
    labels = cite_labels(shown)
    left = label_margin(labels, width, maximum=0.3)
    top, bottom = 1 - 0.85 / height, 0.12 / height
    if not shown:
        empty_message(add_panel(fig, (left, bottom, 0.9 - left, top - bottom)), "Aucune cité dans le périmètre")
        return fig
    gap = 0.02
    panel_w = (0.98 - left - gap * (len(PANELS) - 1)) / len(PANELS)
    for i, (attr, title, color) in enumerate(PANELS):
        ax = add_panel(fig, (left + i * (panel_w + gap), bottom, panel_w, top - bottom))
        colors = [ACCENT if highlight is not None and r.id == highlight else color for r in shown]
        values = [getattr(r, attr) for r in shown]
        if attr == "hours_realised":
            bars = hbars(ax, labels, values, color=colors, tip_text=fr_hours, show_labels=i == 0)
        elif attr == "people":
            bars = hbars(ax, labels, values, color=colors, mask_below=mask_below, show_labels=False,
                         tip_text=lambda n: fr_count(n, "personne"),
                         masks=[(hidden or {}).get(r.id) for r in shown])
        else:
            bars = hbars(ax, labels, values, color=colors, show_labels=False,
                         tip_text=lambda n: fr_count(n, "logement"))
        for bar, r in zip(bars, shown):
            bar.erbm_cite_id = r.id  # a click on a bar opens the cité
            bar.set_picker(True)
        panel_title(ax, title)
    return fig
