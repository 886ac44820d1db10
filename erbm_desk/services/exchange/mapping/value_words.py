"""How people write the values of the lists in their own workbooks, by list and choice: « H » for a man,
« Contrat d'insertion » for a CDDI, « Pôle emploi » for France Travail. Compared folded (no case, no accents).
A value found here is proposed; a value equal to a choice's label or code is taken as it is."""

from __future__ import annotations

from erbm_desk.domain.enums import (
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
)

SYNONYMS: dict[type, dict[str, tuple[str, ...]]] = {
    Sex: {
        "f": ("f", "fem", "feminin", "mme", "madame", "mlle", "mademoiselle", "femme", "fille"),
        "m": ("h", "m", "m.", "masculin", "mr", "monsieur", "homme", "garcon"),
    },
    ContractType: {
        "cddi": ("contrat d'insertion", "cdd insertion", "cdd d'insertion", "cdd-i", "cdd i", "cddi"),
        "interim": ("mission d'interim", "interim", "ctt", "contrat de mission", "interimaire", "mission",
                    "contrat de travail temporaire", "ctti"),
        "cdi": ("contrat a duree indeterminee",),
        "cdd": ("contrat a duree determinee", "cdd classique"),
        "apprentissage": ("apprenti", "contrat d'apprentissage", "alternance apprentissage"),
        "professionnalisation": ("contrat pro", "contrat de pro", "pro", "contrat de professionnalisation"),
    },
    DeliveryMethod: {
        "embauche_directe": ("embauche", "direct", "recrutement direct", "embauche par l'entreprise"),
        "mad_etti": ("etti", "mad etti", "mise a dispo etti"),
        "mad_ai": ("ai", "mad ai", "association intermediaire", "mise a dispo ai"),
        "mad_geiq": ("geiq", "mad geiq", "mise a dispo geiq"),
        "sous_traitance_siae": ("sous-traitance", "sous traitance", "sous-traitance siae", "st siae"),
        "cotraitance_siae": ("co-traitance", "cotraitance", "co traitance"),
    },
    CompanyKind: {
        "entreprise": ("entreprise classique", "entreprise du btp", "btp", "titulaire"),
        "ei": ("entreprise d'insertion", "ei"),
        "aci": ("chantier d'insertion", "atelier chantier d'insertion", "aci"),
        "ai": ("association intermediaire",),
        "ett": ("agence d'interim", "entreprise de travail temporaire", "interim", "ett"),
        "etti": ("entreprise de travail temporaire d'insertion",),
    },
    Prescriber: {
        "france_travail": ("pole emploi", "pe", "ft", "france travail", "anpe"),
        "mission_locale": ("ml", "mission locale", "missions locales"),
        "departement": ("conseil departemental", "cd", "cd59", "cd62", "referent rsa", "departement"),
        "cap_emploi": ("cap emploi",),
        "plie": ("plie",),
        "siae": ("siae",),
    },
    Phase: {
        "travaux": ("en cours", "chantier en cours", "travaux", "en chantier"),
        "livree": ("livre", "termine", "terminee", "achevee", "receptionne", "receptionnee"),
        "etudes": ("etude", "en etude", "conception"),
        "programmee": ("programme", "a venir", "prevue", "planifiee"),
        "abandonnee": ("abandon", "abandonne", "annulee"),
    },
    OperationNature: {
        "rehabilitation": ("rehab", "renovation", "renovation energetique", "rehabilitation thermique"),
        "residentialisation": ("residentialisation",),
        "espaces_publics": ("espaces publics", "amenagement", "voirie"),
        "demolition": ("demolition",),
        "construction": ("construction", "neuf", "construction neuve"),
    },
    ExitOutcome: {  # the PLIE's categories: no solution, a move, a drop-out are « Autre sortie »
        "emploi_durable": ("emploi durable", "cdi", "cdd de plus de 6 mois", "cdd 6 mois et plus"),
        "emploi_transition": ("emploi de transition", "cdd", "interim", "emploi temporaire"),
        "formation": ("formation", "formation qualifiante", "entree en formation"),
        "creation_activite": ("creation d'entreprise", "creation d'activite", "auto-entrepreneur",
                              "micro-entreprise"),
        "sortie_positive": ("sortie positive",),
        "autre": ("sans solution", "aucune", "sans emploi", "demenagement", "a demenage", "abandon", "arret",
                  "autre"),
    },
    Funder: {
        "etat": ("etat", "dreets", "anct", "prefecture"),
        "region": ("region", "conseil regional", "hauts-de-france", "hauts de france"),
        "departement": ("departement", "conseil departemental"),
        "feder": ("feder", "europe", "union europeenne", "fse"),
        "bailleur": ("bailleur", "fonds propres", "pret", "prets"),
        "anru": ("anru",),
        "epci": ("epci", "agglomeration", "communaute d'agglomeration", "intercommunalite"),
    },
    AgeBand: {
        "moins_26": ("-26 ans", "- de 26 ans", "moins de 26", "jeune", "< 26 ans", "16-25 ans"),
        "26_49": ("26-49 ans", "26 a 49", "26-49"),
        "50_plus": ("50 ans et +", "+ de 50 ans", "50+", "plus de 50 ans", "senior"),
    },
}

BOOL_TRUE = ("x", "oui", "o", "1", "vrai", "true", "yes", "y", "✓", "✔", "☑", "coche", "si")
BOOL_FALSE = ("non", "n", "0", "faux", "false", "no", "-", "–", "—", "/", "nc", "sans objet")
