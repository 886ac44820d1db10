"""What real people send back: a workbook typed by hand with a title above the header, header variants, dates
and numbers typed as text, decimal commas, blank trailing rows and a column of their own."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import openpyxl
from sqlalchemy import select

from erbm_desk.db.models import Beneficiary, Cite, Company, Contract, EligibilityCheck, HoursEntry, Operation
from erbm_desk.domain.enums import CompanyKind, ContractType, DeliveryMethod, OperationNature, Phase, Sex
from erbm_desk.services.exchange.model import Status
from tests.services.test_excel_support import import_file, plan


def _sheet(wb, title, rows):
    ws = wb.create_sheet(title)
    for row in rows:
        ws.append(row)
    return ws


def hand_made(path):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _sheet(wb, "CITES", [
        ["Cités suivies par le PLIE de Lens — saisie de mars"],
        [],
        ["  nom de la cite ", "COMMUNE", "logements", "cite prioritaire", "Notre colonne"],
        ["Cité Nouvelle", "Lens", "12", "oui", "à vérifier"],
        ["Cité des Essais", "62413", 30, "x", None],
        [None, "", "   ", None, None],
        [],
    ])
    _sheet(wb, "operations", [
        ["INTITULÉ", "Cité", "nature", "PHASE", "debut des travaux", "Heures d’insertion exigées",
         "Conso avant (kWh/m2/an)"],
        ["Réhabilitation X", "Cité Nouvelle", "réhabilitation", "en travaux", "01/02/2024", "1 234,5", "12,5"],
        ["Réhabilitation Y", "Cité des Essais, Harnes (62413)", "Rehabilitation", "etudes", "2024-03-15", 10, None],
    ])
    _sheet(wb, "Entreprises", [
        ["Raison sociale", "siret", "Type de structure"],
        ["Bâtiment Gohelle", "732 829 320 00074", "entreprise"],
        ["ETTI du Bassin", 35600000000048, "etti"],
    ])
    _sheet(wb, "Bénéficiaires", [
        ["Nom", "Prénom", "Date de naissance", "Sexe", "Bénéficiaire du RSA", "DELD (12 mois et plus)"],
        ["DURAND", "Léa", "15/03/2000", "femme", "X", "non"],
        ["MARTIN", "Kévin", datetime(1996, 2, 1), "homme", "", "oui"],
    ])
    _sheet(wb, "Contrats", [
        ["Bénéficiaire", "Entreprise", "Opération", "Type de contrat", "Mode de réalisation", "Début", "Fin"],
        ["DURAND Léa (15/03/2000)", "73282932000074", "Réhabilitation X", "cdd", "embauche directe",
         "2024-01-15", "30/06/2024"],
        ["martin kévin (01/02/1996)", "ETTI du Bassin (35600000000048)", "Réhabilitation Y", "Intérim",
         "Mise à disposition ETTI", "01/03/2024", None],
    ])
    _sheet(wb, "Heures", [
        ["Contrat", "mois", "heures"],
        ["DURAND Léa (15/03/2000) / 73282932000074 / Réhabilitation X / Cité Nouvelle, Lens (62498) / 15/01/2024",
         "01/2024", "35,5"],
        ["DURAND Léa (15/03/2000) / 73282932000074 / Réhabilitation X / Cité Nouvelle, Lens (62498) / 15/01/2024",
         "2024-02", 12.25],
        ["MARTIN Kévin (01/02/1996) / 35600000000048 / Réhabilitation Y / Cité des Essais, Harnes (62413) / "
         "01/03/2024", datetime(2024, 3, 1), "151,67"],
        [None, None, None],
    ])
    wb.save(path)
    return path


def test_a_hand_made_workbook_imports(tmp_path, db):
    path = hand_made(tmp_path / "saisie.xlsx")
    p = plan(db, path)
    assert p.ok, [str(e) for e in p.errors]
    assert {sheet: counts[Status.NEW] for sheet, counts in p.table()} == {
        "CITES": 2, "operations": 2, "Entreprises": 2, "Bénéficiaires": 2, "Contrats": 2, "Heures": 3,
        "Diagnostics d'éligibilité": 2}  # the criteria typed on the person (format 1): a check at entry
    notices = [str(n) for n in p.notices]
    assert notices == ["feuille « CITES », ligne 3, colonne « Notre colonne » (E) : colonne inconnue, ignorée."]
    import_file(db, path)
    with db.session() as s:
        cite = s.execute(select(Cite.homes, Cite.priority).where(Cite.name == "Cité Nouvelle")).one()
        assert cite == (12, True)
        op = s.execute(select(Operation.nature, Operation.phase, Operation.start_date, Operation.hours_required,
                              Operation.energy_before).where(Operation.name == "Réhabilitation X")).one()
        assert op == (OperationNature.REHABILITATION, Phase.WORKS, date(2024, 2, 1), Decimal("1234.50"),
                      Decimal("12.50"))
        assert s.scalars(select(Company.siret).order_by(Company.siret)).all() == ["35600000000048", "73282932000074"]
        assert s.scalar(select(Company.kind).where(Company.siret == "35600000000048")) == CompanyKind.ETTI
        lea = s.execute(select(Beneficiary.birth_date, Beneficiary.sex, EligibilityCheck.check_date,
                               EligibilityCheck.rsa, EligibilityCheck.deld)
                        .join(EligibilityCheck, EligibilityCheck.beneficiary_id == Beneficiary.id)
                        .where(Beneficiary.last_name == "DURAND")).one()
        assert lea == (date(2000, 3, 15), Sex.FEMALE, date(2024, 1, 15), True, False)  # at her first contract
        contracts = s.execute(select(Contract.contract_type, Contract.delivery_method, Contract.start_date,
                                     Contract.end_date).order_by(Contract.id)).all()
        assert contracts == [(ContractType.CDD, DeliveryMethod.DIRECT_HIRE, date(2024, 1, 15), date(2024, 6, 30)),
                             (ContractType.INTERIM, DeliveryMethod.ETTI, date(2024, 3, 1), None)]
        hours = s.execute(select(HoursEntry.month, HoursEntry.hours).order_by(HoursEntry.month)).all()
        assert hours == [(date(2024, 1, 1), Decimal("35.50")), (date(2024, 2, 1), Decimal("12.25")),
                         (date(2024, 3, 1), Decimal("151.67"))]
    # sent again (no identifiers in it): matched by natural keys, nothing changes
    again = plan(db, path)
    assert again.ok and again.writes == 0 and again.count(Status.UNCHANGED) == 15  # 13 rows and their 2 checks


def test_hand_edits_of_an_exported_workbook_are_taken(tmp_path, db, small_dataset):
    from tests.services.test_excel_support import export

    path = export(db, tmp_path / "x.xlsx", anonymous=False)
    wb = openpyxl.load_workbook(path)
    ws = wb["Opérations"]
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[header.index("Intitulé")].value == "Réhabilitation A2":
            row[header.index("Logements")].value = "25"
    contracts = wb["Contrats"]
    header = [c.value for c in contracts[1]]
    c4 = [r[0].value for r in contracts.iter_rows(min_row=2) if r[header.index("Début")].value == datetime(2023, 3, 1)]
    ws = wb["Heures"]
    header = [c.value for c in ws[1]]
    row = [None] * len(header)
    row[header.index("Mois")], row[header.index("Heures")] = "03/2023", "7,5"
    row[header.index("Contrat (identifiant)")] = c4[0]  # a month added by hand, its contract by identifier
    ws.append(row)
    wb.save(path)
    p = plan(db, path)
    assert p.ok, [str(e) for e in p.errors]
    assert p.sheets["operation"].counts[Status.CHANGED] == 1
    assert p.sheets["hours_entry"].counts[Status.NEW] == 1
    import_file(db, path)
    with db.session() as s:
        assert s.scalar(select(Operation.homes).where(Operation.name == "Réhabilitation A2")) == 25
