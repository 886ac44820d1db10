"""`erbm-desk export`, `erbm-desk import` and `erbm-desk releve`: the Excel exchange from the command line.

`import` exits 0 when the workbook is imported (or had nothing new), 1 when the file has errors or conflicts
left to settle (nothing written), 2 for bad arguments.
"""

from __future__ import annotations

from pathlib import Path

from erbm_desk.cli.common import (
    EXIT_OK,
    CliError,
    add_scope_arguments,
    dry_run_said,
    month_argument,
    open_db,
    output_path,
    refused_import,
    scope_and_period,
)
from erbm_desk.domain.french import format_count

CONFLICT_CHOICES = {"local": "local", "fichier": "file"}
MAX_LISTED = 50


def _output(path_text: str) -> Path:
    return output_path(path_text, ".xlsx", "Le fichier à écrire doit avoir l'extension .xlsx : « {name} ».")


def cmd_export(args) -> int:
    from erbm_desk.services.exchange import ExportOptions, export_workbook
    from erbm_desk.services.reporting.indicators import ScopeError

    out = _output(args.out)
    scope, period = scope_and_period(args)
    db = open_db(args)
    options = ExportOptions(scope, period, anonymous=not args.nominatif, organisation=args.organisation or "")
    return _write(db, out, lambda s: export_workbook(s, out, options), ScopeError)


def _write(db, out: Path, write, refusal: type[Exception]) -> int:
    """Run `write(session)` in one transaction; its refusals and file errors become one French line."""
    try:
        with db.session() as s:
            summary = write(s)
    except refusal as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"Impossible d'écrire « {out} » : {exc.strerror or exc}.") from None
    print(summary.message)
    return EXIT_OK


def _print_problems(plan) -> None:
    for problem in plan.errors[:MAX_LISTED]:
        print(f"Erreur — {problem}")
    if len(plan.errors) > MAX_LISTED:
        print(f"… et {len(plan.errors) - MAX_LISTED} autres erreurs.")
    for problem in plan.notices[:MAX_LISTED]:
        print(f"Remarque — {problem}")


def _print_conflicts(plan) -> None:
    for c in plan.conflicts[:MAX_LISTED]:
        changes = " ; ".join(f"{label} : ici « {mine} », fichier « {theirs} »" for label, mine, theirs in c.differences)
        print(f"Conflit — feuille « {c.sheet} », ligne {c.row} ({c.label}) : {changes}")
    if len(plan.conflicts) > MAX_LISTED:
        print(f"… et {len(plan.conflicts) - MAX_LISTED} autres conflits.")


def _backup_first(db) -> None:
    """A copy of the database before an import writes anything (services/backup.py)."""
    from erbm_desk.services.backup.copies import backup_before
    from erbm_desk.services.backup.location import BackupError

    try:
        backup_before(db, "import")
    except BackupError as exc:
        raise CliError(f"La sauvegarde avant import a échoué : {exc} Rien n'a été importé.") from None


def cmd_import(args) -> int:
    from erbm_desk.services.exchange import ExcelFileError, apply_import, plan_import
    from erbm_desk.services.exchange.apply import PlanNotReady

    if getattr(args, "mapping", None):  # a workbook of another layout (cli/commands/mappings.py)
        from erbm_desk.cli.commands.mappings import import_with_mapping

        code = import_with_mapping(args)
        if code is not None:
            return code
    path = Path(args.file).expanduser()
    db = open_db(args)
    try:
        with db.session() as s:
            plan = plan_import(s, path)
            print("\n".join(plan.summary_lines()))
            _print_problems(plan)
            if not plan.ok:
                raise refused_import(len(plan.errors), path.name)
            _print_conflicts(plan)
            if args.conflicts:
                for c in plan.conflicts:
                    c.choice = CONFLICT_CHOICES[args.conflicts]
            if plan.unresolved:
                raise CliError(f"{format_count(len(plan.unresolved), 'conflit')} : rien n'a été importé. Choisissez "
                               "la version à garder avec --conflits local ou --conflits fichier.")
            if args.dry_run:
                print(dry_run_said(plan.writes))
                return EXIT_OK
            if plan.writes:
                _backup_first(db)
            summary = apply_import(s, plan, check_database=False)
    except ExcelFileError as exc:
        raise CliError(f"{exc}{_mapping_hint(path, exc)}") from None
    except PlanNotReady as exc:
        raise CliError(str(exc)) from None
    print(summary.message)
    return EXIT_OK


def _mapping_hint(path: Path, exc: Exception) -> str:
    """A file of another layout (or a .csv, an .ods) goes in through a mapping: say how."""
    if path.suffix.lower() in (".csv", ".ods") or "aucune feuille du format" in str(exc):
        return f" Pour un fichier d'une autre forme : erbm-desk import « {path.name} » --mapping auto."
    return ""


def cmd_releve(args) -> int:
    from erbm_desk.services.exchange import write_releve
    from erbm_desk.services.exchange.releve import ReleveError

    out = _output(args.out)
    db = open_db(args)
    return _write(db, out, lambda s: write_releve(s, args.siret, args.mois, out), ReleveError)


def register(subparsers) -> None:
    p = subparsers.add_parser("export", help="classeur Excel d'échange pour le comité (anonyme par défaut)")
    p.add_argument("out", metavar="FICHIER.xlsx", help="classeur à écrire")
    p.add_argument("--nominatif", action="store_true",
                   help="avec noms et dates de naissance (entre sites autorisés à partager les identités)")
    p.add_argument("--organisation", help="nom de l'organisation source, écrit dans la feuille Lisez-moi")
    add_scope_arguments(p)
    p.set_defaults(func=cmd_export)

    p = subparsers.add_parser("import", help="importe un classeur d'échange, un relevé d'heures, ou avec --mapping "
                                             "un classeur (.xlsx, .ods, .csv) d'une autre forme")
    p.add_argument("file", metavar="FICHIER.xlsx", help="classeur à importer")
    p.add_argument("--mapping", metavar="auto|FICHIER.json|NOM",
                   help="classeur d'une autre forme : correspondance automatique (auto), d'un fichier JSON ou "
                        "enregistrée sous NOM")
    p.add_argument("--enregistrer", dest="save_mapping", metavar="NOM",
                   help="avec --mapping : enregistre la correspondance sous NOM pour les prochains fichiers")
    p.add_argument("--dry-run", action="store_true", help="vérifie et montre l'aperçu sans rien enregistrer")
    p.add_argument("--conflits", dest="conflicts", choices=sorted(CONFLICT_CHOICES),
                   help="en cas de conflit, garder la version locale ou celle du fichier")
    p.set_defaults(func=cmd_import)

    p = subparsers.add_parser("releve", help="relevé mensuel d'heures à faire remplir par une entreprise")
    p.add_argument("--siret", required=True, help="SIRET de l'entreprise")
    p.add_argument("--mois", required=True, type=month_argument, help="mois du relevé (AAAA-MM)")
    p.add_argument("out", metavar="FICHIER.xlsx", help="classeur à écrire")
    p.set_defaults(func=cmd_releve)

