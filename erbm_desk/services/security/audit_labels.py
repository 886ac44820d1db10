"""French words for the audit log's actions and record types (journal window, exports, `erbm-desk audit`)."""

from __future__ import annotations

from erbm_desk.domain.entities import SPECS

ACTION_LABELS = {
    "create": "Création",
    "update": "Modification",
    "delete": "Suppression",
    "bulk": "Écriture groupée",
    "erase": "Effacement (RGPD)",
    "access": "Export des données d'une personne (RGPD)",
    "login": "Connexion",
    "login_failed": "Échec de connexion",
    "account": "Gestion des comptes",
    "setting": "Réglage",
    "database": "Base de données",
}
ENTITY_LABELS = {name: spec.label for name, spec in SPECS.items()} | {
    "bailleur": "Bailleur", "account": "Compte", "app_setting": "Réglage", "*": "Plusieurs", "database": "Base",
}
