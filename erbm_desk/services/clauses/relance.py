"""The reminder letter (« relance ») to a titulaire company behind on one or several lots: what it owes, what it
has done, what is missing at the date, and the monthly statement of its contracts to send back (the same rows as
the relevé d'heures workbook, services/clauses/statement.py). A PDF in French, one function for the window and
the CLI, with a progress object; nothing is written when it is cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, PageBreak, Spacer, Table, TableStyle
from sqlalchemy import select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Commune, Company
from erbm_desk.domain import rules
from erbm_desk.domain.clauses import ClauseStatus, LotLine
from erbm_desk.domain.french import agree, format_count, format_date, format_hours, format_money, format_month
from erbm_desk.services.clauses.obligations import ClauseFilter, lot_lines
from erbm_desk.services.clauses.pdf_frame import p, styles, table, write_pdf
from erbm_desk.services.clauses.statement import active_contracts, lot_caption, person_caption
from erbm_desk.services.progress import NullProgress, Progress, check_cancel
from erbm_desk.services.security import audit, authz

NBSP_EURO = "\u00a0€"  # the amount and its currency on one line
ZERO = Decimal("0.00")
SIGNATORY = "La facilitatrice ou le facilitateur des clauses d'insertion"


class DocumentError(ValueError):
    """The document cannot be made (French message)."""


@dataclass(frozen=True)
class DocumentSummary:
    path: Path
    pages: int
    message: str


def _company(session: Session, siret: str):
    siret = rules.normalise_siret(siret)
    found = session.execute(select(Company.id, Company.name, Company.siret, Commune.name)
                            .outerjoin(Commune, Company.commune_id == Commune.id)
                            .where(Company.siret == siret)).first()
    if found is None:
        raise DocumentError(f"Aucune entreprise de SIRET {siret} dans la base.")
    return found


def lots_to_remind(session: Session, company_id: int, as_of: date, lot_ids: tuple[int, ...] | None = None
                   ) -> list[LotLine]:
    """The company's lots a reminder is about: those asked for, else those « en retard » at `as_of`."""
    lines = lot_lines(session, as_of, ClauseFilter(company_id=company_id, lot_ids=lot_ids))
    if lot_ids is not None:
        return lines
    return [line for line in lines if line.obligation.status == ClauseStatus.BEHIND]


def write_relance(session: Session, siret: str, target: str | Path, as_of: date, *, month: date | None = None,
                  lot_ids: tuple[int, ...] | None = None, signatory: str = SIGNATORY, today: date | None = None,
                  progress: Progress | None = None) -> DocumentSummary:
    """Write the reminder to the company of SIRET `siret` about its lots behind at `as_of` (or `lot_ids`), with
    the statement of `month` (default: the month of `as_of`) to send back. Raises DocumentError."""
    progress = progress or NullProgress()
    authz.require(session, authz.EXPORT_ANONYMOUS)
    today = today or date.today()
    month = rules.month_start(month or as_of)
    progress.start(3, "Lettre de relance : calcul des heures")
    company = _company(session, siret)
    lots = lots_to_remind(session, company.id, as_of, lot_ids)
    if not lots:
        raise DocumentError(f"{company.name} n'est en retard sur aucun lot au {format_date(as_of)} : "
                            "pas de relance à envoyer.")
    rows = active_contracts(session, company.id, month)
    check_cancel(progress)
    progress.advance()
    story = _letter(company, lots, as_of, signatory, today) + [PageBreak()] + _statement(company, lots, rows, month)
    check_cancel(progress)
    progress.advance()
    pages = write_pdf(target, story, f"Relance — clause d'insertion — {company.name}",
                      "Relance au titre de la clause d'insertion",
                      f"ERBM Desk — relance clause d'insertion — {company.name} — situation au {format_date(as_of)}")
    if not session.info.get("read_only"):
        audit.log_event(session, "document", "lot", {"relance": Path(target).name, "siret": company.siret,
                                                     "lots": [line.id for line in lots]})
    progress.advance()
    return DocumentSummary(Path(target), pages, f"Lettre de relance à {company.name} enregistrée : "
                                                f"{Path(target).name} ({format_count(len(lots), 'lot')}, "
                                                f"{format_count(pages, 'page')}).")


def _h(value: Decimal | None) -> str:
    return "—" if value is None else f"{format_hours(value)} h"


def _letter(company, lots: list[LotLine], as_of: date, signatory: str, today: date) -> list:
    st = styles()
    owners = sorted({line.owner for line in lots if line.owner})
    recipient = f"**{company.name}**\nSIRET {company.siret}" + (f"\n{company[3]}" if company[3] else "")
    head = Table([[p("Suivi des clauses d'insertion\nERBM — Engagement pour le Renouveau du Bassin Minier",
                     st["small"]), p(recipient, st["body"])]], colWidths=[95 * mm, 79 * mm])
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    marches = ", ".join(sorted({f"{line.marche} (lot {line.number})" for line in lots}))
    rows, missing, penalties = [], ZERO, []
    for line in lots:
        o = line.obligation
        # one date a line: a date never breaks inside the narrow column
        period = f"du {format_date(line.start)}\nau {format_date(line.end)}" if line.start and line.end else "—"
        rows.append([f"{line.marche}\nLot {line.number} — {line.label}", f"{line.owner}\n{line.cite}", period,
                     _h(o.required), _h(o.expected), _h(o.realised), _h(o.shortfall)])
        missing += o.shortfall
        if line.penalty_per_hour:
            euros = format_money(line.penalty_per_hour).replace(" €", NBSP_EURO)
            penalties.append(f"lot {line.number} du marché {line.marche} : {euros}")
    totals = [sum((line.obligation.required or ZERO for line in lots), ZERO),
              sum((line.obligation.expected or ZERO for line in lots), ZERO),
              sum((line.obligation.realised for line in lots), ZERO), missing]
    if len(lots) > 1:
        rows.append(["Total", "", ""] + [_h(v) for v in totals])
    story = [
        head, Spacer(1, 8 * mm),
        p(f"Le {format_date(today)}", st["right"]),
        p(f"**Objet : clause d'insertion — retard dans la réalisation des heures d'insertion**\n"
          f"Réf. : {agree(len({line.marche for line in lots}), 'marché')} {marches}"
          + (f" — maître d'ouvrage : {', '.join(owners)}" if owners else ""),
          st["body"]),
        Spacer(1, 3 * mm),
        p("Madame, Monsieur,", st["body"]),
        p("Au titre de la clause d'insertion des marchés dont votre entreprise est titulaire, vous vous êtes engagés "
          "à réserver des heures de travail à des personnes éloignées de l'emploi. Au "
          f"{format_date(as_of)}, les heures réalisées sont en deçà de ce qu'appelle l'avancement des travaux "
          "(heures exigées × part écoulée de la période d'exécution) :", st["body"]),
        table(["Marché et lot", "Maître d'ouvrage, cité", "Exécution", "Heures exigées", "Attendues à date",
               "Réalisées", "Manquantes"],
              rows, [34, 29, 26, 18, 21, 21, 24],
              right=(3, 4, 5, 6), total=len(lots) > 1),
        Spacer(1, 4 * mm),
        p(f"Il manque ainsi **{format_hours(missing)} heures** à ce jour. Nous vous demandons de nous indiquer sous "
          "quinze jours les mesures prévues pour rattraper ce retard : recrutement direct, mise à disposition par "
          "une ETTI, une association intermédiaire ou un GEIQ, sous-traitance ou co-traitance avec une structure "
          "d'insertion (SIAE). Nous pouvons vous proposer des candidatures.", st["body"]),
        p("Merci de nous retourner chaque mois le relevé des heures réalisées : celui de vos contrats en cours est "
          "joint à ce courrier (page suivante ; il existe aussi au format Excel, à compléter et à renvoyer tel "
          "quel). Les heures faites par vos "
          "sous-traitants ou par les structures qui vous mettent du personnel à disposition sont déclarées par "
          "celles-ci.", st["body"]),
    ]
    if penalties:
        story.append(p("Nous vous rappelons que le marché prévoit une pénalité par heure d'insertion non réalisée à "
                       "l'échéance du lot (" + " ; ".join(penalties) + ").", st["body"]))
    story += [
        p("Nous vous prions d'agréer, Madame, Monsieur, l'expression de nos salutations distinguées.", st["body"]),
        Spacer(1, 10 * mm),
        KeepTogether([p(signatory, st["right"])]),
    ]
    return story


def _statement(company, lots: list[LotLine], rows, month: date) -> list:
    st = styles()
    story = [
        p(f"Relevé mensuel des heures d'insertion — {format_month(month)}", st["title"]),
        p(f"**{company.name}** (SIRET {company.siret}). Indiquez pour chaque contrat les heures réalisées dans le mois "
          "(0 s'il n'y en a pas eu), signez et retournez ce relevé. Le même relevé existe au format Excel "
          "(« erbm-desk releve ») : il s'importe directement dans ERBM Desk.", st["body"]),
    ]
    lines = [[lot_caption(r.lot_number, r.lot_label, r.marche), person_caption(r),
              f"{format_date(r.start_date)} – {format_date(r.end_date) if r.end_date else 'en cours'}",
              _h(r.hours_planned), ""] for r in rows]
    if lines:
        story.append(table(["Lot", "Bénéficiaire", "Contrat", "Heures prévues", "Heures réalisées"], lines,
                           [52, 42, 36, 22, 22], right=(3,)))
    else:
        story.append(p(f"Aucun contrat de {company.name} n'est en cours en {format_month(month)}.", st["body"]))
    story += [Spacer(1, 5 * mm), p("Heures déjà déclarées sur vos lots, par mois", st["heading"])]
    for line in lots:
        cumulated, history = ZERO, []
        for m, hours in line.by_month.items():
            cumulated += hours
            history.append([format_month(m), _h(hours), _h(cumulated)])
        story.append(p(f"**{line.marche} — lot {line.number} {line.label}** : {_h(line.obligation.realised)} sur "
                       f"{_h(line.obligation.required)} exigées.", st["body"]))
        if history:
            story.append(table(["Mois", "Heures réalisées", "Cumul"], history[-12:], [30, 30, 30], right=(1, 2)))
            if len(history) > 12:
                story.append(p(f"(les 12 derniers mois sur {len(history)})", st["small"]))
        story.append(Spacer(1, 3 * mm))
    story += [Spacer(1, 8 * mm), p("Date, nom et signature du responsable :", st["body"])]
    return story
