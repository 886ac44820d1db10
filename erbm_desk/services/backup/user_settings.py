"""The user's settings that must be readable without any database: a small JSON file in the user's config folder.

Why a file and not a table: the backup folder is needed precisely when the database cannot be opened (damaged
file, schema from a newer version), must not live inside the file it protects, and must not go back in time
when a backup is restored. Written atomically; an unreadable file counts as empty, never as an error.
(The settings stored IN a database, shared by everyone who opens it, are `services.security.database_settings`.)
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from platformdirs import user_config_path

from erbm_desk.paths import APP_AUTHOR, APP_NAME
from erbm_desk.services.atomic_files import atomic_path


def settings_file() -> Path:
    return user_config_path(APP_NAME, APP_AUTHOR, ensure_exists=True) / "settings.json"


def load_user_settings() -> dict[str, Any]:
    try:
        data = json.loads(settings_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def read_user_setting(key: str, default: Any = None) -> Any:
    return load_user_settings().get(key, default)


def write_user_setting(key: str, value: Any) -> None:
    """Set (or with None, remove) one key, keeping the others."""
    data = load_user_settings()
    if value is None:
        data.pop(key, None)
    else:
        data[key] = value
    with atomic_path(settings_file()) as tmp:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
