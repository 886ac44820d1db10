"""A realistic, deterministic demo dataset at ERBM scale (S=1) or S times that.

At S=1: ≈35 priority cités (the known ones plus generated ones), ≈150 operations, ≈2 000 beneficiaries,
≈2 500 contracts and ≈25 000 monthly hour rows over 2017–2025, ≈150 marchés and ≈450 lots (services/clauses/demo.py),
each person's eligibility check at entry, exits and follow-up actions (services/parcours/demo_path.py), with the
public shares of RSA recipients
(≈45 %) and under-26s (≈28 %). The same seed gives the same data, ids and UUIDs included; the people whose path
ended more than the retention period before the day it is made come already anonymised (demo_retention.py).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from erbm_desk.db import planner_statistics
from erbm_desk.db.models import (
    Bailleur,
    Beneficiary,
    Cite,
    Commune,
    Company,
    Contract,
    Funding,
    HoursEntry,
    Lot,
    Marche,
    Operation,
)
from erbm_desk.db.portability import sync_id_sequences
from erbm_desk.domain import rules
from erbm_desk.domain.entities import WRITABLE_ENTITIES
from erbm_desk.domain.enums import (
    CompanyKind,
    ContractType,
    DeliveryMethod,
    Funder,
    OperationNature,
    Phase,
    Prescriber,
    Sex,
)
from erbm_desk.services.clauses.demo import add_demo_clauses
from erbm_desk.services.database.demo_retention import anonymise_past_paths, years_before
from erbm_desk.services.parcours.demo_path import DEMO_OUTCOMES, DemoPath, demo_path_records
from erbm_desk.services.security import audit, authz
from erbm_desk.services.security.database_settings import RETENTION_YEARS, read_database_setting
from erbm_desk.services.progress import NullProgress, Progress, check_cancel

LAST_NAMES = (
    "Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Simon Laurent Lefebvre Michel Garcia "
    "David Bertrand Roux Vincent Fournier Morel Girard Andre Lefevre Mercier Dupont Lambert Bonnet Francois "
    "Martinez Legrand Garnier Faure Rousseau Blanc Guerin Muller Henry Roussel Nicolas Perrin Morin Mathieu "
    "Clement Gauthier Dumont Lopez Fontaine Chevalier Robin Masson Sanchez Gerard Nguyen Boyer Denis Lemaire "
    "Duval Joly Gautier Roger Roche Roy Noel Meyer Lucas Meunier Jean Perez Marchand Dufour Blanchard Marie "
    "Barbier Brun Dumas Brunet Schmitt Leroux Colin Fernandez Pierre Renard Arnaud Rolland Caron Aubert Giraud "
    "Leclerc Vasseur Dewulf Delattre Lemoine Deprez Delcourt Wojcik Kowalski Nowak Lewandowski Baert Desmet "
    "Vandamme Boulanger Carpentier Hennebelle Lheureux Bouchez Hanicotte Szymanski Zielinski Benali Haddad "
    "Mansouri Belkacem Cherif Djebbar Ouali Taleb Ziani"
).split()
FIRST_NAMES_M = (
    "Jean Kevin Thomas Nicolas Julien Maxime Dylan Anthony Jordan Mickael Sebastien David Christophe Ludovic "
    "Steve Jeremy Romain Alexandre Florian Quentin Mathieu Yannick Franck Pascal Thierry Bruno Karim Mehdi "
    "Sofiane Yacine Rachid Mohamed Enzo Lucas Hugo Theo Bryan Loic Cedric Fabrice Laurent Stephane Patrick "
    "Jeremie Benjamin Adrien Piotr Marek"
).split()
FIRST_NAMES_F = (
    "Marie Julie Laura Sarah Melanie Aurelie Amandine Jessica Audrey Celine Emilie Sandrine Nathalie Stephanie "
    "Caroline Elodie Manon Camille Ines Yasmine Sabrina Fatima Nadia Sophie Chloe Oceane Justine Lea"
).split()
CITE_NAMES = tuple(
    "Saint-Pierre;Sainte-Barbe;Saint-Paul;Saint-Louis;Sainte-Marie;Notre-Dame;des Fleurs;des Provinces;"
    "du Bois des Brebis;de la Fosse 2;de la Fosse 3;de la Fosse 5;de la Fosse 7;de la Fosse 9;de la Fosse 12;"
    "Jeanne d'Arc;Foch;Pasteur;Lemay;des Alouettes;du Moulin;des Musiciens;de la Gare;du Rivage;Nouvelle;"
    "des Ingénieurs;Bruno;Taffin;Lagache;Darcy-Sud;du Pont;Saint-Éloi;des Écrins;Thiers;Cuvinot;Ledoux;"
    "Schneider;Lamartine;Vuillemin;Sabatier;Agache-Nord;de la Boulangerie;du Terril;des Chevalements".split(";")
)
COMPANY_PREFIXES = (
    "Bâtiment Artois Rénovation Gohelle Couverture Ostrevent Isolation Hainaut Menuiserie Scarpe Peinture "
    "Escaut Plâtrerie Douaisis Électricité Lys Maçonnerie Nord Chauffage Bassin Charpente Valenciennois "
    "Façades Liévinois Travaux Osartis Espaces Verts Carvin"
).split()
SHORTFALLS = tuple(Decimal(x) for x in ("0", "0", "0", "3", "3.5", "7"))
COMPANY_SUFFIXES = ("SAS", "SARL", "et Fils", "Bâtiment", "Services", "Construction", "Insertion", "Habitat")


@dataclass(frozen=True)
class DemoSummary:
    cites: int
    operations: int
    fundings: int
    companies: int
    beneficiaries: int
    contracts: int
    hours_entries: int


class DemoError(RuntimeError):
    pass


def make_siret(rng: random.Random) -> str:
    """13 random digits and the Luhn check digit that makes a valid SIRET."""
    body = "".join(str(rng.randint(0, 9)) for _ in range(13))
    for check in "0123456789":
        if rules.siret_problem(body + check) is None:
            return body + check
    raise AssertionError("unreachable")


def _months(start: date, end: date):
    m = rules.month_start(start)
    while m <= end:
        yield m
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)


def generate_demo(session: Session, seed: int = 1, scale: float = 1, progress: Progress | None = None,
                  today: date | None = None) -> DemoSummary:
    """Fill a database holding only reference data, as kept by the retention rule on `today` (the day it is
    made). One transaction: the caller commits."""
    progress = progress or NullProgress()
    authz.require_write(session, *WRITABLE_ENTITIES)  # Core inserts bypass the flush-time check
    if scale <= 0:
        raise DemoError("L'échelle doit être positive.")
    if session.scalar(select(func.count()).select_from(Operation)):
        raise DemoError("La base contient déjà des opérations : créez une nouvelle base pour la démonstration.")
    rng = random.Random(seed)
    stamp = datetime(2026, 1, 1)

    def uid() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    def meta() -> dict:
        return {"uuid": uid(), "created_at": stamp, "updated_at": stamp, "version": 1}

    n_cites = max(1, round(35 * scale))
    n_beneficiaries = max(1, round(2000 * scale))
    n_companies = max(2, round(120 * scale))
    progress.start(5, "Génération des données de démonstration")

    # Cités: the known ones, then generated priority cités in communes of the 8 EPCIs.
    bailleurs = {b.name: b.id for b in session.scalars(select(Bailleur))}
    communes = session.execute(select(Commune.id, Commune.department_code).order_by(Commune.insee_code)).all()
    cites = list(session.scalars(select(Cite).order_by(Cite.id)))
    for cite in cites:
        cite.homes = cite.homes or rng.randint(80, 450)
        if cite.bailleur_id is None:
            cite.bailleur_id = bailleurs["Maisons & Cités"]
    used = {(c.name, c.commune_id) for c in cites}
    next_id = (session.scalar(select(func.max(Cite.id))) or 0) + 1
    new_cites = []
    while len(cites) + len(new_cites) < n_cites:
        commune_id, dept = rng.choice(communes)
        name = f"Cité {rng.choice(CITE_NAMES)}"
        if (name, commune_id) in used:
            name = f"{name} {rng.randint(2, 40)}"
            if (name, commune_id) in used:
                continue
        used.add((name, commune_id))
        r = rng.random()
        bailleur = "Maisons & Cités" if r < 0.7 else ("SIA Habitat" if r < 0.9 or dept == "59" else "Pas-de-Calais Habitat")
        new_cites.append(dict(id=next_id, name=name, commune_id=commune_id, bailleur_id=bailleurs[bailleur],
                              homes=rng.randint(80, 600), priority=True, unesco=rng.random() < 0.15, **meta()))
        next_id += 1
    if new_cites:
        session.execute(insert(Cite), new_cites)
    session.flush()
    cite_rows = [(c.id, c.homes) for c in cites] + [(c["id"], c["homes"]) for c in new_cites]
    progress.advance()
    check_cancel(progress)

    # Operations and their funding lines.
    operations, fundings = [], []
    op_id = (session.scalar(select(func.max(Operation.id))) or 0) + 1
    for cite_id, cite_homes in cite_rows:
        remaining = cite_homes
        for k in range(rng.choice((3, 4, 4, 5, 5, 6))):
            nature = rng.choices(list(OperationNature), weights=(70, 10, 12, 4, 4))[0]
            start = date(rng.randint(2017, 2025), rng.randint(1, 12), 1)
            end = start + timedelta(days=rng.randint(12, 36) * 30)
            homes = min(remaining, rng.randint(10, 70)) if nature in (
                OperationNature.REHABILITATION, OperationNature.RESIDENTIALISATION) else None
            if homes:
                remaining -= homes
            data_end = date(2025, 12, 31)
            if start > data_end:
                phase = rng.choice((Phase.STUDY, Phase.PROGRAMMED))
            elif end <= data_end:
                phase = Phase.DELIVERED if rng.random() < 0.96 else Phase.ABANDONED
            else:
                phase = Phase.WORKS
            energy_before = Decimal(rng.randint(240, 460)) if homes else None
            energy_after = Decimal(rng.randint(85, 128)) if homes and phase == Phase.DELIVERED else None
            required = Decimal(rng.randint(20, 40) * (homes or rng.randint(20, 60)) * 5)
            operations.append(dict(
                id=op_id, name=f"{nature.label} — tranche {k + 1}", cite_id=cite_id, nature=nature, phase=phase,
                homes=homes, start_date=start, end_date=end,
                delivery_date=end if phase == Phase.DELIVERED else None,
                energy_before=energy_before, energy_after=energy_after, hours_required=required, notes=None,
                **meta()))
            per_home = Decimal(rng.randint(35_000, 80_000))
            total = per_home * (homes or rng.randint(10, 40))
            for funder in rng.sample(list(Funder)[:6], rng.randint(2, 4)):
                share = Decimal(rng.randint(5, 40)) / 100
                fundings.append(dict(operation_id=op_id, funder=funder, amount=(total * share).quantize(Decimal("0.01")),
                                     granted_on=start - timedelta(days=rng.randint(60, 400)), **meta()))
            op_id += 1
    session.execute(insert(Operation), operations)
    session.execute(insert(Funding), fundings)
    progress.advance()
    check_cancel(progress)

    # Companies with valid SIRETs.
    companies, sirets = [], set()
    company_id = (session.scalar(select(func.max(Company.id))) or 0) + 1
    kinds = list(CompanyKind)
    while len(companies) < n_companies:
        siret = make_siret(rng)
        if siret in sirets:
            continue
        sirets.add(siret)
        kind = rng.choices(kinds, weights=(60, 12, 8, 5, 5, 5, 5))[0]
        name = f"{rng.choice(COMPANY_PREFIXES)} {rng.choice(COMPANY_PREFIXES)} {rng.choice(COMPANY_SUFFIXES)}"
        companies.append(dict(id=company_id, name=name, siret=siret, kind=kind,
                              commune_id=rng.choice(communes)[0], **meta()))
        company_id += 1
    session.execute(insert(Company), companies)
    progress.advance()
    check_cancel(progress)

    # Beneficiaries, their contracts on running operations and their monthly hours.
    worksites = [o for o in operations if o["start_date"] <= date(2025, 12, 1) and o["phase"] != Phase.STUDY]
    last_month = date(2025, 12, 1)
    beneficiaries, contracts, hours, paths = [], [], [], []
    identities: set[tuple] = set()
    ben_id = (session.scalar(select(func.max(Beneficiary.id))) or 0) + 1
    contract_id = (session.scalar(select(func.max(Contract.id))) or 0) + 1
    delivery_for_kind = {
        CompanyKind.ETTI: DeliveryMethod.ETTI, CompanyKind.AI: DeliveryMethod.AI, CompanyKind.GEIQ: DeliveryMethod.GEIQ,
        CompanyKind.EI: DeliveryMethod.SIAE_SUBCONTRACT, CompanyKind.ACI: DeliveryMethod.SIAE_COCONTRACT,
    }
    for _ in range(n_beneficiaries):
        sex = Sex.FEMALE if rng.random() < 0.12 else Sex.MALE
        first = rng.choice(FIRST_NAMES_F if sex == Sex.FEMALE else FIRST_NAMES_M)
        last = rng.choice(LAST_NAMES).upper()
        site = rng.choice(worksites)
        first_start = site["start_date"] + timedelta(days=rng.randint(0, 330))
        first_start = min(first_start, date(2025, 11, 1))
        age = rng.choices((rng.randint(18, 25), rng.randint(26, 49), rng.randint(50, 62)), weights=(28, 60, 12))[0]
        birth = first_start - timedelta(days=int(age * 365.25) + rng.randint(1, 360))
        if (last, first, birth) in identities:
            birth -= timedelta(days=1)
        identities.add((last, first, birth))
        deld = rng.random() < 0.35
        n_contracts = 2 if rng.random() < 0.3 else 1
        start = first_start
        last_end = start
        for _c in range(n_contracts):
            company = rng.choice(companies)
            months = rng.randint(1, 21)
            end = rules.month_end(date(start.year + (start.month - 1 + months - 1) // 12,
                                       (start.month - 1 + months - 1) % 12 + 1, 1))
            if company["kind"] in delivery_for_kind:
                method = delivery_for_kind[company["kind"]]
                ctype = ContractType.CDDI if company["kind"] in (CompanyKind.EI, CompanyKind.ACI, CompanyKind.AI) \
                    else (ContractType.INTERIM if company["kind"] == CompanyKind.ETTI else ContractType.PROFESSIONALISATION)
            else:
                method = DeliveryMethod.DIRECT_HIRE
                ctype = rng.choices((ContractType.CDD, ContractType.CDI, ContractType.APPRENTICESHIP, ContractType.OTHER),
                                    weights=(60, 15, 15, 10))[0]
            planned = Decimal(0)
            for month in _months(start, min(end, last_month)):
                h = Decimal(rng.choice((14, 21, 28, 35, 35, 42, 56, 70, 91, 121, 151)))
                h = (h - rng.choice(SHORTFALLS)).quantize(Decimal("0.01"))
                hours.append(dict(contract_id=contract_id, month=month, hours=h, **meta()))
                planned += h
            contracts.append(dict(
                id=contract_id, beneficiary_id=ben_id, company_id=company["id"], operation_id=site["id"],
                contract_type=ctype, delivery_method=method, start_date=start,
                end_date=None if ctype == ContractType.CDI else end,
                hours_planned=(planned * Decimal("1.1")).quantize(Decimal("0.01")), age_band=None, **meta()))
            contract_id += 1
            last_end = end
            start = end + timedelta(days=rng.randint(1, 120))
            if start > last_month:
                break
            site = rng.choice([o for o in worksites if o["cite_id"] == site["cite_id"]] or worksites)
        left = last_end < date(2025, 6, 1)
        # Drawn in the order the dataset always drew them, so that a seed gives the same people as before.
        commune_id = rng.choice(communes)[0]
        criteria = dict(qpv=rng.random() < 0.4, rsa=rng.random() < 0.45, deld=deld)
        criteria.update(detld=deld and rng.random() < 0.4, rqth=rng.random() < 0.06, ass_aah=rng.random() < 0.08,
                        low_qualification=rng.random() < 0.6)
        prescriber = rng.choice(list(Prescriber))
        entry_date = first_start - timedelta(days=rng.randint(10, 200))
        outcome = rng.choice(DEMO_OUTCOMES) if left else None
        beneficiaries.append(dict(
            id=ben_id, last_name=last, first_name=first, birth_date=birth, pseudonym=None, sex=sex,
            commune_id=commune_id, entry_date=entry_date, **meta()))
        paths.append(DemoPath(ben_id, first_start, criteria, prescriber, last_end if left else None, outcome))
        ben_id += 1
    path_rows = demo_path_records(paths, random.Random(seed * 7919 + 17), stamp, last_month)
    cutoff = years_before(max(today or date.today(), stamp.date()), int(read_database_setting(session, RETENTION_YEARS)))
    anonymise_past_paths(beneficiaries, contracts, path_rows, cutoff, seed)
    session.execute(insert(Beneficiary), beneficiaries)
    for model, rows in path_rows.items():
        session.execute(insert(model), rows)
    progress.advance()
    check_cancel(progress)
    # Marchés and lots of the operations, their own random draws after every other one: contracts get their lot.
    marches, lots = add_demo_clauses(session, seed, operations, companies, contracts, hours, meta)
    session.execute(insert(Contract), contracts)
    for i in range(0, len(hours), 20_000):
        session.execute(insert(HoursEntry), hours[i: i + 20_000])
        check_cancel(progress)
    progress.advance()
    session.flush()
    sync_id_sequences(session)  # ids were given explicitly: PostgreSQL's sequences must follow
    # Bulk Core inserts are not seen by the audit listener: one summary entry instead.
    written = ((Cite, new_cites), (Operation, operations), (Funding, fundings), (Company, companies),
               (Marche, marches), (Lot, lots), (Beneficiary, beneficiaries), (Contract, contracts),
               (HoursEntry, hours), *path_rows.items())
    audit.record_bulk(session, {model.__tablename__: len(rows) for model, rows in written},
                      note=f"données de démonstration (graine {seed}, échelle {scale})")
    planner_statistics.refresh_if_stale(session.connection())
    return DemoSummary(len(cite_rows), len(operations), len(fundings), len(companies), len(beneficiaries),
                       len(contracts), len(hours))
