"""`erbm-desk gdpr export|erase|retention`: the rights of a beneficiary and the retention period."""

from __future__ import annotations

from erbm_desk.domain.french import agreed, count_agreed, format_count, format_date
from erbm_desk.cli.common import EXIT_OK, CliError, open_db


def cmd_export(args) -> int:
    from erbm_desk.services.security import gdpr

    db = open_db(args)
    try:
        with db.session() as s:
            bid = gdpr.find_beneficiary(s, args.person)
            path = gdpr.export_person(s, bid, args.out)
    except gdpr.GdprError as exc:
        raise CliError(str(exc)) from None
    finally:
        db.close()
    print(f"Données du bénéficiaire n° {bid} exportées dans {path}.")
    return EXIT_OK


def cmd_erase(args) -> int:
    from erbm_desk.services.security import gdpr

    db = open_db(args)
    try:
        with db.session() as s:
            bid = gdpr.find_beneficiary(s, args.person)
        if not args.yes:
            raise CliError(f"L'effacement de l'identité du bénéficiaire n° {bid} est définitif : relancez avec --yes "
                           "pour confirmer.")
        report = gdpr.erase_and_vacuum(db, [bid], reason=args.reason)[0]
    except gdpr.GdprError as exc:
        raise CliError(str(exc)) from None
    finally:
        db.close()
    print(f"Identité du bénéficiaire n° {bid} effacée (désormais « {report.pseudonym} ») ; "
          f"{count_agreed(report.contracts, 'contrat', 'conservé')} sans identité ; "
          f"{format_count(report.audit_entries_scrubbed, 'entrée')} du journal "
          f"{agreed(report.audit_entries_scrubbed, 'nettoyé', True)}.")
    if report.backups is not None:
        print(report.backups.message())
    return EXIT_OK


def cmd_retention(args) -> int:
    from erbm_desk.services.security import authz, gdpr

    db = open_db(args)
    try:
        with db.session() as s:
            authz.require(s, authz.GDPR_ERASE)
            years = args.years or gdpr.retention_years(s)
            due = gdpr.due_for_retention(s, years=years)
        if not due:
            print(f"Aucun parcours terminé depuis plus de {years} ans : rien à anonymiser.")
            return EXIT_OK
        for c in due:
            print(f"{c.beneficiary_id:>6}  {c.label:<40} parcours terminé le {format_date(c.path_end)}")
        print(gdpr.retention_message(due, years))
        if args.apply:
            if not args.yes:
                raise CliError("L'anonymisation est définitive : relancez avec --apply --yes pour confirmer.")
            reports = gdpr.erase_and_vacuum(db, [c.beneficiary_id for c in due],
                                            reason=f"durée de conservation ({years} ans)")
            print(f"{count_agreed(len(due), 'bénéficiaire', 'anonymisé')}.")
            if reports and reports[0].backups is not None:
                print(reports[0].backups.message())
    finally:
        db.close()
    return EXIT_OK


def register(subparsers) -> None:
    p = subparsers.add_parser("gdpr", help="droits des personnes (RGPD) : accès, effacement, durée de conservation")
    sub = p.add_subparsers(dest="gdpr_command", parser_class=type(p), metavar="ACTION")
    sub.required = True
    a = sub.add_parser("export", help="exporte toutes les données d'une personne (droit d'accès)")
    a.add_argument("person", help="numéro, UUID, pseudonyme ou « NOM Prénom »")
    a.add_argument("--out", required=True, help="classeur .xlsx à écrire")
    a.set_defaults(func=cmd_export)
    a = sub.add_parser("erase", help="efface l'identité d'une personne (droit à l'effacement)")
    a.add_argument("person", help="numéro, UUID, pseudonyme ou « NOM Prénom »")
    a.add_argument("--reason", default="demande de la personne", help="motif inscrit au journal")
    a.add_argument("--yes", action="store_true", help="confirme l'effacement (définitif)")
    a.set_defaults(func=cmd_erase)
    a = sub.add_parser("retention", help="liste (et avec --apply --yes anonymise) les parcours terminés depuis "
                                         "plus de N ans")
    a.add_argument("--years", type=int, help="durée de conservation (défaut : réglage de la base, 5 ans)")
    a.add_argument("--apply", action="store_true", help="anonymise les personnes listées")
    a.add_argument("--yes", action="store_true", help="confirme l'anonymisation (définitive)")
    a.set_defaults(func=cmd_retention)
