"""The Synthèse sheet gives, for the perimeter, each EPCI and each cité, the very figures of
`compute_indicators`; the workbook's other features (Lisez-moi, scope, CLI export)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from erbm_desk.cli import main
from erbm_desk.db.models import Cite, Commune, Epci
from erbm_desk.services.demo import generate_demo
from erbm_desk.services.excel.synthese import HEADERS, synthese_rows
from erbm_desk.services.indicators import Period, Scope, compute_indicators, scope_cites
from tests.services.test_excel_support import export, fresh_db, sheet_dicts, workbook_values

FIELDS = {
    "Heures réalisées": "hours_realised", "Heures exigées": "hours_required", "Personnes": "people",
    "dont RSA": "people_rsa", "dont moins de 26 ans": "people_under_26", "dont femmes": "people_women",
    "dont DELD": "people_deld", "dont QPV": "people_qpv", "Contrats": "contracts", "Opérations": "operations",
    "Logements prévus": "homes_planned", "Logements en travaux": "homes_in_works",
    "Logements livrés": "homes_delivered", "Financements (€)": "funding_total",
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
        rows = synthese_rows(s, None, period, "Territoire ERBM", anonymous=False)
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


def test_anonymous_synthese_hides_small_counts(demo):
    with demo.session() as s:
        rows = synthese_rows(s, scope_cites(s, Scope("bailleur", "Pas-de-Calais Habitat")), Period(),
                             "Bailleur Pas-de-Calais Habitat", anonymous=True)
    people = [r[HEADERS.index("Personnes")] for r in rows]
    assert all(isinstance(p, int) and (p == 0 or p >= 5) or p == "< 5" for p in people)
    hours = [r[HEADERS.index("Heures réalisées")] for r in rows]
    assert all(isinstance(h, Decimal) for h in hours)  # not counts of persons: shown


def test_scope_and_period_export_and_readme(tmp_path, demo):
    path = export(demo, tmp_path / "call.xlsx", scope=Scope("epci", "CALL"), period=Period(date(2022, 1, 1),
                  date(2022, 12, 1)), organisation="PLIE de Lens-Liévin")
    readme = {r[0]: r[1] for r in workbook_values(path, skip_varying=False)["Lisez-moi"] if r and r[0]}
    assert readme["Format"] == "ERBM Desk — format d'échange" and readme["Version du format"] == 1
    assert readme["Organisation"] == "PLIE de Lens-Liévin" and readme["Anonyme"] == "Oui"
    assert readme["Période"] == "de 01/2022 à 12/2022" and readme["Périmètre"] == "EPCI CALL"
    months = {r["Mois"] for r in sheet_dicts(path, "Heures")}
    assert months and all(date(2022, 1, 1) <= m <= date(2022, 12, 1) for m in months)
    cites = {r["Commune"] for r in sheet_dicts(path, "Cités")}
    with demo.session() as s:
        call = {f"{n} ({c})" for n, c in s.execute(select(Commune.name, Commune.insee_code)
                                                   .join(Epci, Commune.epci_id == Epci.id)
                                                   .where(Epci.short_name == "CALL"))}
    assert cites and cites <= call
    synthese = sheet_dicts(path, "Synthèse")
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
    assert "inchangées" in capsys.readouterr().out
    other = str(tmp_path / "other.sqlite")
    assert main(["--db", other, "import", str(tmp_path / "n.xlsx")]) == 0
    assert "Import terminé" in capsys.readouterr().out
    from erbm_desk.services.backup import backup_folder

    assert list(backup_folder(other).glob("*_import.sqlite"))  # a copy was made before writing
