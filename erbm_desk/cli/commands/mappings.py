"""`erbm-desk import FICHIER --mapping auto|MAPPING.json|NOM` (a workbook, .ods or CSV file of any layout) and
`erbm-desk mappings [--export NOM FICHIER]`: the same steps as the window's import wizard.

`--mapping auto` imports only when every column, value and required field is matched without doubt; otherwise
it lists, in French, what is unmapped or ambiguous and exits 1 having written nothing. A file with errors is
refused the same way; `--dry-run` shows the review and writes nothing.
"""

from __future__ import annotations

from pathlib import Path

from erbm_desk.cli.common import EXIT_OK, EXIT_USAGE, CliError, dry_run_said, open_db, refused_import
from erbm_desk.domain.french import count_agreed

MAX_LISTED = 50


def _intake(session, book, choice: str):
    from erbm_desk.services.exchange.mapping.intake import Intake
    from erbm_desk.services.exchange.mapping.model import MappingFileError
    from erbm_desk.services.exchange.mapping.saved import get_mapping, list_mappings, read_mapping_file

    if choice == "auto":
        return Intake.of(book, [m.mapping for m in list_mappings(session)])
    try:
        if Path(choice).expanduser().is_file():
            wanted = read_mapping_file(Path(choice).expanduser())
        else:
            saved = get_mapping(session, choice)
            if saved is None:
                raise CliError(f"Aucune correspondance « {choice} » : ni fichier, ni correspondance enregistrée "
                               "(voir « erbm-desk mappings »).", EXIT_USAGE)
            wanted = saved.mapping
    except MappingFileError as exc:
        raise CliError(str(exc)) from None
    intake = Intake.of(book, [wanted])
    if intake.saved_name != wanted.name:
        raise CliError(f"La correspondance « {wanted.name} » ne convient pas à « {book.path.name} » : ses "
                       "feuilles ou ses en-têtes sont différents. Rien n'a été importé.")
    return intake


def _describe(intake) -> None:
    from erbm_desk.services.exchange.mapping.columns import IGNORED, STATE_LABELS
    from erbm_desk.services.exchange.mapping.fields import MONTH_HOURS, targets

    origin = (f"correspondance enregistrée « {intake.saved_name} »" if intake.saved_name
              else "proposée automatiquement")
    notes = f" ({', '.join(intake.book.notes)})" if intake.book.notes else ""
    print(f"{intake.book.path.name}{notes} — {origin}")
    for sm in intake.mapping.sheets:
        months = sum(1 for c in sm.columns if c.target == MONTH_HOURS)
        fields = [f"{c.header} → {targets()[c.target].label}" for c in sm.columns
                  if c.target and c.target != MONTH_HOURS]
        print(f"  Feuille « {sm.sheet} », en-tête ligne {sm.header_row} : "
              f"{count_agreed(len(fields), 'colonne', 'associé', True)}"
              + (f", {months} mois" if months else ""))
        for line in fields:
            print(f"    {line}")
        for p in intake.proposals.get(sm.sheet, ()):
            if not sm.target_of(p.index):
                state = "ignorée" if p.state == IGNORED else f"{STATE_LABELS[p.state]}, ignorée"
                print(f"    {p.header} — {state}" + (f" : {p.reason}" if p.reason else ""))
    if intake.mapping.year:
        print(f"  Année des colonnes de mois : {intake.mapping.year}")


def import_with_mapping(args) -> int | None:
    """`erbm-desk import FICHIER --mapping …`; None for our own exchange workbook, imported as always by the
    caller."""
    from erbm_desk.services.exchange import ExcelFileError
    from erbm_desk.services.exchange.apply import PlanNotReady
    from erbm_desk.services.exchange.mapping.intake import analyse, apply_review, review
    from erbm_desk.services.exchange.mapping.source import is_own_format, read_source

    path = Path(args.file).expanduser()
    try:
        book = read_source(path)
    except ExcelFileError as exc:
        raise CliError(str(exc)) from None
    if is_own_format(book):
        print(f"« {path.name} » est un classeur d'échange ERBM Desk : importé tel quel.")
        return None
    db = open_db(args)
    try:
        with db.sessions() as s:
            intake = _intake(s, book, args.mapping)
            _describe(intake)
            analysis = analyse(s, intake)
            if analysis.gaps:
                print("Correspondance incomplète :")
                for gap in analysis.gaps[:MAX_LISTED]:
                    print(f"  - {gap.message}")
                raise CliError("la correspondance n'est pas complète : rien n'a été importé. Complétez-la dans "
                               "l'assistant d'import de la fenêtre, ou avec --mapping FICHIER.json.")
            result = review(s, intake, analysis)
        print("\n".join(result.summary_lines()))
        for notice in result.notices[:MAX_LISTED]:
            print(f"Remarque — {notice}")
        for change in result.changes[:MAX_LISTED]:
            what = " ; ".join(f"{column} : « {here} » → « {there} »" for column, here, there in change.differences)
            print(f"Modification — feuille « {change.sheet} », ligne {change.row} ({change.label}) : {what}")
        for problem in result.problems[:MAX_LISTED]:
            print(f"Erreur — {problem}")
        if len(result.problems) > MAX_LISTED:
            print(f"… et {len(result.problems) - MAX_LISTED} autres erreurs.")
        if not result.ok:
            raise refused_import(len(result.problems), path.name)
        if args.dry_run:
            print(dry_run_said(result.writes))
            return EXIT_OK
        save_as = args.save_mapping or intake.saved_name
        summary = apply_review(db, intake, result, save_as=save_as)
    except ExcelFileError as exc:
        raise CliError(str(exc)) from None
    except PlanNotReady as exc:
        raise CliError(str(exc)) from None
    except Exception as exc:
        from erbm_desk.services.backup.location import BackupError

        if isinstance(exc, BackupError):
            raise CliError(f"La sauvegarde avant import a échoué : {exc} Rien n'a été importé.") from None
        raise
    print(summary.message)
    if save_as:
        print(f"Correspondance enregistrée sous « {save_as} ».")
    return EXIT_OK


def cmd_mappings(args) -> int:
    from erbm_desk.domain.french import format_datetime
    from erbm_desk.services.exchange.mapping.saved import export_mapping, get_mapping, list_mappings

    db = open_db(args)
    with db.sessions() as s:
        if args.export:
            name, target = args.export
            saved = get_mapping(s, name)
            if saved is None:
                raise CliError(f"Aucune correspondance enregistrée sous « {name} ».")
            try:
                export_mapping(saved.mapping, Path(target).expanduser())
            except OSError as exc:
                raise CliError(f"Impossible d'écrire « {target} » : {exc.strerror or exc}.") from None
            print(f"Correspondance « {name} » écrite dans « {target} ».")
            return EXIT_OK
        saved = list_mappings(s)
    if not saved:
        print("Aucune correspondance enregistrée.")
    for m in saved:
        used = format_datetime(m.last_used_at) if m.last_used_at else "jamais"
        print(f"{m.name} — {m.description} — dernier usage : {used}")
    return EXIT_OK


def register(subparsers) -> None:
    p = subparsers.add_parser("mappings", help="correspondances d'import enregistrées (classeurs d'autres formes)")
    p.add_argument("--export", nargs=2, metavar=("NOM", "FICHIER"), help="écrit la correspondance NOM en JSON")
    p.set_defaults(func=cmd_mappings)
