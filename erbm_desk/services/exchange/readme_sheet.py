"""The Lisez-moi sheet of the exchange workbook: format and version, where and when it was exported, its
perimeter, one line per sheet, and how to fill it in (docs/format-echange.md § 1)."""

from __future__ import annotations

from datetime import datetime

from erbm_desk import __version__
from erbm_desk.domain.entities import SPECS
from erbm_desk.domain.french import format_month
from erbm_desk.services.exchange import sheet_format as fmt
from erbm_desk.services.exchange.sheetwriter import DATETIME_FORMAT, ExchangeWorkbook, SheetWriter
from erbm_desk.services.exchange.workbook_metadata import README_KEYS
from erbm_desk.services.reporting.indicators import Period


def period_text(period: Period) -> str:
    if period.start is None and period.end is None:
        return "toute la durée"
    start = format_month(period.start) if period.start else "le début"
    end = format_month(period.end) if period.end else "aujourd'hui"
    return f"de {start} à {end}"


def write_readme(wb: ExchangeWorkbook, counts: dict[str, int], exported_at: datetime, site: str | None, scope_name: str,
                 period: Period, anonymous: bool, organisation: str) -> None:
    """The Lisez-moi sheet: what the workbook is (its keys are workbook_metadata.README_KEYS), its sheets, how to
    fill it in."""
    w = SheetWriter(wb, fmt.README_SHEET, widths=[28, 70, 12])
    w.append([w.labelled(fmt.FORMAT_NAME, "title")])
    w.append([])
    meta = [
        (README_KEYS["format"], fmt.FORMAT_NAME),
        (README_KEYS["version"], fmt.FORMAT_VERSION),
        (README_KEYS["exported_at"], w.styled(exported_at, DATETIME_FORMAT)),
        (README_KEYS["organisation"], w.text(organisation) if organisation else None),
        (README_KEYS["site"], site),
        (README_KEYS["anonymous"], "Oui" if anonymous else "Non"),
        (README_KEYS["scope"], w.text(scope_name)),
        (README_KEYS["period"], period_text(period)),
        ("Application", f"ERBM Desk {__version__}"),
    ]
    for key, value in meta:
        w.append([w.labelled(key, "bold"), value])
    w.append([])
    w.append([w.labelled("Feuille", "bold"), w.labelled("Contenu", "bold"), w.labelled("Lignes", "bold")])
    for entity in counts:  # the sheets of this workbook (an anonymous one leaves some out)
        w.append([SPECS[entity].plural, SPECS[entity].sheet_note, counts[entity]])
    w.append([fmt.SUMMARY_SHEET, "indicateurs du périmètre, par EPCI et par cité (valeurs calculées, ignorées "
                                 "à l'import)", None])
    w.append([])
    for line in README_NOTES:
        w.append([None, line])


README_NOTES = (
    "Ce classeur peut être complété dans Excel ou LibreOffice puis importé dans ERBM Desk (Fichier > Importer…).",
    "Chaque ligne est reconnue par sa colonne « Identifiant » ; une ligne ajoutée à la main (identifiant vide) "
    "l'est par sa clé naturelle (nom de la cité et commune, SIRET, etc.).",
    "Les colonnes masquées (identifiants des références, empreinte) servent à reconnaître les lignes et les "
    "modifications : ne les supprimez pas.",
    "Dates au format jj/mm/aaaa, mois au format mm/aaaa, nombres avec virgule décimale acceptés.",
    "Version 2 du format : feuilles Marchés et Lots (titulaire et clause d'insertion de chaque lot), colonne « Lot » "
    "des contrats ; diagnostics d'éligibilité, sorties et actions de suivi en feuilles propres.",
    "Un classeur de la version 1 (contrats sans lot ; critères et sortie en colonnes de la feuille Bénéficiaires) "
    "s'importe toujours.",
    "Documentation complète du format : docs/format-echange.md ; définitions des indicateurs : docs/indicateurs.md.",
)
