"""Counts and amounts broken down by category: people by public and sex, contracts by type and delivery
method, operations by phase, funding by funder. Horizontal bars, labelled with their values."""

from __future__ import annotations

from decimal import Decimal
from typing import Sequence

from matplotlib.figure import Figure

from erbm_desk.charts.light_axes import add_panel
from erbm_desk.charts.style import (
    CHART_SIZE,
    PHASE_COLORS,
    PRIMARY,
    SCREEN_DPI,
    SERIES,
    empty_message,
    fig_title,
    figure_size,
    fr_count,
    fr_money,
    fr_money_short,
    hbars,
    label_margin,
    new_figure,
    panel_title,
)
from erbm_desk.domain.enums import Phase
from erbm_desk.domain.disclosure import SECRET, suppress_counts

TOP = 0.80  # axes top (figure fraction) under the title
# Labels too long for a half-width panel, shortened on the chart only (the data keep the full labels).
SHORT_LABELS = {
    "Contrat de professionnalisation": "Contrat pro.",
    "Mise à disposition ETTI": "Mise à dispo. ETTI",
    "Mise à disposition AI": "Mise à dispo. AI",
    "Mise à disposition GEIQ": "Mise à dispo. GEIQ",
}


def _short(labels) -> list[str]:
    return [SHORT_LABELS.get(label, label) for label in labels]
BOTTOM = 0.06


def _panels(fig: Figure, groups: Sequence[Sequence[str]], widths: Sequence[float], top: float = TOP):
    """Side-by-side axes, each with a left margin fitting its own labels; `widths` are relative."""
    fw = figure_size(fig)[0]
    margins = [label_margin(labels, fw, maximum=0.42) for labels in groups]
    free = 1 - sum(margins) - 0.03 * len(groups)
    axes, x = [], 0.0
    for margin, w in zip(margins, widths):
        x += margin
        width = free * w / sum(widths)
        axes.append(add_panel(fig, (x, BOTTOM, width, top - BOTTOM)))
        x += width + 0.03
    return axes


def _pair_figure(fig: Figure, left: tuple, right: tuple, widths: tuple[float, float], noun: str,
                 mask_below: int | None, right_masks=None) -> Figure:
    """Two panels of horizontal bars side by side; `left`/`right` are (panel title, labels, values, colour)."""
    axes = _panels(fig, [left[1], right[1]], widths, top=0.74)
    if not sum(left[2]):
        empty_message(axes[0])
        empty_message(axes[1], "")
        return fig
    for ax, (title, labels, values, color), masks in zip(axes, (left, right), (None, right_masks)):
        hbars(ax, labels, values, color=color, tip_text=lambda n: fr_count(n, noun), mask_below=mask_below,
              masks=masks)
        panel_title(ax, title)
    return fig


def people_figure(by_public: dict[str, int], by_sex: dict[str, int], total: int, *, mask_below: int | None = None,
                  size=CHART_SIZE, dpi=SCREEN_DPI, into=None) -> Figure:
    """People by public (one person may belong to several publics) and by sex."""
    fig = new_figure(size, dpi, into)
    people = (f"moins de {mask_below} personnes" if mask_below is not None and 0 < total < mask_below
              else fr_count(total, "personne"))
    fig_title(fig, "Personnes par public et par sexe", f"{people} ; une personne peut relever de plusieurs publics")
    if not total:
        by_public = dict.fromkeys(by_public, 0)
    sex_masks = None
    if mask_below is not None:
        # Women + men = the total in the subtitle: one small count would be the other's complement.
        shown, _total = suppress_counts(by_sex, mask_below)
        sex_masks = [None if shown[k] is not None else (f"< {mask_below}" if 0 < v < mask_below else SECRET)
                     for k, v in by_sex.items()]
    return _pair_figure(fig, ("Publics", list(by_public), list(by_public.values()), PRIMARY),
                        ("Sexe", list(by_sex), list(by_sex.values()), [SERIES[2], SERIES[1]]),
                        (1.6, 1), "personne", mask_below, sex_masks)


def contracts_figure(by_type: dict[str, int], by_delivery: dict[str, int], *, size=CHART_SIZE,
                     dpi=SCREEN_DPI, into=None) -> Figure:
    """Contracts by contract type and by delivery method (labels already in French)."""
    fig = new_figure(size, dpi, into)
    total = sum(by_type.values())
    fig_title(fig, "Contrats d'insertion", f"{fr_count(total, 'contrat')} par type et par modalité de réalisation")
    return _pair_figure(fig, ("Type de contrat", _short(by_type), list(by_type.values()), PRIMARY),
                        ("Modalité", _short(by_delivery), list(by_delivery.values()), SERIES[1]),
                        (1, 1.3), "contrat", None)


def phases_figure(by_phase: dict[str, int], *, size=CHART_SIZE, dpi=SCREEN_DPI, into=None) -> Figure:
    """Operations by phase, in the order of the works (labels are the French phase labels)."""
    fig = new_figure(size, dpi, into)
    total = sum(by_phase.values())
    fig_title(fig, "Opérations par phase", fr_count(total, "opération"))
    (ax,) = _panels(fig, [list(by_phase)], (1,))
    if not total:
        empty_message(ax)
        return fig
    colors = [PHASE_COLORS.get(Phase.from_text(label).value, PRIMARY) for label in by_phase]
    hbars(ax, list(by_phase), list(by_phase.values()), color=colors, tip_text=lambda n: fr_count(n, "opération"))
    return fig


def funding_figure(by_funder: dict[str, Decimal], *, size=CHART_SIZE, dpi=SCREEN_DPI, into=None) -> Figure:
    """Funding granted by funder, largest first."""
    fig = new_figure(size, dpi, into)
    ranked = sorted(by_funder.items(), key=lambda kv: (-kv[1], kv[0]))
    total = sum(by_funder.values(), Decimal(0))
    fig_title(fig, "Financements par financeur", f"{fr_money_short(total)} accordés au total")
    (ax,) = _panels(fig, [[k for k, _ in ranked]], (1,))
    if not ranked:
        empty_message(ax)
        return fig
    hbars(ax, [k for k, _ in ranked], [v for _, v in ranked], color=SERIES[1], value_text=fr_money_short,
          tip_text=fr_money)
    return fig
