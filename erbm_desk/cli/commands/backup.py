"""`erbm-desk backup [DEST]`, `erbm-desk restore [FILE]` and `erbm-desk check`: data safety from the shell."""

from __future__ import annotations

from pathlib import Path

from erbm_desk.cli.common import EXIT_FAILED, EXIT_OK, CliError


def _sqlite_path(args) -> Path:
    from erbm_desk.db.engine import database_url

    url = database_url(args.db)
    if not url.startswith("sqlite:///"):
        raise CliError("Cette base est sur un serveur PostgreSQL : ses sauvegardes et restaurations se font sur le "
                       "serveur (pg_dump / pg_restore).")
    return Path(url.removeprefix("sqlite:///"))


def _require(args, path: Path, permission: str) -> None:
    """The signed-in user (or the system user of a personal database) must hold `permission`. A copy of the
    file holds every identity; a restore replaces everyone's work. A damaged file is not opened: restoring it
    is a rescue, and whoever can damage the file can replace it anyway."""
    from erbm_desk.cli.common import open_db
    from erbm_desk.services.security import authz
    from erbm_desk.services.backup import copies as backups

    if not path.is_file() or (backups.header_ok(path) and backups.check_file(path)):
        return
    db = open_db(args)
    try:
        with db.session() as s:
            authz.require(s, permission)
    finally:
        db.close()


def cmd_backup(args) -> int:
    from erbm_desk.services.backup import copies as backups

    if args.folder:
        try:
            folder = backups.set_backup_root(args.folder)
        except backups.BackupError as exc:
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
        info = backups.save_copy(path, args.dest) if args.dest else backups.backup_database(path, "manuelle")
    except backups.BackupError as exc:
        raise CliError(str(exc)) from None
    print(f"Sauvegarde écrite : {info.path}")
    print(f"Contenu : {info.summary()}.")
    return EXIT_OK


def _print_list(path: Path) -> int:
    from erbm_desk.services.backup import copies as backups

    saved = backups.list_backups(path)
    folder = backups.backup_folder(path)
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
    from erbm_desk.services.backup import copies as backups

    path = _sqlite_path(args)
    if args.list or not args.file:
        return _print_list(path)
    chosen = Path(args.file).expanduser()
    if args.file.isdigit() and not chosen.exists():
        saved = backups.list_backups(path)
        index = int(args.file)
        if not 1 <= index <= len(saved):
            raise CliError(f"Pas de sauvegarde numéro {index} : voir « erbm-desk restore --list ».")
        chosen = saved[index - 1].path
    from erbm_desk.services.security import authz

    _require(args, path, authz.DATABASE_ADMIN)
    try:
        result = backups.restore_backup(path, chosen)
    except backups.BackupError as exc:
        raise CliError(str(exc)) from None
    from erbm_desk.cli.common import open_db

    db = open_db(args)  # brings an older schema up to date, and checks the result
    try:
        counts = db.counts()
    finally:
        db.close()
    print(f"Base « {path.name} » restaurée depuis la sauvegarde du {result.restored.date_label}.")
    print(f"Contenu : {backups.describe_counts(counts)}.")
    if result.previous_state:
        print(f"L'état remplacé a été sauvegardé : {result.previous_state}")
    if result.damaged_copy:
        print(f"Le fichier endommagé a été gardé à part : {result.damaged_copy}")
    for note in result.notes:
        print(note)
    return EXIT_OK


def cmd_check(args) -> int:
    from erbm_desk.services.database.integrity import full_check
    from erbm_desk.services.database.locking import lock_holder, network_filesystem, network_warning

    report = full_check(args.db)
    for line in report.lines:
        print(line)
    if "://" not in args.db and Path(args.db).is_file():
        holder = lock_holder(args.db)
        if holder is not None:
            print(f"Ouverte en écriture en ce moment par {holder.describe()}.")
        fs = network_filesystem(args.db)
        if fs:
            print(network_warning(args.db, fs))
    return EXIT_OK if report.ok else EXIT_FAILED


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

    p = subparsers.add_parser("check", help="vérifie l'intégrité complète de la base")
    p.set_defaults(func=cmd_check)
