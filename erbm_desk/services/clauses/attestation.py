"""The « attestation de bonne exécution de la clause d'insertion » of a finished lot: hours required (and how they
were set) and realised, by delivery method, the number of people and of hours by public, and, when hours are
missing, the shortfall and the penalty it implies at the lot's rate. A PDF in French, from the same figures as
the « Suivi des clauses » page; one function for the window and the CLI.

Only counts leave the database: no person is named.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Contract, HoursEntry, Marche
from erbm_desk.domain import rules
from erbm_desk.domain.clauses import LotLine, exact_hours
from erbm_desk.domain.enums import DeliveryMethod
from erbm_desk.domain.french import format_date, format_decimal, format_hours, format_int, format_money
from erbm_desk.services.clauses.obligations import ClauseFilter, lot_lines
from erbm_desk.services.clauses.parameters import clause_defaults
from erbm_desk.services.clauses.pdf_frame import p, styles, table, write_pdf
from erbm_desk.services.clauses.relance import DocumentError, DocumentSummary
from erbm_desk.services.parcours.person_facts import person_facts
from erbm_desk.services.progress import NullProgress, Progress, check_cancel
from erbm_desk.services.security import audit, authz

ZERO = Decimal("0.00")
PUBLICS = (("rsa", "Bénéficiaires du RSA"), ("under_26", "Jeunes de moins de 26 ans"),
           ("deld", "Demandeurs d'emploi de longue durée"), ("qpv", "Résidents d'un quartier prioritaire (QPV)"),
           ("rqth", "Travailleurs handicapés (RQTH)"), ("women", "Femmes"))


def lot_breakdown(session: Session, lot_id: int, as_of: date) -> dict:
    """Hours, contracts and people of a lot up to `as_of`: by delivery method, and by public at the person's entry
    into the clause (a person counts in every public they belong to; hours of a public are those of its people's
    contracts on the lot)."""
    rows = session.execute(
        select(Contract.id, Contract.delivery_method, Contract.beneficiary_id, func.sum(HoursEntry.hours))
        .join(HoursEntry, HoursEntry.contract_id == Contract.id)
        .where(Contract.lot_id == lot_id, HoursEntry.month <= rules.month_start(as_of))
        .group_by(Contract.id, Contract.delivery_method, Contract.beneficiary_id)
    ).all()
    # the publics of each person at their entry into the clause: the indicators' rule (domain/parcours.py)
    facts = person_facts(session, select(Contract.beneficiary_id).where(Contract.lot_id == lot_id))
    methods: dict[DeliveryMethod, dict] = defaultdict(lambda: {"contracts": 0, "people": set(), "hours": ZERO})
    publics: dict[str, dict] = {key: {"people": set(), "hours": ZERO} for key, _ in PUBLICS}
    people, hours = set(), ZERO
    for (_cid, method, pid, worked) in rows:
        worked = worked or ZERO
        if not worked:
            continue
        m = methods[method]
        m["contracts"] += 1
        m["people"].add(pid)
        m["hours"] += worked
        people.add(pid)
        hours += worked
        for key in facts[pid].publics & publics.keys():
            publics[key]["people"].add(pid)
            publics[key]["hours"] += worked
    return {"methods": dict(methods), "publics": publics, "people": len(people), "hours": hours}


def _how_required(line: LotLine, defaults) -> str:
    t = line.terms
    o = line.obligation
    if t.hours_stated is not None:
        return f"Heures fixées par le marché : {format_hours(t.hours_stated)} h."
    if o.required is None:
        return "Heures exigées non calculables (montant du lot non renseigné)."
    e = t.effective(defaults)
    exact = exact_hours(t, defaults)
    return (f"Montant HT {format_money(e.amount)} × part de main-d'œuvre {format_decimal(e.labour_share)} % × taux "
            f"d'insertion {format_decimal(e.insertion_rate)} % ÷ coût horaire {format_money(e.hourly_cost)} = "
            f"{format_hours(exact.quantize(Decimal('0.01')))} h, arrondi à l'heure : "
            f"**{format_hours(o.required)} heures exigées**.")


def write_attestation(session: Session, lot_id: int, target: str | Path, as_of: date, *,
                      allow_unfinished: bool = False, signatory: str = "", today: date | None = None,
                      progress: Progress | None = None) -> DocumentSummary:
    """Write the attestation of lot `lot_id` as it stands at `as_of`. Raises DocumentError for an unknown lot,
    or one whose works are not over (unless `allow_unfinished`)."""
    progress = progress or NullProgress()
    authz.require(session, authz.EXPORT_ANONYMOUS)
    today = today or date.today()
    progress.start(3, "Attestation : calcul des heures")
    found = lot_lines(session, as_of, ClauseFilter(lot_ids=(lot_id,)))
    if not found:
        raise DocumentError(f"Aucun lot n° {lot_id} dans la base.")
    line = found[0]
    if not line.obligation.finished and not allow_unfinished:
        end = f"fin d'exécution le {format_date(line.end)}" if line.end else "sans date de fin"
        raise DocumentError(f"Le lot {line.number} du marché {line.marche} n'est pas terminé au "
                            f"{format_date(as_of)} ({end}) : l'attestation se fait à la fin du lot.")
    breakdown = lot_breakdown(session, lot_id, as_of)
    subject = session.scalar(select(Marche.subject).where(Marche.id == line.marche_id))
    check_cancel(progress)
    progress.advance()
    story = _story(line, breakdown, subject, clause_defaults(session), as_of, today, signatory)
    check_cancel(progress)
    progress.advance()
    pages = write_pdf(target, story, f"Attestation — clause d'insertion — {line.marche} lot {line.number}",
                      "Attestation de bonne exécution de la clause d'insertion",
                      f"ERBM Desk — attestation clause d'insertion — marché {line.marche}, lot {line.number}")
    if not session.info.get("read_only"):
        audit.log_event(session, "document", "lot", {"attestation": Path(target).name, "lot": lot_id})
    progress.advance()
    return DocumentSummary(Path(target), pages, f"Attestation du lot {line.number} ({line.marche}) enregistrée : "
                                                f"{Path(target).name}.")


def _story(line: LotLine, b: dict, subject: str | None, defaults, as_of: date, today: date, signatory: str) -> list:
    st = styles()
    o = line.obligation
    period = (f"du {format_date(line.start)} au {format_date(line.end)}" if line.start and line.end
              else "non renseignée")
    facts = [
        ("Maître d'ouvrage", line.owner or "—"),
        ("Marché", line.marche + (f" — {subject}" if subject else "")),
        ("Opération", f"{line.operation} — {line.cite} ({line.epci})"),
        ("Lot", f"{line.number} — {line.label}"),
        ("Titulaire", f"{line.company} (SIRET {line.siret})"),
        ("Période d'exécution", period),
    ]
    info = Table([[p(k, st["small"]), p(v, st["body"])] for k, v in facts], colWidths=[40 * mm, 134 * mm])
    info.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 1), ("TOPPADDING", (0, 0), (-1, -1), 1)]))
    methods = [[m.label, format_int(v["contracts"]), format_int(len(v["people"])), f"{format_hours(v['hours'])} h"]
               for m in DeliveryMethod if (v := b["methods"].get(m))]
    methods.append(["Total", format_int(sum(v["contracts"] for v in b["methods"].values())),
                    format_int(b["people"]), f"{format_hours(b['hours'])} h"])
    publics = [[label, format_int(len(b["publics"][key]["people"])), f"{format_hours(b['publics'][key]['hours'])} h"]
               for key, label in PUBLICS]
    publics.append(["Toutes les personnes", format_int(b["people"]), f"{format_hours(b['hours'])} h"])
    required = o.required or ZERO
    story = [
        p("Attestation de bonne exécution de la clause d'insertion", st["title"]),
        info, Spacer(1, 4 * mm),
        p("Heures d'insertion exigées", st["heading"]),
        p(_how_required(line, defaults), st["body"]),
        p("Heures d'insertion réalisées", st["heading"]),
        p(f"Au {format_date(as_of)} : **{format_hours(o.realised)} heures réalisées** pour "
          f"{format_hours(required)} exigées, soit un taux de réalisation de "
          f"{format_decimal(o.rate) if o.rate is not None else '—'}\u00a0%, par "
          f"{format_int(b['people'])} personne{'s' if b['people'] > 1 else ''}.", st["body"]),
        table(["Mode de réalisation", "Contrats", "Personnes", "Heures"], methods, [80, 30, 30, 34],
              right=(1, 2, 3), total=True),
        Spacer(1, 4 * mm),
        p("Personnes et heures par public", st["heading"]),
        table(["Public", "Personnes", "Heures"], publics, [110, 30, 34], right=(1, 2), total=True),
        p("Une personne compte dans chaque public dont elle relève ; l'âge est celui du début de son contrat.",
          st["small"]),
        p("Conclusion", st["heading"]),
    ]
    missing = o.remaining
    if missing:
        pen = line.penalty_per_hour
        penalty = (f" Le marché prévoit une pénalité de {format_money(pen)} par heure manquante, soit "
                   f"**{format_money((missing * pen).quantize(Decimal('0.01')))}**." if pen else
                   " Le marché ne fixe pas de pénalité par heure manquante.")
        story.append(p(f"La clause d'insertion n'est pas entièrement exécutée : il manque **{format_hours(missing)} "
                       f"heures** sur les {format_hours(required)} exigées.{penalty}", st["body"]))
    else:
        story.append(p(f"La clause d'insertion est exécutée : {format_hours(o.realised)} heures réalisées pour "
                       f"{format_hours(required)} heures exigées.", st["body"]))
    story += [
        Spacer(1, 6 * mm),
        p(f"Fait le {format_date(today)}, pour servir et valoir ce que de droit.", st["body"]),
        Spacer(1, 12 * mm),
        p(signatory or "La facilitatrice ou le facilitateur des clauses d'insertion", st["right"]),
    ]
    return story
