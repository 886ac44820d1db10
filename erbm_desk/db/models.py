"""SQLAlchemy 2.0 models of the ERBM workflow.

Every record has an integer primary key (fast joins), a stable UUID (merging workbooks of several sites),
created/updated timestamps and a version counter (a concurrent edit is detected, not overwritten).
Hours and euros are `Hundredths`: integers in the file, Decimal in Python.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from erbm_desk.db.types import EnumCode, Hundredths
from erbm_desk.domain.enums import (
    ActionKind,
    AgeBand,
    CompanyKind,
    ContractType,
    DeliveryMethod,
    ExitOutcome,
    Funder,
    OperationNature,
    Phase,
    Prescriber,
    Sex,
    SixMonthSituation,
)

from erbm_desk.db.base import NAMING, Base, Record, Reference, column_keys, new_uuid, utcnow  # noqa: F401 - re-exported


class Epci(Reference):
    __tablename__ = "epci"
    siren: Mapped[str] = mapped_column(String(9), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    short_name: Mapped[str] = mapped_column(String(20), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    spel_arrondissement: Mapped[str] = mapped_column(String(40))
    communes: Mapped[list[Commune]] = relationship(back_populates="epci")


class Commune(Reference):
    __tablename__ = "commune"
    insee_code: Mapped[str] = mapped_column(String(5), unique=True)
    name: Mapped[str] = mapped_column(String(120), index=True)
    department_code: Mapped[str] = mapped_column(String(3))
    epci_id: Mapped[int] = mapped_column(ForeignKey("epci.id"), index=True)
    population: Mapped[int | None] = mapped_column(Integer)
    longitude: Mapped[float | None] = mapped_column(Float)
    latitude: Mapped[float | None] = mapped_column(Float)
    epci: Mapped[Epci] = relationship(back_populates="communes")


class Bailleur(Record):
    __tablename__ = "bailleur"
    name: Mapped[str] = mapped_column(String(120), unique=True)


class Cite(Record):
    __tablename__ = "cite"
    __table_args__ = (UniqueConstraint("name", "commune_id"),)
    name: Mapped[str] = mapped_column(String(120))
    commune_id: Mapped[int] = mapped_column(ForeignKey("commune.id"), index=True)
    bailleur_id: Mapped[int | None] = mapped_column(ForeignKey("bailleur.id"), index=True)
    homes: Mapped[int | None] = mapped_column(Integer)
    priority: Mapped[bool] = mapped_column(Boolean, default=False)
    unesco: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    commune: Mapped[Commune] = relationship()
    bailleur: Mapped[Bailleur | None] = relationship()
    operations: Mapped[list[Operation]] = relationship(back_populates="cite")


class Operation(Record):
    __tablename__ = "operation"
    __table_args__ = (UniqueConstraint("name", "cite_id"),)
    name: Mapped[str] = mapped_column(String(160))
    cite_id: Mapped[int] = mapped_column(ForeignKey("cite.id"), index=True)
    nature: Mapped[OperationNature] = mapped_column(EnumCode(OperationNature))
    phase: Mapped[Phase] = mapped_column(EnumCode(Phase))
    homes: Mapped[int | None] = mapped_column(Integer)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    delivery_date: Mapped[date | None] = mapped_column(Date)
    energy_before: Mapped[Decimal | None] = mapped_column(Hundredths)
    energy_after: Mapped[Decimal | None] = mapped_column(Hundredths)
    hours_required: Mapped[Decimal | None] = mapped_column(Hundredths)
    notes: Mapped[str | None] = mapped_column(Text)
    cite: Mapped[Cite] = relationship(back_populates="operations")
    fundings: Mapped[list[Funding]] = relationship(back_populates="operation")


class Funding(Record):
    __tablename__ = "funding"
    __table_args__ = (UniqueConstraint("operation_id", "funder", "granted_on"),)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"), index=True)
    funder: Mapped[Funder] = mapped_column(EnumCode(Funder))
    amount: Mapped[Decimal] = mapped_column(Hundredths)
    granted_on: Mapped[date | None] = mapped_column(Date)
    operation: Mapped[Operation] = relationship(back_populates="fundings")


class Company(Record):
    __tablename__ = "company"
    name: Mapped[str] = mapped_column(String(160), index=True)
    siret: Mapped[str] = mapped_column(String(14), unique=True)
    kind: Mapped[CompanyKind] = mapped_column(EnumCode(CompanyKind))
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("commune.id"), index=True)
    commune: Mapped[Commune | None] = relationship()


class Marche(Record):
    """A works contract of an operation; its lots carry the insertion clause."""

    __tablename__ = "marche"
    __table_args__ = (UniqueConstraint("reference", "operation_id"),)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"), index=True)
    reference: Mapped[str] = mapped_column(String(60))
    subject: Mapped[str | None] = mapped_column(String(200))
    owner: Mapped[str | None] = mapped_column(String(160))
    notified_on: Mapped[date | None] = mapped_column(Date)
    works_start: Mapped[date | None] = mapped_column(Date)
    works_end: Mapped[date | None] = mapped_column(Date)
    operation: Mapped[Operation] = relationship()


class Lot(Record):
    """A lot of a marché, awarded to a titulaire company that owes insertion hours (domain/clauses.py).
    Percentages and euros are `Hundredths`; a blank parameter takes the base's default."""

    __tablename__ = "lot"
    __table_args__ = (UniqueConstraint("number", "marche_id"),)
    marche_id: Mapped[int] = mapped_column(ForeignKey("marche.id"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(160))
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    amount: Mapped[Decimal | None] = mapped_column(Hundredths)
    labour_share: Mapped[Decimal | None] = mapped_column(Hundredths)
    insertion_rate: Mapped[Decimal | None] = mapped_column(Hundredths)
    hourly_cost: Mapped[Decimal | None] = mapped_column(Hundredths)
    hours_stated: Mapped[Decimal | None] = mapped_column(Hundredths)
    penalty_per_hour: Mapped[Decimal | None] = mapped_column(Hundredths)
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    marche: Mapped[Marche] = relationship()
    company: Mapped[Company] = relationship()


class Beneficiary(Record):
    """A person in an insertion path. Names and birth date are empty once erased or in anonymous imports;
    `pseudonym` then identifies the person across workbooks."""

    __tablename__ = "beneficiary"
    __table_args__ = (UniqueConstraint("last_name", "first_name", "birth_date"),)
    last_name: Mapped[str | None] = mapped_column(String(80), index=True)
    first_name: Mapped[str | None] = mapped_column(String(80))
    birth_date: Mapped[date | None] = mapped_column(Date)
    pseudonym: Mapped[str | None] = mapped_column(String(40), index=True)
    sex: Mapped[Sex] = mapped_column(EnumCode(Sex))
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("commune.id"), index=True)
    entry_date: Mapped[date | None] = mapped_column(Date)
    commune: Mapped[Commune | None] = relationship()
    contracts: Mapped[list[Contract]] = relationship(back_populates="beneficiary")


class Contract(Record):
    __tablename__ = "contract"
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id"), index=True)
    operation_id: Mapped[int] = mapped_column(ForeignKey("operation.id"), index=True)
    # The lot whose clause the hours count for (None: the operation only, as before marchés were recorded).
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("lot.id"), index=True)
    contract_type: Mapped[ContractType] = mapped_column(EnumCode(ContractType))
    delivery_method: Mapped[DeliveryMethod] = mapped_column(EnumCode(DeliveryMethod))
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    hours_planned: Mapped[Decimal | None] = mapped_column(Hundredths)
    # Only when the birth date is unknown (anonymous workbook, erased person): the age band at start.
    age_band: Mapped[AgeBand | None] = mapped_column(EnumCode(AgeBand))
    beneficiary: Mapped[Beneficiary] = relationship(back_populates="contracts")
    company: Mapped[Company] = relationship()
    operation: Mapped[Operation] = relationship()
    hours_entries: Mapped[list[HoursEntry]] = relationship(back_populates="contract")


class HoursEntry(Record):
    __tablename__ = "hours_entry"
    __table_args__ = (UniqueConstraint("contract_id", "month"), Index("ix_hours_entry_month", "month"))
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id"))
    month: Mapped[date] = mapped_column(Date)  # first day of the month
    hours: Mapped[Decimal] = mapped_column(Hundredths)
    contract: Mapped[Contract] = relationship(back_populates="hours_entries")


class EligibilityCheck(Record):
    """A person's criteria on a date (domain/entities/eligibility.py)."""

    __tablename__ = "eligibility_check"
    __table_args__ = (UniqueConstraint("beneficiary_id", "check_date"),)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id"), index=True)
    check_date: Mapped[date] = mapped_column(Date)
    rsa: Mapped[bool] = mapped_column(Boolean, default=False)
    deld: Mapped[bool] = mapped_column(Boolean, default=False)
    detld: Mapped[bool] = mapped_column(Boolean, default=False)
    rqth: Mapped[bool] = mapped_column(Boolean, default=False)
    ass_aah: Mapped[bool] = mapped_column(Boolean, default=False)
    low_qualification: Mapped[bool] = mapped_column(Boolean, default=False)
    qpv: Mapped[bool] = mapped_column(Boolean, default=False)
    prescriber: Mapped[Prescriber | None] = mapped_column(EnumCode(Prescriber))
    validated_by: Mapped[str | None] = mapped_column(String(120))


class PathExit(Record):
    """The end of a path and the situation six months later (domain/entities/path_exit.py)."""

    __tablename__ = "path_exit"
    __table_args__ = (UniqueConstraint("beneficiary_id", "exit_date"),)
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id"), index=True)
    exit_date: Mapped[date] = mapped_column(Date)
    outcome: Mapped[ExitOutcome] = mapped_column(EnumCode(ExitOutcome))
    detail: Mapped[str | None] = mapped_column(String(200))
    situation_6m: Mapped[SixMonthSituation | None] = mapped_column(EnumCode(SixMonthSituation))
    situation_date: Mapped[date | None] = mapped_column(Date)


class FollowUpAction(Record):
    """A dated event of a person's follow-up (domain/entities/followup.py)."""

    __tablename__ = "followup_action"
    __table_args__ = (UniqueConstraint("beneficiary_id", "action_date", "kind"),
                      Index("ix_followup_action_next_action_date", "next_action_date"))
    beneficiary_id: Mapped[int] = mapped_column(ForeignKey("beneficiary.id"), index=True)
    action_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[ActionKind] = mapped_column(EnumCode(ActionKind))
    note: Mapped[str | None] = mapped_column(Text)
    in_charge: Mapped[str | None] = mapped_column(String(120))
    next_action_date: Mapped[date | None] = mapped_column(Date)
    next_action: Mapped[str | None] = mapped_column(String(200))


MODELS = {
    "epci": Epci,
    "commune": Commune,
    "bailleur": Bailleur,
    "cite": Cite,
    "operation": Operation,
    "funding": Funding,
    "company": Company,
    "marche": Marche,
    "lot": Lot,
    "beneficiary": Beneficiary,
    "contract": Contract,
    "hours_entry": HoursEntry,
    "eligibility_check": EligibilityCheck,
    "path_exit": PathExit,
    "followup_action": FollowUpAction,
}

# The application's own tables (accounts, journal, settings, exchanges, mappings, report cache): same metadata.
from erbm_desk.db.app_tables import (  # noqa: E402,F401 - re-exported: one import place for every table
    Account,
    AuditEntry,
    ErasureRecord,
    ExchangeImport,
    ExchangeSite,
    ImportMapping,
    ReportSnapshot,
    ReportState,
    Setting,
)
