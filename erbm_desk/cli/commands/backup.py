"""`erbm-desk backup [DEST]` and `erbm-desk restore [FILE]`: the backups of a database file, from the shell."""

from __future__ import annotations

from pathlib import Path

from erbm_desk.cli.common import EXIT_OK, CliError


def _sqlite_path(args) -> Path:
    from erbm_desk.db.engine import database_url

    url = database_url(args.db)
    if not url.startswith("sqlite:///"):
        raise CliError("Cette base est sur un serveur PostgreSQL : ses sauvegardes et restaurations se font sur le "
                       "serveur (pg_dump / pg_restore).")
    return Path(url.removeprefix("sqlite:///"))


def _require(args, path: Path, permission: str):
    """The signed-in user (or the system user of a personal database), who must hold `permission`. A copy of
    the file holds every identity; a restore replaces everyone's work. A damaged file is not opened (None: the
    restore then acts as the operating-system user): restoring it is a rescue, and whoever can damage the file
    can replace it anyway."""
    from erbm_desk.cli.common import open_db
    from erbm_desk.db.sqlite_files import header_ok, quick_check_problems
    from erbm_desk.services.security import authz

    if not path.is_file() or path.stat().st_size == 0 or (header_ok(path) and quick_check_problems(path)):
        return None
    db = open_db(args)
    try:
        with db.session() as s:
            return authz.require(s, permission)
    finally:
        db.close()


def cmd_backup(args) -> int:
    from erbm_desk.services.backup import copies, location

    if args.folder:
        try:
            folder = location.set_backup_root(args.folder)
        except location.BackupError as exc:
            raise CliError(str(exc)) from None
        print(f"Dossier des sauvegardes : {folder}")
        if not args.dest and not args.db_given:
            return EXIT_OK
    path = _sqlite_path(args)
    if not path.is_file():
        raise CliError(f"La base « {path} » n'existe pas : rien à sauvegarder.")
    from erbm_desk.services.security import authz

    _require(args, path, authz.IDENTITY_READ)
    try:
        info = copies.save_copy(path, args.dest) if args.dest else copies.backup_database(path, "manuelle")
    except location.BackupError as exc:
        raise CliError(str(exc)) from None
    print(f"Sauvegarde écrite : {info.path}")
    print(f"Contenu : {info.summary()}.")
    return EXIT_OK


def _print_list(path: Path) -> int:
    from erbm_desk.services.backup.listing import list_backups
    from erbm_desk.services.backup.location import backup_folder

    saved = list_backups(path)
    folder = backup_folder(path)
    if not saved:
        print(f"Aucune sauvegarde de « {path.name} » dans « {folder} ».")
        return EXIT_OK
    print(f"Sauvegardes de « {path.name} » dans « {folder} » (la plus récente d'abord) :")
    for n, info in enumerate(saved, 1):
        print(f"{n:3d}. {info.date_label}  {info.reason_label:<32} {info.summary()}")
        print(f"     {info.path}")
    print("Pour restaurer : erbm-desk restore NUMÉRO (ou le chemin du fichier).")
    return EXIT_OK


def cmd_restore(args) -> int:
    from erbm_desk.services.backup.listing import describe_counts, list_backups
    from erbm_desk.services.backup.location import BackupError
    from erbm_desk.services.database.restore import restore_backup

    path = _sqlite_path(args)
    if args.list or not args.file:
        return _print_list(path)
    chosen = Path(args.file).expanduser()
    if args.file.isdigit() and not chosen.exists():
        saved = list_backups(path)
        index = int(args.file)
        if not 1 <= index <= len(saved):
            raise CliError(f"Pas de sauvegarde numéro {index} : voir « erbm-desk restore --list ».")
        chosen = saved[index - 1].path
    from erbm_desk.services.security import authz

    user = _require(args, path, authz.DATABASE_ADMIN)
    try:
        result = restore_backup(path, chosen, user=user)
    except BackupError as exc:
        raise CliError(str(exc)) from None
    from erbm_desk.cli.common import open_db

    db = open_db(args)  # brings an older schema up to date, and checks the result
    try:
        counts = db.counts()
    finally:
        db.close()
    print(f"Base « {path.name} » restaurée depuis la sauvegarde du {result.restored.date_label}.")
    print(f"Contenu : {describe_counts(counts)}.")
    if result.previous_state:
        print(f"L'état remplacé a été sauvegardé : {result.previous_state}")
    if result.damaged_copy:
        print(f"Le fichier endommagé a été gardé à part : {result.damaged_copy}")
    for note in result.notes:
        print(note)
    return EXIT_OK


def register(subparsers) -> None:
    p = subparsers.add_parser("backup", help="sauvegarde la base (dans le dossier des sauvegardes, ou DEST)")
    p.add_argument("dest", nargs="?", help="fichier ou dossier où écrire la copie (défaut : le dossier des "
                                           "sauvegardes, avec rotation)")
    p.add_argument("--folder", metavar="DOSSIER", help="change le dossier des sauvegardes automatiques")
    p.set_defaults(func=cmd_backup)

    p = subparsers.add_parser("restore", help="liste les sauvegardes, ou restaure l'une d'elles")
    p.add_argument("file", nargs="?", metavar="FICHIER", help="sauvegarde à restaurer : chemin, ou numéro de la liste")
    p.add_argument("--list", action="store_true", help="liste les sauvegardes avec leur date et leur contenu")
    p.set_defaults(func=cmd_restore)
