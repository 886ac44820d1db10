"""The `Synthèse` sheet: the comité's indicators for the exported perimeter, per EPCI and per cité, as values.

The figures of every group come from one report of the reporting engine (`services.reporting.engine`), grouped
by cité and by EPCI: the very figures `erbm-desk stats` gives for each of them (tests/services/
test_excel_synthese.py checks it on every cité and EPCI).

In an anonymous workbook the counts of people and contracts are protected as `services.disclosure` does it:
a non-zero count under the threshold (setting `disclosure.threshold`, default 5) is shown « < 5 », and enough
other values are hidden (« s ») that no total can give one back. Here the totals are the sheet's own rows —
each EPCI is the total of its cités, the perimeter the total of its EPCIs, for every count column — so the
rule « never exactly one hidden value in a line (values and its total) » is applied over these linked lines,
until every one holds (`protect_counts`). `disclosure.suppress_small` works on one two-way table whose totals
are sums of its cells; it cannot be used as it is here: the columns of a row are not parts of a whole (a row's
sum means nothing, and hiding for it would hide for nothing), the lines are nested (an EPCI is a value of the
perimeter's line and the total of its cités' line), and a count of people is a count of distinct persons (one
who worked in two cités counts once in their EPCI), not the sum of its parts.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from erbm_desk.domain.figures import GroupRow
from erbm_desk.domain.reporting import Indicators, Period, Scope
from erbm_desk.services.reporting import disclosure
from erbm_desk.services.reporting.engine import report

HEADERS = (
    "Niveau", "Nom", "EPCI", "Heures réalisées", "Heures exigées", "Taux de réalisation (%)", "Personnes",
    "dont RSA", "dont moins de 26 ans", "dont femmes", "dont DELD", "dont QPV", "Contrats", "Opérations",
    "Logements prévus", "Logements en travaux", "Logements livrés",
    # the person's path (docs/indicateurs.md)
    "Contrats avec heures", "ETP", "Heures en SIAE", "Sorties", "dont sorties positives", "dont emploi durable",
    "Situations à 6 mois relevées", "Financements (€)",
)
# counts of persons, contracts and exits: protected in anonymous workbooks
COUNT_COLUMNS = (*range(6, 13), *range(17, 18), *range(20, 24))
# A part of the exits whose rest is small is hidden too (« 12 sorties dont 9 positives » gives back the 3 others;
# docs/indicateurs.md, « Regroupements et secret statistique »): part column -> its whole's column.
EXIT_PARTS = {HEADERS.index("dont sorties positives"): HEADERS.index("Sorties"),
              HEADERS.index("dont emploi durable"): HEADERS.index("Sorties")}


def _line(level: str, name: str, epci: str, figures: GroupRow | Indicators) -> list:
    funding = figures.funding_total if isinstance(figures, Indicators) else figures.funding
    rate = figures.hours_rate
    return [
        level, name, epci, figures.hours_realised, figures.hours_required, None if rate is None else float(rate),
        figures.people, figures.people_rsa, figures.people_under_26, figures.people_women, figures.people_deld,
        figures.people_qpv, figures.contracts, figures.operations, figures.homes_planned, figures.homes_in_works,
        figures.homes_delivered, figures.contracts_with_hours, figures.fte, figures.hours_siae, figures.exits,
        figures.exits_positive, figures.exits_by_outcome.get("emploi_durable", 0), figures.situations_known, funding,
    ]


def synthese_rows(session: Session, scope: Scope, period: Period, scope_name: str, anonymous: bool,
                  threshold: int | None = None) -> list[list]:
    """Rows of the Synthèse sheet: the perimeter, then each EPCI, then each cité (values, not formulas).
    Anonymous: the counts protected by `protect_counts` (threshold: the database's setting unless given)."""
    r = report(session, scope, period, by="cite")
    rows = [_line("Périmètre", scope_name, "", r.total)]
    rows += [_line("EPCI", e.epci, e.epci, e) for e in sorted(r.grouped("epci"), key=lambda e: e.epci)]
    rows += [_line("Cité", c.name, c.epci, c) for c in r.groups]
    if anonymous:
        protect_counts(rows, disclosure.threshold_of(session) if threshold is None else threshold)
    return rows


def total_lines(rows: list[list]) -> list[tuple[list[int], int]]:
    """(indexes of the rows of a line, index of the row that is their total) of the Synthèse rows: each EPCI
    and its cités, the perimeter and its EPCIs."""
    epci_rows = {row[1]: i for i, row in enumerate(rows) if row[0] == "EPCI"}
    lines = [(list(epci_rows.values()), 0)]
    members: dict[str, list[int]] = {name: [] for name in epci_rows}
    for i, row in enumerate(rows):
        if row[0] == "Cité":
            members[row[2]].append(i)
    lines += [(members[name], i) for name, i in epci_rows.items()]
    return lines


def protect_counts(rows: list[list], threshold: int, columns=COUNT_COLUMNS) -> None:
    """Hide, in place, the small counts of `columns` (« < 5 ») and enough others (« s ») that no line of
    `total_lines` has exactly one hidden value: its total minus the shown values never gives a hidden one.
    Shown counts stay numbers. The choice of the complementary value is `disclosure`'s: a value before a total,
    a non-zero one before a zero, then the smallest. A part of `EXIT_PARTS` whose rest is small is hidden (« s »)
    before the lines are balanced."""
    lines = total_lines(rows)
    rests = {c: {i for i, row in enumerate(rows) if 0 < row[whole] - row[c] < threshold}
             for c, whole in EXIT_PARTS.items() if c in columns}  # read before any value of a row is hidden
    for c in columns:
        values = [row[c] for row in rows]
        small = {i for i, v in enumerate(values) if 0 < v < threshold}
        hidden = small | rests.get(c, set())
        changed = True
        while changed:
            changed = False
            for members, total in lines:
                line = [*members, total]
                if sum(1 for i in line if i in hidden) != 1:
                    continue
                candidates = [i for i in line if i not in hidden]
                if candidates:
                    hidden.add(min(candidates, key=lambda i: (i == total, values[i] == 0, values[i], i)))
                    changed = True
        for i in hidden:
            rows[i][c] = f"< {threshold}" if i in small else disclosure.SECRET

