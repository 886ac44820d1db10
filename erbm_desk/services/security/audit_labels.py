"""French words for the audit log's actions and record types (journal window, exports, `erbm-desk audit`)."""

from __future__ import annotations

from erbm_desk.domain.entities import ALL_SPECS, SPECS, WRITABLE_ENTITIES

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
# The records the journal logs (the recorded entities, then the reference ones someone may write: bailleurs) with
# their entity description's label; then the journal's other subjects.
_LOGGED = (*SPECS, *(name for name in WRITABLE_ENTITIES if name not in SPECS))
ENTITY_LABELS = {name: ALL_SPECS[name].label for name in _LOGGED} | {
    "account": "Compte", "app_setting": "Réglage", "*": "Plusieurs", "database": "Base",
}
