"""A facilitator's own tracking workbook made from a demo base, for the screenshots of the import wizard
(capture_import.sh): the contracts of one year, a column per month under a merged title, a « Statut » column the
app does not know, a stale « -26 ANS » flag, a « Total » column of formulas, a totals row; three people who are
not in the base (one born on 31/02), one whose birth date is a day off, a criterion « en attente », hours
changed for one person.

    python docs/screenshots/import_tracking_workbook.py BASE.sqlite FOLDER
"""
import datetime
import sqlite3
import sys
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill

base, folder = sys.argv[1], Path(sys.argv[2])
conn = sqlite3.connect(base)
year = conn.execute("select max(substr(month,1,4)) from hours_entry").fetchone()[0]
year = int(year) - 1
rows = conn.execute("""
select c.id, b.last_name, b.first_name, b.birth_date, b.sex, e.rsa, e.qpv, e.deld, co.name, co.siret, co.kind, ci.name, cm.name,
       o.name, o.nature, o.phase, c.contract_type, c.delivery_method, c.start_date, c.end_date
from contract c join beneficiary b on b.id=c.beneficiary_id join company co on co.id=c.company_id
join operation o on o.id=c.operation_id join cite ci on ci.id=o.cite_id join commune cm on cm.id=ci.commune_id
left join eligibility_check e on e.id=(select id from eligibility_check where beneficiary_id=b.id order by check_date limit 1)
where c.start_date <= ? and (c.end_date is null or c.end_date >= ?) order by ci.name, b.last_name limit 22""",
(f"{year}-12-31", f"{year}-01-01")).fetchall()
hours = {}
for cid, month, h in conn.execute("select contract_id, month, hours from hours_entry where substr(month,1,4)=?", (str(year),)):
    hours[(cid, int(month[5:7]))] = h / 100
labels = {"entreprise": "Entreprise", "etti": "ETTI", "ei": "EI", "aci": "ACI", "ai": "AI", "geiq": "GEIQ", "ett": "ETT",
          "rehabilitation": "Réhabilitation", "residentialisation": "Résidentialisation", "espaces_publics": "Espaces publics",
          "demolition": "Démolition", "construction": "Construction neuve", "etudes": "Études", "programmee": "Programmée",
          "travaux": "En travaux", "livree": "Livrée", "abandonnee": "Abandonnée",
          "cdi": "CDI", "cdd": "CDD", "cddi": "Contrat d'insertion", "interim": "Intérim", "apprentissage": "Apprentissage",
          "professionnalisation": "Contrat pro", "autre": "Autre", "embauche_directe": "Embauche", "mad_etti": "ETTI",
          "mad_ai": "AI", "mad_geiq": "GEIQ", "sous_traitance_siae": "Sous-traitance", "cotraitance_siae": "Co-traitance"}
wb = openpyxl.Workbook(); ws = wb.active; ws.title = f"Suivi {year}"
ws["A1"] = f"PLIE de Lens-Liévin — suivi des clauses d'insertion {year}"; ws["A1"].font = Font(bold=True, size=14)
ws.merge_cells("A1:H1")
ws["A2"] = "Fichier tenu par la facilitatrice — ne pas diffuser"
head = ["NOM", "PRENOM", "Né(e) le", "Statut", "BRSA", "QPV", "DELD", "-26 ANS", "Entreprise", "N° SIRET", "Type de structure",
        "Cité", "Commune", "Opération", "Nature", "Phase", "Type de contrat", "Mode de réalisation", "Date de début", "Date de fin"]
ws.append([]); ws.append(head + [datetime.datetime(year, m, 1) for m in range(1, 13)] + ["Total"])
for c in ws[4]:
    c.font = Font(bold=True); c.fill = PatternFill("solid", fgColor="DDEBF7"); c.alignment = Alignment(wrap_text=True)
for m in range(12):
    ws.cell(row=4, column=len(head) + 1 + m).number_format = "mmm-yy"
new_people = [("LEFEBVRE", "Inès", "1999-07-02", "f"), ("BENALI", "Yanis", "2001-11-23", "m"), ("KOWALSKI", "Marta", "1985-04-09", "f")]
r = 5
for i, row in enumerate(rows):
    cid, last, first, birth, sex, rsa, qpv, deld, co, siret, kind, cite, commune, op, nature, phase, ctype, method, start, end = row
    if i < len(new_people):
        last, first, birth, sex = new_people[i]
    if i == 5:
        last = last.capitalize()  # « Dupont » for « DUPONT »
    b = datetime.date.fromisoformat(birth)
    if i == 11:
        b = b + datetime.timedelta(days=1)  # a birth date typed one day off
    under26 = "X" if (datetime.date.fromisoformat(start) - b).days < 26 * 365 else ""
    values = [last, first, b.strftime("%d/%m/%Y"), "F" if sex == "f" else "H", "X" if rsa else "", "oui" if qpv else "non",
              "X" if deld else "", under26, co, siret, labels[kind], cite, commune, op, labels[nature], labels[phase],
              labels[ctype], labels[method], datetime.datetime.fromisoformat(start),
              datetime.datetime.fromisoformat(end) if end else None]
    if i == 1:
        values[2] = "31/02/2001"   # a birth date that cannot be
    if i == 7:
        values[4] = "en attente"
    months = [hours.get((cid, m)) for m in range(1, 13)]
    if i == 9:
        months = [h + 7 if h else h for h in months]  # the file has other hours for this one
    ws.append(values + months + [f"=SUM(U{r}:AF{r})"])
    for col in (19, 20):
        ws.cell(row=r, column=col).number_format = "DD/MM/YYYY"
    r += 1
ws.append([])
ws.append(["TOTAL"] + [None] * 19 + [f"=SUM({openpyxl.utils.get_column_letter(21 + m)}5:{openpyxl.utils.get_column_letter(21 + m)}{r - 1})" for m in range(12)])
ws.freeze_panes = "C5"
for col, width in zip("ABCDEFGHIJKLMNOPQRST", (14, 12, 11, 7, 6, 6, 6, 7, 24, 16, 12, 20, 14, 34, 16, 12, 18, 18, 11, 11)):
    ws.column_dimensions[col].width = width
path = folder / f"Suivi PLIE {year}.xlsx"
wb.save(path)
print(path)
