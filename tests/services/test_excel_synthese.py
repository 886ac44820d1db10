"""The Synthèse sheet gives, for the perimeter, each EPCI and each cité, the very figures of
`compute_indicators`; the workbook's other features (Lisez-moi, scope, CLI export)."""

from __future__ import annotations

import re

import random
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from erbm_desk.cli.main import main
from erbm_desk.db.models import Cite, Commune, Epci
from erbm_desk.services.database.demo import generate_demo
from erbm_desk.services.reporting import disclosure
from erbm_desk.services.exchange.synthese import COUNT_COLUMNS, HEADERS, protect_counts, synthese_rows, total_lines
from erbm_desk.services.reporting.indicators import Period, Scope, compute_indicators
from tests.services.test_excel_support import export, fresh_db, sheet_dicts, workbook_values

FIELDS = {
    "Heures réalisées": "hours_realised", "Heures exigées": "hours_required", "Personnes": "people",
    "dont RSA": "people_rsa", "dont moins de 26 ans": "people_under_26", "dont femmes": "people_women",
    "dont DELD": "people_deld", "dont QPV": "people_qpv", "Contrats": "contracts", "Opérations": "operations",
    "Logements prévus": "homes_planned", "Logements en travaux": "homes_in_works",
    "Logements livrés": "homes_delivered", "Financements (€)": "funding_total",
    "Contrats avec heures": "contracts_with_hours", "ETP": "fte", "Heures en SIAE": "hours_siae", "Sorties": "exits",
    "dont sorties positives": "exits_positive", "Situations à 6 mois relevées": "situations_known",
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = fresh_db(tmp_path_factory.mktemp("synthese"), "demo")
    with db.session() as s:
        generate_demo(s, seed=5, scale=0.3)
    yield db
    db.close()


@pytest.mark.parametrize("period", [Period(), Period(date(2020, 1, 1), date(2023, 6, 1))])
def test_every_row_matches_compute_indicators(demo, period):
    with demo.session() as s:
        rows = synthese_rows(s, Scope(), period, "Territoire ERBM", anonymous=False)
        epcis = dict(s.execute(select(Epci.short_name, Epci.id)).all())
        cites = {(name, short): cid for cid, name, short in s.execute(
            select(Cite.id, Cite.name, Epci.short_name).join(Commune, Cite.commune_id == Commune.id)
            .join(Epci, Commune.epci_id == Epci.id))}
        checked = 0
        for row in rows:
            values = dict(zip(HEADERS, row))
            level = values["Niveau"]
            if level == "Périmètre":
                scope = Scope()
            elif level == "EPCI":
                scope = Scope("epci", epcis[values["Nom"]])
            else:
                scope = Scope("cite", cites[(values["Nom"], values["EPCI"])])
            expected = compute_indicators(s, scope, period)
            for header, attr in FIELDS.items():
                assert values[header] == getattr(expected, attr), (level, values["Nom"], header)
            rate = expected.hours_rate
            assert values["Taux de réalisation (%)"] == (None if rate is None else float(rate))
            checked += 1
    assert checked == 1 + len({short for _, short in cites}) + len(cites)  # EPCIs with cités only


def _hidden(value) -> bool:
    return isinstance(value, str)


def _check_protected(exact: list[list], shown: list[list], threshold: int = 5) -> int:
    """`shown` is `exact` with its counts protected: every shown count exact, « < 5 » exactly for the small
    ones, and no line (an EPCI and its cités, the perimeter and its EPCIs) with exactly one hidden value — the
    line's total minus its shown values never gives a hidden one. Returns the number of hidden cells."""
    hidden_cells = 0
    for i, (e_row, s_row) in enumerate(zip(exact, shown)):
        for c, (e, v) in enumerate(zip(e_row, s_row)):
            if c not in COUNT_COLUMNS:
                assert v == e
            elif v == f"< {threshold}":
                assert 0 < e < threshold, (i, c, e)
                hidden_cells += 1
            elif v == "s":
                assert not 0 < e < threshold, (i, c, e)
                hidden_cells += 1
            else:
                assert isinstance(v, int) and v == e and not 0 < v < threshold, (i, c, e, v)
    lines = total_lines(shown)
    assert sorted(i for members, _ in lines for i in members) == list(range(1, len(shown)))  # every row is in
    for c in COUNT_COLUMNS:
        for members, total in lines:
            line_hidden = [i for i in (*members, total) if _hidden(shown[i][c])]
            assert len(line_hidden) != 1, (HEADERS[c], shown[total][1], line_hidden)
            if not _hidden(shown[total][c]) and line_hidden:
                # what a reader can compute: the total minus the shown values is the sum of ≥ 2 hidden ones
                rest = shown[total][c] - sum(shown[i][c] for i in members if not _hidden(shown[i][c]))
                assert rest == sum(exact[i][c] for i in line_hidden) or c == HEADERS.index("Personnes") \
                    or HEADERS[c].startswith("dont")  # persons: distinct, a person may work in two cités
    return hidden_cells


@pytest.mark.parametrize("scope", [Scope(), Scope("bailleur", "Maisons & Cités"), Scope("epci", "CALL")])
@pytest.mark.parametrize("period", [Period(), Period(date(2022, 1, 1), date(2022, 6, 1))])
def test_anonymous_synthese_hides_small_counts_so_that_totals_cannot_undo_it(demo, scope, period):
    with demo.session() as s:
        exact = synthese_rows(s, scope, period, "P", anonymous=False)
        shown = synthese_rows(s, scope, period, "P", anonymous=True)
    assert len(shown) > 3 and _check_protected(exact, shown) > 0  # the demo has small cités: some are hidden
    hours = [r[HEADERS.index("Heures réalisées")] for r in shown]
    assert all(isinstance(h, Decimal) for h in hours)  # not counts: shown


def test_threshold_is_the_setting(demo):
    from erbm_desk.services.security.database_settings import SMALL_COUNT_THRESHOLD, write_database_setting

    with demo.session() as s:
        exact = synthese_rows(s, Scope(), Period(), "P", anonymous=False)
        assert _check_protected(exact, synthese_rows(s, Scope(), Period(), "P", anonymous=True, threshold=10), 10)
        write_database_setting(s, SMALL_COUNT_THRESHOLD, 8)
        try:
            _check_protected(exact, synthese_rows(s, Scope(), Period(), "P", anonymous=True), 8)
        finally:
            write_database_setting(s, SMALL_COUNT_THRESHOLD, 5)


@pytest.mark.parametrize("seed", range(200))
def test_protection_holds_on_random_tables(seed):
    """Random perimeters (EPCIs of 1 to 6 cités, many small counts and zeros): the invariants always hold."""
    rnd = random.Random(seed)
    width = len(HEADERS)
    rows = [["Périmètre", "P", ""] + [0] * (width - 3)]
    cite_rows = []
    for e in range(rnd.randint(1, 5)):
        members = [["Cité", f"c{e}-{k}", f"E{e}"] + [rnd.choice([0, 0, 1, 2, 3, 4, 5, 6, 9, 20, 150])
                                                      for _ in range(width - 3)] for k in range(rnd.randint(1, 6))]
        rows.append(["EPCI", f"E{e}", f"E{e}"] + [sum(m[c] for m in members) for c in range(3, width)])
        cite_rows += members
    rows[0][3:] = [sum(r[c] for r in rows[1:]) for c in range(3, width)]
    rows += cite_rows
    shown = [list(r) for r in rows]
    protect_counts(shown, 5)
    _check_protected(rows, shown)


def test_anonymous_workbook_synthese_cells_and_note(tmp_path, demo):
    path = export(demo, tmp_path / "anon.xlsx", scope=Scope("epci", "CALL"))
    rows = workbook_values(path)["Synthèse"]
    assert tuple(rows[0]) == HEADERS
    table = [r for r in rows[1:] if r and r[0] in ("Périmètre", "EPCI", "Cité")]
    counts = [r[c] for r in table for c in COUNT_COLUMNS]
    assert "< 5" in counts and all(v in ("< 5", "s") or isinstance(v, float) for v in counts)  # numbers stay numbers
    assert rows[len(table) + 1] in ([], [None] * len(rows[0]), [""] * len(rows[0]))  # a blank row, then the note
    assert rows[-1][0] == disclosure.SMALL_NOTE.format(threshold=5)
    nominatif = export(demo, tmp_path / "nom.xlsx", scope=Scope("epci", "CALL"), anonymous=False)
    rows = workbook_values(nominatif)["Synthèse"]
    assert all(isinstance(r[c], float) for r in rows[1:] for c in COUNT_COLUMNS)  # exact counts, no note
    assert len(rows) == len(table) + 1


def test_scope_and_period_export_and_readme(tmp_path, demo):
    path = export(demo, tmp_path / "call.xlsx", scope=Scope("epci", "CALL"), period=Period(date(2022, 1, 1),
                  date(2022, 12, 1)), organisation="PLIE de Lens-Liévin")
    readme = {r[0]: r[1] for r in workbook_values(path, skip_varying=False)["Lisez-moi"] if r and r[0]}
    assert readme["Format"] == "ERBM Desk — format d'échange" and readme["Version du format"] == 2
    assert readme["Organisation"] == "PLIE de Lens-Liévin" and readme["Anonyme"] == "Oui"
    assert readme["Période"] == "de 01/2022 à 12/2022" and readme["Périmètre"] == "EPCI CALL"
    months = {r["Mois"] for r in sheet_dicts(path, "Heures")}
    assert months and all(date(2022, 1, 1) <= m <= date(2022, 12, 1) for m in months)
    cites = {r["Commune"] for r in sheet_dicts(path, "Cités")}
    with demo.session() as s:
        call = {f"{n} (INSEE {c})" for n, c in s.execute(select(Commune.name, Commune.insee_code)
                                                   .join(Epci, Commune.epci_id == Epci.id)
                                                   .where(Epci.short_name == "CALL"))}
    assert cites and cites <= call
    synthese = [r for r in sheet_dicts(path, "Synthèse") if r["Niveau"] in ("Périmètre", "EPCI", "Cité")]
    assert synthese[0]["Nom"] == "EPCI CALL" and {r["Niveau"] for r in synthese} == {"Périmètre", "EPCI", "Cité"}


def test_cli_export(tmp_path, capsys):
    db = str(tmp_path / "cli.sqlite")
    assert main(["--db", db, "demo", "--scale", "0.05"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "export", str(tmp_path / "a.xlsx"), "--bailleur", "SIA Habitat"]) == 0
    assert "Classeur anonyme enregistré : a.xlsx" in capsys.readouterr().out
    assert main(["--db", db, "export", str(tmp_path / "n.xlsx"), "--nominatif", "--from", "2021-01"]) == 0
    assert "Classeur nominatif" in capsys.readouterr().out
    assert main(["--db", db, "export", str(tmp_path / "x.csv")]) == 2
    assert main(["--db", db, "export", str(tmp_path / "x.xlsx"), "--epci", "NOPE"]) == 1
    assert "EPCI introuvable" in capsys.readouterr().err
    assert main(["--db", db, "import", str(tmp_path / "n.xlsx"), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert re.search(r"  Cités : [\d\u00a0]+ inchangées", out) and re.search(r"  Bénéficiaires : [\d\u00a0]+ inchangés", out)
    other = str(tmp_path / "other.sqlite")
    assert main(["--db", other, "import", str(tmp_path / "n.xlsx")]) == 0
    assert "Import terminé" in capsys.readouterr().out
    from erbm_desk.services.backup.location import backup_folder

    assert list(backup_folder(other).glob("*_import.sqlite"))  # a copy was made before writing
