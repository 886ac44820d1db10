"""Workbooks in the layouts people really keep, built here (no binary committed): one row per contract with a
column per month under title rows and merged cells, a long layout with the people on another sheet, the export of
another tool (snake_case headers, 1/0 criteria, `heures_mois_01…12` and the year once), CSV and .ods variants.

Every layout holds the same small story, so that each test can write the indicators it expects:

- DURAND Léa, born 15/03/2000 (under 26 at her start), woman, RSA « X », QPV « oui »: CDDI at Bâtiment Gohelle
  (SIRET 73282932000074) on « Réhabilitation Cité des Fleurs », 15/01/2024 → 30/06/2024; hours Jan 35,5,
  Feb 70, Mar 70,25.
- MARTIN Kévin, born 01/02/1980, man, DELD: intérim through ETTI du Bassin (SIRET 35600000000048) on the same
  operation, from 01/02/2024 (no end); hours Feb 151,67, Mar 140.
- NOWAK Piotr, born 05/05/1996 (27 at his start), man, RSA: CDD at Bâtiment Gohelle on « Résidentialisation
  Cité Bellevue », 01/03/2024 → 31/12/2024; hours Mar 20, Apr 100.

Totals: 587,42 hours by 3 people, of whom 2 RSA and 1 under 26; 1 woman; 3 contracts; 2 companies, 2 cités,
2 operations.
"""

from __future__ import annotations

import csv
import subprocess
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
from openpyxl.styles import Font

SIRET_A = "73282932000074"
SIRET_B = "35600000000048"
TOTAL_HOURS = Decimal("587.42")

PEOPLE = [
    # last, first, birth, sex, rsa, qpv, deld
    ("DURAND", "Léa", date(2000, 3, 15), "F", "X", "oui", ""),
    ("MARTIN", "Kévin", date(1980, 2, 1), "H", "", "non", "X"),
    ("NOWAK", "Piotr", date(1996, 5, 5), "H", "X", "", ""),
]
CONTRACTS = [
    # person index, company, siret, kind, cité, commune, operation, nature, phase, type, method, start, end, hours
    (0, "Bâtiment Gohelle", SIRET_A, "Entreprise", "Cité des Fleurs", "Lens", "Réhabilitation Cité des Fleurs",
     "Réhabilitation", "En travaux", "Contrat d'insertion", "Embauche", date(2024, 1, 15), date(2024, 6, 30),
     {1: "35,5", 2: 70, 3: 70.25}),
    (1, "ETTI du Bassin", SIRET_B, "ETTI", "Cité des Fleurs", "Lens", "Réhabilitation Cité des Fleurs",
     "Réhabilitation", "En travaux", "Intérim", "Mise à disposition ETTI", date(2024, 2, 1), None,
     {2: 151.67, 3: 140}),
    (2, "Bâtiment Gohelle", SIRET_A, "Entreprise", "Cité Bellevue", "62413", "Résidentialisation Cité Bellevue",
     "Résidentialisation", "Études", "CDD", "Embauche directe", date(2024, 3, 1), date(2024, 12, 31),
     {3: 20, 4: 100}),
]
MONTH_TEXT = ["Janvier", "Février", "Mars", "Avril", "Mai", "Juin", "Juillet", "Août", "Septembre", "Octobre",
              "Novembre", "Décembre"]


def wide_workbook(path: Path, month_headers: str = "dates") -> Path:
    """One row per contract, a column per month of 2024 (real dates shown « janv.-24 », or text « Janvier 2024 »),
    under a merged title and a blank row, with a stale « -26 ANS » flag, a « Total » column of formulas and a
    totals row; dates of birth typed as text, hours with decimal commas."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Suivi 2024"
    ws["A1"] = "Suivi des heures d'insertion — PLIE de Lens-Liévin"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells("A1:T1")
    ws["A2"] = "Mis à jour le 05/04/2024"
    head = ["NOM", "PRENOM", "Né(e) le", "Sexe", "BRSA", "QPV", "DELD", "-26 ANS", "Entreprise", "N° SIRET",
            "Type de structure", "Cité", "Commune", "Opération", "Nature", "Phase", "Type de contrat",
            "Mode de réalisation", "Date de début", "Date de fin"]
    first_month = len(head) + 1
    ws.append([])
    ws.append(head + [None] * 12 + ["Total"])
    for m in range(12):
        cell = ws.cell(row=4, column=first_month + m)
        if month_headers == "dates":
            cell.value = datetime(2024, m + 1, 1)
            cell.number_format = "mmm-yy"
        else:
            cell.value = f"{MONTH_TEXT[m]} 2024"
    for n, c in enumerate(CONTRACTS):
        last, first, birth, sex, rsa, qpv, deld = PEOPLE[c[0]]
        row = [last, first, birth.strftime("%d/%m/%Y"), sex, rsa, qpv, deld, "X" if birth.year >= 1999 else "",
               c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11], c[12]]
        row += [c[13].get(m + 1) for m in range(12)]
        r = 5 + n
        row.append(f"=SUM({_col(first_month)}{r}:{_col(first_month + 11)}{r})")
        ws.append(row)
    total = ["TOTAL"] + [None] * (len(head) - 1)
    total += [f"=SUM({_col(first_month + m)}5:{_col(first_month + m)}7)" for m in range(12)]
    ws.append([])
    ws.append(total)
    wb.save(path)
    return path


def grouped_header_workbook(path: Path) -> Path:
    """One row per contract under a header of two rows: merged groups (« Bénéficiaire », « Entreprise »,
    « Chantier », « Contrat », « Heures réalisées 2024 ») above short headers that only the group explains
    (« Nom » of the company, « Type » of the company and of the contract, months « Janvier »… without a year)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Tableau de bord"
    groups = [("Bénéficiaire", 1, 7), ("Entreprise", 8, 10), ("Chantier", 11, 15), ("Contrat", 16, 19),
              ("Heures réalisées 2024", 20, 31)]
    for text, first, last in groups:
        ws.cell(row=1, column=first, value=text)
        ws.merge_cells(start_row=1, start_column=first, end_row=1, end_column=last)
    ws.append(["Nom", "Prénom", "Né le", "Sexe", "RSA", "QPV", "DELD", "Nom", "SIRET", "Type", "Cité", "Commune",
               "Opération", "Nature", "Phase", "Type", "Modalité", "Début", "Fin"] + MONTH_TEXT)
    for c in CONTRACTS:
        last, first, birth, sex, rsa, qpv, deld = PEOPLE[c[0]]
        ws.append([last, first, birth, sex, rsa, qpv, deld, *c[1:13]] + [c[13].get(m) for m in range(1, 13)])
    wb.save(path)
    return path


def school_year_workbook(path: Path) -> Path:
    """One row per contract, month columns « Septembre » … « Décembre », « Janvier » … « Août » without a year,
    under a title naming two years (« 2023-2024 »): the year of the first column must be given."""
    order = [9, 10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Année 2023-2024"
    ws.append(["Suivi des heures — année 2023-2024"])
    ws.append(["Nom", "Prénom", "Date de naissance", "Sexe", "RSA", "QPV", "DELD", "Entreprise", "SIRET",
               "Type de structure", "Cité", "Commune", "Opération", "Nature", "Phase", "Type de contrat",
               "Mode de réalisation", "Date de début", "Date de fin"] + [MONTH_TEXT[m - 1] for m in order])
    for c in CONTRACTS:
        last, first, birth, sex, rsa, qpv, deld = PEOPLE[c[0]]
        ws.append([last, first, birth, sex, rsa, qpv, deld, *c[1:13]] + [c[13].get(m) for m in order])
    wb.save(path)
    return path


def _col(n: int) -> str:
    return openpyxl.utils.get_column_letter(n)


MONTH_AS_WRITTEN = {1: "janvier 2024", 2: "févr.-24", 3: "Mars 2024", 4: "04/2024"}


HOURS_AS_WRITTEN = {"35,5": "35h30", 70: "70 h", 70.25: timedelta(hours=70, minutes=15), 151.67: "151,67 h",
                    140: "140:00", 20: "20h", 100: "100 heures"}


def long_workbook(path: Path, month_cells: str = "dates", hours_cells: str = "numbers") -> Path:
    """People on one sheet; one row per contract and month on another (« Mois » as a date or « 2024-03 »; with
    `month_cells="text"`, as people type it: « janvier 2024 », « févr.-24 »), « Heures réalisées » (with
    `hours_cells="text"`: « 35h30 », « 140:00 », a duration cell), the person named by name and birth date only."""
    wb = openpyxl.Workbook()
    people = wb.active
    people.title = "Participants"
    people.append(["Liste des participants"])
    people.append(["Nom", "Prénom", "Date de naissance", "Genre", "RSA", "QPV", "DELD"])
    for last, first, birth, sex, rsa, qpv, deld in PEOPLE:
        people.append([last, first, birth, {"F": "Femme", "H": "Homme"}[sex], "oui" if rsa else "non",
                       qpv or "non", "oui" if deld else "non"])
    hours = wb.create_sheet("Heures")
    hours.append(["Nom", "Date de naissance", "Employeur", "SIRET", "Type de structure", "Cité", "Commune",
                  "Chantier", "Nature", "Phase", "Contrat", "Modalité", "Début du contrat", "Fin du contrat",
                  "Mois", "Heures réalisées"])
    for c in CONTRACTS:
        last, _first, birth, *_ = PEOPLE[c[0]]
        for month, h in sorted(c[13].items()):
            when = datetime(2024, month, 1) if month % 2 else f"2024-{month:02d}"
            if month_cells == "text":
                when = MONTH_AS_WRITTEN[month]
            if hours_cells == "text":
                h = HOURS_AS_WRITTEN[h]
            hours.append([last.capitalize(), birth.strftime("%d/%m/%Y"), c[1], c[2], c[3], c[4], c[5], c[6],
                          c[7], c[8], c[9], c[10], c[11], c[12], when, h])
            if isinstance(h, timedelta):
                hours.cell(row=hours.max_row, column=16).number_format = "[h]:mm"
    wb.save(path)
    return path


def sheet_per_month_workbook(path: Path) -> Path:
    """One sheet per month, each the month's hours of every contract (« Heures réalisées », no « Mois » column):
    the month named by the sheet (« Janvier 2024 »…), or for the last one by its title row (sheet « Feuil4 »)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for month in (1, 2, 3, 4):
        ws = wb.create_sheet(f"{MONTH_TEXT[month - 1]} 2024" if month < 4 else "Feuil4")
        if month == 4:
            ws.append(["Heures réalisées avril 2024"])
            ws.append([])
        ws.append(["Nom", "Prénom", "Date de naissance", "Sexe", "RSA", "QPV", "DELD", "Employeur", "SIRET",
                   "Type de structure", "Cité", "Commune", "Opération", "Nature", "Phase", "Contrat", "Modalité",
                   "Début", "Fin", "Heures réalisées"])
        for c in CONTRACTS:
            if month in c[13]:
                last, first, birth, sex, rsa, qpv, deld = PEOPLE[c[0]]
                ws.append([last, first, birth, sex, rsa, qpv, deld, *c[1:13], c[13][month]])
    wb.save(path)
    return path


OTHER_TOOL_HEADER = ["nom_beneficiaire", "prenom_beneficiaire", "date_naissance", "sexe", "rsa", "qpv", "deld",
                     "raison_sociale", "siret", "type_structure", "nom_cite", "commune_cite", "nom_operation",
                     "nature", "phase", "type_contrat", "mode_realisation", "date_debut", "date_fin"] \
    + [f"heures_mois_{m:02d}" for m in range(1, 13)]


def other_tool_rows() -> list[list]:
    """The export of another tool: ASCII snake_case headers, ISO dates, 1/0 criteria, dot decimals."""
    rows = []
    for c in CONTRACTS:
        last, first, birth, sex, rsa, qpv, deld = PEOPLE[c[0]]
        rows.append([last, first, birth.isoformat(), sex, int(bool(rsa)), int(qpv == "oui"), int(bool(deld)),
                     c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], c[10], c[11].isoformat(),
                     c[12].isoformat() if c[12] else ""]
                    + [str(c[13][m]).replace(",", ".") if m in c[13] else "" for m in range(1, 13)])
    return rows


def other_tool_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "export"
    ws.append(["annee", 2024])
    ws.append(OTHER_TOOL_HEADER)
    for row in other_tool_rows():
        ws.append(row)
    wb.save(path)
    return path


def csv_file(path: Path, delimiter: str = ";", encoding: str = "utf-8") -> Path:
    """The wide layout as a CSV export: text everywhere, decimal commas with `;`, months as « Janvier 2024 »."""
    head = ["Nom", "Prénom", "Date de naissance", "Sexe", "RSA", "QPV", "DELD", "Entreprise", "SIRET",
            "Type de structure", "Cité", "Commune", "Opération", "Nature", "Phase", "Type de contrat",
            "Mode de réalisation", "Date de début", "Date de fin"] + [f"{m} 2024" for m in MONTH_TEXT]
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(head)
        for c in CONTRACTS:
            last, first, birth, sex, rsa, qpv, deld = PEOPLE[c[0]]
            hours = [c[13].get(m) for m in range(1, 13)]
            text = [("" if h is None else str(h).replace(".", ",") if delimiter == ";" else str(h).replace(",", "."))
                    for h in hours]
            w.writerow([last, first, birth.strftime("%d/%m/%Y"), sex, rsa, qpv, deld, c[1], c[2], c[3], c[4],
                        c[5], c[6], c[7], c[8], c[9], c[10], c[11].strftime("%d/%m/%Y"),
                        c[12].strftime("%d/%m/%Y") if c[12] else ""] + text)
    return path


def ods_file(xlsx: Path, folder: Path) -> Path:
    """The same workbook saved by LibreOffice as .ods."""
    subprocess.run(["soffice", "--headless", "--convert-to", "ods", "--outdir", str(folder), str(xlsx)],
                   check=True, capture_output=True, timeout=120)
    return folder / (xlsx.stem + ".ods")
