"""`erbm-desk check`: the full integrity check of a database, what can be checked of a server database, and who
has the file open."""

from __future__ import annotations

from pathlib import Path

from erbm_desk.cli.common import EXIT_FAILED, EXIT_OK


def cmd_check(args) -> int:
    from erbm_desk.services.database.integrity import full_check
    from erbm_desk.services.database.locking import lock_holder
    from erbm_desk.services.database.network_drive import network_filesystem, network_warning

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
    p = subparsers.add_parser("check", help="vérifie l'intégrité complète de la base")
    p.set_defaults(func=cmd_check)
