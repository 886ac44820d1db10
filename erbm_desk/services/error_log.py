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
import sys
import threading
import traceback
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
        log.error("%s : %s\n%s", action, type(exc).__name__, details(exc))
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


def details(exc: BaseException) -> str:
    """The traceback of `exc` (and of its causes), as Python prints it but without the « ^^^ » markers: Python
    3.11 finds those by parsing source lines with `ast`, which is not safe while another thread does too (« AST
    constructor recursion depth mismatch »); without them this can run in any worker thread."""
    try:
        report = traceback.TracebackException(type(exc), exc, exc.__traceback__)
        seen: set[int] = set()
        pending = [report]
        while pending:
            current = pending.pop()
            if id(current) in seen:
                continue
            seen.add(id(current))
            for frame in current.stack:
                frame.colno = frame.end_colno = None
            pending.extend(c for c in (current.__cause__, current.__context__) if c is not None)
            pending.extend(getattr(current, "exceptions", None) or ())
        return "".join(report.format()).rstrip("\n")
    except Exception:  # noqa: BLE001 - the details must never become an error of their own
        return f"{type(exc).__name__}: {exc}"


class UnexpectedError(RuntimeError):
    """An error nobody foresaw, already said in French (`str()`: the one line for the user) and logged; the
    original exception is its `__cause__`."""


def for_user(exc: BaseException, action: str = "l'action") -> BaseException:
    """What the window hands to the code that asked for a job: the app's own refusals (its exception classes,
    and the French `ValueError`s its own code raises) as they are; anything else logged with its traceback and
    replaced by an `UnexpectedError` whose message is the one French line. Safe in any thread."""
    if not isinstance(exc, Exception) or is_own(exc):
        return exc
    said = UnexpectedError(unexpected(exc, action))
    said.__cause__ = exc
    return said


def short_reason(exc: BaseException) -> str:
    """What a job's failure (as `for_user` hands it on) comes to, in a few French words for a line beside a field
    rather than a dialog: the cause of an error nobody foresaw, an own refusal's words."""
    if isinstance(exc, UnexpectedError) and exc.__cause__ is not None:
        return reason(exc.__cause__)
    return str(exc).rstrip(".")


def is_own(exc: BaseException) -> bool:
    """A refusal the app words itself: an exception class of the app, or a `ValueError` raised by the app's code
    (its convention for a French refusal) rather than inside a library or the standard library (English)."""
    if type(exc).__module__.startswith("erbm_desk."):
        return True
    if type(exc) is ValueError:
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        return tb is not None and not _in_a_library(tb.tb_frame)
    return False


def _in_a_library(frame) -> bool:
    module = str(frame.f_globals.get("__name__", ""))
    if module.startswith("erbm_desk."):  # an installed app lives in site-packages too
        return False
    path = frame.f_code.co_filename.replace("\\", "/")
    return (module.split(".")[0] in sys.stdlib_module_names or "/site-packages/" in path
            or "/dist-packages/" in path)
