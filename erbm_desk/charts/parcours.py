"""The person's path: exits by outcome and the situation six months later, as horizontal bars labelled with
their counts (small counts masked in the bilan). Definitions: docs/indicateurs.md."""

from __future__ import annotations

from matplotlib.figure import Figure

from erbm_desk.charts.breakdowns import _panels
from erbm_desk.charts.style import (
    CHART_SIZE,
    PRIMARY,
    SCREEN_DPI,
    SERIES,
    empty_message,
    fig_title,
    fr_count,
    fr_number,
    fr_percent,
    hbars,
    new_figure,
    panel_title,
)
from erbm_desk.domain.disclosure import SECRET, suppress_counts

# Labels too long for a half-width panel, shortened on the chart only.
SHORT = {
    "Emploi durable (CDI, CDD ou intérim de 6 mois et plus)": "Emploi durable",
    "Emploi de transition (moins de 6 mois)": "Emploi de transition",
    "Non relevée (six mois passés)": "Non relevée",
}


def exits_figure(by_outcome: dict[str, int], by_situation: dict[str, int], positive_rate, *,
                 mask_below: int | None = None, size=CHART_SIZE, dpi=SCREEN_DPI, into=None) -> Figure:
    """Exits by outcome (PLIE categories) and, for them, the situation six months later. With `mask_below`, each
    side is protected as a table whose total is shown (`disclosure.suppress_counts`): a small count reads
    « < 5 » and enough others « s » that the total does not give it back; `positive_rate` None: not shown."""
    fig = new_figure(size, dpi, into)
    total = sum(by_outcome.values())
    fig_title(fig, "Sorties et situation à 6 mois", _subtitle(total, positive_rate, mask_below))
    left = ("Motif de sortie", [SHORT.get(k, k) for k in by_outcome], list(by_outcome.values()), PRIMARY)
    right = ("Situation 6 mois après", [SHORT.get(k, k) for k in by_situation], list(by_situation.values()),
             SERIES[1])
    axes = _panels(fig, [left[1], right[1]], (1, 1), top=0.74)
    if not total:
        empty_message(axes[0])
        empty_message(axes[1], "")
        return fig
    for ax, (title, labels, values, color), counts in zip(axes, (left, right), (by_outcome, by_situation)):
        hbars(ax, labels, values, color=color, tip_text=lambda n: fr_count(n, "sortie"),
              masks=_masks(counts, mask_below) if mask_below is not None else None)
        panel_title(ax, title)
    return fig


def _subtitle(total: int, positive_rate, mask_below: int | None) -> str:
    """« 120 sorties, 51,8 % positives »; a small total reads « < 5 », and a rate the caller withholds (None: it
    would give back a small count) is left out."""
    if not total:
        return "aucune sortie"
    small = mask_below is not None and 0 < total < mask_below
    text = f"< {mask_below} sorties" if small else f"{fr_number(total)} sorties"
    return text if small or positive_rate is None else f"{text}, {fr_percent(positive_rate)} positives"


def _masks(counts: dict[str, int], threshold: int) -> list[str | None]:
    shown, _total = suppress_counts(counts, threshold)
    return [None if shown[k] is not None else (f"< {threshold}" if 0 < v < threshold else SECRET)
            for k, v in counts.items()]
