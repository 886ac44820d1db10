"""`erbm-desk audit [--verify] [--export OUT.csv|xlsx] [filters]`: the audit log (administrators)."""

from __future__ import annotations

from datetime import date

from erbm_desk.cli.common import EXIT_FAILED, EXIT_OK, CliError, open_db
from erbm_desk.domain.french import count_agreed


def _day(text: str) -> date:
    import argparse

    from erbm_desk.domain.values import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def cmd_audit(args) -> int:
    from erbm_desk.services.security.audit_chain import verify_audit_chain
    from erbm_desk.services.security.audit_reading import AuditFilter, export_entries, list_entries

    if args.key:
        from erbm_desk.services.security import audit_keys

        try:
            key = audit_keys.signing_key()
        except audit_keys.AuditKeyError as exc:
            raise CliError(str(exc)) from None
        print(f"Clé secrète du journal : {key.source} (empreinte {key.id}).")
        others = [k for k in audit_keys.available_keys().values() if k.id != key.id]
        for other in others:
            print(f"Autre clé disponible pour la vérification : {other.source} (empreinte {other.id}).")
        print("Gardez une copie de ce fichier en lieu sûr, hors de la base et de ses sauvegardes : sans lui, le "
              "journal ne peut plus être vérifié.")
        return EXIT_OK
    flt = AuditFilter(entity=args.entity, actor=args.actor, action=args.action, record_uuid=args.uuid,
                      since=args.since, until=args.until, text=args.search, limit=args.limit)
    db = open_db(args)
    code = EXIT_OK
    try:
        with db.session() as s:
            if args.verify:
                report = verify_audit_chain(s)
                print(report.message)
                for note in report.notes:
                    print(note)
                print(f"Empreinte de la dernière entrée : {report.head}")
                code = EXIT_OK if report.ok else EXIT_FAILED
            if args.export:
                try:
                    n = export_entries(s, args.export, flt)
                except (ValueError, OSError) as exc:
                    raise CliError(f"Export du journal impossible : {exc}") from None
                print(f"{count_agreed(n, 'entrée', 'exporté', True)} dans {args.export}.")
            if not args.verify and not args.export:
                for row in list_entries(s, flt):
                    print(f"{row.id:>6} {row.at:%d/%m/%Y %H:%M:%S} {row.actor:<18} {row.action_label:<20} "
                          f"{row.entity_label:<14} {row.record_uuid or '':<36} {row.describe()}")
    finally:
        db.close()
    return code


def register(subparsers) -> None:
    p = subparsers.add_parser("audit", help="journal des modifications : lister, vérifier, exporter (administrateur)")
    p.add_argument("--verify", action="store_true", help="vérifie le chaînage (détecte une modification hors de "
                                                          "l'application)")
    p.add_argument("--export", metavar="FICHIER", help="exporte en .csv ou .xlsx")
    p.add_argument("--cle", dest="key", action="store_true", help="indique où est la clé secrète qui scelle le "
                                                                  "journal, et son empreinte")
    p.add_argument("--entity", help="type d'enregistrement (beneficiary, contract, hours_entry…)")
    p.add_argument("--actor", help="utilisateur (partie du nom)")
    p.add_argument("--action", help="create, update, delete, bulk, erase, access, login, login_failed…")
    p.add_argument("--uuid", help="identifiant d'un enregistrement")
    p.add_argument("--since", type=_day, help="à partir du jour (JJ/MM/AAAA)")
    p.add_argument("--until", type=_day, help="jusqu'au jour inclus (JJ/MM/AAAA)")
    p.add_argument("--search", help="texte cherché dans les valeurs")
    p.add_argument("--limit", type=int, default=None, help="nombre maximal d'entrées")
    p.set_defaults(func=cmd_audit)
