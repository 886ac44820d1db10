"""Where the app finds its shipped files and keeps the user's data."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "ERBM Desk"
APP_AUTHOR = "ERBM"


def install_root() -> Path:
    """Folder holding `seeds/` and `resources/`: the repository in development, the bundle when frozen."""
    frozen = getattr(sys, "_MEIPASS", None)
    return Path(frozen) if frozen else Path(__file__).resolve().parent.parent


SEEDS_DIR = install_root() / "seeds"
RESOURCES_DIR = install_root() / "resources"


def data_dir() -> Path:
    return user_data_path(APP_NAME, APP_AUTHOR, ensure_exists=True)


def default_database() -> str:
    """`ERBM_DESK_DB` when set, else `erbm-desk.sqlite` in the user's data folder."""
    return os.environ.get("ERBM_DESK_DB") or str(data_dir() / "erbm-desk.sqlite")
