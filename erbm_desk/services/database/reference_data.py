"""Loading the reference data of seeds/ (EPCIs, communes, known cités, bailleurs) into a new database."""

from __future__ import annotations

import csv
import uuid
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Bailleur, Cite, Commune, Epci
from erbm_desk.paths import SEEDS_DIR

BAILLEURS = ("Maisons & Cités", "SIA Habitat", "Pas-de-Calais Habitat")
_SEED_NAMESPACE = uuid.UUID("5b0c2f0e-6a4e-4d8e-9a55-3c1e0e7d2b41")
SEED_STAMP = datetime(2017, 1, 1)  # seeded records carry the same UUID and times in every database


def seed_uuid(kind: str, *key: str) -> str:
    """The same UUID for a seeded record in every database, so that workbooks of several sites match by it."""
    return str(uuid.uuid5(_SEED_NAMESPACE, "/".join((kind, *key))))


def _rows(name: str, seeds: Path) -> list[dict[str, str]]:
    with open(seeds / name, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def load_reference_data(session: Session, seeds: Path = SEEDS_DIR) -> bool:
    """Fill an empty database with the reference data. Returns False (and does nothing) if already there."""
    if session.scalar(select(func.count()).select_from(Epci)):
        return False
    epcis = _rows("epci.csv", seeds)
    session.execute(
        insert(Epci),
        [
            dict(siren=r["siren"], name=r["name"], short_name=r["short_name"], kind=r["type"],
                 spel_arrondissement=r["spel_arrondissement"])
            for r in epcis
        ],
    )
    epci_ids = dict(session.execute(select(Epci.siren, Epci.id)).all())
    session.execute(
        insert(Commune),
        [
            dict(insee_code=r["insee_code"], name=r["name"], department_code=r["department_code"],
                 epci_id=epci_ids[r["epci_siren"]], population=int(r["population"] or 0) or None,
                 longitude=float(r["longitude"]) if r["longitude"] else None,
                 latitude=float(r["latitude"]) if r["latitude"] else None)
            for r in _rows("communes.csv", seeds)
        ],
    )
    bailleurs = {name: Bailleur(name=name, uuid=seed_uuid("bailleur", name), created_at=SEED_STAMP,
                                updated_at=SEED_STAMP) for name in BAILLEURS}
    session.add_all(bailleurs.values())
    session.flush()
    commune_ids = dict(session.execute(select(Commune.insee_code, Commune.id)).all())
    for r in _rows("cites.csv", seeds):
        bailleur = bailleurs.get(r["bailleur"]) if r["bailleur"] else None
        session.add(
            Cite(name=r["name"], commune_id=commune_ids[r["insee_code"]], bailleur=bailleur,
                 uuid=seed_uuid("cite", r["insee_code"], r["name"]), created_at=SEED_STAMP, updated_at=SEED_STAMP,
                 priority=True, unesco=r["unesco"].strip().lower() == "oui", notes=r["source"] or None)
        )
    session.flush()
    return True
