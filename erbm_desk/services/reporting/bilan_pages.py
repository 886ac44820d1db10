"""The pages of the bilan: the title page with the comité sentence, the scope's charts, and one page per cité."""

from __future__ import annotations

import textwrap
from datetime import date

from matplotlib.lines import Line2D

from erbm_desk import __version__
from erbm_desk.charts.breakdowns import contracts_figure, funding_figure, people_figure, phases_figure
from erbm_desk.charts.cites import cites_figure
from erbm_desk.charts.clauses import lots_behind_figure, titulaires_figure
from erbm_desk.charts.energy import energy_figure
from erbm_desk.charts.homes import homes_figure
from erbm_desk.charts.hours import hours_figure
from erbm_desk.charts.map import map_figure
from erbm_desk.charts.style import GRID, INK, MUTED, PRIMARY, fr_hours, fr_money_short, fr_number, fr_percent
from erbm_desk.domain.figures import CiteSeries, DashboardData
from erbm_desk.domain.disclosure import mask_count
from erbm_desk.domain.french import format_count, format_date
from erbm_desk.domain.indicator_texts import REST, SMALL, contracts_text, hidden_part
from erbm_desk.domain.reporting import Period, comite_sentence
from erbm_desk.services.reporting.bilan_layout import Pages, chart_band, period_text, short_label
from erbm_desk.services.reporting.bilan_tables import COUNTS, Tables

NOT_SAID = "un nombre non diffusé de"


def small_counts_said(ind, threshold: int) -> dict[str, str]:
    """The title page's counts under the tables' small-count rule: a count between 1 and `threshold` - 1 is
    « moins de 5 », in the comité sentence as in the figures (an anonymous bilan hides it everywhere); a part of
    the people whose complement is that small (5 RSA of 7 people: 2 who are not) is not said either."""
    fewer = f"moins de {threshold}"

    def small(n: int) -> bool:
        return mask_count(n, threshold) is None

    def part(n: int) -> str | None:
        if small(ind.people):  # the total is « moins de 5 » already: a part hides only its own small count
            return fewer if small(n) else None
        return {SMALL: fewer, REST: NOT_SAID}.get(hidden_part(n, ind.people, threshold))

    masked = {key: said for key, n in (("rsa", ind.people_rsa), ("under_26", ind.people_under_26))
              if (said := part(n)) is not None}
    if small(ind.people):
        masked["people"] = fewer
    women = part(ind.people_women)
    return {
        "sentence": comite_sentence(ind.hours_realised, ind.people, ind.people_rsa, ind.people_under_26, masked),
        "people": fewer if small(ind.people) else fr_number(ind.people),
        "women": f"{women} femmes" if women else format_count(ind.people_women, "femme"),
    }


def title_page(pages: Pages, data: DashboardData, period: Period, today: date, threshold: int) -> None:
    ind = data.indicators
    fig = pages.page(None)
    fig.text(0.06, 0.86, "Bilan de l'Engagement pour le Renouveau du Bassin Minier", fontsize=22,
             fontweight="bold", color=INK)
    fig.text(0.06, 0.81, "Clauses d'insertion et rénovation des cités minières — comité de pilotage",
             fontsize=13, color=MUTED)
    fig.text(0.06, 0.73, data.label, fontsize=16, color=PRIMARY, fontweight="bold")
    fig.text(0.06, 0.69, f"Période : {period_text(period)} — données arrêtées au {format_date(data.as_of)}",
             fontsize=11, color=INK)
    said = small_counts_said(ind, threshold)
    sentence = "\n".join(textwrap.wrap(f"« {said['sentence']} »", 78))
    fig.text(0.06, 0.60, sentence, fontsize=17, color=INK, va="top", linespacing=1.5,
             bbox=dict(boxstyle="round,pad=0.8", facecolor="#eef3f8", edgecolor="none"))
    homes_goal = f" — objectif ERBM {fr_number(ind.homes_target)}" if data.scope.kind == "territory" else ""
    figures = [
        ("Heures d'insertion réalisées / exigées",
         f"{fr_hours(ind.hours_realised)} / {fr_hours(ind.hours_required)} ({fr_percent(ind.hours_rate)})"),
        ("Personnes ayant réalisé des heures", f"{said['people']} dont {said['women']}"),
        ("Contrats actifs sur la période", contracts_text(ind, threshold)),
        ("Opérations", fr_number(ind.operations)),
        ("Logements livrés / prévus",
         f"{fr_number(ind.homes_delivered)} / {fr_number(ind.homes_planned)}{homes_goal}"),
        ("Financements accordés", fr_money_short(ind.funding_total)),
    ]
    y = 0.36
    for i, (label, value) in enumerate(figures):
        x = 0.06 if i % 2 == 0 else 0.52
        fig.text(x, y, label, fontsize=9.5, color=MUTED)
        fig.text(x, y - 0.035, value, fontsize=13, color=INK, fontweight="bold")
        if i % 2:
            y -= 0.09
    notice = ("Document anonyme : aucun nom de personne. Dans les tableaux par EPCI et par cité, les effectifs "
              f"inférieurs à {threshold} sont affichés « < {threshold} » et d'autres valeurs masquées « s » pour "
              f"qu'aucun total ne les révèle ; ci-dessus, « moins de {threshold} » et « un nombre non diffusé » "
              "suivent la même règle.")
    fig.text(0.06, 0.13, "\n".join(textwrap.wrap(notice, 150)), fontsize=8.5, color=MUTED, va="top",
             linespacing=1.4)
    fig.text(0.06, 0.06, f"Édité le {format_date(today)} avec ERBM Desk {__version__}.", fontsize=8.5,
             color=MUTED)
    pages.save(fig)


def chart_pages(pages: Pages, data: DashboardData, tables: Tables) -> None:
    ind = data.indicators
    label = short_label(data.label)
    fig = pages.page(f"{label} en graphiques — insertion")
    (a, b), (c, d) = chart_band(fig).subfigures(2, 2)
    hours_figure(data.hours, into=a)
    homes_figure(data.homes, into=b)
    people_figure(data.people_by_public, data.people_by_sex, ind.people, mask_below=tables.threshold, into=c)
    contracts_figure(data.contracts_by_type, data.contracts_by_delivery, into=d)
    pages.save(fig)

    fig = pages.page(f"{label} en graphiques — opérations")
    left, right = chart_band(fig).subfigures(1, 2)
    top_left, bottom_left = left.subfigures(2, 1)
    phases_figure(data.operations_by_phase, into=top_left)
    funding_figure(data.funding_by_funder, into=bottom_left)
    energy_figure(data.energy, data.energy_level, into=right, max_rows=20)
    pages.save(fig)

    fig = pages.page(f"{label} — carte")
    map_figure(data.map, data.map.shapes, data.map.outlines, into=chart_band(fig), clickable=False)
    pages.save(fig)

    if len(data.cites) > 1:
        fig = pages.page(f"{label} — comparaison des cités")
        hidden = {r.id: text for r in data.cites
                  if r.id in tables.cites and not (text := tables.cite_text(r.id, "people"))[:1].isdigit()}
        cites_figure(data.cites, top_n=25, hidden=hidden, into=chart_band(fig))
        pages.save(fig)

    if data.titulaires:  # the works contracts' insertion clauses: who owes what, and the lots behind
        fig = pages.page(f"{label} — clauses d'insertion des marchés")
        top, bottom = chart_band(fig).subfigures(2, 1, height_ratios=[0.55, 0.45])
        titulaires_figure(data.titulaires, top_n=15, into=top)
        lots_behind_figure(data.lots_behind, max_rows=12, into=bottom)
        pages.save(fig)


def cite_page(pages: Pages, series: CiteSeries, tables: Tables) -> None:
    row = series.row
    fig = pages.page(f"{row.name} — {row.commune} ({row.epci})")
    fig.text(0.04, 0.875, f"Bailleur : {row.bailleur or 'non renseigné'} — {fr_number(row.operations)} "
             f"opération{'s' if row.operations > 1 else ''}", fontsize=10, color=MUTED, va="top")
    figures = [
        ("Heures réalisées", fr_hours(row.hours_realised)),
        ("Heures exigées", fr_hours(row.hours_required)),
        ("Taux de réalisation", fr_percent(row.hours_rate)),
        ("Personnes", tables.cite_text(row.id, "people")),
        ("dont bénéficiaires du RSA", tables.cite_text(row.id, "people_rsa")),
        ("dont moins de 26 ans", tables.cite_text(row.id, "people_under_26")),
        ("dont femmes", tables.cite_text(row.id, "people_women")),
        ("Contrats", tables.cite_text(row.id, "contracts")),
        ("Logements livrés / prévus", f"{fr_number(row.homes_delivered)} / {fr_number(row.homes_planned)}"),
        ("Financements accordés", fr_money_short(row.funding)),
    ]
    # rows close enough for the note under them to end above the lower charts' titles (the chart band's
    # lower half starts at 0.4675 of the page's height)
    y = 0.835
    for label, value in figures:
        fig.text(0.05, y, label, fontsize=9, color=MUTED, va="center")
        fig.text(0.38, y, value, fontsize=10, color=INK, ha="right", va="center", fontweight="bold")
        fig.add_artist(Line2D([0.05, 0.38], [y - 0.0155, y - 0.0155], color=GRID, linewidth=0.8))
        y -= 0.031
    if any(tables.cite_text(row.id, c)[:1] in "<s" for c in COUNTS):
        fig.text(0.05, y + 0.005, "\n".join(textwrap.wrap(tables.note, 62)), fontsize=7, color=MUTED, va="top")
    top, bottom = chart_band(fig).subfigures(2, 1)
    hours_figure(series.hours, into=top.subfigures(1, 2, width_ratios=[0.4, 0.6])[1])
    homes_part, energy_part = bottom.subfigures(1, 2)
    homes_figure(series.homes, into=homes_part)
    energy_figure(series.energy, "opération", into=energy_part, max_rows=8)
    pages.save(fig)
