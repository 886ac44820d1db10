"""`erbm-desk encrypt`: encrypt a personal database with SQLCipher, change its passphrase, back it up."""

from __future__ import annotations

import getpass
import os
import sys
from erbm_desk.cli.common import EXIT_OK, CliError, open_db


def _new_passphrase() -> str:
    from erbm_desk.services.database.sqlcipher import PASSPHRASE_ENV

    value = os.environ.get("ERBM_DESK_NEW_PASSPHRASE") or os.environ.get(PASSPHRASE_ENV)
    if value:
        return value
    if not sys.stdin or not sys.stdin.isatty():
        raise CliError("Nouvelle phrase de passe : tapez-la au terminal ou donnez-la dans ERBM_DESK_NEW_PASSPHRASE.")
    first = getpass.getpass("Nouvelle phrase de passe (12 caractères au moins) : ")
    if getpass.getpass("Confirmez : ") != first:
        raise CliError("Les deux phrases de passe diffèrent.")
    return first


def cmd_encrypt(args) -> int:
    from erbm_desk.services.security import authz
    from erbm_desk.services.database import sqlcipher as encryption

    if not encryption.available():
        raise CliError("Le chiffrement n'est pas disponible : installez « sqlcipher3 » "
                       "(pip install \"erbm-desk[encryption]\").")
    db = open_db(args)  # signs in, unlocks an encrypted file
    path = db.path
    try:
        if path is None:
            raise CliError("Le chiffrement concerne une base personnelle (fichier) ; une base PostgreSQL est "
                           "protégée par son serveur.")
        authz.require(db, authz.DATABASE_ADMIN)
        if args.backup:
            if not encryption.is_encrypted(path):
                raise CliError("Cette base n'est pas chiffrée : chiffrez-la d'abord (erbm-desk encrypt).")
            out = encryption.backup_encrypted(db.engine, args.backup, path)
            print(f"Sauvegarde chiffrée écrite : {out} (et sa clé {encryption.key_file_for(out).name}).")
            return EXIT_OK
        if args.new_passphrase and not encryption.is_encrypted(path):
            raise CliError("Cette base n'est pas chiffrée.")
    finally:
        db.close()
    try:
        if args.new_passphrase:
            from erbm_desk.cli.sign_in import RECOVERY_ENV

            current = os.environ.get(encryption.PASSPHRASE_ENV)
            recovery = os.environ.get(RECOVERY_ENV)
            if not current and not recovery:
                current = getpass.getpass("Phrase de passe actuelle : ") if sys.stdin.isatty() else None
            new = os.environ.get("ERBM_DESK_NEW_PASSPHRASE") or _new_passphrase()
            encryption.change_passphrase(path, new, passphrase=current, recovery_key=recovery)
            print("Phrase de passe changée (la clé de secours reste valable).")
            return EXIT_OK
        result = encryption.encrypt_database(path, _new_passphrase())
    except encryption.EncryptionError as exc:
        raise CliError(str(exc)) from None
    print(f"Base chiffrée : {result.path}\nFichier de clé : {result.key_file}\n")
    print("CLÉ DE SECOURS — notez-la maintenant et rangez-la en lieu sûr (elle ne sera plus jamais affichée) :")
    print(f"    {result.recovery_key}\n")
    print("Sans la phrase de passe NI cette clé, les données sont perdues. Supprimez les anciennes sauvegardes "
          "non chiffrées de cette base.")
    return EXIT_OK


def register(subparsers) -> None:
    p = subparsers.add_parser("encrypt", help="chiffre la base (SQLCipher), change sa phrase de passe, "
                                              "sauvegarde chiffrée")
    p.add_argument("--new-passphrase", action="store_true", help="change la phrase de passe (avec l'actuelle ou "
                                                                  "la clé de secours)")
    p.add_argument("--backup", metavar="FICHIER", help="écrit une sauvegarde chiffrée de la base")
    p.set_defaults(func=cmd_encrypt)
