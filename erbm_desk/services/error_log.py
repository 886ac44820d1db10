"""The application's log file, and the one French line a user gets for an error nobody expected.

Every top-level path (the CLI's `main`, the window's jobs and its start-up) hands an exception it does not know
to `unexpected(exc, action)`: the details (traceback) go to a rotating log file in the user's log folder
(platformdirs: `~/.local/state/ERBM Desk/log` on Linux, `%LOCALAPPDATA%\\ERBM\\ERBM Desk\\Logs` on Windows; or
`$ERBM_DESK_LOG_DIR`), and the user reads one French sentence that names that folder — never a traceback.

Nothing personal is logged on purpose: SQL parameters are left out of database errors (`hide_parameters` on
every engine, db/engine.py), and messages are written as the exception gives them.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import threading
from pathlib import Path

from erbm_desk.services.error_messages import is_known, reason

LOG_NAME = "erbm-desk.log"
LOG_BYTES = 1024 * 1024
LOG_BACKUPS = 5
LOG_DIR_ENV = "ERBM_DESK_LOG_DIR"

_lock = threading.Lock()
_handler: logging.Handler | None = None
log = logging.getLogger("erbm_desk")


def log_folder() -> Path:
    """Where the log file is (not created here)."""
    chosen = os.environ.get(LOG_DIR_ENV)
    if chosen:
        return Path(chosen)
    from platformdirs import user_log_path

    from erbm_desk.paths import APP_AUTHOR, APP_NAME

    return user_log_path(APP_NAME, APP_AUTHOR)


class _QuietFileHandler(logging.handlers.RotatingFileHandler):
    """A log file that cannot be written (full disk, folder gone) is given up silently: logging's own report of the
    failure is a traceback on the user's screen."""

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        pass


def install_log_file() -> Path | None:
    """Send the `erbm_desk` loggers' warnings and errors to the rotating log file (once per folder); its path,
    or None when the folder cannot be written (then nothing is logged, and nothing fails)."""
    global _handler
    folder = log_folder()
    path = folder / LOG_NAME
    with _lock:
        if _handler is not None and getattr(_handler, "baseFilename", None) == str(path):
            return path
        try:
            folder.mkdir(parents=True, exist_ok=True)
            handler = _QuietFileHandler(path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8",
                                        delay=True)
        except OSError:
            return None
        handler.setLevel(logging.INFO)
        handler.setFormatter(logging.Formatter("%(asctime)s %(process)d %(threadName)s %(levelname)s %(name)s : "
                                               "%(message)s"))
        if _handler is not None:
            log.removeHandler(_handler)
            _handler.close()
        log.addHandler(handler)
        if log.level == logging.NOTSET or log.level > logging.INFO:
            log.setLevel(logging.INFO)
        _handler = handler
        return path


def write_details(exc: BaseException, action: str) -> Path | None:
    """The exception and its traceback in the log file; the file's path, or None if it could not be written."""
    path = install_log_file()
    if path is None:
        return None
    try:
        log.error("%s : %s", action, type(exc).__name__, exc_info=(type(exc), exc, exc.__traceback__))
        if _handler is not None:
            _handler.flush()
    except Exception:  # noqa: BLE001 - a log that cannot be written must not hide the error itself
        return None
    return path


def unexpected(exc: BaseException, action: str = "l'action") -> str:
    """One French line for an error the code did not foresee (or a system cause it did not catch): what failed,
    why when it is known (disk full, read-only, base busy…), and where the details were written."""
    path = write_details(exc, action)
    why = reason(exc)
    where = (f"Détails dans le journal de l'application : « {path.parent} »." if path is not None
             else "Le journal de l'application n'a pas pu être écrit.")
    if is_known(exc):
        return f"Échec de {action} : {why}. {where}"
    return f"Erreur inattendue pendant {action} ({type(exc).__name__}) : l'action n'a pas abouti. {where}"
