"""CLI subcommands that live with their feature (export, import, bilan, backup…).

Each module here defines `register(subparsers)`; `erbm_desk.cli.main` discovers them, so adding a command
touches no shared file. Commands call the services, exactly as the window does.
"""

from __future__ import annotations

import importlib
import pkgutil


def register_all(subparsers) -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        importlib.import_module(f"{__name__}.{info.name}").register(subparsers)
