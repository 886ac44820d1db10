"""`erbm-desk clauses [--json] [--statut en-retard] [--par-entreprise] [scope] [period] [--au JJ/MM/AAAA]`: where
each lot's insertion clause stands (or each titulaire company's), as the « Suivi des clauses » page shows it."""

from __future__ import annotations

import json

from erbm_desk.domain.french import format_count
from erbm_desk.cli.common import (
    EXIT_OK,
    CliError,
    add_scope_arguments,
    open_db,
    scope_and_period,
)

STATUSES = ("en-avance", "dans-les-temps", "en-retard")


def date_argument(text: str):
    import argparse

    from erbm_desk.domain.values import parse_date

    try:
        return parse_date(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def follow_up(s, args):
    """(as_of, lot lines, company lines) asked for by the command's arguments."""
    from erbm_desk.domain.clauses import ClauseStatus
    from erbm_desk.services.clauses.obligations import ClauseFilter, company_lines, lot_lines
    from erbm_desk.services.clauses.parameters import clause_defaults
    from erbm_desk.services.reporting.dashboard_data import as_of_date
    from erbm_desk.services.reporting.scopes import scope_cites

    scope, period = scope_and_period(args)
    as_of = args.au or as_of_date(s, period)
    flt = ClauseFilter(cite_ids=scope_cites(s, scope), period=period,
                       status=ClauseStatus(args.statut) if args.statut else None)
    lots = lot_lines(s, as_of, flt)
    return as_of, lots, company_lines(lots, clause_defaults(s).tolerance)


def cmd_clauses(args) -> int:
    from erbm_desk.domain.clauses import months_of
    from erbm_desk.services.clauses.listing import (
        as_of_text,
        company_record,
        company_text,
        lot_record,
        lot_text,
        months_record,
    )
    from erbm_desk.services.reporting.indicators import ScopeError

    db = open_db(args)
    try:
        with db.session() as s:
            as_of, lots, companies = follow_up(s, args)
    except ScopeError as exc:
        raise CliError(str(exc)) from None
    finally:
        db.close()
    if args.json:
        by_company: dict[int, list] = {}
        for line in lots:
            by_company.setdefault(line.company_id, []).append(line)
        # each lot and titulaire month by month, as under the page's list
        out = {"as_of": as_of.isoformat(),
               "lots": [{**lot_record(line), "months": months_record(months_of([line], as_of))} for line in lots],
               "titulaires": [{**company_record(c), "months": months_record(months_of(by_company[c.id], as_of))}
                              for c in companies]}
        print(json.dumps(out, ensure_ascii=False, sort_keys=True))
        return EXIT_OK
    count = len(companies) if args.par_entreprise else len(lots)
    print(f"Suivi des clauses d'insertion {as_of_text(as_of)} — "
          f"{format_count(count, 'titulaire' if args.par_entreprise else 'lot')}")
    for line in (companies if args.par_entreprise else lots):
        print(company_text(line) if args.par_entreprise else lot_text(line))
    return EXIT_OK


def register(subparsers) -> None:
    p = subparsers.add_parser("clauses", help="suivi des clauses d'insertion : heures exigées, réalisées, "
                                              "attendues à date et retard de chaque lot")
    p.add_argument("--json", action="store_true", help="un objet JSON : les lots et les titulaires")
    p.add_argument("--statut", choices=STATUSES, help="seulement les lots de ce statut")
    p.add_argument("--par-entreprise", action="store_true", help="une ligne par entreprise titulaire")
    p.add_argument("--au", type=date_argument, metavar="JJ/MM/AAAA",
                   help="date du suivi (défaut : fin du dernier mois d'heures saisies, ou de --to)")
    add_scope_arguments(p)
    p.set_defaults(func=cmd_clauses)
