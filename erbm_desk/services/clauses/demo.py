"""The demo's marchés and lots: one marché per operation in works or delivered, two to four lots each, titulaires
of every kind (mostly building companies, some ETTI, GEIQ, SIAE…), the operation's contracts attached to its lots.

Each operation's lots require, together, exactly the hours the operation had typed: the demo's indicators stay
what they were. Within an operation, about one lot in eight is given a large share of those hours for little of
the work done, so that a few lots are behind (finished with a shortfall, or late while the works run) while most
are on time or ahead. Amounts come back from the hours through parameter sets whose formula gives whole hours.
Its own random generator (from the demo's seed): the rest of the demo is drawn exactly as before.
"""

from __future__ import annotations

import random
from collections import defaultdict
from decimal import Decimal
from typing import Callable

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Bailleur, Cite, Lot, Marche
from erbm_desk.domain.enums import CompanyKind, OperationNature, Phase

# (labour share %, insertion rate %, hourly cost €, euros of amount per hour required): the formula gives whole hours.
PARAMETERS = ((Decimal(50), Decimal(5), Decimal(30), 1200), (Decimal(40), Decimal(7), Decimal(28), 1000),
              (Decimal(45), Decimal(6), Decimal(27), 1000), (Decimal(60), Decimal(5), Decimal(30), 1000),
              (Decimal(35), Decimal(10), Decimal(35), 1000), (Decimal(50), Decimal(8), Decimal(32), 800))
LOT_LABELS = {
    OperationNature.REHABILITATION: ("Gros œuvre – maçonnerie", "Menuiseries extérieures",
                                     "Isolation thermique par l'extérieur", "Couverture – charpente",
                                     "Plomberie – chauffage – ventilation", "Électricité", "Peinture – revêtements"),
    OperationNature.RESIDENTIALISATION: ("Clôtures – portails", "Voirie et réseaux divers", "Espaces verts",
                                         "Éclairage extérieur"),
    OperationNature.PUBLIC_SPACES: ("Voirie et réseaux divers", "Espaces verts – plantations", "Mobilier urbain",
                                    "Éclairage public"),
    OperationNature.DEMOLITION: ("Désamiantage", "Démolition – curage", "Évacuation des déchets"),
    OperationNature.NEW_BUILD: ("Gros œuvre", "Charpente – couverture", "Menuiseries", "Plâtrerie – isolation",
                                "Électricité – plomberie"),
}
# Titulaires are mostly building companies; the other kinds appear too (an SIAE may hold the green-spaces lot).
TITULAIRE_WEIGHTS = {CompanyKind.COMPANY: 70, CompanyKind.EI: 8, CompanyKind.ACI: 6, CompanyKind.ETTI: 5,
                     CompanyKind.GEIQ: 5, CompanyKind.AI: 3, CompanyKind.ETT: 3}


def add_demo_clauses(session: Session, seed: int, operations: list[dict], companies: list[dict],
                     contracts: list[dict], hours: list[dict], meta: Callable[[], dict]) -> tuple[list[dict], list[dict]]:
    """Insert the marchés and lots and set `lot_id` on every contract dict (before the contracts are inserted).
    Returns (marchés, lots) as inserted."""
    rng = random.Random(f"marchés et lots {seed}")
    bailleur_of = dict(session.execute(select(Cite.id, Bailleur.name).join(Bailleur, Cite.bailleur_id == Bailleur.id)
                                       ).all())
    worked: dict[int, Decimal] = defaultdict(Decimal)
    for h in hours:
        worked[h["contract_id"]] += h["hours"]
    by_operation: dict[int, list[dict]] = defaultdict(list)
    for c in contracts:
        c["lot_id"] = None
        by_operation[c["operation_id"]].append(c)
    by_kind: dict[CompanyKind, list[dict]] = defaultdict(list)
    for company in companies:
        by_kind[company["kind"]].append(company)
    kinds = [k for k in TITULAIRE_WEIGHTS if by_kind[k]]
    marches, lots = [], []
    marche_id = lot_id = 1
    for op in operations:
        if op["phase"] not in (Phase.WORKS, Phase.DELIVERED) or not op["hours_required"]:
            continue
        bailleur = bailleur_of.get(op["cite_id"], "")
        initials = "".join(w[0] for w in bailleur.replace("&", " ").split() if w[0].isupper()) or "MO"
        marches.append(dict(id=marche_id, operation_id=op["id"], reference=f"{op['start_date'].year}-{initials}-"
                            f"{op['id']:04d}", subject=f"{op['name']} — {op['homes'] or 'sans'} logements",
                            owner=None, notified_on=op["start_date"].replace(day=1), works_start=op["start_date"],
                            works_end=op["end_date"], **meta()))
        labels = rng.sample(LOT_LABELS[op["nature"]], min(len(LOT_LABELS[op["nature"]]), rng.choice((2, 3, 3, 4))))
        employers = [c["company_id"] for c in by_operation[op["id"]]]
        own = [_titulaire(rng, companies, by_kind, kinds, employers) for _ in labels]
        attached: dict[int, Decimal] = defaultdict(Decimal)
        for c in by_operation[op["id"]]:
            if rng.random() < 0.05:
                continue  # a few contracts recorded before the marché: attached to no lot
            index = own.index(c["company_id"]) if c["company_id"] in own else rng.randrange(len(labels))
            c["lot_id"] = lot_id + index
            attached[index] += worked[c["id"]]
        for index, (label, titulaire, required) in enumerate(zip(labels, own, _split(
                rng, int(op["hours_required"]), [attached[i] for i in range(len(labels))]))):
            share, rate, cost, per_hour = rng.choice(PARAMETERS)
            stated = rng.random() < 0.15
            defaults = not stated and per_hour == 1200 and rng.random() < 0.5  # left to the base's defaults
            lots.append(dict(
                id=lot_id + index, marche_id=marche_id, number=str(index + 1), label=label, company_id=titulaire,
                amount=Decimal(required * per_hour), labour_share=None if defaults else share,
                insertion_rate=None if defaults else rate, hourly_cost=None if defaults else cost,
                hours_stated=Decimal(required) if stated else None,
                penalty_per_hour=Decimal(rng.choice((30, 40, 50))) if rng.random() < 0.6 else None,
                start_date=None, end_date=None, **meta()))
        marche_id += 1
        lot_id += len(labels)
    if marches:
        session.execute(insert(Marche), marches)
        session.execute(insert(Lot), lots)
    return marches, lots


def _titulaire(rng: random.Random, companies: list[dict], by_kind, kinds, employers: list[int]) -> int:
    """A company that employs on the operation (a direct hire) half the time, else one of a kind drawn by weight."""
    if employers and rng.random() < 0.5:
        return rng.choice(employers)
    kind = rng.choices(kinds, weights=[TITULAIRE_WEIGHTS[k] for k in kinds])[0]
    return rng.choice(by_kind[kind])["id"]


def _split(rng: random.Random, total: int, realised: list[Decimal]) -> list[int]:
    """Whole hours for each lot, adding up to `total`: in proportion to what each lot realised, except a lot now
    and then given a large share for little done (it falls behind); a lot with nothing done gets a small share."""
    n = len(realised)
    weights = [float(r) if r else 0.0 for r in realised]
    base = sum(weights) or 1.0
    weights = [w / base if w else 0.08 for w in weights]
    behind = [i for i in range(n) if rng.random() < 0.12]
    for i in behind:
        weights[i] *= rng.uniform(2.5, 5.0)
    scale = sum(weights)
    out = [int(total * w / scale) for w in weights]
    out[max(range(n), key=lambda i: weights[i])] += total - sum(out)
    return out
