"""The bilan's pages about the person's path and its last page.

- « Parcours des personnes »: full-time equivalents, hours per person, the SIAE share, contracts with and without
  hours, persons and hours by public and by company kind, exits by outcome and the situation six months later
  (chart and counts). Counts of persons and exits go through `domain.disclosure` at the database's threshold: a
  lone count (publics and company kinds overlap: a person may be in several) is hidden when small, with its
  hours; exits by outcome and situations add up to their total, so they are suppressed as a table; a rate is
  left out where it would give back a small count (`indicator_texts.part_rate`), the chart's too.
- « Définitions et données à compléter », the last page: the rules every figure follows in a few lines, where
  each indicator's definition is written (docs/indicateurs.md), and what keeps the figures from being complete.
"""

from __future__ import annotations

import textwrap

from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from erbm_desk.charts.parcours import SHORT, exits_figure
from erbm_desk.charts.style import GRID, INK, MUTED, PRIMARY, fr_hours, fr_number
from erbm_desk.domain import disclosure, indicator_texts as texts
from erbm_desk.domain.figures import DashboardData
from erbm_desk.services.reporting.bilan_layout import Pages, chart_band, short_label

DEFINITIONS_FILE = "docs/indicateurs.md"
RULES = (
    "Une personne compte quand elle a réalisé des heures sur un contrat du périmètre pendant la période.",
    "Ses publics (RSA, DELD dont DETLD, QPV…, moins de 26 ans) sont ceux de son entrée dans la clause — le début "
    "de son premier contrat d'insertion — d'après le diagnostic d'éligibilité en vigueur ce jour-là : ils ne "
    "changent ni avec la période, ni avec la cité.",
    "Les heures exigées d'une opération sont réparties sur ses mois de travaux ; une opération abandonnée n'en "
    "exige plus. Les financements comptent à leur date d'attribution, les logements à leur date de livraison.",
    "Les contrats actifs sur la période sont comptés avec ou sans heures saisies ; le nombre de ceux qui ont des "
    "heures est indiqué à côté.",
    "ETP = heures réalisées ÷ 1 607. Sorties positives : tous les motifs PLIE sauf « autre sortie ». La situation "
    "à 6 mois est due six mois après la sortie.",
    "Les personnes et les sorties sont comptées une fois par cité, une fois par EPCI et une fois au total.",
)


def _table(fig: Figure, x: float, y: float, title: str, header: tuple[str, ...], rows: list[tuple[str, ...]],
           widths: tuple[float, ...]) -> float:
    """A small table of texts at (x, y) (figure fractions, top left); returns the y below it."""
    fig.text(x, y, title, fontsize=10, color=PRIMARY, fontweight="bold", va="top")
    y -= 0.035
    xs = [x]
    for w in widths[:-1]:
        xs.append(xs[-1] + w)
    for i, (cx, text) in enumerate(zip(xs, header)):
        fig.text(cx + (widths[i] - 0.005 if i else 0), y, text, fontsize=7.5, color=MUTED, fontweight="bold",
                 va="top", ha="right" if i else "left")
    y -= 0.028
    fig.add_artist(Line2D([x, x + sum(widths)], [y + 0.004, y + 0.004], color=INK, linewidth=0.6))
    for row in rows:
        for i, (cx, text) in enumerate(zip(xs, row)):
            fig.text(cx + (widths[i] - 0.005 if i else 0), y, text, fontsize=8, color=INK, va="top",
                     ha="right" if i else "left")
        y -= 0.026
        fig.add_artist(Line2D([x, x + sum(widths)], [y + 0.004, y + 0.004], color=GRID, linewidth=0.5))
    return y - 0.02


def _lone(n: int, hours, threshold: int) -> tuple[str, str]:
    """A lone count and its hours, both hidden when the count is small (the hours of one or two persons)."""
    if disclosure.mask_count(n, threshold) is None:
        return f"< {threshold}", disclosure.SECRET
    return fr_number(n), f"{fr_hours(hours)}"


def _summed(counts: dict[str, int], threshold: int) -> dict[str, str]:
    shown, _total = disclosure.suppress_counts(counts, threshold)
    return {k: (fr_number(v) if v is not None else (f"< {threshold}" if 0 < counts[k] < threshold
                                                     else disclosure.SECRET)) for k, v in shown.items()}


def path_page(pages: Pages, data: DashboardData, threshold: int) -> None:
    ind = data.indicators
    fig = pages.page(f"{short_label(data.label)} — parcours des personnes")
    y = 0.86
    for label, value in texts.path_lines(ind, threshold):
        fig.text(0.04, y, label, fontsize=8.5, color=MUTED, va="top")
        fig.text(0.04, y - 0.022, "\n".join(textwrap.wrap(value, 70)), fontsize=9.5, color=INK, va="top",
                 fontweight="bold")
        y -= 0.062 if len(value) <= 70 else 0.082
    publics = [(label, *_lone(n, h, threshold)) for label, n, h in texts.public_rows(ind)]
    y = _table(fig, 0.04, y - 0.01, "Par public (à l'entrée dans la clause)", ("Public", "Personnes", "Heures"),
               publics, (0.2, 0.08, 0.1))
    kinds = [(label.replace("Association intermédiaire", "Asso. intermédiaire"), *_lone(n, h, threshold))
             for label, n, h in texts.company_kind_rows(ind)]
    y = _table(fig, 0.46, 0.86, "Par type d'entreprise", ("Type d'entreprise", "Personnes", "Heures"), kinds,
               (0.3, 0.07, 0.1))
    outcomes = dict(texts.outcome_rows(ind))
    shown = _summed(outcomes, threshold)
    _table(fig, 0.46, y, "Sorties par motif", ("Motif", "Sorties"),
           [(SHORT.get(k, k), shown[k]) for k in outcomes], (0.19, 0.05))
    situations = dict(texts.situation_rows(ind))
    shown = _summed(situations, threshold)
    _table(fig, 0.73, y, "Situation 6 mois après", ("Situation", "Sorties"),
           [(SHORT.get(k, k), shown[k]) for k in situations], (0.18, 0.05))
    pages.save(fig)


def exits_chart_page(pages: Pages, data: DashboardData, threshold: int) -> None:
    fig = pages.page(f"{short_label(data.label)} — sorties et situation à 6 mois")
    ind = data.indicators
    rate = texts.part_rate(ind.exits_positive, ind.exits, ind.positive_exit_rate, threshold)
    exits_figure(data.exits_by_outcome, data.situations_6m, rate, mask_below=threshold, into=chart_band(fig))
    pages.save(fig)


def definitions_page(pages: Pages, data_problems: list[str]) -> None:
    """The last page: the rules in short, where the definitions are, the data to complete (`data_problems`: the
    scope's `indicators.data_problems`)."""
    fig = pages.page("Définitions et données à compléter")
    intro = ("Chaque indicateur de ce bilan est défini, avec un exemple, dans le document « Définitions des "
             f"indicateurs » ({DEFINITIONS_FILE}, livré avec ERBM Desk). En bref :")
    fig.text(0.04, 0.86, "\n".join(textwrap.wrap(intro, 135)), fontsize=10, color=INK, va="top", linespacing=1.4)
    y = 0.79
    for rule in RULES:
        lines = textwrap.wrap(rule, 150)
        fig.text(0.05, y, "• " + "\n  ".join(lines), fontsize=9, color=INK, va="top", linespacing=1.4)
        y -= 0.03 * len(lines) + 0.012
    y -= 0.02
    fig.text(0.04, y, "Données à compléter", fontsize=11, color=PRIMARY, fontweight="bold", va="top")
    y -= 0.04
    problems = data_problems or ["Aucune : toutes les données utiles aux indicateurs sont datées "
                                 "et chaque personne a son diagnostic d'éligibilité."]
    for problem in problems:
        lines = textwrap.wrap(problem, 150)
        fig.text(0.05, y, "• " + "\n  ".join(lines), fontsize=9, color=INK, va="top", linespacing=1.4)
        y -= 0.03 * len(lines) + 0.012
    pages.save(fig)
