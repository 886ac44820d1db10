"""Enumerations of the ERBM workflow: a stable code stored in the database, a French label shown to users."""

from __future__ import annotations

from enum import StrEnum

from erbm_desk.domain.text import fold


class LabelledEnum(StrEnum):
    """A StrEnum whose members carry a French label: `Sex("f").label == "Femme"`."""

    label: str

    def __new__(cls, code: str, label: str):
        member = str.__new__(cls, code)
        member._value_ = code
        member.label = label
        return member

    @classmethod
    def from_text(cls, text: str) -> "LabelledEnum":
        """Accepts a code or a label, whatever its case, accents or spacing; raises ValueError otherwise."""
        wanted = fold(text)
        for member in cls:
            if wanted in (fold(member.value), fold(member.label)):
                return member
        raise ValueError(text)

    @classmethod
    def labels(cls) -> list[str]:
        return [m.label for m in cls]


class Sex(LabelledEnum):
    FEMALE = "f", "Femme"
    MALE = "m", "Homme"


class ContractType(LabelledEnum):
    CDI = "cdi", "CDI"
    CDD = "cdd", "CDD"
    CDDI = "cddi", "CDDI"
    INTERIM = "interim", "Intérim"
    APPRENTICESHIP = "apprentissage", "Apprentissage"
    PROFESSIONALISATION = "professionnalisation", "Contrat de professionnalisation"
    OTHER = "autre", "Autre"


class DeliveryMethod(LabelledEnum):
    DIRECT_HIRE = "embauche_directe", "Embauche directe"
    ETTI = "mad_etti", "Mise à disposition ETTI"
    AI = "mad_ai", "Mise à disposition AI"
    GEIQ = "mad_geiq", "Mise à disposition GEIQ"
    SIAE_SUBCONTRACT = "sous_traitance_siae", "Sous-traitance SIAE"
    SIAE_COCONTRACT = "cotraitance_siae", "Co-traitance SIAE"


class CompanyKind(LabelledEnum):
    COMPANY = "entreprise", "Entreprise"
    ETTI = "etti", "ETTI"
    EI = "ei", "Entreprise d'insertion (EI)"
    ACI = "aci", "Atelier et chantier d'insertion (ACI)"
    AI = "ai", "Association intermédiaire (AI)"
    GEIQ = "geiq", "GEIQ"
    ETT = "ett", "Entreprise de travail temporaire (ETT)"

    @property
    def siae(self) -> bool:
        """A structure of the « insertion par l'activité économique » (SIAE): ETTI, EI, ACI, AI. A GEIQ is not."""
        return self in (CompanyKind.ETTI, CompanyKind.EI, CompanyKind.ACI, CompanyKind.AI)


class OperationNature(LabelledEnum):
    REHABILITATION = "rehabilitation", "Réhabilitation"
    RESIDENTIALISATION = "residentialisation", "Résidentialisation"
    PUBLIC_SPACES = "espaces_publics", "Aménagement des espaces publics"
    DEMOLITION = "demolition", "Démolition"
    NEW_BUILD = "construction", "Construction neuve"


class Phase(LabelledEnum):
    STUDY = "etudes", "Études"
    PROGRAMMED = "programmee", "Programmée"
    WORKS = "travaux", "En travaux"
    DELIVERED = "livree", "Livrée"
    ABANDONED = "abandonnee", "Abandonnée"


class Funder(LabelledEnum):
    STATE = "etat", "État"
    REGION = "region", "Région Hauts-de-France"
    EPCI = "epci", "EPCI"
    DEPARTMENT = "departement", "Département"
    FEDER = "feder", "FEDER (Union européenne)"
    LANDLORD = "bailleur", "Bailleur (fonds propres et prêts)"
    ANRU = "anru", "ANRU"
    OTHER = "autre", "Autre"


class Prescriber(LabelledEnum):
    FRANCE_TRAVAIL = "france_travail", "France Travail"
    MISSION_LOCALE = "mission_locale", "Mission locale"
    DEPARTMENT = "departement", "Département (référent RSA)"
    CAP_EMPLOI = "cap_emploi", "Cap emploi"
    PLIE = "plie", "PLIE"
    SIAE = "siae", "SIAE"
    OTHER = "autre", "Autre"


class ExitOutcome(LabelledEnum):
    """How a path ends, in the PLIE's categories. Every category but « Autre sortie » is a positive exit."""

    SUSTAINABLE_JOB = "emploi_durable", "Emploi durable (CDI, CDD ou intérim de 6 mois et plus)"
    TRANSITION_JOB = "emploi_transition", "Emploi de transition (moins de 6 mois)"
    TRAINING = "formation", "Formation qualifiante"
    BUSINESS_CREATION = "creation_activite", "Création d'activité"
    POSITIVE_OTHER = "sortie_positive", "Autre sortie positive"
    OTHER = "autre", "Autre sortie"

    @property
    def positive(self) -> bool:
        return self is not ExitOutcome.OTHER


class SixMonthSituation(LabelledEnum):
    """Where a person stands six months after their exit, recorded when that follow-up is done."""

    SUSTAINABLE_JOB = "emploi_durable", "En emploi durable"
    TRANSITION_JOB = "emploi_transition", "En emploi de transition"
    TRAINING = "formation", "En formation"
    BUSINESS_CREATION = "creation_activite", "En création d'activité"
    JOB_SEEKING = "recherche_emploi", "En recherche d'emploi"
    OTHER = "autre", "Autre situation"
    UNREACHABLE = "injoignable", "Personne injoignable"

    @property
    def in_employment(self) -> bool:
        return self in (SixMonthSituation.SUSTAINABLE_JOB, SixMonthSituation.TRANSITION_JOB,
                        SixMonthSituation.BUSINESS_CREATION)


class ActionKind(LabelledEnum):
    """What a follow-up action was."""

    INTERVIEW = "entretien", "Entretien"
    INTRODUCTION = "mise_en_relation", "Mise en relation avec une entreprise"
    HIRING = "embauche", "Embauche"
    CONTRACT_REVIEW = "point_contrat", "Point en cours de contrat"
    SIX_MONTH_REVIEW = "point_6_mois", "Point à 6 mois"
    OTHER = "autre", "Autre action"


class AgeBand(LabelledEnum):
    """Age at a contract's start: what travels in anonymous workbooks instead of a birth date."""

    UNDER_26 = "moins_26", "Moins de 26 ans"
    FROM_26_TO_49 = "26_49", "26 à 49 ans"
    FROM_50 = "50_plus", "50 ans et plus"
