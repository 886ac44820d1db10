"""The bilan's tables of indicators per EPCI and per cité: small counts suppressed so that no total gives one back,
and the tables drawn as rows of texts on a page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle

from erbm_desk.charts.style import GRID, INK, MUTED, fr_money_short, fr_number, fr_percent
from erbm_desk.domain import disclosure
from erbm_desk.domain.figures import GroupRow
from erbm_desk.domain.reporting import Indicators
from erbm_desk.services.reporting.bilan_layout import A4_LANDSCAPE, short_label

# The counts of a row that small-count suppression covers, in the tables' order.
COUNTS = ("people", "people_rsa", "people_under_26", "people_women", "contracts")


@dataclass(frozen=True)
class Tables:
    """The per-EPCI and per-cité tables' counts after suppression: what each cell prints."""

    epcis: disclosure.Disclosed  # rows: the EPCIs in the order given; columns: COUNTS
    cites: dict[int, tuple[disclosure.Disclosed, int]]  # cité id -> (the table of its EPCI's cités, its row)
    total: dict[str, str]  # the EPCI table's total row (the scope's own indicators: people counted once)
    threshold: int

    def epci_text(self, i: int, count: str) -> str:
        return self.epcis.text(i, COUNTS.index(count))

    def cite_text(self, cite_id: int, count: str) -> str:
        table, i = self.cites[cite_id]
        return table.text(i, COUNTS.index(count))

    @property
    def note(self) -> str:
        return disclosure.SMALL_NOTE.format(threshold=self.threshold)


def _hide_more(table: disclosure.Disclosed, column: int) -> None:
    """Hide the smallest non-zero value still shown in `column` (its EPCI's value of that column is hidden in
    the EPCI table, so the cités' shown values must not add up to it)."""
    shown = [(v, i) for i, row in enumerate(table.cells) if (v := row[column])]
    if shown:
        table.cells[min(shown)[1]][column] = None


def disclose_tables(epcis: list[GroupRow], cites: list[GroupRow], total: dict[str, int],
                    threshold: int) -> Tables:
    """Suppress small counts in the per-EPCI table (rows `epcis`, with the scope's `total` under it) and in the
    per-cité table, EPCI by EPCI: the rows of one EPCI's cités add up to that EPCI's row (people nearly: a
    person who worked on two cités counts in both), so each EPCI's cités form one table whose column totals
    are the EPCI's values."""
    epci_table = disclosure.suppress_small([[getattr(r, c) for c in COUNTS] for r in epcis], threshold,
                                           [r.epci for r in epcis], list(COUNTS))
    total_text = {}
    for j, count in enumerate(COUNTS):
        # The scope's own figure (people once), hidden when the column's sum is, or when itself small.
        value = total[count]
        if epci_table.column_totals[j] is None:
            total_text[count] = epci_table.text(None, j)
        elif 0 < value < threshold:
            total_text[count] = f"< {threshold}"
        else:
            total_text[count] = disclosure.format_count(value)
    by_epci: dict[str, list[GroupRow]] = {}
    for row in cites:
        by_epci.setdefault(row.epci, []).append(row)
    epci_index = {r.epci: i for i, r in enumerate(epcis)}
    cite_tables: dict[int, tuple[disclosure.Disclosed, int]] = {}
    for short, rows in by_epci.items():
        table = disclosure.suppress_small([[getattr(r, c) for c in COUNTS] for r in rows], threshold,
                                          [r.name for r in rows], list(COUNTS))
        i = epci_index.get(short)
        for j in range(len(COUNTS)):
            epci_hidden = i is not None and epci_table.cells[i][j] is None
            if epci_hidden and all(row[j] is not None for row in table.cells):
                _hide_more(table, j)
        for k, row in enumerate(rows):
            cite_tables[row.id] = (table, k)
    return Tables(epci_table, cite_tables, total_text, threshold)


# (header, width as a share of the table, cell text from the row and the text of a count by name, right-aligned)
_Column = tuple[str, float, Callable[[GroupRow, Callable[[str], str]], str], bool]


def _epci_name(row: GroupRow, _count) -> str:
    return f"{short_label(row.name)} ({row.epci})" if row.epci else row.name


COMMON_COLUMNS: list[_Column] = [
    ("Heures\nréalisées", 0.08, lambda r, c: fr_number(r.hours_realised), True),
    ("Heures\nexigées", 0.075, lambda r, c: fr_number(r.hours_required), True),
    ("Taux", 0.06, lambda r, c: fr_percent(r.hours_rate), True),
    ("Personnes", 0.065, lambda r, c: c("people"), True),
    ("dont\nRSA", 0.05, lambda r, c: c("people_rsa"), True),
    ("dont\n< 26 ans", 0.06, lambda r, c: c("people_under_26"), True),
    ("dont\nfemmes", 0.055, lambda r, c: c("people_women"), True),
    ("Contrats", 0.06, lambda r, c: c("contracts"), True),
    ("Logements\nlivrés / prévus", 0.09,
     lambda r, c: f"{fr_number(r.homes_delivered)} / {fr_number(r.homes_planned)}", True),
    ("Finance-\nments", 0.065, lambda r, c: fr_money_short(r.funding), True),
]
EPCI_COLUMNS: list[_Column] = [
    ("EPCI", 0.29, _epci_name, False),
    ("Cités", 0.04, lambda r, c: fr_number(r.cites), True),
] + COMMON_COLUMNS
CITE_COLUMNS: list[_Column] = [
    ("Cité", 0.15, lambda r, c: r.name, False),
    ("Commune", 0.11, lambda r, c: r.commune, False),
    ("EPCI", 0.06, lambda r, c: r.epci, False),
] + COMMON_COLUMNS


def draw_table(fig: Figure, columns: list[_Column], rows: list[GroupRow], counts: list[Callable[[str], str]],
           total: tuple[GroupRow, Callable[[str], str]] | None, note: str, top: float = 0.87,
           row_h: float = 0.031) -> None:
    """Rows of texts with a header, zebra stripes and an optional bold total row; `counts[i]` gives the
    printed counts of row i (after suppression), `note` explains « < 5 » and « s » under the table."""
    left, width = 0.04, 0.92
    scale = width / sum(c[1] for c in columns)
    xs, x = [], left
    for col in columns:
        xs.append((x, x + col[1] * scale))
        x += col[1] * scale

    def cells(y: float, values: list[str], **style) -> None:
        for (x0, x1), col, value in zip(xs, columns, values):
            right = col[3]
            room = int((x1 - x0) * A4_LANDSCAPE[0] / 0.062)  # characters that fit at 8 pt
            text = value if right or len(value) <= room else value[: room - 1] + "…"
            fig.text(x1 - 0.004 if right else x0 + 0.004, y, text, ha="right" if right else "left", va="center",
                     fontsize=8, color=INK, **style)

    header_y = top - row_h
    for (x0, x1), col in zip(xs, columns):
        right = col[3]
        fig.text(x1 - 0.004 if right else x0 + 0.004, header_y, col[0], ha="right" if right else "left",
                 va="center", fontsize=7.5, color=MUTED, fontweight="bold",
                 multialignment="right" if right else "left", linespacing=1.1)
    y = top - 2 * row_h
    fig.add_artist(Line2D([left, left + width], [y, y], color=INK, linewidth=0.8))
    for i, row in enumerate(rows):
        if i % 2 == 0:
            fig.add_artist(Rectangle((left, y - row_h), width, row_h, color=GRID, alpha=0.55, linewidth=0))
        cells(y - row_h / 2, [col[2](row, counts[i]) for col in columns])
        y -= row_h
    if total:
        fig.add_artist(Line2D([left, left + width], [y, y], color=INK, linewidth=0.8))
        cells(y - row_h / 2, [col[2](total[0], total[1]) for col in columns], fontweight="bold")
        y -= row_h
    fig.text(left, y - row_h * 0.8, note, fontsize=7.5, color=MUTED, va="top")


def total_row(ind: Indicators, cites: int) -> GroupRow:
    """The scope's own indicators (people counted once) under the per-EPCI table, `cites` the number of its cités:
    the comité sentence's figures (their counts printed through `Tables.total`)."""
    return GroupRow(id=0, name="Total", hours_realised=ind.hours_realised, hours_required=ind.hours_required,
                    people=ind.people, people_rsa=ind.people_rsa, people_under_26=ind.people_under_26,
                    people_women=ind.people_women, contracts=ind.contracts, homes_planned=ind.homes_planned,
                    homes_delivered=ind.homes_delivered, funding=ind.funding_total, cites=cites)
