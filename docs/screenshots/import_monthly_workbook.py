"""A workbook kept one sheet per month (« Janvier 2024 »… « Juin 2024 »), under a header of two rows (merged
« Bénéficiaire », « Entreprise », « Chantier », « Contrat » above « Nom », « Type »…), made from a demo base for the
screenshots docs/screenshots/import-mois-*.png (saved as .ods by LibreOffice, then opened with « Fichier >
Importer… »): the hours of one person changed in March, a new person in April with an impossible birth date.

    python docs/screenshots/import_monthly_workbook.py BASE.sqlite FOLDER
    soffice --headless --convert-to ods --outdir FOLDER "FOLDER/Heures mensuelles <année>.xlsx"
"""
import sqlite3, sys, datetime
from pathlib import Path
import openpyxl
from openpyxl.styles import Font, Alignment, PatternFill
base, folder = sys.argv[1], Path(sys.argv[2])
conn = sqlite3.connect(base)
year = int(conn.execute("select max(substr(month,1,4)) from hours_entry").fetchone()[0]) - 1
labels = {"entreprise": "Entreprise", "etti": "ETTI", "ei": "EI", "aci": "ACI", "ai": "AI", "geiq": "GEIQ", "ett": "ETT",
          "cdi": "CDI", "cdd": "CDD", "cddi": "CDDI", "interim": "Intérim", "apprentissage": "Apprentissage",
          "professionnalisation": "Contrat pro", "autre": "Autre", "embauche_directe": "Embauche directe", "mad_etti": "Mise à disposition ETTI",
          "mad_ai": "Mise à disposition AI", "mad_geiq": "Mise à disposition GEIQ", "sous_traitance_siae": "Sous-traitance SIAE", "cotraitance_siae": "Co-traitance SIAE"}
MONTHS = ["Janvier", "Février", "Mars", "Avril", "Mai", "Juin"]
wb = openpyxl.Workbook(); wb.remove(wb.active)
for m, mname in enumerate(MONTHS, 1):
    ws = wb.create_sheet(f"{mname} {year}")
    groups = [("Bénéficiaire", 1, 6), ("Entreprise", 7, 9), ("Chantier", 10, 11), ("Contrat", 12, 15), ("Mois", 16, 16)]
    for text, a, b in groups:
        c = ws.cell(row=1, column=a, value=text); c.font = Font(bold=True); c.alignment = Alignment(horizontal="center")
        c.fill = PatternFill("solid", fgColor="FCE4D6")
        if b > a:
            ws.merge_cells(start_row=1, start_column=a, end_row=1, end_column=b)
    ws.append(["Nom", "Prénom", "Né le", "Sexe", "BRSA", "QPV", "Nom", "SIRET", "Type", "Cité", "Opération", "Type", "Modalité",
               "Début", "Fin", "Heures réalisées"])
    for c in ws[2]:
        c.font = Font(bold=True)
    rows = conn.execute("""
    select b.last_name, b.first_name, b.birth_date, b.sex, b.rsa, b.qpv, co.name, co.siret, co.kind, ci.name, o.name,
           c.contract_type, c.delivery_method, c.start_date, c.end_date, h.hours
    from hours_entry h join contract c on c.id=h.contract_id join beneficiary b on b.id=c.beneficiary_id
    join company co on co.id=c.company_id join operation o on o.id=c.operation_id join cite ci on ci.id=o.cite_id
    where h.month=? and b.last_name is not null order by ci.name, b.last_name limit 15""", (f"{year}-{m:02d}-01",)).fetchall()
    for r in rows:
        last, first, birth, sex, rsa, qpv, co, siret, kind, cite, op, ctype, method, start, end, h = r
        ws.append([last, first, datetime.date.fromisoformat(birth).strftime("%d/%m/%Y"), "F" if sex == "f" else "H",
                   "oui" if rsa else "non", "X" if qpv else "", co, siret, labels[kind], cite, op, labels[ctype], labels[method],
                   datetime.date.fromisoformat(start).strftime("%d/%m/%Y"), datetime.date.fromisoformat(end).strftime("%d/%m/%Y") if end else "",
                   str(h / 100).replace(".", ",")])
    for col, w in zip("ABCDEFGHIJKLMNOP", (14, 12, 11, 6, 6, 5, 24, 16, 10, 20, 32, 12, 22, 11, 11, 10)):
        ws.column_dimensions[col].width = w
mars, avril = wb[f"Mars {year}"], wb[f"Avril {year}"]
mars["P3"] = str(float(str(mars["P3"].value).replace(",", ".")) + 5).replace(".", ",")  # hours changed in the file
first = [c.value for c in avril[3]]
avril.append(["LEROY", "Camille", "30/02/1998", "F", "oui", "", *first[6:13], f"01/04/{year}", "", "35"])  # a new person, an impossible birth date
path = folder / f"Heures mensuelles {year}.xlsx"
wb.save(path)
print(path)
