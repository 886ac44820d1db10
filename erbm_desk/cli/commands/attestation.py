"""`erbm-desk attestation --lot ID FICHIER.pdf [--au JJ/MM/AAAA]`: the attestation de bonne exécution de la clause
d'insertion of a finished lot (its number is the « N° » of the « Suivi des clauses » page, « lot_id » in
`erbm-desk clauses --json`)."""

from __future__ import annotations

from erbm_desk.cli.common import EXIT_OK, CliError, open_db, output_path
from erbm_desk.cli.commands.bilan import TerminalProgress
from erbm_desk.cli.commands.clauses import date_argument
from erbm_desk.cli.commands.relance import document_date


def cmd_attestation(args) -> int:
    from erbm_desk.services.clauses.attestation import write_attestation
    from erbm_desk.services.clauses.relance import DocumentError

    out = output_path(args.out, ".pdf", "Le fichier de l'attestation doit finir par .pdf : « {name} ».")
    db = open_db(args)
    try:
        with db.session() as s:
            summary = write_attestation(s, args.lot, out, document_date(s, args), signatory=args.signataire or "",
                                        allow_unfinished=args.non_termine, progress=TerminalProgress())
    except DocumentError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"Impossible d'écrire « {out} » : {exc.strerror or exc}.") from None
    finally:
        db.close()
    print(summary.message)
    return EXIT_OK


def register(subparsers) -> None:
    p = subparsers.add_parser("attestation", help="attestation de bonne exécution de la clause d'un lot terminé")
    p.add_argument("out", metavar="FICHIER.pdf", help="l'attestation à écrire (remplacée si elle existe)")
    p.add_argument("--lot", type=int, required=True, metavar="ID", help="numéro du lot (colonne « N° » du suivi)")
    p.add_argument("--au", type=date_argument, metavar="JJ/MM/AAAA",
                   help="date de la situation (défaut : fin du dernier mois d'heures saisies)")
    p.add_argument("--non-termine", action="store_true", help="attester un lot dont l'exécution n'est pas finie")
    p.add_argument("--signataire", help="nom et fonction sous l'attestation")
    p.set_defaults(func=cmd_attestation)
