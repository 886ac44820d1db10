"""`erbm-desk demo [--seed N] [--scale S]`: a new database filled with a deterministic demo dataset."""

from __future__ import annotations

import time

from erbm_desk.cli.common import EXIT_OK, CliError, open_db


def cmd_demo(args) -> int:
    from erbm_desk.services.database.demo import DemoError, generate_demo

    db = open_db(args)
    t0 = time.perf_counter()
    try:
        with db.session() as s:
            summary = generate_demo(s, seed=args.seed, scale=args.scale)
    except DemoError as exc:
        raise CliError(str(exc)) from None
    from erbm_desk.domain.french import format_count, format_number

    made = ", ".join(format_count(n, one, many) for n, one, many in (
        (summary.cites, "cité", None), (summary.operations, "opération", None),
        (summary.companies, "entreprise", None), (summary.beneficiaries, "bénéficiaire", None),
        (summary.contracts, "contrat", None), (summary.hours_entries, "mois d'heures", "mois d'heures")))
    print(f"Démonstration créée dans {db.label} en {format_number(time.perf_counter() - t0, 1)} s : {made}.")
    return EXIT_OK


def register(subparsers) -> None:
    p = subparsers.add_parser("demo", help="remplit une base avec des données de démonstration")
    p.add_argument("--seed", type=int, default=1, help="graine du générateur (défaut 1)")
    p.add_argument("--scale", type=float, default=1, help="échelle (1 = taille ERBM, 10 = dix fois plus)")
    p.set_defaults(func=cmd_demo)
