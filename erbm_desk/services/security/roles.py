"""The roles and what each may do: the permission table, with the French words the refusals use (for a write:
the entity description's `write_label`)."""

from __future__ import annotations

from erbm_desk.domain.entities import writable_by
from erbm_desk.domain.enums import LabelledEnum


class Role(LabelledEnum):
    ADMIN = "administrateur", "Administrateur"
    FACILITATOR = "facilitateur", "Facilitateur·rice"
    BAILLEUR = "bailleur", "Bailleur"
    COMITE = "comite", "Comité"


# Permissions (besides `write:<entity>`).
ACCOUNTS_MANAGE = "accounts.manage"  # create accounts, change roles, make sign-in mandatory
SETTINGS_MANAGE = "settings.manage"  # retention period, small-count threshold
AUDIT_READ = "audit.read"  # browse, verify and export the audit log (it holds personal values)
IDENTITY_READ = "identity.read"  # names and birth dates of beneficiaries
PERSON_READ = "person.read"  # a beneficiary's own record (criteria, dates), even without the name
EXPORT_NOMINATIVE = "export.nominative"  # workbooks with names
EXPORT_ANONYMOUS = "export.anonymous"  # anonymous workbooks, bilans
INDICATORS_READ = "indicators.read"  # dashboards, statistics
DATA_IMPORT = "data.import"  # import a workbook (each row still needs write:<entity>)
GDPR_ACCESS = "gdpr.access"  # export all the data of one person (right of access)
GDPR_ERASE = "gdpr.erase"  # erase a person, anonymise those due for retention
DATABASE_ADMIN = "database.admin"  # encryption, passphrase, restore

_READS: dict[Role, frozenset[str]] = {
    Role.ADMIN: frozenset({
        ACCOUNTS_MANAGE, SETTINGS_MANAGE, AUDIT_READ, IDENTITY_READ, PERSON_READ, EXPORT_NOMINATIVE,
        EXPORT_ANONYMOUS, INDICATORS_READ, DATA_IMPORT, GDPR_ACCESS, GDPR_ERASE, DATABASE_ADMIN,
    }),
    Role.FACILITATOR: frozenset({
        IDENTITY_READ, PERSON_READ, EXPORT_NOMINATIVE, EXPORT_ANONYMOUS, INDICATORS_READ, DATA_IMPORT, GDPR_ACCESS,
    }),
    Role.BAILLEUR: frozenset({EXPORT_ANONYMOUS, INDICATORS_READ, DATA_IMPORT}),
    Role.COMITE: frozenset({EXPORT_ANONYMOUS, INDICATORS_READ}),
}

# Which entities a role may write is part of each entity's description (`written_by`).
PERMISSIONS: dict[Role, frozenset[str]] = {
    role: _READS[role] | {f"write:{e}" for e in writable_by(role.value)} for role in Role
}

PERMISSION_LABELS = {
    ACCOUNTS_MANAGE: "gérer les comptes",
    SETTINGS_MANAGE: "modifier les réglages",
    AUDIT_READ: "consulter le journal des modifications",
    IDENTITY_READ: "voir l'identité des bénéficiaires",
    PERSON_READ: "consulter la fiche d'un bénéficiaire",
    EXPORT_NOMINATIVE: "exporter des données nominatives",
    EXPORT_ANONYMOUS: "exporter des données anonymes",
    INDICATORS_READ: "consulter les indicateurs",
    DATA_IMPORT: "importer un classeur",
    GDPR_ACCESS: "exporter les données d'une personne",
    GDPR_ERASE: "effacer l'identité d'une personne",
    DATABASE_ADMIN: "administrer la base (chiffrement, restauration d'une sauvegarde)",
}
