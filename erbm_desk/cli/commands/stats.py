"""`erbm-desk stats [--json] [scope] [period]`: the indicators and the comité sentence."""

from __future__ import annotations

import json

from erbm_desk.cli.common import EXIT_OK, CliError, add_scope_arguments, open_db, scope_and_period


def cmd_stats(args) -> int:
    from erbm_desk.domain import indicator_texts as texts
    from erbm_desk.domain.french import format_hours, format_int, format_money, format_percent
    from erbm_desk.services.reporting.engine import report
    from erbm_desk.services.reporting.indicators import ScopeError

    db = open_db(args)
    scope, period = scope_and_period(args)
    with db.session() as s:
        try:
            ind = report(s, scope, period).total
        except ScopeError as exc:
            raise CliError(str(exc)) from None
    if args.json:
        print(json.dumps(ind.to_json(), ensure_ascii=False, sort_keys=True))
        return EXIT_OK
    rate = f" ({format_percent(ind.hours_rate)})" if ind.hours_rate is not None else ""
    lines = [
        ind.scope_label,
        ind.sentence + ".",
        f"Heures réalisées / exigées : {format_hours(ind.hours_realised)} / {format_hours(ind.hours_required)}{rate}",
        f"{texts.PEOPLE_LABEL} : {format_int(ind.people)} (RSA {ind.people_rsa}, moins de 26 ans "
        f"{ind.people_under_26}, DELD dont DETLD {ind.people_deld}, femmes {ind.people_women}, QPV {ind.people_qpv})",
        f"{texts.CONTRACTS_LABEL} : {texts.contracts_text(ind)} — opérations : {ind.operations}",
        f"Logements prévus / en travaux / livrés : {format_int(ind.homes_planned)} / {format_int(ind.homes_in_works)} / "
        f"{format_int(ind.homes_delivered)} (objectif {format_int(ind.homes_target)})",
        f"Financements : {format_money(ind.funding_total)}",
    ]
    lines += [f"{label} : {value}" for label, value in texts.path_lines(ind) if label != texts.CONTRACTS_LABEL]
    lines.append("Par public (personnes / heures) : " + " ; ".join(
        f"{label} {format_int(n)} / {format_hours(h)} h" for label, n, h in texts.public_rows(ind)))
    if ind.hours_by_company_kind:
        lines.append("Par type d'entreprise (personnes / heures) : " + " ; ".join(
            f"{label} {format_int(n)} / {format_hours(h)} h" for label, n, h in texts.company_kind_rows(ind)))
    if ind.exits:
        lines.append("Sorties par motif : " + " ; ".join(f"{label} {format_int(n)}"
                                                          for label, n in texts.outcome_rows(ind) if n))
    if ind.data_problems:
        lines.append("Données à compléter :")
        lines += [f"  - {problem}" for problem in ind.data_problems]
    lines.append("Définitions des indicateurs : docs/indicateurs.md")
    print("\n".join(lines))
    return EXIT_OK


def register(subparsers) -> None:
    p = subparsers.add_parser("stats", help="indicateurs pour un périmètre et une période")
    p.add_argument("--json", action="store_true", help="un objet JSON sur la sortie standard")
    add_scope_arguments(p)
    p.set_defaults(func=cmd_stats)
