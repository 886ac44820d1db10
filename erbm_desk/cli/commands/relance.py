"""`erbm-desk relance --siret SIRET FICHIER.pdf [--au JJ/MM/AAAA] [--mois AAAA-MM] [--releve FICHIER.xlsx]`: the
reminder letter to a titulaire company behind on its lots, with the monthly statement to send back (and, with
--releve, the same statement as a workbook to fill in and import)."""

from __future__ import annotations

from erbm_desk.cli.common import EXIT_OK, CliError, month_argument, open_db, output_path
from erbm_desk.cli.commands.bilan import TerminalProgress
from erbm_desk.cli.commands.clauses import date_argument


def document_date(s, args):
    """The date the document's figures stand at: --au, else the date of the data (as the dashboard's)."""
    from erbm_desk.services.reporting.dashboard_data import as_of_date
    from erbm_desk.services.reporting.indicators import Period

    return args.au or as_of_date(s, Period())


def cmd_relance(args) -> int:
    from erbm_desk.services.clauses.relance import SIGNATORY, DocumentError, write_relance
    from erbm_desk.services.exchange import write_releve
    from erbm_desk.services.exchange.releve import ReleveError

    out = output_path(args.out, ".pdf", "Le fichier de la lettre doit finir par .pdf : « {name} ».")
    workbook = output_path(args.releve, ".xlsx", "Le relevé doit finir par .xlsx : « {name} ».") \
        if args.releve else None
    db = open_db(args)
    try:
        with db.session() as s:
            as_of = document_date(s, args)
            summary = write_relance(s, args.siret, out, as_of, month=args.mois, signatory=args.signataire or SIGNATORY,
                                    progress=TerminalProgress())
            print(summary.message)
            if workbook is not None:
                print(write_releve(s, args.siret, args.mois or as_of, workbook).message)
    except (DocumentError, ReleveError) as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"Impossible d'écrire le fichier : {exc.strerror or exc}.") from None
    finally:
        db.close()
    return EXIT_OK


def register(subparsers) -> None:
    p = subparsers.add_parser("relance", help="lettre de relance (PDF) à une entreprise en retard sur ses lots")
    p.add_argument("out", metavar="FICHIER.pdf", help="la lettre à écrire (remplacée si elle existe)")
    p.add_argument("--siret", required=True, help="SIRET de l'entreprise titulaire")
    p.add_argument("--au", type=date_argument, metavar="JJ/MM/AAAA",
                   help="date de la situation (défaut : fin du dernier mois d'heures saisies)")
    p.add_argument("--mois", type=month_argument, metavar="AAAA-MM",
                   help="mois du relevé à retourner (défaut : celui de la situation)")
    p.add_argument("--releve", metavar="FICHIER.xlsx", help="écrit aussi le relevé d'heures au format Excel")
    p.add_argument("--signataire", help="nom et fonction sous la lettre")
    p.set_defaults(func=cmd_relance)
