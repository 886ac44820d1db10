"""A hand-built dataset for the person's path, every figure of it worked out on paper below.

Two cités named « Cité Bellevue »: the seeded one in Harnes (62413, CALL, beside Cité d'Orient) and one added in
Somain (59574, CCO, beside the seeded Cité Chauffour).

Operations (hours required; homes):
- BH « Réhabilitation Bellevue » (Harnes): en travaux 01/01/2024–31/12/2024, 1 200 h (100 h a month), 50 homes;
- BS « Réhabilitation Bellevue Somain » (Somain): livrée, travaux 01/01/2025–30/06/2025, livrée 30/06/2025, 600 h
  (100 h a month), 30 homes;
- BX « Résidentialisation abandonnée » (Somain): abandonnée, 01/01/2024–30/06/2024, 500 h, 20 homes;
- BU « Façades sans date » (Harnes): livrée without any date, 10 homes.
Funding: État 100 000 € on 10/02/2024 and 50 000 € on 01/03/2025 (two tranches on BH); Région 30 000 € on BS,
undated.

People (publics at entry into the clause = the first contract's start):
- A ALPHA Anna, F, born 15/06/1998; check 20/02/2024: RSA. Contracts A1 (BH, entreprise) 01/03/2024–30/06/2024:
  100 h each month from March to June 2024 (400 h), at 25; A2 (BS, EI) 01/02/2025–30/04/2025: 50 h in February,
  March and April 2025 (150 h), at 26. Exit 30/06/2025, emploi durable, six-month situation not recorded.
  Publics: RSA, moins de 26 ans, femmes — in every period and both cités.
- B BETA Bruno, M, born 01/01/1980; check 05/01/2024: DETLD only. Contract B1 (BH, entreprise)
  10/01/2024–30/09/2024: 60 h in January, 60 h in February, 80 h in July 2024 (200 h). Exit 30/09/2024, formation
  qualifiante; six months later (02/04/2025) in emploi durable. Publics: DELD (DETLD is a DELD), DETLD.
- C GAMMA Chloé, F, born 05/05/1990; checks 01/04/2024: RSA and QPV; 15/01/2025: QPV only. Contracts C1 (BH, EI)
  01/04/2024–31/12/2024: 40 h in April, 60 h in December 2024 (100 h); C2 (BS, entreprise) 10/01/2025–31/03/2025:
  80 h in January 2025. Exit 31/03/2025, autre sortie, situation not recorded. Publics: RSA, QPV, femmes.
- D DELTA David, M, born 20/08/2001; check 20/05/2024 (after the hire): DELD, faible qualification. Contract D1
  (BH, entreprise, CDI, no end) from 10/05/2024: 30 h in May, 30 h in June 2024. Publics: DELD, faible
  qualification, moins de 26 ans (22).
- E EPSILON Emma, F, born 02/02/1985; no check. Contract E1 (BS, entreprise) 01/01/2025–30/06/2025: 20 h in May
  2025. Publics: femmes only; a data problem.
- F PHI Fabien, M, born 03/03/1995; check 01/01/2025: RSA. Contract F1 (BH, entreprise) 01/11/2024–31/12/2024
  without any hour: an active contract, not a person in scope.

Follow-up: A's interview of 01/05/2025 plans « Point d'embauche » on 15/07/2025 (C. Delattre); D's review of
01/06/2024 planned 01/07/2024 but his interview of 01/09/2024 came after (nothing left to do).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from sqlalchemy import select
from sqlalchemy.orm import Session

from erbm_desk.db.models import Cite, Commune
from erbm_desk.domain.enums import (
    ActionKind,
    CompanyKind,
    ContractType,
    DeliveryMethod,
    ExitOutcome,
    Funder,
    OperationNature,
    Phase,
    Sex,
    SixMonthSituation,
)
from erbm_desk.services.records.writes import save_record
from tests.fixtures import SIRET_A, SIRET_B

HARNES, SOMAIN = "62413", "59574"


def _commune(s: Session, insee: str) -> int:
    return s.scalar(select(Commune.id).where(Commune.insee_code == insee))


def build_path_dataset(s: Session) -> dict[str, int]:
    ids: dict[str, int] = {}

    def add(key, entity, **values):
        ids[key] = save_record(s, entity, values).id

    ids["harnes"] = s.scalar(select(Cite.id).join(Commune, Cite.commune_id == Commune.id)
                             .where(Cite.name == "Cité Bellevue", Commune.insee_code == HARNES))
    add("somain", "cite", name="Cité Bellevue", commune_id=_commune(s, SOMAIN), homes=80)
    add("BH", "operation", name="Réhabilitation Bellevue", cite_id=ids["harnes"], nature=OperationNature.REHABILITATION,
        phase=Phase.WORKS, homes=50, start_date=date(2024, 1, 1), end_date=date(2024, 12, 31), hours_required=D(1200))
    add("BS", "operation", name="Réhabilitation Bellevue Somain", cite_id=ids["somain"],
        nature=OperationNature.REHABILITATION, phase=Phase.DELIVERED, homes=30, start_date=date(2025, 1, 1),
        end_date=date(2025, 6, 30), delivery_date=date(2025, 6, 30), hours_required=D(600))
    add("BX", "operation", name="Résidentialisation abandonnée", cite_id=ids["somain"],
        nature=OperationNature.RESIDENTIALISATION, phase=Phase.ABANDONED, homes=20, start_date=date(2024, 1, 1),
        end_date=date(2024, 6, 30), hours_required=D(500))
    add("BU", "operation", name="Façades sans date", cite_id=ids["harnes"], nature=OperationNature.REHABILITATION,
        phase=Phase.DELIVERED, homes=10)
    add("f1", "funding", operation_id=ids["BH"], funder=Funder.STATE, amount=D(100000), granted_on=date(2024, 2, 10))
    add("f2", "funding", operation_id=ids["BH"], funder=Funder.STATE, amount=D(50000), granted_on=date(2025, 3, 1))
    add("f3", "funding", operation_id=ids["BS"], funder=Funder.REGION, amount=D(30000))
    add("co_e", "company", name="Bâtiment Artois", siret=SIRET_A, kind=CompanyKind.COMPANY)
    add("co_ei", "company", name="EI du Douaisis", siret=SIRET_B, kind=CompanyKind.EI)

    people = (("A", "ALPHA", "Anna", date(1998, 6, 15), Sex.FEMALE), ("B", "BETA", "Bruno", date(1980, 1, 1), Sex.MALE),
              ("C", "GAMMA", "Chloé", date(1990, 5, 5), Sex.FEMALE), ("D", "DELTA", "David", date(2001, 8, 20), Sex.MALE),
              ("E", "EPSILON", "Emma", date(1985, 2, 2), Sex.FEMALE), ("F", "PHI", "Fabien", date(1995, 3, 3), Sex.MALE))
    for key, last, first, born, sex in people:
        add(key, "beneficiary", last_name=last, first_name=first, birth_date=born, sex=sex)
    for key, person, day, criteria in (("kA", "A", date(2024, 2, 20), dict(rsa=True)),
                                       ("kB", "B", date(2024, 1, 5), dict(detld=True)),
                                       ("kC1", "C", date(2024, 4, 1), dict(rsa=True, qpv=True)),
                                       ("kC2", "C", date(2025, 1, 15), dict(qpv=True)),
                                       ("kD", "D", date(2024, 5, 20), dict(deld=True, low_qualification=True)),
                                       ("kF", "F", date(2025, 1, 1), dict(rsa=True))):
        add(key, "eligibility_check", beneficiary_id=ids[person], check_date=day, **criteria)

    def contract(key, person, op, company, start, end, months, ctype=ContractType.CDD):
        method = DeliveryMethod.SIAE_SUBCONTRACT if company == "co_ei" else DeliveryMethod.DIRECT_HIRE
        add(key, "contract", beneficiary_id=ids[person], company_id=ids[company], operation_id=ids[op],
            contract_type=ContractType.CDDI if company == "co_ei" else ctype, delivery_method=method,
            start_date=start, end_date=end)
        for month, hours in months:
            add(f"{key}-{month:%Y%m}", "hours_entry", contract_id=ids[key], month=month, hours=D(hours))

    contract("A1", "A", "BH", "co_e", date(2024, 3, 1), date(2024, 6, 30),
             [(date(2024, m, 1), 100) for m in (3, 4, 5, 6)])
    contract("A2", "A", "BS", "co_ei", date(2025, 2, 1), date(2025, 4, 30), [(date(2025, m, 1), 50) for m in (2, 3, 4)])
    contract("B1", "B", "BH", "co_e", date(2024, 1, 10), date(2024, 9, 30),
             [(date(2024, 1, 1), 60), (date(2024, 2, 1), 60), (date(2024, 7, 1), 80)])
    contract("C1", "C", "BH", "co_ei", date(2024, 4, 1), date(2024, 12, 31),
             [(date(2024, 4, 1), 40), (date(2024, 12, 1), 60)])
    contract("C2", "C", "BS", "co_e", date(2025, 1, 10), date(2025, 3, 31), [(date(2025, 1, 1), 80)])
    contract("D1", "D", "BH", "co_e", date(2024, 5, 10), None, [(date(2024, 5, 1), 30), (date(2024, 6, 1), 30)],
             ContractType.CDI)
    contract("E1", "E", "BS", "co_e", date(2025, 1, 1), date(2025, 6, 30), [(date(2025, 5, 1), 20)])
    contract("F1", "F", "BH", "co_e", date(2024, 11, 1), date(2024, 12, 31), [])

    add("xA", "path_exit", beneficiary_id=ids["A"], exit_date=date(2025, 6, 30), outcome=ExitOutcome.SUSTAINABLE_JOB)
    add("xB", "path_exit", beneficiary_id=ids["B"], exit_date=date(2024, 9, 30), outcome=ExitOutcome.TRAINING,
        situation_6m=SixMonthSituation.SUSTAINABLE_JOB, situation_date=date(2025, 4, 2))
    add("xC", "path_exit", beneficiary_id=ids["C"], exit_date=date(2025, 3, 31), outcome=ExitOutcome.OTHER,
        detail="Déménagement")
    add("aA", "followup_action", beneficiary_id=ids["A"], action_date=date(2025, 5, 1), kind=ActionKind.INTERVIEW,
        in_charge="C. Delattre", next_action_date=date(2025, 7, 15), next_action="Point d'embauche")
    add("aD1", "followup_action", beneficiary_id=ids["D"], action_date=date(2024, 6, 1),
        kind=ActionKind.CONTRACT_REVIEW, next_action_date=date(2024, 7, 1))
    add("aD2", "followup_action", beneficiary_id=ids["D"], action_date=date(2024, 9, 1), kind=ActionKind.INTERVIEW)
    return ids
